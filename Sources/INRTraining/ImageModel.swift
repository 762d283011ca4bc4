import Foundation
import INRCore
import INRModel
import INRNetwork

/// A fitted image: everything needed to render it again at any size.
public struct ImageModel: Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var bitDepth: Int
    public var encoding: EncodingModel
    public var parameters: Parameters
    /// What the outputs are: bit-plane logits, or intensities when nil.
    public var bitPlanes: BitPlaneHead?

    public init(
        width: Int, height: Int, channels: Int, bitDepth: Int, encoding: EncodingModel, parameters: Parameters,
        bitPlanes: BitPlaneHead? = nil
    ) {
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.encoding = encoding
        self.parameters = parameters
        self.bitPlanes = bitPlanes
    }

    /// Network inputs after the encoded (x, y).
    public var extraInputWidth: Int { bitPlanes?.extraInputWidth(channels: channels) ?? 0 }
    /// Network outputs.
    public var outputWidth: Int { bitPlanes?.outputWidth(channels: channels, bitDepth: bitDepth) ?? channels }

    public var spec: NetworkSpec { parameters.spec }
}

/// The checkpoint `inr fit` writes: full-precision weights plus a JSON header, so a fit can be
/// rendered or inspected later. (The compressed bitstream is a separate format.)
///
///     "INRMODEL"          8 bytes
///     version             UInt32 LE (1)
///     header length       UInt32 LE, at most 64 MiB
///     header              JSON: size, channels, bit depth, network spec, encoding + its state,
///                         the bit-plane head (absent for intensities)
///     parameters          Float32 LE × (spec.parameterCount + the encoding's parameter count), in
///                         ParameterLayout(spec:encodingShapes:) order: network, then a grid's values
///     CRC-32              UInt32 LE of everything above
public enum ModelFile {
    public static let magic = Array("INRMODEL".utf8)
    public static let version: UInt32 = 1
    static let maximumHeaderLength = 64 << 20
    static let maximumSide = 1 << 20

    struct Header: Codable {
        var width: Int
        var height: Int
        var channels: Int
        var bitDepth: Int
        var spec: NetworkSpec
        var encoding: EncodingModel
        var bitPlanes: BitPlaneHead?
    }

    public static func data(_ model: ImageModel) throws -> Data {
        let header = Header(
            width: model.width, height: model.height, channels: model.channels, bitDepth: model.bitDepth,
            spec: model.spec, encoding: model.encoding, bitPlanes: model.bitPlanes)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = try encoder.encode(header)
        var bytes = magic
        append(version, to: &bytes)
        append(UInt32(json.count), to: &bytes)
        bytes += json
        for value in model.parameters.values { append(value.bitPattern, to: &bytes) }
        append(CRC32.checksum(bytes), to: &bytes)
        return Data(bytes)
    }

    public static func write(_ model: ImageModel, to path: String) throws {
        try OutputFile.write(try data(model), to: path)
    }

    public static func read(_ path: String) throws -> ImageModel {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ModelFileError(path: path, reason: "cannot read the file")
        }
        do {
            return try model(from: [UInt8](data))
        } catch {
            throw ModelFileError(path: path, reason: error.text)
        }
    }

    static func model(from bytes: [UInt8]) throws(ModelFileError.Reason) -> ImageModel {
        guard bytes.count >= 20, Array(bytes[0..<8]) == magic else { throw .init("not an inr model file") }
        let version = read32(bytes, 8)
        guard version == Self.version else { throw .init("model file version \(version) is not supported (this build reads \(Self.version))") }
        let headerLength = Int(read32(bytes, 12))
        guard headerLength <= maximumHeaderLength, 16 + headerLength + 4 <= bytes.count else { throw .init("truncated or corrupt header") }
        guard CRC32.checksum(bytes[0..<(bytes.count - 4)]) == read32(bytes, bytes.count - 4) else { throw .init("checksum mismatch: the file is corrupt") }
        let header: Header
        do {
            header = try JSONDecoder().decode(Header.self, from: Data(bytes[16..<(16 + headerLength)]))
        } catch {
            throw .init("unreadable header: \(error)")
        }
        do {
            try header.spec.validate()
        } catch {
            throw .init("implausible network spec: \(error)")
        }
        guard (1...maximumSide).contains(header.width), (1...maximumSide).contains(header.height),
            header.width * header.height <= 1 << 30, (1...4).contains(header.channels), [8, 16].contains(header.bitDepth)
        else { throw .init("implausible image size, channels or bit depth") }
        guard header.encoding.encoding.inputWidth == 2 else { throw .init("an image model takes 2 coordinates") }
        let shapes = header.encoding.encoding.parameterShapes
        let count = ParameterLayout(spec: header.spec, encodingShapes: shapes).count
        guard 16 + headerLength + 4 * count + 4 == bytes.count else { throw .init("parameter section has the wrong size") }
        var values = [Float](repeating: 0, count: count)
        for i in 0..<count { values[i] = Float(bitPattern: read32(bytes, 16 + headerLength + 4 * i)) }
        let model = ImageModel(
            width: header.width, height: header.height, channels: header.channels, bitDepth: header.bitDepth,
            encoding: header.encoding, parameters: Parameters(spec: header.spec, encodingShapes: shapes, values: values), bitPlanes: header.bitPlanes)
        guard header.encoding.encoding.outputWidth + model.extraInputWidth == header.spec.inputWidth,
            header.spec.outputWidth == model.outputWidth
        else {
            throw .init("encoding, network and channels do not fit together")
        }
        return model
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private static func read32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(bytes[offset + $1]) << UInt32(8 * $1) }
    }
}

public struct ModelFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }

    struct Reason: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }
}
