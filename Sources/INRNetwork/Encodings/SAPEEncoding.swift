import Foundation
import INRCoding
import INRCore

/// SAPE: spatially-adaptive progressive encoding (Hertz et al., "SAPE: Spatially-Adaptive
/// Progressive Encoding for Neural Optimization", NeurIPS 2021).
///
///     x ──► [x] ─────────────────────────────────────────────► features
///      └──► 2π⟨b_j, x⟩ ─► sin, cos ─► × mask_j(x) ───────────►
///                                       ▲
///            FrequencyMask: spatial controller or global schedule (learns while fitting)
///
/// The raw coordinates are always on (the authors' "id encoding"); block j is the pair
/// (sin, cos) of frequency j, frequencies sorted by magnitude (`FourierBasis`).
public struct SAPEEncoding: AdaptiveEncoding, FixedEncoding, Hashable {
    public enum Progression: Hashable, Sendable {
        case spatial(SpatialFrequencyMask)
        case global(GlobalFrequencyMask)
    }

    public let basis: FourierBasis
    public private(set) var progression: Progression

    public init(basis: FourierBasis, progression: Progression) {
        self.basis = basis
        self.progression = progression
    }

    public var inputWidth: Int { basis.inputWidth }
    public var outputWidth: Int { inputWidth + 2 * basis.count }

    private var mask: any FrequencyMask {
        switch progression {
        case .spatial(let mask): mask
        case .global(let mask): mask
        }
    }

    public func encode(_ coordinates: MatrixView, into features: MatrixView, kernels: any KernelSet) {
        let count = basis.count, mask = self.mask
        withUnsafeTemporaryAllocation(of: Float.self, capacity: count) { values in
            for row in 0..<coordinates.rows {
                let point = coordinates.row(row), out = features.row(row)
                for c in 0..<inputWidth { out[c] = point[c] }
                let sine = out + inputWidth, cosine = sine + count
                basis.arguments(of: point, into: sine)
                kernels.sinCos(sine, count: count, sine: sine, cosine: cosine)
                mask.values(at: point, into: values.baseAddress!)
                for j in 0..<count {
                    sine[j] *= values[j]
                    cosine[j] *= values[j]
                }
            }
        }
    }

    public func coordinateGradient(_ coordinates: MatrixView, featureGradient: MatrixView, into gradient: MatrixView) {
        let count = basis.count, mask = self.mask
        var values = [Float](repeating: 0, count: count)
        var slopes = [Float](repeating: 0, count: 2 * count)
        var arguments = [Float](repeating: 0, count: count)
        for row in 0..<coordinates.rows {
            let point = coordinates.row(row)
            basis.arguments(of: point, into: &arguments)
            mask.values(at: point, into: &values)
            mask.gradients(at: point, into: &slopes)
            for c in 0..<inputWidth {
                var sum = featureGradient[row, c]
                for j in 0..<count {
                    let dSin = featureGradient[row, inputWidth + j], dCos = featureGradient[row, inputWidth + count + j]
                    let s = sin(arguments[j]), co = cos(arguments[j]), w = basis.frequency(j, coordinate: c)
                    // d(m·sin a)/dx = m'·sin a + m·cos a·a';  d(m·cos a)/dx = m'·cos a - m·sin a·a'
                    sum += dSin * (slopes[c * count + j] * s + values[j] * co * w)
                    sum += dCos * (slopes[c * count + j] * co - values[j] * s * w)
                }
                gradient[row, c] = sum
            }
        }
    }

    public mutating func prepare(step: Int, totalSteps: Int) {
        switch progression {
        case .spatial(var mask):
            progression = .global(GlobalFrequencyMask(blockCount: 0))  // the payload's only owner is `mask` now
            mask.prepare(step: step, totalSteps: totalSteps)
            progression = .spatial(mask)
        case .global(var mask):
            mask.prepare(step: step, totalSteps: totalSteps)
            progression = .global(mask)
        }
    }

    public mutating func observe(coordinates: UnsafePointer<Float>, losses: UnsafePointer<Float>, count: Int) {
        guard case .spatial(var mask) = progression else { return }
        progression = .global(GlobalFrequencyMask(blockCount: 0))  // no copy of the loss grids
        mask.observe(coordinates: coordinates, losses: losses, count: count)
        progression = .spatial(mask)
    }

    /// The spatial controller learns from each sample's loss.
    public var wantsSampleLosses: Bool {
        if case .spatial = progression { return true }
        return false
    }
}

extension SAPEEncoding: Codable {
    enum CodingKeys: String, CodingKey { case spatial, global }

