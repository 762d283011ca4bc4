import Foundation
import INRCore

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

extension Metrics {
    /// MS-SSIM (Wang, Simoncelli & Bovik 2003) as CompressAI and pytorch-msssim compute it: per
    /// channel, an 11×11 Gaussian window (σ = 1.5, no padding), K1 = 0.01, K2 = 0.03, five scales
    /// with weights (0.0448, 0.2856, 0.3001, 0.2363, 0.1333), 2×2 average pooling between scales
    /// (odd sizes padded by replication); contrast-structure terms clamped at 0 (ReLU); averaged
    /// over channels. Needs at least 161 pixels on the shorter side (4 halvings leave an 11×11
    /// window room).
    public static func msSSIM(_ original: Image, _ reconstruction: Image) throws -> Double {
        precondition(
            original.width == reconstruction.width && original.height == reconstruction.height
                && original.channels == reconstruction.channels && original.bitDepth == reconstruction.bitDepth,
            "MS-SSIM needs images of the same shape")
        guard min(original.width, original.height) > 160 else {
            throw MediaError(path: "", reason: "MS-SSIM needs images of at least 161 pixels a side")
        }
        let weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
        let peak = Double(original.maximumValue)
        var total = 0.0
        for channel in 0..<original.channels {
            var x = Plane(original, channel: channel), y = Plane(reconstruction, channel: channel)
            var value = 1.0
            for (scale, weight) in weights.enumerated() {
                let (ssim, cs) = ssimAndContrastStructure(x, y, peak: peak)
                value *= pow(max(scale == weights.count - 1 ? ssim : cs, 0), weight)
                x = x.halved()
                y = y.halved()
            }
            total += value
        }
        return total / Double(original.channels)
    }

    /// One channel as Doubles.
    struct Plane {
        var width: Int, height: Int
        var values: [Double]

        init(width: Int, height: Int, values: [Double]) {
            self.width = width
            self.height = height
            self.values = values
        }

        init(_ image: Image, channel: Int) {
            width = image.width
            height = image.height
            values = (0..<(image.width * image.height)).map { Double(image.samples[$0 * image.channels + channel]) }
        }

        subscript(x: Int, y: Int) -> Double { values[y * width + x] }

        /// 2×2 average pooling (an odd last row or column is paired with itself).
        func halved() -> Plane {
            let w = (width + 1) / 2, h = (height + 1) / 2
            var out = [Double](repeating: 0, count: w * h)
            for y in 0..<h {
                for x in 0..<w {
                    let x1 = min(2 * x + 1, width - 1), y1 = min(2 * y + 1, height - 1)
                    out[y * w + x] = (self[2 * x, 2 * y] + self[x1, 2 * y] + self[2 * x, y1] + self[x1, y1]) / 4
                }
            }
            return Plane(width: w, height: h, values: out)
        }

        /// Valid separable filtering with `kernel` (no padding).
        func filtered(_ kernel: [Double]) -> Plane {
            let k = kernel.count
            let w = width - k + 1, h = height - k + 1
            var rows = [Double](repeating: 0, count: w * height)
            for y in 0..<height {
                for x in 0..<w {
                    var sum = 0.0
                    for i in 0..<k { sum += kernel[i] * values[y * width + x + i] }
                    rows[y * w + x] = sum
                }
            }
            var out = [Double](repeating: 0, count: w * h)
            for y in 0..<h {
                for x in 0..<w {
                    var sum = 0.0
                    for i in 0..<k { sum += kernel[i] * rows[(y + i) * w + x] }
                    out[y * w + x] = sum
                }
            }
            return Plane(width: w, height: h, values: out)
        }

        static func * (a: Plane, b: Plane) -> Plane {
            Plane(width: a.width, height: a.height, values: zip(a.values, b.values).map(*))
        }
    }

    static let gaussianWindow: [Double] = {
        let g = (0..<11).map { exp(-Double(($0 - 5) * ($0 - 5)) / (2 * 1.5 * 1.5)) }
        let sum = g.reduce(0, +)
        return g.map { $0 / sum }
    }()

    /// Mean SSIM and mean contrast-structure term of one scale.
    static func ssimAndContrastStructure(_ x: Plane, _ y: Plane, peak: Double) -> (Double, Double) {
        let c1 = (0.01 * peak) * (0.01 * peak), c2 = (0.03 * peak) * (0.03 * peak)
        let window = gaussianWindow
        let mx = x.filtered(window), my = y.filtered(window)
        let sxx = (x * x).filtered(window), syy = (y * y).filtered(window), sxy = (x * y).filtered(window)
        var ssim = 0.0, cs = 0.0
        for i in mx.values.indices {
            let mux = mx.values[i], muy = my.values[i]
            let varianceX = sxx.values[i] - mux * mux, varianceY = syy.values[i] - muy * muy
            let covariance = sxy.values[i] - mux * muy
            let contrast = (2 * covariance + c2) / (varianceX + varianceY + c2)
            cs += contrast
            ssim += (2 * mux * muy + c1) / (mux * mux + muy * muy + c1) * contrast
        }
        let n = Double(mx.values.count)
        return (ssim / n, cs / n)
    }
}
