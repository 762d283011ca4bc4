import INRCore
import INRModel
import INRNetwork

/// The coordinate network: (x, y) ─► encoding ─► MLP ─► loss, inr's one model shape so far.
///
///     batch ─► tiles of `tileRows` ─► chunks (at most 16, fixed by the batch and the network)
///       per tile: load + encode ─► MLP forward ─► loss ─► MLP backward ─┬─► Σ∇ network (chunk's accumulator)
///                                                                    └─► ∇features ─► Σ∇ encoding (chunk's buffer)
///       chunk buffers summed in chunk order ─► flat gradient [network | encoding]
///
/// Threads take chunks in any order; summing in chunk order makes the gradient the same on any
/// thread count. Groups: `network` (multiplier 1), then `encoding` for an encoding with
/// parameters (`DenseGridEncoding`, its `learningRateMultiplier`).
public final class CoordinateNetwork: TrainableModel {
    public let samples: any SampleSet
    public let spec: NetworkSpec
    public private(set) var encoding: EncodingModel
    /// Whether an adaptive encoding (SAPE) keeps adapting; fine-tuning freezes it.
    public let adaptsEncoding: Bool

    private let loss: any Loss
    private let mlp: MLP
    private let pool: WorkerPool
    private let packed: PackedNetwork
    private let workspaces: [TileWorkspace]
    private let renderer: Renderer
    private let tileRows: Int
    private var accumulators: [GradientAccumulator] = []
    /// Per chunk: the encoding's parameter gradient.
    private var encodingGradients: [AlignedBuffer] = []
    private var sampleLosses: [Float] = []

    public init(samples: any SampleSet, spec: NetworkSpec, encoding: EncodingModel, adaptsEncoding: Bool, kernels: any KernelSet, threads: Int) {
        precondition(spec.inputWidth == encoding.encoding.outputWidth + samples.extraInputWidth, "network input does not match the encoding")
        precondition(spec.outputWidth == samples.targetWidth, "network output does not match the targets")
        self.samples = samples
        self.spec = spec
        self.encoding = encoding
        self.adaptsEncoding = adaptsEncoding
        loss = samples.loss
        mlp = MLP(spec: spec, kernels: kernels)
        pool = WorkerPool(threadCount: threads)
        packed = PackedNetwork(spec: spec)
        let tileRows = TileWorkspace.tileRows(spec: spec)
        self.tileRows = tileRows
        workspaces = (0..<threads).map { _ in
            TileWorkspace(spec: spec, rows: tileRows, coordinateWidth: 2, training: true)
        }
        renderer = Renderer(spec: spec, kernels: kernels, pool: pool)
    }

    /// Floats of encoding gradients the chunks may hold together (32 MiB).
    static let encodingGradientBudget = 1 << 23

    public var state: EncodingModel { encoding }

    public var groups: [ParameterGroup] {
        let network = spec.parameterCount, features = encoding.encoding.parameterCount
        let encodingGroup = ParameterGroup(
            name: "encoding", range: network..<(network + features), learningRateMultiplier: encoding.encoding.learningRateMultiplier)
        return [ParameterGroup(name: "network", range: 0..<network)] + (features > 0 ? [encodingGroup] : [])
    }

    public func prepare(step: Int, totalSteps: Int) {
        if adaptsEncoding { encoding.prepare(step: step, totalSteps: totalSteps) }
    }

    public func render(_ parameters: Parameters, state: EncodingModel) -> [Float] {
        renderer.render(parameters, encoding: state, samples: samples, indices: 0..<samples.count)
    }

    /// Feeds SAPE's controller the batch's per-sample losses, one thread, in batch order.
    public func observe(_ batch: Batch) {
        guard adaptsEncoding && encoding.wantsSampleLosses else { return }
        var points = [Float](repeating: 0, count: 2 * batch.count)
        points.withUnsafeMutableBufferPointer { points in
            for position in 0..<batch.count {
                samples.fill(sample: batch.sample(at: position), coordinates: points.baseAddress! + 2 * position, extras: nil, targets: nil)
            }
        }
        encoding.observe(coordinates: points, losses: sampleLosses, count: batch.count)
    }

