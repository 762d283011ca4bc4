import INRCoding
import INRCore

/// The coordinates themselves: what SIREN and COIN feed their first layer.
public struct RawEncoding: FixedEncoding, Hashable {
    public var inputWidth: Int

    public init(inputWidth: Int = 2) { self.inputWidth = inputWidth }

    public var outputWidth: Int { inputWidth }

    public func encode(_ coordinates: MatrixView, into features: MatrixView, kernels: any KernelSet) {
        for row in 0..<coordinates.rows {
            for column in 0..<inputWidth { features[row, column] = coordinates[row, column] }
        }
    }

    public func coordinateGradient(_ coordinates: MatrixView, featureGradient: MatrixView, into gradient: MatrixView) {
        for row in 0..<coordinates.rows {
            for column in 0..<inputWidth { gradient[row, column] = featureGradient[row, column] }
        }
    }
}

extension RawEncoding: Codable {
    enum CodingKeys: String, CodingKey { case inputWidth }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let width = try c.decode(Int.self, forKey: .inputWidth)
        guard (1...4).contains(width) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "raw encoding of \(width) coordinates"))
        }
        self.init(inputWidth: width)
    }
}

extension RawEncoding: RegisteredEncoding {
    public static let typeName = "raw"
    public static let typeCode: UInt8 = 0
    public static var examples: [RawEncoding] { [RawEncoding()] }

    /// Nothing: a file's raw encoding takes (x, y).
    public func writePayload(to writer: inout ByteWriter) {}

    public static func read(payload reader: inout ByteReader) throws(BitstreamError) -> RawEncoding { RawEncoding() }

    public var summary: String { "raw (x, y)" }
}
