import Foundation
import INRCoding
import INRCore

/// Gaussian random Fourier features (Tancik et al., NeurIPS 2020), `[x] [sin 2π⟨b_j,x⟩]
/// [cos 2π⟨b_j,x⟩]` with B built as in `FourierBasis` (magnitudes sorted ascending, as SAPE does).
public struct FourierEncoding: FixedEncoding, Hashable {
    public let basis: FourierBasis
    public var includeInput: Bool

    public init(featureCount: Int, sigma: Float, seed: UInt64, includeInput: Bool = true, inputWidth: Int = 2) {
        basis = FourierBasis(count: featureCount, sigma: sigma, seed: seed, inputWidth: inputWidth)
        self.includeInput = includeInput
    }

    init(basis: FourierBasis, includeInput: Bool) {
        self.basis = basis
        self.includeInput = includeInput
    }

    public var inputWidth: Int { basis.inputWidth }
    var rawWidth: Int { includeInput ? inputWidth : 0 }
    public var outputWidth: Int { rawWidth + 2 * basis.count }

    public func encode(_ coordinates: MatrixView, into features: MatrixView, kernels: any KernelSet) {
        for row in 0..<coordinates.rows {
            let out = features.row(row)
            for c in 0..<rawWidth { out[c] = coordinates[row, c] }
            let sine = out + rawWidth
            basis.arguments(of: coordinates.row(row), into: sine)
            kernels.sinCos(sine, count: basis.count, sine: sine, cosine: sine + basis.count)
        }
    }

    public func coordinateGradient(_ coordinates: MatrixView, featureGradient: MatrixView, into gradient: MatrixView) {
        var arguments = [Float](repeating: 0, count: basis.count)
        for row in 0..<coordinates.rows {
            basis.arguments(of: coordinates.row(row), into: &arguments)
            for c in 0..<inputWidth {
                var sum = includeInput ? featureGradient[row, c] : 0
                for j in 0..<basis.count {
                    let dSin = featureGradient[row, rawWidth + j], dCos = featureGradient[row, rawWidth + basis.count + j]
                    sum += basis.frequency(j, coordinate: c) * (cos(arguments[j]) * dSin - sin(arguments[j]) * dCos)
                }
                gradient[row, c] = sum
            }
        }
    }
}

extension FourierEncoding: Codable {
    enum CodingKeys: String, CodingKey { case includeInput }

    /// The basis's keys and `includeInput`, side by side in one object.
    public init(from decoder: any Decoder) throws {
        basis = try FourierBasis(from: decoder)
        includeInput = try decoder.container(keyedBy: CodingKeys.self).decode(Bool.self, forKey: .includeInput)
    }

    public func encode(to encoder: any Encoder) throws {
        try basis.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(includeInput, forKey: .includeInput)
    }
}

extension FourierEncoding: RegisteredEncoding {
    public static let typeName = "fourier"
    public static let typeCode: UInt8 = 2
    public static var examples: [FourierEncoding] {
        [FourierEncoding(featureCount: 16, sigma: 3, seed: 1), FourierEncoding(featureCount: 6, sigma: 2.5, seed: 99, includeInput: false)]
    }

    /// The basis's fields, then include (x, y) (u8 0/1).
    public func writePayload(to writer: inout ByteWriter) {
        basis.write(to: &writer)
        writer.append(byte: includeInput ? 1 : 0)
    }

    public static func read(payload reader: inout ByteReader) throws(BitstreamError) -> FourierEncoding {
        let basis = try FourierBasis.read(from: &reader)
        return FourierEncoding(basis: basis, includeInput: try reader.byte() == 1)
    }

    public var summary: String {
        "Fourier, \(basis.count) features, \(basis.summary)" + (includeInput ? ", with (x, y)" : "")
    }
}
