import Foundation
import INRCore

/// The latents' quantisation proxy during training (C3, Kim et al. 2024, §3.2; soft-rounding
/// from Agustsson & Theis 2020, "Universally Quantized Neural Compression", §4.1):
///
///     s_T(y) = ⌊y⌋ + ½ + tanh((y − ⌊y⌋ − ½)/T) / (2·tanh(1/(2T)))      (→ round as T → 0)
///     ŷ      = s_T(s_T(y) + n),  n ~ N(0, σ²)
///
/// with the temperature T annealed from 0.35 to 0.08 and the noise's σ from 0.22 to 0.15 over
/// the main phase (Cool-chic 4's schedule, which here beat C3's Kumaraswamy noise); the final
/// phase rounds (ŷ = round y).
public struct SoftRounding: Sendable {
    public let temperature: Float
    let inverseTemperature: Float
    /// ½ / tanh(1/(2T)): s_T maps the bin's edges to themselves.
    let halfOverTanh: Float

    public init(temperature: Float) {
        self.temperature = temperature
        inverseTemperature = 1 / temperature
        halfOverTanh = 0.5 / tanhf(0.5 / temperature)
    }

    /// (s_T(y), ds_T/dy), one latent in single precision: the reference the kernels' `softRound`
    /// (the training's, 16 latents at a time) is tested against.
    @inline(__always)
    public func callAsFunction(_ y: Float) -> (value: Float, derivative: Float) {
        let floor = y.rounded(.down)
        let t = 1 - 2 / (expf(2 * (y - floor - 0.5) * inverseTemperature) + 1)  // tanh
        return (floor + 0.5 + halfOverTanh * t, halfOverTanh * inverseTemperature * (1 - t * t))
    }

    /// The annealed (T, σ) at `progress` ∈ [0, 1] of the main phase.
    public static func schedule(progress: Float) -> (temperature: Float, noise: Float) {
        let p = min(max(progress, 0), 1)
        return (0.35 + (0.08 - 0.35) * p, 0.22 + (0.15 - 0.22) * p)
    }

    public static let noiseLevels = 4096

    /// Φ⁻¹ of the standard normal at the midpoints (k + ½)/4096, k = 0…4095 (so |n| < 3.7σ),
    /// rounded from double precision once: a draw is a linear interpolation in this table, the
    /// same on every CPU.
    public static let standardNormalQuantiles: [Float] = (0..<noiseLevels).map { Float(inverseNormal((Double($0) + 0.5) / Double(noiseLevels))) }

    /// Φ⁻¹(p) for p in (0, 1): Acklam's rational approximation (relative error < 1.2e-9).
    public static func inverseNormal(_ p: Double) -> Double {
        let a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00]
        let b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01]
        let c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00]
        let d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00]
        func tail(_ q: Double) -> Double {
            let r = (-2 * log(q)).squareRoot()
            return (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1)
        }
        if p < 0.02425 { return tail(p) }
        if p > 1 - 0.02425 { return -tail(1 - p) }
        let q = p - 0.5, r = q * q
        return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q
            / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
    }

    /// The noise n = σ·Φ⁻¹(u) of a uniform u in [0, 1).
    @inline(__always)
    public static func gaussianNoise(_ u: Float, deviation: Float, table: UnsafePointer<Float>) -> Float {
        let position = max(u * Float(noiseLevels) - 0.5, 0)
        let index = min(Int(position), noiseLevels - 2), fraction = min(position - Float(index), 1)
        return deviation * (table[index] + fraction * (table[index + 1] - table[index]))
    }

    /// One training step's ŷ of every latent and dŷ/dy, in parallel: chunk k of step t draws its
    /// noise from its own generator (seeded by seed, t and k), so the draws do not depend on the
    /// thread count; the soft-rounding itself is the `kernels`' `softRound` (16 lanes, tanh from
    /// their vector exp). With `softRounding` false: ŷ = y + u, u uniform on (−½, ½) (Ballé et al.
    /// 2017's proxy, Cool-chic 1's), dŷ/dy = 1.
    public static func quantize(
        _ latents: [Float], into quantized: inout [Float], slope: inout [Float], temperature: Float, noise deviation: Float,
        seed: UInt64, step: Int, pool: WorkerPool, kernels: any KernelSet, softRounding: Bool = true
    ) {
        let chunk = 16384, count = latents.count
        let soft = SoftRounding(temperature: temperature)
        Self.standardNormalQuantiles.withUnsafeBufferPointer { table in
            latents.withUnsafeBufferPointer { y in
                quantized.withUnsafeMutableBufferPointer { q in
                    slope.withUnsafeMutableBufferPointer { d in
                        let y = y.baseAddress!, q = q.baseAddress!, d = d.baseAddress!, table = table.baseAddress!
                        pool.run(tasks: (count + chunk - 1) / chunk) { task, _ in
                            var random = SeededGenerator(seed: seed &+ UInt64(step) &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(task))
                            let range = (task * chunk)..<min((task + 1) * chunk, count)
                            guard softRounding else {
                                for i in range {
                                    q[i] = y[i] + Float(random.nextUnit()) - 0.5
                                    d[i] = 1
                                }
                                return
                            }
                            withUnsafeTemporaryAllocation(of: Float.self, capacity: range.count) { noise in
                                for (k, _) in range.enumerated() {
                                    noise[k] = gaussianNoise(Float(random.nextUnit()), deviation: deviation, table: table)
                                }
                                kernels.softRound(
                                    y + range.lowerBound, noise: noise.baseAddress!, count: range.count, inverseTemperature: soft.inverseTemperature,
                                    halfOverTanh: soft.halfOverTanh, quantized: q + range.lowerBound, slope: d + range.lowerBound)
                            }
                        }
                    }
                }
            }
        }
    }
}
