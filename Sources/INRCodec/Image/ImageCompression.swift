import Foundation
import INRCore
import INRFormat
import INRMedia
import INRTraining

extension ImageEncoder {
    /// One image through the codec, as `inr compress`, `inr eval sweep` and `inr bench` run it:
    /// encode, stage the file (`CodecJob`: written unnamed, read back, decoded; a lossless file
    /// must give back the input's samples) and measure the decoded image against the original.
    /// Returns the report, the decoded image and the staged file, which the caller commits once
    /// its other outputs are written.
    public func compress(
        _ image: Image, input: String, output: String, fitted: ImageModel? = nil, inputPNG: [UInt8]? = nil, shouldStop: () -> Bool = { false },
        progress: (_ phase: Phase, _ report: Trainer.StepReport) -> Void = { _, _ in }
    ) throws -> (report: ImageCompressionReport, decoded: Image, file: StagedOutput) {
        let decoder = try ImageDecoder(threads: threads, budget: budget)
        let start = Date()
        let result = try encode(image, fitted: fitted, inputPNG: inputPNG, shouldStop: shouldStop, progress: progress)
        let encodeSeconds = Date().timeIntervalSince(start)
        let published = try CodecJob.stage(result.bytes, for: output, decode: { try decoder.decode($0) }) { decoded in
            // Cannot happen unless encoder and decoder disagree; a lossless file that is not is
            // worse than none.
            if result.compressed.lossless != nil && decoded != image {
                throw MediaError(path: output, reason: "the lossless file did not decode to the input's samples; not written")
            }
        }
        let decoded = published.decoded
        let report = ImageCompressionReport(
            input: input, output: output, width: image.width, height: image.height,
            channels: image.channels, bitDepth: image.bitDepth, bytes: published.bytes.count,
            bpp: Double(published.bytes.count * 8) / Double(image.pixelCount), psnr: Metrics.psnr(image, decoded),
            msssim: try? Metrics.msSSIM(image, decoded),
            exact: decoded == image,
            floatPSNR: result.floatEvaluation.psnr, quantizedPSNR: result.quantizedEvaluation.psnr, fineTunedPSNR: result.finalEvaluation.psnr,
            losslessBitsBytes: result.compressed.lossless?.bits.count,
            floatCodeBitsPerPixel: result.floatEvaluation.codeBitsPerPixel,
            quantizedCodeBitsPerPixel: result.quantizedEvaluation.codeBitsPerPixel,
            fineTunedCodeBitsPerPixel: result.finalEvaluation.codeBitsPerPixel,
            fitSteps: result.fitSteps, qatSteps: result.fineTuningSteps, encodeSeconds: encodeSeconds, fitSeconds: result.fitSeconds,
            qatSeconds: result.fineTuningSeconds, decodeSeconds: published.decodeSeconds,
            parameterCount: result.compressed.parameters.symbols.count,
            hiddenWidths: result.compressed.parameters.spec.hiddenWidths,
            targetBitsPerPixel: settings.sizing.bitsPerPixel, stepScale: result.stepScale,
            stored: result.stored, networkFileBytes: result.networkFileBytes, pngBytes: result.pngBytes, threads: threads,
            instructionSet: kernels.instructionSet.rawValue, interrupted: shouldStop())
        return (report, decoded, published.file)
    }
}

/// What compressing one image measured (`inr compress --metrics` writes it as JSON; the keys are
/// the property names).
public struct ImageCompressionReport: Codable, Sendable {
    /// The config file the settings came from (set by the caller that read it).
    public var config: String = ""
    /// The float fit's time limit, when one was asked for (`--time-limit`): a fit it stopped
    /// depends on the machine's speed and load, so the file is not reproducible.
    public var timeLimit: Double?
    public var input: String
    public var output: String
    public var width: Int
    public var height: Int
    public var channels: Int
    public var bitDepth: Int
    public var bytes: Int
    public var bpp: Double
    public var psnr: Double
    /// Absent for images under 161 pixels a side.
    public var msssim: Double?
    /// The decoded file equals the image, sample for sample.
    public var exact: Bool
    /// Intensity fits: PSNR of the float, quantised and fine-tuned weights' renders.
    public var floatPSNR: Double?
    public var quantizedPSNR: Double?
    public var fineTunedPSNR: Double?
    /// Lossless files: the size of the coded bits (the rest of the file is the network)…
    public var losslessBitsBytes: Int?
    /// …and the code length the fit's cross-entropy predicted with each set of weights.
    public var floatCodeBitsPerPixel: Double?
    public var quantizedCodeBitsPerPixel: Double?
    public var fineTunedCodeBitsPerPixel: Double?
    public var fitSteps: Int
    public var qatSteps: Int
    public var encodeSeconds: Double
    public var fitSeconds: Double
    public var qatSeconds: Double
    public var decodeSeconds: Double
    public var parameterCount: Int
    /// The network's hidden widths (chosen from the image with `network.sizing: image` or a rate).
    public var hiddenWidths: [Int]
    /// `--bpp` (or `--quality`'s rate), and the factor the step sizes were scaled by to hit it.
    public var targetBitsPerPixel: Double?
    public var stepScale: Double?
    /// Lossless: the file is the stored image (kind 4), the network's file of
    /// `networkFileBytes` being larger.
    public var stored: Bool
    public var networkFileBytes: Int
    /// Lossless: the image's PNG at compression level 9 (libpng's adaptive filters), the size a
    /// lossless file never exceeds by more than its stored header.
    public var pngBytes: Int?
    public var threads: Int
    public var instructionSet: String
    public var interrupted: Bool
    /// "latent" for the latent-grid codec (absent: the coordinate-MLP codecs). Its files also
    /// give the decoder's multiply-adds per pixel, the number of latents and λ; its
    /// `floatPSNR` and `floatCodeBitsPerPixel` are the training's last step (noisy or rounded
    /// latents, float weights) and its rate model's estimate.
    public var codec: String?
    public var decoderMultiplyAddsPerPixel: Int?
    /// Milliseconds per training step by part (upsampling, synthesis, entropy, proxy, adam).
    public var stepMilliseconds: [String: Double]?
    public var latentCount: Int?
    public var lambda: Double?
}
