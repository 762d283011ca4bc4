import Foundation
import INRCore

/// The latents' quantisation proxy during training (C3, Kim et al. 2024, §3.2; soft-rounding
/// from Agustsson & Theis 2020, "Universally Quantized Neural Compression", §4.1):
///
///     s_T(y) = ⌊y⌋ + ½ + tanh((y − ⌊y⌋ − ½)/T) / (2·tanh(1/(2T)))      (→ round as T → 0)
///     ŷ      = s_T(s_T(y) + n),  n ~ Kumaraswamy(a, b(a)) − ½ on (−½, ½), mode ½
///
/// with the temperature T annealed from 0.3 to 0.1 and a from 2 (peaked noise) to 1 (uniform)
/// over the main phase; the final phase rounds (ŷ = round y) with a straight-through gradient.
public struct SoftRounding: Sendable {
    public let temperature: Float
    private let inverseTemperature: Float
    private let halfOverTanh: Float

    public init(temperature: Float) {
        self.temperature = temperature
        inverseTemperature = 1 / temperature
        halfOverTanh = 0.5 / tanhf(0.5 / temperature)
    }

    /// (s_T(y), ds_T/dy).
    @inline(__always)
    public func callAsFunction(_ y: Float) -> (value: Float, derivative: Float) {
        let floor = y.rounded(.down)
        let t = 1 - 2 / (expf(2 * (y - floor - 0.5) * inverseTemperature) + 1)  // tanh
        return (floor + 0.5 + halfOverTanh * t, halfOverTanh * inverseTemperature * (1 - t * t))
    }

    /// A Kumaraswamy(a, b) sample shifted to (−½, ½) from a uniform u in [0, 1], b chosen so the
    /// mode is ½ (a = 1: uniform; larger a: more peaked).
    public static func kumaraswamyNoise(_ u: Float, a: Float) -> Float {
        let b = (powf(2, a) * (a - 1) + 1) / a
        return min(max(powf(1 - powf(1 - u, 1 / b), 1 / a), 0), 1) - 0.5
    }

    /// The annealed (T, a) at `progress` ∈ [0, 1] of the main phase.
    public static func schedule(progress: Float) -> (temperature: Float, noise: Float) {
        let p = min(max(progress, 0), 1)
        return (0.3 + (0.1 - 0.3) * p, 2 + (1 - 2) * p)
    }

    /// One training step's ŷ of every latent and dŷ/dy, in parallel: chunk k of step t draws its
    /// noise from its own generator (seeded by seed, t and k), so the draws do not depend on the
    /// thread count. With `softRounding` false: ŷ = y + u, u uniform on (−½, ½) (Ballé et al.
    /// 2017's proxy, Cool-chic 1's), dŷ/dy = 1.
    public static func quantize(
        _ latents: [Float], into quantized: inout [Float], slope: inout [Float], temperature: Float, noise a: Float,
        seed: UInt64, step: Int, pool: WorkerPool, softRounding: Bool = true
    ) {
        let chunk = 16384, count = latents.count
        let soft = SoftRounding(temperature: temperature)
        // The noise's inverse CDF, tabulated for this step's a (linear between 4096 points).
        let levels = 4096
        let noiseTable = (0...levels).map { kumaraswamyNoise(Float($0) / Float(levels), a: a) }
        latents.withUnsafeBufferPointer { y in
            quantized.withUnsafeMutableBufferPointer { q in
                slope.withUnsafeMutableBufferPointer { d in
                    let y = y.baseAddress!, q = q.baseAddress!, d = d.baseAddress!
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
                        for i in range {
                            let position = Float(random.nextUnit()) * Float(levels)
                            let index = min(Int(position), levels - 1), fraction = position - Float(index)
                            let n = noiseTable[index] + fraction * (noiseTable[index + 1] - noiseTable[index])
                            let inner = soft(y[i])
                            let outer = soft(inner.value + n)
                            q[i] = outer.value
                            d[i] = outer.derivative * inner.derivative
                        }
                    }
                }
            }
        }
    }
}
