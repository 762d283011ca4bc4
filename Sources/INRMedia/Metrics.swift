import Foundation

/// Distortion measures, with the convention of the INR-compression literature (COIN, COIN++,
/// Strümpler et al.): RGB (all channels), peak 2^bits - 1, mean squared error over every sample
/// of one image; averages over images are taken of the per-image PSNRs.
public enum Metrics {
    /// PSNR in dB of `reconstruction` against `original` (same size, channels and depth);
    /// `.infinity` when they are equal.
    public static func psnr(_ original: Image, _ reconstruction: Image) -> Double {
        precondition(
            original.width == reconstruction.width && original.height == reconstruction.height
                && original.channels == reconstruction.channels && original.bitDepth == reconstruction.bitDepth,
            "PSNR needs images of the same shape")
        var sum = 0.0
        for (a, b) in zip(original.samples, reconstruction.samples) {
            let d = Double(a) - Double(b)
            sum += d * d
        }
        return psnr(meanSquaredError: sum / Double(original.samples.count), peak: Double(original.maximumValue))
    }

    /// `10·log10(peak² / mse)`.
    public static func psnr(meanSquaredError mse: Double, peak: Double = 1) -> Double {
        mse > 0 ? 10 * log10(peak * peak / mse) : .infinity
    }
}
