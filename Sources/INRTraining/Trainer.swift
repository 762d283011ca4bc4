import Foundation
import INRCore
import INRNetwork

/// Fits a network to an image: the engine of inr.
///
///     ┌─────────────────────────── step() ────────────────────────────┐
///     │ sampler ─► batch ─► tiles ─► encode ─► MLP forward ─► loss    │
///     │                       (parallel, one gradient buffer per chunk)│
///     │ Σ chunk gradients in chunk order ◄─ MLP backward ◄─────┘      │
///     │   + L1 penalty ─► optimizer ─► parameters                    │
///     │ best PSNR so far ─► snapshot (weights + encoding state)       │
///     └───────────────────────────────────────────────────────────────┘
///
/// A batch is cut into tiles of `tileRows` samples and the tiles into a fixed number of chunks,
/// each with its own gradient buffer; threads take chunks in any order and the buffers are
/// summed in chunk order, so a seed gives the same weights on any thread count.
public final class Trainer {
    public struct Settings: Sendable {
        public var steps: Int
        public var learningRate: Float
        /// Steps between full-image evaluations when training on mini-batches (full-batch
        /// steps evaluate the whole image every step).
        public var evaluationInterval: Int
        /// λ of the L1 penalty λ·Σ|w| on the weights (Strümpler et al. 2022).
        public var l1WeightPenalty: Float
        /// Stop after this many seconds of fitting.
        public var timeLimit: Double?
        /// Whether an adaptive encoding (SAPE) keeps adapting; fine-tuning freezes it.
        public var adaptEncoding: Bool
        /// The weights the network computes with (quantisation-aware training), if not the
        /// optimised ones themselves. PSNRs, the best snapshot's PSNR and renders all use the
        /// transformed weights; the snapshot keeps the originals.
        public var weightTransform: (any WeightTransform)?

        public init(
            steps: Int, learningRate: Float, evaluationInterval: Int = 100, l1WeightPenalty: Float = 0,
            timeLimit: Double? = nil, adaptEncoding: Bool = true, weightTransform: (any WeightTransform)? = nil
        ) {
            self.steps = steps
            self.learningRate = learningRate
            self.evaluationInterval = evaluationInterval
            self.l1WeightPenalty = l1WeightPenalty
            self.timeLimit = timeLimit
            self.adaptEncoding = adaptEncoding
            self.weightTransform = weightTransform
        }
    }

    /// Weights and encoding state together: what the best PSNR was measured with.
    public struct Snapshot: Sendable {
        public var parameters: Parameters
        public var encoding: EncodingModel
        /// PSNR (dB) of the rounded reconstruction.
        public var psnr: Double
        public var step: Int
    }

    public let samples: ImageSamples
    public let settings: Settings
    public private(set) var parameters: Parameters
    public private(set) var encoding: EncodingModel
    public private(set) var completedSteps = 0
    public private(set) var best: Snapshot

    private var optimizer: any Optimizer
    private var schedule: any LearningRateSchedule
    private var sampler: any Sampler
    private let loss: any Loss
    private let mlp: MLP
    private let pool: WorkerPool
    private let packed: PackedNetwork
    private let workspaces: [TileWorkspace]
    private var accumulators: [GradientAccumulator] = []
    private var gradient: [Float]
    private var sampleLosses: [Float] = []
    private let renderer: Renderer
    private let tileRows: Int
    private var elapsed: Double = 0
    /// The step whose weights `evaluate()` last rendered.
    private var evaluatedAt: Int?

