import Foundation
import INRCoding
import INRCore

/// The frequency matrix B of Gaussian random Fourier features, built the way SAPE's code builds
/// it (Hertz et al. 2021, `GaussianRandomFourierFeatures`): each frequency is a random unit
/// direction times a magnitude drawn from N(0, σ²), and the frequencies are sorted by |magnitude|
/// ascending, so "the first k blocks" are the k lowest frequencies.
///
/// The argument of feature j at coordinate x is `2π·⟨b_j, x⟩`; `scaled` stores `2π·b_j`
/// coordinate-major for vector loops.
public struct FourierBasis: Hashable, Sendable {
    /// Limits for configs and files: beyond them the frequency matrix or the sine arguments
    /// (kept below 2¹⁷, where `VectorMath.sinCos` is accurate) leave the tested range.
    public static let maximumCount = 8192
    public static let maximumSigma: Float = 1000

    /// Whether a basis of these sizes is within the limits (a decoder checks before building).
    public static func isValid(count: Int, sigma: Float, inputWidth: Int) -> Bool {
        (1...maximumCount).contains(count) && sigma.isFinite && sigma > 0 && sigma <= maximumSigma && (1...4).contains(inputWidth)
    }

    public let count: Int
    public let sigma: Float
    public let seed: UInt64
    public let inputWidth: Int
    /// `scaled[c * count + j] = 2π·b_j[c]`.
    public let scaled: [Float]

    public init(count: Int, sigma: Float, seed: UInt64, inputWidth: Int = 2) {
        self.count = count
        self.sigma = sigma
        self.seed = seed
        self.inputWidth = inputWidth
        var generator = SeededGenerator(seed: seed, stream: "fourier-features")
        let magnitudes = (0..<count).map { _ in Double(sigma) * generator.nextGaussian() }
        let directions: [[Double]] = (0..<count).map { _ in
            let v = (0..<inputWidth).map { _ in generator.nextGaussian() }
            let norm = max(v.map { $0 * $0 }.reduce(0, +).squareRoot(), .leastNormalMagnitude)
            return v.map { $0 / norm }
        }
        let order = (0..<count).sorted { (abs(magnitudes[$0]), $0) < (abs(magnitudes[$1]), $1) }
        var scaled = [Float](repeating: 0, count: count * inputWidth)
        for (j, source) in order.enumerated() {
            for c in 0..<inputWidth {
                scaled[c * count + j] = Float(2 * Double.pi * magnitudes[source] * directions[source][c])
            }
        }
        self.scaled = scaled
    }

    /// `arguments[j] = Σ_c scaled[c][j]·x_c` for one sample.
    @inline(__always)
    func arguments(of coordinates: UnsafePointer<Float>, into arguments: UnsafeMutablePointer<Float>) {
        scaled.withUnsafeBufferPointer { s in
            for j in 0..<count { arguments[j] = s[j] * coordinates[0] }
            for c in 1..<max(inputWidth, 1) {
                let row = s.baseAddress! + c * count
                for j in 0..<count { arguments[j] += row[j] * coordinates[c] }
            }
        }
    }

    /// `2π·b_j[c]`.
    func frequency(_ j: Int, coordinate c: Int) -> Float { scaled[c * count + j] }
}

extension FourierBasis: Codable {
    enum CodingKeys: String, CodingKey { case featureCount, sigma, seed, inputWidth }

    /// Validates before building anything: a model file is untrusted input.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let count = try c.decode(Int.self, forKey: .featureCount)
        let sigma = try c.decode(Float.self, forKey: .sigma)
        let inputWidth = try c.decode(Int.self, forKey: .inputWidth)
        guard Self.isValid(count: count, sigma: sigma, inputWidth: inputWidth) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "Fourier features out of range"))
        }
        self.init(count: count, sigma: sigma, seed: try c.decode(UInt64.self, forKey: .seed), inputWidth: inputWidth)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(count, forKey: .featureCount)
        try c.encode(sigma, forKey: .sigma)
        try c.encode(seed, forKey: .seed)
        try c.encode(inputWidth, forKey: .inputWidth)
    }
}

extension FourierBasis {
    /// ENCO's fields of a basis (Fourier features and SAPE): count (varint), σ (f32), seed (u64).
    func write(to writer: inout ByteWriter) {
        writer.append(varint: count)
        writer.append(sigma)
        writer.append(seed)
    }

    /// Reads `write`'s fields of a basis of (x, y), checked against the limits.
    static func read(from reader: inout ByteReader) throws(BitstreamError) -> FourierBasis {
        let count = try reader.varint(), sigma = try reader.float("σ"), seed = try reader.uint64()
        guard isValid(count: count, sigma: sigma, inputWidth: 2) else { throw .corrupt("ENCO", "Fourier features out of range") }
        return FourierBasis(count: count, sigma: sigma, seed: seed)
    }

    /// `inr inspect`'s words for the basis: "σ 10.0, seed 1".
    var summary: String { "σ \(sigma), seed \(seed)" }
}
