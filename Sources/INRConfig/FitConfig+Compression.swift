import Foundation
import INRCodec
import INRCore
import INRMedia
import INRNetwork
import INRTraining

/// What `compress` did.
public struct CompressionResult: Sendable {
    public var compressed: CompressedImage
    public var bytes: [UInt8]
    /// The fit of the best float weights, of their post-training quantisation, and after
    /// quantisation-aware fine-tuning (equal to the quantised one without it): PSNR for
    /// intensities, code length for bit planes.
    public var floatEvaluation: Evaluation
    public var quantizedEvaluation: Evaluation
    public var finalEvaluation: Evaluation
    public var fitSteps: Int
    public var qatSteps: Int
    public var fitSeconds: Double
    public var qatSeconds: Double
}

extension FitConfig {
    /// The encoder:
    ///
    ///     fit (float) ─► best weights ─► step sizes (MSE-optimal per group)
    ///        ─► [fine-tune with fake quantisation, steps fixed] ─► integers ─► bitstream
    ///                         bit planes (lossless): ─► BitPlaneCoder codes every bit ─┘
    ///
    /// With `fitted` (a checkpoint of `inr fit` for this image and head), the fit is skipped
    /// and the checkpoint's weights and encoding state are quantised instead. Throws only if
    /// the decoding kernels cannot be chosen (`INR_ISA`).
    public func compress(
        image: Image, kernels: any KernelSet, threads: Int, fitted: ImageModel? = nil,
        shouldStop: () -> Bool = { false },
        progress: (_ phase: String, _ report: Trainer.StepReport) -> Void = { _, _ in }
    ) throws -> CompressionResult {
        precondition(fitted == nil || fitted!.bitPlanes == head.bitPlanes, "the checkpoint's head differs from the config's")
        let samples = makeSamples(image: image)
        let start: (parameters: Parameters, encoding: EncodingModel, evaluation: Evaluation)
        var (fitSteps, fitSeconds) = (0, 0.0)
        if let fitted {
            var settings = trainerSettings
            settings.steps = 0
            let check = Trainer(
                samples: samples, spec: fitted.spec, encoding: fitted.encoding, parameters: fitted.parameters,
                settings: settings, optimizer: makeOptimizer(), schedule: makeSchedule(),
                sampler: makeSampler(sampleCount: samples.count), kernels: kernels, threads: threads)
            start = (fitted.parameters, fitted.encoding, check.evaluate())
        } else {
            let fit = makeTrainer(image: image, kernels: kernels, threads: threads)
            fit.fit(shouldStop: shouldStop) { progress("fit", $0) }
            start = (fit.best.parameters, fit.best.encoding, fit.best.evaluation)
            (fitSteps, fitSeconds) = (fit.completedSteps, fit.elapsedSeconds)
        }

        let quantizer = UniformQuantizer(spec: quantization.spec)
        let steps = quantizer.steps(for: start.parameters)
        var settings = trainerSettings
        settings.steps = shouldStop() ? 0 : quantization.qatSteps
        settings.learningRate = quantization.qatLearningRate
        settings.timeLimit = nil
        settings.adaptEncoding = false
        settings.weightTransform = QuantizationAwareTraining(
            quantizer: quantizer, steps: steps, rateWeight: quantization.rateWeight, pixelCount: image.pixelCount)
        let qat = Trainer(
            samples: samples, spec: start.parameters.spec, encoding: start.encoding, parameters: start.parameters,
            settings: settings, optimizer: makeOptimizer(), schedule: CosineSchedule(minimum: 0),
            sampler: makeSampler(sampleCount: samples.count), kernels: kernels, threads: threads)
        let quantizedEvaluation = qat.evaluate()
        qat.fit(shouldStop: shouldStop) { progress("qat", $0) }

        let parameters = quantizer.quantize(qat.best.parameters, steps: steps)
        let lossless = try head.bitPlanes.map { head in
            let coder = try BitPlaneCoder(head: head, encoding: qat.best.encoding, parameters: parameters, threads: threads)
            return LosslessCode(head: head, checksum: CRC32.checksum(image.sampleBytes), bits: coder.encode(image))
        }
        let compressed = CompressedImage(
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
            encoding: qat.best.encoding, parameters: parameters, lossless: lossless)
        return CompressionResult(
            compressed: compressed, bytes: ImageBitstream.bytes(compressed),
            floatEvaluation: start.evaluation, quantizedEvaluation: quantizedEvaluation, finalEvaluation: qat.best.evaluation,
            fitSteps: fitSteps, qatSteps: qat.completedSteps,
            fitSeconds: fitSeconds, qatSeconds: qat.elapsedSeconds)
    }
}
