import Foundation
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
public struct SAPEEncoding: AdaptiveEncoding, Hashable {
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
