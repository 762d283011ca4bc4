import Foundation
import INRCore
import INRModel
import INRNetwork

/// Fits a network to a sample set (an image's intensities or its bit planes): the engine of inr.
///
///     ┌─────────────────────────── step() ────────────────────────────┐
///     │ sampler ─► batch ─► tiles ─► encode ─► MLP forward ─► loss    │
///     │                       (parallel, one gradient buffer per chunk)│
///     │ Σ chunk gradients in chunk order ◄─ MLP backward ◄─────┘      │
///     │   + L1 penalty ─► optimizer ─► parameters                    │
///     │ best evaluation so far ─► snapshot (weights + encoding state) │
///     └───────────────────────────────────────────────────────────────┘
///
/// A batch is cut into tiles of `tileRows` samples and the tiles into a fixed number of chunks,
/// each with its own gradient buffer; threads take chunks in any order and the buffers are
/// summed in chunk order, so a seed gives the same weights on any thread count.
public final class Trainer {
    /// Weights and encoding state together: what the best evaluation was measured with.
    public struct Snapshot: Sendable {
        public var parameters: Parameters
        public var encoding: EncodingModel
        public var evaluation: Evaluation
        public var step: Int

        /// PSNR (dB) of the rounded reconstruction (−∞ for fits that do not measure it).
        public var psnr: Double { evaluation.psnr ?? -.infinity }
    }

    public let samples: any SampleSet
    public let settings: TrainingSettings
    public private(set) var parameters: Parameters
    public private(set) var encoding: EncodingModel
    public private(set) var completedSteps = 0
    public private(set) var best: Snapshot

    /// Whether an evaluation found every sample reproduced exactly.
    public var isExact: Bool { exactStep != nil }
    /// The updates the first exactly reproducing weights had had, and the fitting seconds
    /// until the step that found them ended.
    public private(set) var exactStep: Int?
    public private(set) var exactSeconds: Double?

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

    /// A trainer of `parameters` (with `encoding`) on `samples`, its optimiser, schedule and
    /// sampler made from `settings`: the one way a fit is set up.
    public init(
        samples: any SampleSet, spec: NetworkSpec, encoding: EncodingModel, parameters: Parameters,
        settings: TrainingSettings, kernels: any KernelSet, threads: Int
    ) {
        precondition(spec.inputWidth == encoding.encoding.outputWidth + samples.extraInputWidth, "network input does not match the encoding")
        precondition(spec.outputWidth == samples.targetWidth, "network output does not match the targets")
        self.samples = samples
        self.settings = settings
        self.parameters = parameters
        self.encoding = encoding
        optimizer = settings.optimizer
        schedule = settings.schedule
        sampler = settings.batch.sampler(sampleCount: samples.count, seed: settings.seed)
        loss = samples.loss
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
        best = Snapshot(parameters: parameters, encoding: encoding, evaluation: .none, step: 0)
    }

    /// What one step measured.
    public struct StepReport: Sendable {
        public var step: Int
        public var learningRate: Float
        /// The batch's mean loss before the update: MSE in [0, 1] units, or cross-entropy in
        /// nats per bit.
        public var loss: Double
        /// The whole-set evaluation, when this step measured one.
        public var evaluation: Evaluation?
        public var best: Evaluation
        public var elapsed: Double

        /// PSNR of the rounded reconstruction of the whole image, when this step measured it.
        public var psnr: Double? { evaluation?.psnr }
        public var bestPSNR: Double { best.psnr ?? -.infinity }
    }

    /// Runs steps until `settings.steps`, the time limit, `shouldStop()` or (with
    /// `stopWhenExact`) an exact fit; then evaluates the final weights too, so `best` holds the
    /// best weights seen.
    public func fit(shouldStop: () -> Bool = { false }, progress: (StepReport) -> Void = { _ in }) {
        while completedSteps < settings.steps && !shouldStop() && !(settings.stopWhenExact && isExact) {
            if let limit = settings.timeLimit, elapsed >= limit { break }
            progress(self.step())
        }
        guard evaluatedAt != completedSteps else { return }
        let start = Date()
        evaluate()
        addElapsed(since: start)
    }

    /// One training step: forward, loss, backward and update on one batch.
    @discardableResult
    public func step() -> StepReport {
        let start = Date()
        if settings.adaptEncoding { encoding.prepare(step: completedSteps, totalSteps: settings.steps) }
        let batch = sampler.nextBatch()
        let learningRate = schedule.learningRate(step: completedSteps, totalSteps: settings.steps, base: settings.learningRate)
        packed.pack(effective(parameters))
        let sums = accumulate(over: batch, backward: true)
        var evaluation: Evaluation?
        if batch.isFull {
            evaluation = samples.evaluation(sums)
            keep(evaluation!)
        }
        addWeightPenalty()
        settings.weightTransform?.addRegularizerGradient(parameters, to: &gradient)
        optimizer.update(&parameters.values, gradient: gradient, learningRate: learningRate)
        let batchLoss = sums.loss / Double(sums.count)
        schedule.observe(loss: batchLoss)
        if settings.adaptEncoding && encoding.wantsSampleLosses { observeSampleLosses(batch) }
        completedSteps += 1
        if !batch.isFull && (completedSteps % settings.evaluationInterval == 0) { evaluation = evaluate() }
        addElapsed(since: start)
        return StepReport(step: completedSteps, learningRate: learningRate, loss: batchLoss, evaluation: evaluation, best: best.evaluation, elapsed: elapsed)
    }