    public init(
        samples: ImageSamples, spec: NetworkSpec, encoding: EncodingModel, parameters: Parameters,
        settings: Settings, optimizer: any Optimizer, schedule: any LearningRateSchedule,
        sampler: any Sampler, loss: any Loss = MeanSquaredError(),
        kernels: any KernelSet, threads: Int
    ) {
        precondition(spec.inputWidth == encoding.encoding.outputWidth, "network input does not match the encoding")
        precondition(spec.outputWidth == samples.channels, "network output does not match the image channels")
        self.samples = samples
        self.settings = settings
        self.parameters = parameters
        self.encoding = encoding
        self.optimizer = optimizer
        self.schedule = schedule
        self.sampler = sampler
        self.loss = loss
        mlp = MLP(spec: spec, kernels: kernels)
        pool = WorkerPool(threadCount: threads)
        packed = PackedNetwork(spec: spec)
        let tileRows = TileWorkspace.tileRows(spec: spec)
        self.tileRows = tileRows
        workspaces = (0..<threads).map { _ in
            TileWorkspace(spec: spec, rows: tileRows, coordinateWidth: 2, training: true)
        }
        gradient = Array(repeating: 0, count: parameters.values.count)
        renderer = Renderer(spec: spec, kernels: kernels, pool: pool)
        best = Snapshot(parameters: parameters, encoding: encoding, psnr: -.infinity, step: 0)
    }

    /// What one step measured.
    public struct StepReport: Sendable {
        public var step: Int
        public var learningRate: Float
        /// Mean squared error of the batch, in [0, 1] units, before the update.
        public var loss: Double
        /// PSNR of the rounded reconstruction of the whole image, when this step measured it.
        public var psnr: Double?
        public var bestPSNR: Double
        public var elapsed: Double
    }

    /// Runs steps until `settings.steps`, the time limit, or `shouldStop()`; then evaluates
    /// the final weights too, so `best` holds the best weights seen.
    public func fit(shouldStop: () -> Bool = { false }, progress: (StepReport) -> Void = { _ in }) {
        while completedSteps < settings.steps && !shouldStop() {
            if let limit = settings.timeLimit, elapsed >= limit { break }
            progress(self.step())
        }
        guard evaluatedAt != completedSteps else { return }
        let start = Date()
        evaluate()
        elapsed += Date().timeIntervalSince(start)
    }

    /// One training step: forward, loss, backward and update on one batch.
    @discardableResult
    public func step() -> StepReport {
        let start = Date()
        if settings.adaptEncoding { encoding.prepare(step: completedSteps, totalSteps: settings.steps) }
        let batch = sampler.nextBatch()
        let learningRate = schedule.learningRate(step: completedSteps, totalSteps: settings.steps, base: settings.learningRate)
        packed.pack(effective(parameters))
        let sums = accumulateGradient(over: batch)
        var psnr: Double?
        if batch.isFull {
            psnr = Self.psnr(sums)
            if psnr! > best.psnr { best = Snapshot(parameters: parameters, encoding: encoding, psnr: psnr!, step: completedSteps) }
        }
        addWeightPenalty()
        settings.weightTransform?.addRegularizerGradient(parameters, to: &gradient)
        optimizer.update(&parameters.values, gradient: gradient, learningRate: learningRate)
        let batchLoss = sums.loss / Double(sums.count)
        schedule.observe(loss: batchLoss)
        if settings.adaptEncoding && encoding.wantsSampleLosses { observeSampleLosses(batch) }
        completedSteps += 1
        if !batch.isFull && (completedSteps % settings.evaluationInterval == 0) { psnr = evaluate() }
        elapsed += Date().timeIntervalSince(start)
        return StepReport(step: completedSteps, learningRate: learningRate, loss: batchLoss, psnr: psnr, bestPSNR: best.psnr, elapsed: elapsed)
    }

    /// Renders the current weights over the whole image and keeps them if they are the best.
    @discardableResult
    public func evaluate() -> Double {
        let outputs = renderer.render(effective(parameters), encoding: encoding, grid: samples.grid)
        evaluatedAt = completedSteps
        var sums = LossSums()
        let peak = samples.peak
        for (y, t) in zip(outputs, samples.targets) {
            let error = roundedSampleError(prediction: y, target: t, peak: peak)
            sums.quantizedSquaredError += Double(error * error) / Double(peak * peak)
        }
        sums.count = outputs.count
        let psnr = Self.psnr(sums)
        if psnr > best.psnr { best = Snapshot(parameters: parameters, encoding: encoding, psnr: psnr, step: completedSteps) }
        return psnr
    }

    /// The rendered reconstruction of the best snapshot, `count × channels` values in [0, 1].
    public func renderBest() -> [Float] {
        renderer.render(effective(best.parameters), encoding: best.encoding, grid: samples.grid)
    }

