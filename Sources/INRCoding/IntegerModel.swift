/// Adaptive binary models for signed integers, and their binarisation:
///
///     v = 0            → zero flag 0
///     v ≠ 0            → zero flag 1, sign, then m = |v| as Exp-Golomb:
///                        n = ⌊log2 m⌋ in unary (n ones, a zero), then the n bits below m's
///                        leading one, most significant first
///
/// Every bin has its own adaptive `BitModel`: the unary bins by position, the first three
/// suffix bits as a binary tree per n (so the shape of the distribution inside a class is
/// learnt, not just each bit's bias), the later suffix bits by (n, position). The coder learns
/// a tensor's distribution as it goes; on peaked (Laplacian) weights the code length approaches
/// their entropy, on flat ones (SIREN's) it stays at about the fixed-width size.
public struct IntegerModel: Sendable {
    /// Largest ⌊log2 |v|⌋ the model codes: |v| < 2^(maximumExponent + 1).
    public static let maximumExponent = 16

    private var zero = BitModel()
    private var sign = BitModel()
    private var prefix = [BitModel](repeating: BitModel(), count: maximumExponent + 1)
    private var suffix = [BitModel](repeating: BitModel(), count: (maximumExponent + 1) * maximumExponent)
    /// The top `treeDepth` suffix bits: a binary tree of 2^treeDepth nodes per n.
    private var tree = [BitModel](repeating: BitModel(), count: (maximumExponent + 1) << treeDepth)
    private static let treeDepth = 3

    public init() {}

    public mutating func encode(_ value: Int32, into coder: inout RangeEncoder) {
        coder.encode(value != 0, &zero)
        guard value != 0 else { return }
        coder.encode(value < 0, &sign)
        let magnitude = UInt32(value.magnitude)
        let exponent = 31 - magnitude.leadingZeroBitCount
        precondition(exponent <= Self.maximumExponent, "integer out of the coder's range")
        for i in 0..<exponent { coder.encode(true, &prefix[i]) }
        if exponent < Self.maximumExponent { coder.encode(false, &prefix[exponent]) }
        var node = 1
        for j in 0..<exponent {
            let bit = (magnitude >> UInt32(exponent - 1 - j)) & 1 == 1
            if j < Self.treeDepth {
                coder.encode(bit, &tree[exponent << Self.treeDepth + node])
                node = node << 1 | (bit ? 1 : 0)
            } else {
                coder.encode(bit, &suffix[exponent * Self.maximumExponent + j])
            }
        }
    }

    public mutating func decode(from coder: inout RangeDecoder) -> Int32 {
        guard coder.decode(&zero) else { return 0 }
        let negative = coder.decode(&sign)
        var exponent = 0
        while exponent < Self.maximumExponent && coder.decode(&prefix[exponent]) { exponent += 1 }
        var magnitude: UInt32 = 1
        var node = 1
        for j in 0..<exponent {
            let bit: Bool
            if j < Self.treeDepth {
                bit = coder.decode(&tree[exponent << Self.treeDepth + node])
                node = node << 1 | (bit ? 1 : 0)
            } else {
                bit = coder.decode(&suffix[exponent * Self.maximumExponent + j])
            }
            magnitude = (magnitude << 1) | (bit ? 1 : 0)
        }
        return negative ? -Int32(magnitude) : Int32(magnitude)
    }
}
