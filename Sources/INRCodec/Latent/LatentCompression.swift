import Foundation
import INRCore
import INRFormat
import INRMedia

extension LatentEncoder {
    /// One image through the latent codec, as `inr compress` runs it: encode, stage the file
    /// (`CodecJob`: written unnamed, read back, decoded) and measure the decoded image against
    /// the original. The caller commits the staged file.
    public func compress(
        _ image: Image, input: String, output: String, shouldStop: () -> Bool = { false }, progress: (Progress) -> Void = { _ in }
    ) throws -> (report: ImageCompressionReport, decoded: Image, file: StagedOutput) {
        let decoder = try ImageDecoder(threads: threads, budget: budget)
        let start = Date()
        let result = try encode(image, shouldStop: shouldStop, progress: progress)
        let encodeSeconds = Date().timeIntervalSince(start)
        let published = try CodecJob.stage(result.bytes, for: output, decode: { try decoder.decode($0) })
        let decoded = published.decoded, spec = result.file.spec
        var report = ImageCompressionReport(
            input: input, output: output, width: image.width, height: image.height,
            channels: image.channels, bitDepth: image.bitDepth, bytes: published.bytes.count,
            bpp: Double(published.bytes.count * 8) / Double(image.pixelCount), psnr: Metrics.psnr(image, decoded),
            msssim: try? Metrics.msSSIM(image, decoded), exact: decoded == image,
            floatPSNR: result.trainedPSNR, quantizedPSNR: nil, fineTunedPSNR: nil, losslessBitsBytes: nil,
            floatCodeBitsPerPixel: result.trainedBitsPerPixel, quantizedCodeBitsPerPixel: nil, fineTunedCodeBitsPerPixel: nil,
            fitSteps: result.steps, qatSteps: 0, encodeSeconds: encodeSeconds, fitSeconds: result.fitSeconds,
            qatSeconds: 0, decodeSeconds: published.decodeSeconds,
            parameterCount: spec.synthesisParameterCount + spec.upsamplingParameterCount + spec.entropyParameterCount, hiddenWidths: spec.synthesisWidths,
            targetBitsPerPixel: nil, stepScale: nil, stored: false, networkFileBytes: published.bytes.count, pngBytes: nil, threads: threads,
            instructionSet: kernels.instructionSet.rawValue, interrupted: shouldStop())
        report.codec = "latent"
        report.decoderMultiplyAddsPerPixel = spec.decoderMultiplyAddsPerPixel
        report.latentCount = spec.latentCount
        report.stepMilliseconds = result.stepMilliseconds
        report.lambda = Double(settings.lambda)
        return (report, decoded, published.file)
    }
}
