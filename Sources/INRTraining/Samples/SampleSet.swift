import Foundation
import INRCore
import INRNetwork

/// What a network is fitted to: numbered samples, each an input row and a target row.
///
///     input row = (x, y) ──► encoding ──► features ┐
///               + extras (as they are) ────────────┴─► network ─► outputs ◄─ loss ─► targets
///
/// The two spatial coordinates go through the model's encoding; the `extraInputWidth` values
/// after them (a bit plane's index, already decoded bits) reach the first layer unchanged.
/// `ImageSamples` (intensities, MSE) and `BitPlaneSamples` (bits, binary cross-entropy) are the
/// sets; `fill` is called from worker threads concurrently and must not mutate.
public protocol SampleSet: Sendable {
    var count: Int { get }
    /// Network inputs after the encoded (x, y) features.
    var extraInputWidth: Int { get }
    /// Network outputs per sample.
    var targetWidth: Int { get }
    /// The loss that fits this set's targets.
    var loss: any Loss { get }
    /// Handed to the loss: intensity targets are multiples of 1/peak.
    var peak: Float { get }

    /// Writes sample `sample`'s (x, y), extra inputs and targets (each where a buffer is given).
    func fill(
        sample: Int, coordinates: UnsafeMutablePointer<Float>,
        extras: UnsafeMutablePointer<Float>?, targets: UnsafeMutablePointer<Float>?)

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

extension SampleSet {
    /// Loads a tile: the samples `sample(0..<rows)` become the network's inputs in `workspace`
    /// (encoded (x, y) features, then the extras) and, with `withTargets`, its targets.
    func load(
        rows: Int, sample: (Int) -> Int, into workspace: TileWorkspace, encoding: any Encoding,
        kernels: any KernelSet, withTargets: Bool
    ) {
        let points = workspace.coordinates(rows: rows)
        let inputs = workspace.activation(0, rows: rows)
        let truth = workspace.targets(rows: rows)
        let featureWidth = encoding.outputWidth, extraWidth = extraInputWidth
        // The extras wait in scratch rows until the encoding, which may write whole vectors
        // past its own columns, is done (no scratch, so no allocation, without extras).
        var scratch = extraWidth > 0 ? [Float](repeating: 0, count: rows * extraWidth) : []
        scratch.withUnsafeMutableBufferPointer { scratch in
            for row in 0..<rows {
                fill(
                    sample: sample(row), coordinates: points.row(row),
                    extras: extraWidth > 0 ? scratch.baseAddress! + row * extraWidth : nil,
                    targets: withTargets ? truth.row(row) : nil)
            }
            encoding.encode(points, into: inputs.with(columns: featureWidth), kernels: kernels)
            for row in 0..<rows where extraWidth > 0 {
                (inputs.row(row) + featureWidth).update(from: scratch.baseAddress! + row * extraWidth, count: extraWidth)
            }
        }
    }
}