    /// The weights the network computes with.
    private func effective(_ parameters: Parameters) -> Parameters {
        settings.weightTransform?.transform(parameters) ?? parameters
    }

    public var elapsedSeconds: Double { elapsed }

    static func psnr(_ sums: LossSums) -> Double {
        10 * log10(Double(sums.count) / max(sums.quantizedSquaredError, .leastNonzeroMagnitude))
    }

    // MARK: - The parallel part

    private func accumulateGradient(over batch: Batch) -> LossSums {
        let count = batch.count
        let tiles = (count + tileRows - 1) / tileRows
        let chunks = min(16, tiles)
        while accumulators.count < chunks { accumulators.append(GradientAccumulator(spec: mlp.spec)) }
        let wantsLosses = settings.adaptEncoding && encoding.wantsSampleLosses
        if wantsLosses && sampleLosses.count < count { sampleLosses = Array(repeating: 0, count: count) }
        var chunkSums = [LossSums](repeating: LossSums(), count: chunks)
        let encoder = encoding.encoding
        let scale = 1 / Float(count * samples.channels)
        let channels = samples.channels, peak = samples.peak
        samples.coordinates.withUnsafeBufferPointer { coordinates in
            samples.targets.withUnsafeBufferPointer { targets in
                sampleLosses.withUnsafeMutableBufferPointer { sampleLosses in
                    chunkSums.withUnsafeMutableBufferPointer { chunkSums in
                        pool.run(tasks: chunks) { chunk, worker in
                            let workspace = workspaces[worker]
                            let gradients = accumulators[chunk]
                            gradients.zero()
                            var sums = LossSums()
                            for tile in (chunk * tiles / chunks)..<((chunk + 1) * tiles / chunks) {
                                let start = tile * tileRows, rows = min(tileRows, count - start)
                                let points = workspace.coordinates(rows: rows), truth = workspace.targets(rows: rows)
                                for row in 0..<rows {
                                    let sample = batch.sample(at: start + row)
                                    points[row, 0] = coordinates[2 * sample]
                                    points[row, 1] = coordinates[2 * sample + 1]
                                    for c in 0..<channels { truth[row, c] = targets[sample * channels + c] }
                                }
                                encoder.encode(points, into: workspace.activation(0, rows: rows), kernels: mlp.kernels)
                                mlp.forward(packed, workspace: workspace, rows: rows)
                                sums += loss.evaluate(
                                    prediction: workspace.activation(mlp.layers.count, rows: rows), target: truth,
                                    gradientScale: scale, gradient: workspace.gradient(0, rows: rows, columns: channels),
                                    sampleLosses: wantsLosses ? sampleLosses.baseAddress! + start : nil, peak: peak)
                                mlp.backward(packed, workspace: workspace, rows: rows, gradients: gradients)
                            }
                            chunkSums[chunk] = sums
                        }
                    }
                }
            }
        }
        for chunk in 1..<chunks { accumulators[0].add(accumulators[chunk]) }
        accumulators[0].write(into: &gradient, layout: parameters.layout)
        return chunkSums.reduce(into: LossSums()) { $0 += $1 }
    }

    private func addWeightPenalty() {
        let lambda = settings.l1WeightPenalty
        guard lambda != 0 else { return }
        for tensor in parameters.layout.tensors where tensor.kind == .weight {
            for i in tensor.range {
                let w = parameters.values[i]
                gradient[i] += w > 0 ? lambda : w < 0 ? -lambda : 0
            }
        }
    }

    private func observeSampleLosses(_ batch: Batch) {
        switch batch {
        case .all(let count):
            encoding.observe(coordinates: samples.coordinates, losses: sampleLosses, count: count)
        case .indices(let indices):
            var points = [Float](repeating: 0, count: 2 * indices.count)
            for (position, sample) in indices.enumerated() {
                points[2 * position] = samples.coordinates[2 * Int(sample)]
                points[2 * position + 1] = samples.coordinates[2 * Int(sample) + 1]
            }
            encoding.observe(coordinates: points, losses: sampleLosses, count: indices.count)
        }
    }
}
