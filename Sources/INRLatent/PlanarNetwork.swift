/// The decoder's synthesis network applied to N pixels at once, stored as planes: every array
/// holds one feature for every pixel, so each multiply-add runs along a plane (vectorised by the
/// compiler without reordering any pixel's sum) and a pixel's output is the same on every CPU.
/// (Training runs the same network on inr's engine, `TiledNetwork` in INRCodec.)
///
///     inputs  I × N  ─► W₀·x + b₀, ReLU ─► … ─► W_last·h + b_last ─► outputs O × N
///
/// Only the inputs and outputs are whole planes; a chunk's hidden layers live in its scratch.
/// Parameters, flat, layer after layer: weights (outputs × inputs, row-major) then biases.
public struct PlanarNetwork: Sendable {
    public let layers: [(inputs: Int, outputs: Int)]

    public init(layers: [(inputs: Int, outputs: Int)]) { self.layers = layers }

    /// The inputs (I × N) and outputs (O × N) of one pass over N points. Tasks write disjoint
    /// ranges of points in parallel, hence the pointers.
    public final class Planes: @unchecked Sendable {
        public let count: Int
        public let inputs: UnsafeMutablePointer<Float>
        public let outputs: UnsafeMutablePointer<Float>
        private let storage: UnsafeMutableBufferPointer<Float>

        public init(inputWidth: Int, outputWidth: Int, count: Int) {
            self.count = count
            // Not zeroed: every pass writes a plane before reading it (the upsampling the inputs,
            // the synthesis the outputs), and the pages are first touched by the parallel passes.
            storage = .allocate(capacity: (inputWidth + outputWidth) * count)
            inputs = storage.baseAddress!
            outputs = storage.baseAddress! + inputWidth * count
        }

        deinit { storage.deallocate() }
    }

    /// Floats of scratch a chunk of `points` needs: two of the widest hidden layer.
    public func scratchCount(points: Int) -> Int { 2 * (layers.dropLast().map(\.outputs).max() ?? 0) * points }

    /// Points per block inside a range: a block's hidden layers stay in the first-level cache.
    static let block = 128

    /// Computes the outputs of points `range` from the inputs, the hidden layers in `scratch`
    /// (`scratchCount(points: range.count)` floats), a block of points at a time.
    public func forward(_ parameters: UnsafePointer<Float>, _ planes: Planes, range: Range<Int>, scratch: UnsafeMutablePointer<Float>) {
        var first = range.lowerBound
        while first < range.upperBound {
            let end = min(first + Self.block, range.upperBound)
            forwardBlock(parameters, planes, range: first..<end, scratch: scratch)
            first = end
        }
    }

    func forwardBlock(_ parameters: UnsafePointer<Float>, _ planes: Planes, range: Range<Int>, scratch: UnsafeMutablePointer<Float>) {
        let span = range.count, half = scratchCount(points: span) / 2
        var offset = 0
        // Layer k reads `source` (stride `sourceStride`, first point `sourceStart`) and writes
        // the next scratch half, or the outputs for the last layer.
        var source = UnsafePointer(planes.inputs), sourceStride = planes.count, sourceStart = range.lowerBound
        for (index, layer) in layers.enumerated() {
            let weights = parameters + offset, biases = parameters + offset + layer.inputs * layer.outputs
            offset += (layer.inputs + 1) * layer.outputs
            let isLast = index == layers.count - 1
            let target = isLast ? planes.outputs + range.lowerBound : scratch + (index % 2) * half
            let targetStride = isLast ? planes.count : span
            for j in 0..<layer.outputs {
                let out = target + j * targetStride
                let bias = biases[j]
                for p in 0..<span { out[p] = bias }
                for i in 0..<layer.inputs {
                    let w = weights[j * layer.inputs + i], x = source + i * sourceStride + sourceStart
                    for p in 0..<span { out[p] = out[p] + w * x[p] }
                }
                if !isLast { for p in 0..<span { out[p] = max(out[p], 0) } }
            }
            source = UnsafePointer(target)
            sourceStride = targetStride
            sourceStart = 0
        }
    }
}
