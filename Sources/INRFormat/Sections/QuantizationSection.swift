import INRCoding
import INRNetwork

/// QUAN: uniform quantisation (docs/bitstream.md).
///
///     granularity · weight bits · bias bits (u8 each) · one step (f16) per group of the parameters
///     (the network's, then one per tensor of the encoding's: a dense grid's levels)
public enum QuantizationSection {
    public static let tag = "QUAN"

    public static func payload(_ quantization: QuantizationSpec, stepSizes: [Float16]) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(byte: quantization.granularity.rawValue)
        writer.append(byte: UInt8(quantization.weightBits))
        writer.append(byte: UInt8(quantization.biasBits))
        for step in stepSizes { writer.append(step) }
        return writer.bytes
    }

    /// The quantisation and one step per group of the parameters of `layout`.
    public static func read(_ payload: ArraySlice<UInt8>, layout: ParameterLayout) throws(BitstreamError) -> (QuantizationSpec, [Float16]) {
        var reader = ByteReader(payload, context: tag)
        guard let granularity = QuantizationSpec.Granularity(rawValue: try reader.byte()) else { throw .corrupt(tag, "unknown granularity") }
        let weightBits = Int(try reader.byte()), biasBits = Int(try reader.byte())
        guard (2...16).contains(weightBits), (2...16).contains(biasBits) else { throw .corrupt(tag, "bit widths out of range") }
        let quantization = QuantizationSpec(weightBits: weightBits, biasBits: biasBits, granularity: granularity)
        let groups = quantization.groups(of: layout)
        guard reader.remaining == 2 * groups.count else { throw .corrupt(tag, "expected \(groups.count) step sizes") }
        var stepSizes: [Float16] = []
        stepSizes.reserveCapacity(groups.count)
        for _ in groups {
            let step = try reader.float16()
            guard step.isFinite, step >= 0 else { throw .corrupt(tag, "step size \(step)") }
            stepSizes.append(step)
        }
        return (quantization, stepSizes)
    }

    /// `inr inspect`'s words: "weights 8 bits, biases 10 bits, one step per tensor (6 steps)".
    public static func summary(_ quantization: QuantizationSpec, stepCount: Int) -> String {
        "weights \(quantization.weightBits) bits, biases \(quantization.biasBits) bits, "
            + "one step per \(quantization.granularity == .layer ? "tensor" : "output channel") (\(stepCount) steps)"
    }
}
