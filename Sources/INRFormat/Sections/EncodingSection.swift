import INRCoding
import INRNetwork

/// ENCO: the coordinate encoding (docs/bitstream.md): its type byte
/// (`RegisteredEncoding.typeCode`: 0 raw, 1 positional, 2 Fourier, 3 SAPE, 4 dense grid), then the payload
/// its own file writes and reads (`writePayload`, `read(payload:)`), seeds and learned state
/// included.
public enum EncodingSection {
    public static let tag = "ENCO"

    public static func payload(_ model: EncodingModel) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(byte: type(of: model.encoding).typeCode)
        model.encoding.writePayload(to: &writer)
        return writer.bytes
    }

    public static func read(_ payload: ArraySlice<UInt8>) throws(BitstreamError) -> EncodingModel {
        var reader = ByteReader(payload, context: tag)
        let code = try reader.byte()
        guard let encoding = EncodingModel.registered.first(where: { $0.typeCode == code }) else {
            throw .corrupt(tag, "unknown encoding type \(code)")
        }
        let model = EncodingModel(try encoding.read(payload: &reader))
        guard reader.isAtEnd else { throw .corrupt(tag, "\(reader.remaining) unexpected bytes") }
        return model
    }
}
