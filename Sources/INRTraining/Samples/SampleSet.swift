import Foundation
import INRCore
import INRModel
import INRNetwork

/// What a network is fitted to: `SampleInputs` with targets, the loss that fits them, and what
/// the loss sums over every sample say about the fit. `ImageSamples` (intensities, MSE),
/// `BitPlaneSamples` (bits, binary cross-entropy) and `PatchGroupSamples` (video) are the sets.
public protocol SampleSet: SampleInputs {
    /// The loss that fits this set's targets.
    var loss: any Loss { get }
    /// Handed to the loss: intensity targets are multiples of 1/peak.
    var peak: Float { get }

    /// What the loss sums over every sample say about the fit.
    func evaluation(_ sums: LossSums) -> Evaluation
}

/// What one evaluation of a fit measured.
public struct Evaluation: Sendable, Hashable {
    /// PSNR (dB) of the rounded reconstruction, for intensity fits.
    public var psnr: Double?
    /// Share of wrongly predicted bits (hard decisions at p = ½), for bit-plane fits.
    public var bitErrorRate: Double?
    /// The cross-entropy in bits per pixel: what an arithmetic coder driven by the predicted
    /// probabilities spends on the image (bit-plane fits).
    public var codeBitsPerPixel: Double?
    /// Higher is better: the trainer keeps the weights with the highest.
    public var score: Double
    /// Every sample is reproduced exactly.
    public var isExact: Bool

    public init(psnr: Double? = nil, bitErrorRate: Double? = nil, codeBitsPerPixel: Double? = nil, score: Double, isExact: Bool) {
        self.psnr = psnr
        self.bitErrorRate = bitErrorRate
        self.codeBitsPerPixel = codeBitsPerPixel
        self.score = score
        self.isExact = isExact
    }

    /// Worse than any evaluation.
    public static let none = Evaluation(score: -.infinity, isExact: false)

    /// An intensity fit's evaluation: PSNR of the rounded samples (finite even when exact: the
    /// error is floored at the least positive double); exact when every sample matches.
    public static func intensity(_ sums: LossSums) -> Evaluation {
        let psnr = 10 * log10(Double(sums.count) / max(sums.quantizedSquaredError, .leastNonzeroMagnitude))
        return Evaluation(psnr: psnr, score: psnr, isExact: sums.quantizedSquaredError == 0)
    }

    /// One line for logs: "PSNR 31.40 dB" or "BER 0.0123, 9.87 bpp".
    public var summary: String {
        var parts: [String] = []
        if let psnr { parts.append(String(format: "PSNR %.2f dB", psnr)) }
        if let bitErrorRate { parts.append(String(format: "BER %.5f", bitErrorRate)) }
        if let codeBitsPerPixel { parts.append(String(format: "%.3f bpp coded", codeBitsPerPixel)) }
        if isExact { parts.append("exact") }
        return parts.joined(separator: ", ")
    }
}
