/// The decoder's synthesis network applied to N pixels at once, stored as planes: every array
/// holds one feature for every pixel, so each multiply-add runs along a plane (vectorised by the
/// compiler without reordering any pixel's sum) and a pixel's output is the same on every CPU.
/// (Training runs the same network on inr's engine, `TiledNetwork` in INRCodec.)
///
///     inputs  I × N  ─► W₀·x + b₀, ReLU ─► … ─► W_last·h + b_last ─► outputs O × N
///
/// Parameters, flat, layer after layer: weights (outputs × inputs, row-major) then biases.
public struct PlanarNetwork: Sendable {
    public let layers: [(inputs: Int, outputs: Int)]

    public init(layers: [(inputs: Int, outputs: Int)]) { self.layers = layers }

    public var parameterCount: Int { layers.reduce(0) { $0 + ($1.inputs + 1) * $1.outputs } }

    /// The activations of one pass over N points: `planes[0]` the inputs, then each layer's
    /// outputs (after its ReLU), the last the network's outputs; each plane-major (feature × N).
    /// Tasks write disjoint ranges of points in parallel, hence the pointers.
    public final class Activations: @unchecked Sendable {
        public let count: Int
        public let widths: [Int]
        /// planes[k] holds widths[k] features × count points.
        public let planes: [UnsafeMutablePointer<Float>]
        private let storage: UnsafeMutableBufferPointer<Float>

        public init(layers: [(inputs: Int, outputs: Int)], count: Int) {
            self.count = count
            widths = [layers.first?.inputs ?? 0] + layers.map(\.outputs)
            storage = .allocate(capacity: widths.reduce(0, +) * count)
            storage.initialize(repeating: 0)
            var planes: [UnsafeMutablePointer<Float>] = []
            var offset = 0
            for width in widths {
                planes.append(storage.baseAddress! + offset)
                offset += width * count
            }
            self.planes = planes
        }

        deinit { storage.deallocate() }

        public var inputs: UnsafeMutablePointer<Float> { planes[0] }
        public var outputs: UnsafeMutablePointer<Float> { planes[planes.count - 1] }
    }

    /// Computes points `range` of every layer from `activations.planes[0]`.
    public func forward(_ parameters: UnsafePointer<Float>, _ activations: Activations, range: Range<Int>) {
        let count = activations.count
        var offset = 0
        for (index, layer) in layers.enumerated() {
            let weights = parameters + offset, biases = parameters + offset + layer.inputs * layer.outputs
            offset += (layer.inputs + 1) * layer.outputs
            let isLast = index == layers.count - 1
            let inputs = activations.planes[index], outputs = activations.planes[index + 1]
            for j in 0..<layer.outputs {
                let out = outputs + j * count
                let bias = biases[j]
                for p in range { out[p] = bias }
                for i in 0..<layer.inputs {
                    let w = weights[j * layer.inputs + i], x = inputs + i * count
                    for p in range { out[p] = out[p] + w * x[p] }
                }
                if !isLast { for p in range { out[p] = max(out[p], 0) } }
            }
        }
    }
}
