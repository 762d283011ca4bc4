import Foundation

/// The rate term of training: the bits of a (noisy or rounded) latent ŷ under a Laplace
/// distribution of mean μ and scale b = e^s, integrated over the unit bin around ŷ
/// (Ballé et al. 2018's continuous relaxation; Cool-chic's latent rate):
///
///     P(ŷ) = F((ŷ + ½ − μ)/b) − F((ŷ − ½ − μ)/b),   F the standard Laplace CDF
///     bits = −log2 max(P, 2^−16)
///
/// with its derivatives in ŷ, μ and s (zero where P is clamped, or s outside its range).
public enum LaplaceRate {
    /// s is clamped to [−4.6, 5]: b from 0.01 to 148 (Cool-chic's range).
    public static let logScaleRange: ClosedRange<Float> = -4.6...5.0
    static let minimumProbability: Float = 1.0 / 65536

    /// (bits, ∂bits/∂ŷ, ∂bits/∂μ, ∂bits/∂s).
    @inline(__always)
    public static func bits(value: Float, mean: Float, logScale: Float) -> (bits: Float, value: Float, mean: Float, logScale: Float) {
        let clamped = min(max(logScale, logScaleRange.lowerBound), logScaleRange.upperBound)
        let inverse = expf(-clamped)
        let upper = (value + 0.5 - mean) * inverse, lower = (value - 0.5 - mean) * inverse
        let densityUpper = 0.5 * expf(-abs(upper)), densityLower = 0.5 * expf(-abs(lower))
        let probability: Float
        if lower >= 0 {
            probability = densityLower - densityUpper
        } else if upper <= 0 {
            probability = densityUpper - densityLower
        } else {
            probability = 1 - densityUpper - densityLower
        }
        guard probability > minimumProbability else { return (16, 0, 0, 0) }
        let scale = -1 / (probability * Float(M_LN2))
        let dValue = (densityUpper - densityLower) * inverse
        let dLogScale: Float = logScale == clamped ? -(densityUpper * upper - densityLower * lower) : 0
        return (-log2f(probability), scale * dValue, -scale * dValue, scale * dLogScale)
    }
}
