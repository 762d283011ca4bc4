/// Where each layer's weights and biases sit in the network's one flat buffer.
///
/// Layer by layer: the weight matrix `[out][in]` row-major (PyTorch's layout, so one output
/// channel is one contiguous row), then the bias `[out]`. Quantisation and coding map over the
/// buffer with this layout; nothing else about a network's parameters is stored.
public struct ParameterLayout: Hashable, Sendable {
    public struct Tensor: Hashable, Sendable {
        public enum Kind: String, Hashable, Sendable { case weight, bias }
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

    public init(spec: NetworkSpec) {
        var tensors: [Tensor] = []
        var offset = 0
        for (index, layer) in spec.layers.enumerated() {
            let weight = Tensor(layer: index, kind: .weight, offset: offset, shape: [layer.outputWidth, layer.inputWidth])
            offset += weight.count
            let bias = Tensor(layer: index, kind: .bias, offset: offset, shape: [layer.outputWidth])
            offset += bias.count
            tensors += [weight, bias]
        }
        self.tensors = tensors
        count = offset
    }

    public func weight(ofLayer layer: Int) -> Tensor { tensors[2 * layer] }
    public func bias(ofLayer layer: Int) -> Tensor { tensors[2 * layer + 1] }
}
