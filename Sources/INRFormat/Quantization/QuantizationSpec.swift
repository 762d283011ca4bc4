import INRNetwork

/// How a network's flat parameter buffer is quantised: uniform, symmetric, with one step size
/// per group; a group is a whole tensor, or one output channel (one row of `W[out][in]`).
public struct QuantizationSpec: Hashable, Sendable {
    public enum Granularity: UInt8, Hashable, Sendable {
        case layer = 0
        case channel = 1
    }

    /// Bits per weight (2–16): integers in ±(2^(bits-1) - 1).
    public var weightBits: Int
    /// Bits per bias (2–16).
    public var biasBits: Int
    /// Step sizes per weight tensor or per output channel (biases: always per tensor).
    public var granularity: Granularity

    public init(weightBits: Int, biasBits: Int, granularity: Granularity) {
        precondition((2...16).contains(weightBits) && (2...16).contains(biasBits), "quantisation takes 2 to 16 bits")
        self.weightBits = weightBits
        self.biasBits = biasBits
        self.granularity = granularity
    }

    /// Bits per integer of a tensor of `kind` (an encoding's values take the weights' width).
    public func bits(_ kind: ParameterLayout.Tensor.Kind) -> Int {
        switch kind {
        case .weight, .feature: weightBits
        case .bias: biasBits
        }
    }

    /// The largest integer a tensor of `kind` takes.
    public func maximumLevel(_ kind: ParameterLayout.Tensor.Kind) -> Int32 {
        (1 << Int32(bits(kind) - 1)) - 1
    }

    /// The groups of `layout`, in order: each a range of the flat buffer and its tensor kind.
    public func groups(of layout: ParameterLayout) -> [(range: Range<Int>, kind: ParameterLayout.Tensor.Kind)] {
        layout.tensors.flatMap { tensor -> [(Range<Int>, ParameterLayout.Tensor.Kind)] in
            guard tensor.kind == .weight, granularity == .channel else { return [(tensor.range, tensor.kind)] }
            let rowLength = tensor.shape[1]
            return (0..<tensor.shape[0]).map { row in
                let start = tensor.offset + row * rowLength
                return (start..<(start + rowLength), tensor.kind)
            }
        }
    }
}
