/// Where each layer's weights and biases sit in the network's one flat buffer.
///
/// Layer by layer: the weight matrix `[out][in]` row-major (PyTorch's layout, so one output
/// channel is one contiguous row), then the bias `[out]`. Quantisation and coding map over the
/// buffer with this layout; nothing else about a network's parameters is stored.
///
/// A model whose encoding has parameters (`DenseGridEncoding`) lays the encoding's tensors
/// after the network's (`init(spec:encodingShapes:)`): the network's offsets do not change.
public struct ParameterLayout: Hashable, Sendable {
    public struct Tensor: Hashable, Sendable {
        /// A layer's weight or bias, or one of the encoding's tensors (`feature`).
        public enum Kind: String, Hashable, Sendable { case weight, bias, feature }
        /// The layer, or for `feature` the encoding tensor's index.
        public var layer: Int
        public var kind: Kind
        public var offset: Int
        /// `[out, in]` for a weight, `[out]` for a bias.
        public var shape: [Int]
        public var count: Int { shape.reduce(1, *) }
        public var range: Range<Int> { offset..<(offset + count) }
    }

    public let tensors: [Tensor]
    public let count: Int
    /// Floats of the network's tensors, which come first.
    public let networkCount: Int

    /// The network's tensors only (an encoding without parameters adds none).
    public init(spec: NetworkSpec) {
        self.init(spec: spec, encodingShapes: [])
    }

    /// The network's tensors, then the encoding's tensors of `encodingShapes`.
    public init(spec: NetworkSpec, encodingShapes: [[Int]]) {
        var tensors: [Tensor] = []
        var offset = 0
        for (index, layer) in spec.layers.enumerated() {
            let weight = Tensor(layer: index, kind: .weight, offset: offset, shape: [layer.outputWidth, layer.inputWidth])
            offset += weight.count
            let bias = Tensor(layer: index, kind: .bias, offset: offset, shape: [layer.outputWidth])
            offset += bias.count
            tensors += [weight, bias]
        }
        networkCount = offset
        for (index, shape) in encodingShapes.enumerated() {
            let feature = Tensor(layer: index, kind: .feature, offset: offset, shape: shape)
            offset += feature.count
            tensors.append(feature)
        }
        self.tensors = tensors
        count = offset
    }

    /// The shapes of the encoding's tensors (`init(spec:encodingShapes:)`), in buffer order.
    public var encodingShapes: [[Int]] { tensors.filter { $0.kind == .feature }.map(\.shape) }

    /// Where the encoding's parameters sit (empty without them).
    public var encodingRange: Range<Int> { networkCount..<count }

    public func weight(ofLayer layer: Int) -> Tensor { tensors[2 * layer] }
    public func bias(ofLayer layer: Int) -> Tensor { tensors[2 * layer + 1] }
}