    /// The basis's keys and the mask under `spatial` or `global`.
    public init(from decoder: any Decoder) throws {
        let basis = try FourierBasis(from: decoder)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        if let spatial = try c.decodeIfPresent(SpatialFrequencyMask.self, forKey: .spatial) {
            self.init(basis: basis, progression: .spatial(spatial))
        } else {
            self.init(basis: basis, progression: .global(try c.decode(GlobalFrequencyMask.self, forKey: .global)))
        }
        guard mask.blockCount == basis.count else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "SAPE mask has \(mask.blockCount) blocks for \(basis.count) frequencies"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        try basis.encode(to: encoder)
        var c = encoder.container(keyedBy: CodingKeys.self)
        switch progression {
        case .spatial(let mask): try c.encode(mask, forKey: .spatial)
        case .global(let mask): try c.encode(mask, forKey: .global)
        }
    }
}

extension SAPEEncoding: RegisteredEncoding {
    public static let typeName = "sape"
    public static let typeCode: UInt8 = 3
    public static var examples: [SAPEEncoding] {
        let basis = FourierBasis(count: 12, sigma: 2, seed: 3)
        // Cells holding different block counts, so the mask varies in space.
        let counts = (0..<64).map { (cell: Int) -> Int32 in Int32((3 * (cell % 8) + cell / 8) % 13) }
        return [
            SAPEEncoding(basis: basis, progression: .spatial(SpatialFrequencyMask(blockCount: 12, resolution: 8, epsilon: 0.05, counts: counts))),
            SAPEEncoding(basis: basis, progression: .global(GlobalFrequencyMask(blockCount: 12, openBlocks: 4, fadeIn: 0.25))),
        ]
    }

    /// The basis's fields, the progression (u8), then global: open blocks (varint), fade-in
    /// (f32); spatial: resolution R (varint), ε (f32), the R² cell counts range-coded as
    /// differences from the left neighbour (the upper one in column 0) to the end.
    public func writePayload(to writer: inout ByteWriter) {
        basis.write(to: &writer)
        switch progression {
        case .global(let mask):
            writer.append(byte: 0)
            writer.append(varint: mask.openBlocks)
            writer.append(mask.fadeIn)
        case .spatial(let mask):
            writer.append(byte: 1)
            writer.append(varint: mask.resolution)
            writer.append(mask.epsilon)
            var coder = RangeEncoder(), model = IntegerModel()
            for (cell, count) in mask.counts.enumerated() {
                model.encode(count - Self.neighbourCount(mask.counts, cell, resolution: mask.resolution), into: &coder)
            }
            writer.append(coder.finish())
        }
    }

    public static func read(payload reader: inout ByteReader) throws(BitstreamError) -> SAPEEncoding {
        let basis = try FourierBasis.read(from: &reader), count = basis.count
        switch try reader.byte() {
        case 0:
            let open = try reader.varint(in: 0...count, "open blocks"), fadeIn = try reader.float("fade-in")
            guard fadeIn >= 0 && fadeIn <= 1 else { throw .corrupt("ENCO", "fade-in \(fadeIn)") }
            return SAPEEncoding(basis: basis, progression: .global(GlobalFrequencyMask(blockCount: count, openBlocks: open, fadeIn: fadeIn)))
        case 1:
            let resolution = try reader.varint(), epsilon = try reader.float("ε")
            guard SpatialFrequencyMask.isValid(blockCount: count, resolution: resolution, epsilon: epsilon) else {
                throw .corrupt("ENCO", "SAPE grid out of range")
            }
            var decoder = RangeDecoder(Array(try reader.bytes(reader.remaining)))
            var model = IntegerModel()
            var counts = [Int32](repeating: 0, count: resolution * resolution)
            for cell in counts.indices {
                let value = Int64(neighbourCount(counts, cell, resolution: resolution)) + Int64(model.decode(from: &decoder))
                guard (0...Int64(count)).contains(value) else { throw .corrupt("ENCO", "SAPE cell count \(value)") }
                counts[cell] = Int32(value)
            }
            guard decoder.overrun <= 4 else { throw .truncated("ENCO") }
            return SAPEEncoding(basis: basis, progression: .spatial(
                SpatialFrequencyMask(blockCount: count, resolution: resolution, epsilon: epsilon, counts: counts)))
        case let progression:
            throw .corrupt("ENCO", "unknown SAPE progression \(progression)")
        }
    }

    /// The cell count a cell is coded against: its left neighbour, the upper one in column 0,
    /// 0 for the first cell.
    static func neighbourCount(_ counts: [Int32], _ cell: Int, resolution: Int) -> Int32 {
        cell % resolution != 0 ? counts[cell - 1] : cell >= resolution ? counts[cell - resolution] : 0
    }

    public var summary: String {
        let mask = switch progression {
        case .spatial(let m): "spatial \(m.resolution)² grid, ε \(m.epsilon), \(m.counts.reduce(0) { $0 + Int($1) }) blocks open in all"
        case .global(let m): "global, \(m.openBlocks) blocks open"
        }
        return "SAPE, \(basis.count) frequencies, \(basis.summary), \(mask)"
    }
}
