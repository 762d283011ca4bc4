import INRCoding

/// An encoding a model can hold: everything about it beyond its math, in its own file.
///
///     model file (JSON)   {"type": typeName, …its Codable keys}
///     .inr file (ENCO)    typeCode (u8) · writePayload … read(payload:)     (docs/bitstream.md)
///     inr inspect         summary
///     tests               examples: the gradient contract, the bitstream and model-file round trips
///
/// A new encoding is one file in Sources/INRNetwork/Encodings conforming to this protocol, one
/// line in `EncodingModel.registered`, and its YAML section in Sources/INRConfig/EncodingConfig.swift.
public protocol RegisteredEncoding: Encoding, Hashable, Codable {
    /// The model file's `type`.
    static var typeName: String { get }
    /// ENCO's type byte: stable across versions, never reused.
    static var typeCode: UInt8 { get }
    /// Instances in the state a file stores (`read(payload:)` gives them back equal); at least one.
    static var examples: [Self] { get }

    /// ENCO's payload after the type byte.
    func writePayload(to writer: inout ByteWriter)
    /// Reads `writePayload`'s fields, checking each against the limits (a file is untrusted
    /// input); errors name the ENCO section.
    static func read(payload reader: inout ByteReader) throws(BitstreamError) -> Self
    /// One line for `inr inspect`, e.g. "Fourier, 256 features, σ 10.0, seed 1".
    var summary: String { get }
}