    /// Evaluates the current weights on every sample and keeps them if they are the best.
    @discardableResult
    public func evaluate() -> Evaluation {
        packed.pack(effective(parameters))
        let evaluation = samples.evaluation(accumulate(over: .all(count: samples.count), backward: false))
        evaluatedAt = completedSteps
        keep(evaluation)
        return evaluation
    }

    /// Counts fitting time; the first exact evaluation's time is the time at the end of the
    /// step (or final evaluation) that found it.
    private func addElapsed(since start: Date) {
        elapsed += Date().timeIntervalSince(start)
        if exactStep != nil && exactSeconds == nil { exactSeconds = elapsed }
    }

    /// Keeps the weights if they are the best so far: exact ones before inexact ones, then the
    /// highest score.
    private func keep(_ evaluation: Evaluation) {
        if evaluation.isExact && exactStep == nil { exactStep = completedSteps }
        let better =
            evaluation.isExact != best.evaluation.isExact ? evaluation.isExact : evaluation.score > best.evaluation.score
        if better {
            best = Snapshot(parameters: parameters, encoding: encoding, evaluation: evaluation, step: completedSteps)
        }
    }

    /// The best snapshot's outputs for every sample, `count × targetWidth` (for images: values
    /// in [0, 1]; for bit planes: logits).
    public func renderBest() -> [Float] {
        renderer.render(effective(best.parameters), encoding: best.encoding, samples: samples, indices: 0..<samples.count)
    }

    /// The weights the network computes with.
    private func effective(_ parameters: Parameters) -> Parameters {
        settings.weightTransform?.transform(parameters) ?? parameters
    }

    public var elapsedSeconds: Double { elapsed }

    // MARK: - The parallel part

    /// The loss sums of `batch`, and with `backward` its gradient in `gradient`.
    private func accumulate(over batch: Batch, backward: Bool) -> LossSums {
        let count = batch.count
        let tiles = (count + tileRows - 1) / tileRows
        let chunks = min(16, tiles)
        while accumulators.count < chunks { accumulators.append(GradientAccumulator(spec: mlp.spec)) }
        let wantsLosses = settings.adaptEncoding && encoding.wantsSampleLosses
        if wantsLosses && sampleLosses.count < count { sampleLosses = Array(repeating: 0, count: count) }
        var chunkSums = [LossSums](repeating: LossSums(), count: chunks)
        let encoder = encoding.encoding
        let width = samples.targetWidth
        let scale = 1 / Float(count * width)
        let samples = self.samples, peak = samples.peak
        sampleLosses.withUnsafeMutableBufferPointer { sampleLosses in
            chunkSums.withUnsafeMutableBufferPointer { chunkSums in
                pool.run(tasks: chunks) { chunk, worker in
                    let workspace = workspaces[worker]
                    let gradients = accumulators[chunk]
                    if backward { gradients.zero() }
                    var sums = LossSums()
                    for tile in (chunk * tiles / chunks)..<((chunk + 1) * tiles / chunks) {
                        let start = tile * tileRows, rows = min(tileRows, count - start)
                        samples.load(
                            rows: rows, sample: { batch.sample(at: start + $0) }, into: workspace,
                            encoding: encoder, kernels: mlp.kernels, withTargets: true)
                        mlp.forward(packed, workspace: workspace, rows: rows, storeDerivatives: backward)
                        sums += loss.evaluate(
                            prediction: workspace.activation(mlp.layers.count, rows: rows), target: workspace.targets(rows: rows),
                            gradientScale: scale, gradient: workspace.gradient(0, rows: rows, columns: width),
                            sampleLosses: backward && wantsLosses ? sampleLosses.baseAddress! + start : nil, peak: peak)
                        if backward { mlp.backward(packed, workspace: workspace, rows: rows, gradients: gradients) }
                    }
                    chunkSums[chunk] = sums
                }
            }
        }
        if backward {
            for chunk in 1..<chunks { accumulators[0].add(accumulators[chunk]) }
            accumulators[0].write(into: &gradient, layout: parameters.layout)
        }
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
        var points = [Float](repeating: 0, count: 2 * batch.count)
        points.withUnsafeMutableBufferPointer { points in
            for position in 0..<batch.count {
                samples.fill(sample: batch.sample(at: position), coordinates: points.baseAddress! + 2 * position, extras: nil, targets: nil)
            }
        }
        encoding.observe(coordinates: points, losses: sampleLosses, count: batch.count)
    }
}
