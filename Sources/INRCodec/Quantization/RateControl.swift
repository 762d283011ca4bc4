import Foundation
import INRFormat
import INRMedia
import INRNetwork

/// Lands a file on a target size by scaling every quantisation step by one factor s: a larger
/// step gives smaller integers, which the adaptive range coder codes in fewer bits.
///
///     steps(s) = s · Δ*        Δ* the MSE-optimal steps at the config's bits (`UniformQuantizer`)
///     bytes(s) = the written file's size with steps(s)       (measured: quantise and code)
///
/// bytes(s) falls as s grows (not strictly: the coder adapts), so a bisection over log s finds
/// the s whose file is just under the target; every file it measured is a candidate (`best`). Integers may take `extraBits` more than the config's,
/// so steps down to Δ*/2^extraBits do not clip.
///
/// The encoder runs it twice: on the float fit, to fix the steps of quantisation-aware
/// fine-tuning (aiming a little low, as fine-tuning moves the rate slightly), and, if the
/// fine-tuned file has left the tolerance, once more on the fine-tuned weights.
public struct RateControl: Sendable {
    /// The target size in bytes (B · pixels / 8).
    public let targetBytes: Double
    /// The accepted band, as fractions of the target.
    public static let tolerance = 0.95...1.05
    /// Bits added to the config's so the search can refine the steps without clipping.
    public static let extraBits = 4
    /// The range of s searched.
    public static let scales: ClosedRange<Double> = 1.0 / 16...4096
    static let iterations = 40

    public init(targetBytes: Double) {
        self.targetBytes = targetBytes
    }

    /// The control of a rate of `bitsPerPixel` over `pixels`.
    public init(bitsPerPixel: Double, pixels: Int) {
        self.init(targetBytes: bitsPerPixel * Double(pixels) / 8)
    }

    /// The largest file accepted: 1.05 × the target.
    public var ceiling: Double { Self.tolerance.upperBound * targetBytes }

    /// The quantiser of a rate-controlled encode: the config's spec with `extraBits` more bits.
    public static func quantizer(for spec: QuantizationSpec) -> UniformQuantizer {
        UniformQuantizer(
            spec: QuantizationSpec(
                weightBits: min(16, spec.weightBits + extraBits), biasBits: min(16, spec.biasBits + extraBits), granularity: spec.granularity))
    }

    /// What a search found: the steps and their file's size.
    public struct Choice: Sendable {
        public var stepSizes: [Float16]
        public var scale: Double
        public var bytes: Int
    }

    /// Whether `bytes` is within the tolerance of the target.
    public func accepts(_ bytes: Int) -> Bool {
        Self.tolerance.contains(Double(bytes) / targetBytes)
    }

    /// `baseSteps` × `scale`, each kept a finite, non-zero half float where the base is non-zero.
    public static func scaled(_ baseSteps: [Float16], by scale: Double) -> [Float16] {
        baseSteps.map { base in
            guard base > 0 else { return base }
            let step = min(Double(base) * scale, Double(Float16.greatestFiniteMagnitude))
            return max(Float16(Float(step)), Float16.leastNonzeroMagnitude)
        }
    }

    /// The scale of `baseSteps` whose file (`fileSize`) lands nearest `aim` × target, by the
    /// rule above (`best`). When even the coarsest steps give a file above 1.05 × target: nil,
    /// or with `smallestIfAbove` the finest steps whose file is within 2% of the smallest.
    public func search(baseSteps: [Float16], aim: Double = 1, smallestIfAbove: Bool = false, fileSize: ([Float16]) -> Int) -> Choice? {
        var measured: [Choice] = []
        func measure(_ scale: Double) -> Choice {
            let steps = Self.scaled(baseSteps, by: scale)
            let choice = Choice(stepSizes: steps, scale: scale, bytes: fileSize(steps))
            measured.append(choice)
            return choice
        }
        let goal = aim * targetBytes
        var (low, high) = (log2(Self.scales.lowerBound), log2(Self.scales.upperBound))
        if Double(measure(exp2(low)).bytes) > goal {
            // Refine only when the finest steps overshoot; otherwise the finest is the best there is.
            for _ in 0..<Self.iterations {
                let middle = (low + high) / 2
                if Double(measure(exp2(middle)).bytes) > goal { low = middle } else { high = middle }
                if high - low < 1e-4 { break }
            }
            _ = measure(exp2(high))
        }
        if let choice = best(of: measured, goal: goal) { return choice }
        guard smallestIfAbove, let smallest = measured.map(\.bytes).min() else { return nil }
        return measured.filter { Double($0.bytes) <= 1.02 * Double(smallest) }.min { $0.scale < $1.scale }
    }

    /// The error of a target below the smallest file the network can make of an image.
    static func unreachable(_ rate: RateControl, image: Image) -> RateTargetError {
        RateTargetError(
            description: String(
                format: "--bpp %.4g is below the smallest file this config makes of a %d×%d image (even its narrowest network with the coarsest steps is above %.0f bytes); give a larger target",
                rate.targetBytes * 8 / Double(image.pixelCount), image.width, image.height, rate.ceiling))
    }

    /// The candidate kept among `measured` for `goal` bytes: within the band, the largest file
    /// not above the goal, else the smallest above it; outside it, the largest under the ceiling.
    /// Equal sizes keep the finer steps.
    func best(of measured: [Choice], goal: Double) -> Choice? {
        let allowed = measured.filter { Double($0.bytes) <= ceiling }
        let band = allowed.filter { accepts($0.bytes) }
        let largest = { (candidates: [Choice]) in candidates.max { ($0.bytes, -$0.scale) < ($1.bytes, -$1.scale) } }
        guard !band.isEmpty else { return largest(allowed) }
        return largest(band.filter { Double($0.bytes) <= goal }) ?? band.min { ($0.bytes, $0.scale) < ($1.bytes, $1.scale) }
    }
}

/// A target rate the codec cannot reach for this image.
public struct RateTargetError: Error, CustomStringConvertible {
    public let description: String
}