    public func lossSums(over batch: Batch, parameters: Parameters, gradient: inout [Float], backward: Bool) -> LossSums {
        packed.pack(parameters)
        let count = batch.count
        let tiles = (count + tileRows - 1) / tileRows
        let encoder = encoding.encoding, featureCount = encoder.parameterCount
        // Each chunk keeps a whole copy of an encoding's gradient: fewer chunks for a large grid
        // (a fixed number still, so the sums do not depend on the thread count).
        let chunks = min(16, tiles, max(2, Self.encodingGradientBudget / max(featureCount, 1)))
        while accumulators.count < chunks { accumulators.append(GradientAccumulator(spec: spec)) }
        while encodingGradients.count < chunks { encodingGradients.append(AlignedBuffer(count: featureCount)) }
        let wantsLosses = adaptsEncoding && encoding.wantsSampleLosses
        if wantsLosses && sampleLosses.count < count { sampleLosses = Array(repeating: 0, count: count) }
        var chunkSums = [LossSums](repeating: LossSums(), count: chunks)
        let width = samples.targetWidth
        let scale = 1 / Float(count * width)
        let samples = self.samples, peak = samples.peak
        parameters.values.withUnsafeBufferPointer { values in
            let features = UnsafeBufferPointer(rebasing: values[parameters.layout.encodingRange])
            sampleLosses.withUnsafeMutableBufferPointer { sampleLosses in
                chunkSums.withUnsafeMutableBufferPointer { chunkSums in
                    pool.run(tasks: chunks) { chunk, worker in
                        let workspace = workspaces[worker]
                        let gradients = accumulators[chunk], featureGradient = encodingGradients[chunk]
                        if backward { gradients.zero(); featureGradient.zero() }
                        var sums = LossSums()
                        for tile in (chunk * tiles / chunks)..<((chunk + 1) * tiles / chunks) {
                            let start = tile * tileRows, rows = min(tileRows, count - start)
                            samples.load(
                                rows: rows, sample: { batch.sample(at: start + $0) }, into: workspace,
                                encoding: encoder, encodingParameters: features, kernels: mlp.kernels, withTargets: true)
                            mlp.forward(packed, workspace: workspace, rows: rows, storeDerivatives: backward)
                            sums += loss.evaluate(
                                prediction: workspace.activation(mlp.layers.count, rows: rows), target: workspace.targets(rows: rows),
                                gradientScale: scale, gradient: workspace.gradient(0, rows: rows, columns: width),
                                sampleLosses: backward && wantsLosses ? sampleLosses.baseAddress! + start : nil, peak: peak)
                            guard backward else { continue }
                            let inputGradient = featureCount > 0 ? mlp.freeInputGradient(workspace: workspace, rows: rows) : nil
                            mlp.backward(packed, workspace: workspace, rows: rows, gradients: gradients, inputGradient: inputGradient)
                            if let inputGradient {
                                encoder.addParameterGradient(
                                    workspace.coordinates(rows: rows), featureGradient: inputGradient.with(columns: encoder.outputWidth),
                                    into: UnsafeMutableBufferPointer(start: featureGradient.base, count: featureCount))
                            }
                        }
                        chunkSums[chunk] = sums
                    }
                }
            }
        }
        if backward {
            for chunk in 1..<chunks { accumulators[0].add(accumulators[chunk]) }
            accumulators[0].write(into: &gradient, layout: parameters.layout)
            let total = encodingGradients[0].base
            for chunk in 1..<chunks where featureCount > 0 {
                let other = encodingGradients[chunk].base
                for i in 0..<featureCount { total[i] += other[i] }
            }
            gradient.withUnsafeMutableBufferPointer { ($0.baseAddress! + spec.parameterCount).update(from: total, count: featureCount) }
        }
        return chunkSums.reduce(into: LossSums()) { $0 += $1 }
    }
}
