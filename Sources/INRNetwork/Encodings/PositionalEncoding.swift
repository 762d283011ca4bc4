import Foundation
import INRCoding
import INRCore

/// NeRF-style positional encoding (Mildenhall et al. 2020, eq. 4) with a configurable base:
/// for frequency i < L and each coordinate c, `sin(base^i·π·c)` and `cos(base^i·π·c)`.
/// Base 2 is NeRF's; Strümpler et al. 2022 (§3.1) use base 1.4 with L = 16 and keep the raw
/// coordinates.
///
/// Feature order: `[c (if includeInput)] [sin of all (i, c)] [cos of all (i, c)]`, the (i, c)
/// pairs frequency-major.
public struct PositionalEncoding: FixedEncoding, Hashable {
    public static let maximumFrequencyCount = 64
    /// The largest allowed `base^(L-1)·π`: sine arguments stay below 2¹⁷, where
    /// `VectorMath.sinCos` is accurate.
    public static let maximumFrequency: Double = 131_072

    /// `base^(L-1)·π`, the highest angular frequency of L frequencies.
    public static func highestFrequency(count: Int, base: Float) -> Double {
        pow(Double(base), Double(count - 1)) * Double.pi
    }

    /// Whether these settings are within the limits (a decoder checks before building).
    public static func isValid(inputWidth: Int, frequencyCount: Int, base: Float) -> Bool {
        (1...4).contains(inputWidth) && (1...maximumFrequencyCount).contains(frequencyCount) && base.isFinite && base > 1
            && highestFrequency(count: frequencyCount, base: base) <= maximumFrequency
    }

    public var inputWidth: Int
    public var frequencyCount: Int
    public var base: Float
    public var includeInput: Bool

    public init(inputWidth: Int = 2, frequencyCount: Int, base: Float = 2, includeInput: Bool = true) {
        self.inputWidth = inputWidth
        self.frequencyCount = frequencyCount
        self.base = base
        self.includeInput = includeInput
    }

    var rawWidth: Int { includeInput ? inputWidth : 0 }
    var argumentCount: Int { frequencyCount * inputWidth }
    public var outputWidth: Int { rawWidth + 2 * argumentCount }

    /// `base^i·π` for each frequency, computed in Double then rounded once.
    var scales: [Float] {
        (0..<frequencyCount).map { Float(pow(Double(base), Double($0)) * Double.pi) }
    }

    public func encode(_ coordinates: MatrixView, into features: MatrixView, kernels: any KernelSet) {
        let scales = self.scales
        for row in 0..<coordinates.rows {
            let out = features.row(row)
            for c in 0..<rawWidth { out[c] = coordinates[row, c] }
            let arguments = out + rawWidth  // computed in the sine slots, then replaced in place
            for i in 0..<frequencyCount {
                for c in 0..<inputWidth { arguments[i * inputWidth + c] = scales[i] * coordinates[row, c] }
            }
            kernels.sinCos(arguments, count: argumentCount, sine: arguments, cosine: arguments + argumentCount)
        }
    }

    public func coordinateGradient(_ coordinates: MatrixView, featureGradient: MatrixView, into gradient: MatrixView) {
        let scales = self.scales
        for row in 0..<coordinates.rows {
            for c in 0..<inputWidth {
                var sum = includeInput ? featureGradient[row, c] : 0
                for i in 0..<frequencyCount {
                    let argument = scales[i] * coordinates[row, c]
                    let index = rawWidth + i * inputWidth + c
                    sum += scales[i] * (cos(argument) * featureGradient[row, index]
                        - sin(argument) * featureGradient[row, index + argumentCount])
                }
                gradient[row, c] = sum
            }
        }
    }
}

extension PositionalEncoding: Codable {
    enum CodingKeys: String, CodingKey { case inputWidth, frequencyCount, base, includeInput }

    /// Validates before use: a model file is untrusted input.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let inputWidth = try c.decode(Int.self, forKey: .inputWidth)
        let count = try c.decode(Int.self, forKey: .frequencyCount)
        let base = try c.decode(Float.self, forKey: .base)
        guard Self.isValid(inputWidth: inputWidth, frequencyCount: count, base: base) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "positional encoding out of range"))
        }
        self.init(inputWidth: inputWidth, frequencyCount: count, base: base, includeInput: try c.decode(Bool.self, forKey: .includeInput))
    }
}

extension PositionalEncoding: RegisteredEncoding {
    public static let typeName = "positional"
    public static let typeCode: UInt8 = 1
    public static var examples: [PositionalEncoding] {
        [PositionalEncoding(frequencyCount: 6, base: 2, includeInput: false), PositionalEncoding(frequencyCount: 8, base: 1.4, includeInput: true)]
    }

    /// Frequency count L (varint), base (f32), include (x, y) (u8 0/1).
    public func writePayload(to writer: inout ByteWriter) {
        writer.append(varint: frequencyCount)
        writer.append(base)
        writer.append(byte: includeInput ? 1 : 0)
    }

    public static func read(payload reader: inout ByteReader) throws(BitstreamError) -> PositionalEncoding {
        let count = try reader.varint(), base = try reader.float("base"), includeInput = try reader.byte() == 1
        guard isValid(inputWidth: 2, frequencyCount: count, base: base) else { throw .corrupt("ENCO", "positional encoding out of range") }
        return PositionalEncoding(frequencyCount: count, base: base, includeInput: includeInput)
    }

    public var summary: String {
        "positional, \(frequencyCount) frequencies, base \(base)" + (includeInput ? ", with (x, y)" : "")
    }
}
