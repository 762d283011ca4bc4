import INRCoding
import INRModel
import INRNetwork

/// GRPS: a video's frame groups (docs/bitstream.md).
///
///     group count (varint) · per group: length (varint) · its integers coded as WGHT
///     (`WeightSection`: group 0 whole, a later group whole or as differences from the group before)
public enum GroupSection {
    public static let tag = "GRPS"
    /// Integers all groups together may hold: 2²⁸, 1 GiB.
    public static let maximumSymbols = 1 << 28

    /// The section from each group's code.
    public static func payload(_ codes: [[UInt8]]) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(varint: codes.count)
        for code in codes {
            writer.append(varint: code.count)
            writer.append(code)
        }
        return writer.bytes
    }

    /// The groups' codes as stored (each starts with its method byte), framing checked; nothing
    /// decoded.
    public static func codes(_ payload: ArraySlice<UInt8>) throws(BitstreamError) -> [ArraySlice<UInt8>] {
        var reader = ByteReader(payload, context: tag)
        let count = try reader.varint(in: 1...VideoFormat.maximumFrames, "group count")
        var codes: [ArraySlice<UInt8>] = []
        for index in 0..<count {
            let length = try reader.varint()
            guard length <= reader.remaining else { throw .truncated("\(tag), group \(index)") }
            codes.append(try reader.bytes(length))
        }
        guard reader.isAtEnd else { throw .corrupt(tag, "\(reader.remaining) unexpected bytes") }
        return codes
    }

    /// Each group's integers (one group per `patches.groupSize` of `frameCount` frames), a later
    /// group's differences added to the group before.
    public static func read(
        _ payload: ArraySlice<UInt8>, patches: VideoPatches, frameCount: Int, layout: ParameterLayout, quantization: QuantizationSpec
    ) throws(BitstreamError) -> [[Int32]] {
        let codes = try codes(payload)
        guard codes.count == patches.groups(frameCount: frameCount).count else {
            throw .corrupt(tag, "\(codes.count) groups for \(frameCount) frames in groups of \(patches.groupSize)")
        }
        guard codes.count * layout.count <= maximumSymbols else {
            throw .corrupt(tag, "\(codes.count) groups of \(layout.count) parameters are too many")
        }
        var groups: [[Int32]] = []
        for (index, code) in codes.enumerated() {
            groups.append(try WeightSection.read(
                code, layout: layout, quantization: quantization, context: "\(tag), group \(index)", previous: groups.last))
        }
        return groups
    }

    /// `inr inspect`'s words: each group's coded size and whether it codes differences.
    public static func summary(_ codes: [ArraySlice<UInt8>]) -> String {
        codes.enumerated().map { index, code in "\(index): \(code.count) B " + (code.first == 2 ? "(differences)" : "(whole)") }
            .joined(separator: ", ")
    }
}
