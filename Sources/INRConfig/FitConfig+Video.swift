import Foundation
import INRCodec
import INRCore
import INRMedia
import INRNetwork
import INRTraining

/// What one frame group's fit did (reported as each group finishes).
public struct VideoGroupReport: Sendable {
    public var index: Int
    public var groupCount: Int
    public var frames: Range<Int>
    /// Updates of this group's network (fit and quantisation-aware).
    public var steps: Int
    public var seconds: Double
    /// PSNR over the group's Y, U and V samples with the quantised weights.
    public var evaluation: Evaluation
    /// Started from the previous group, fell more than `video.refitBelow` dB below it, and was
    /// fitted again from scratch, which did better (a scene change).
    public var refitted: Bool
    /// This group's coded integers.
    public var bytes: Int
    /// All groups' coded integers so far.
    public var totalBytes: Int
    /// `totalBytes` · 8 over the pixels of the frames so far.
    public var bitsPerPixel: Double
}

/// What `compress(video:)` did.
public struct VideoCompressionResult: Sendable {
    public var compressed: CompressedVideo
    public var bytes: [UInt8]
    public var groups: [VideoGroupReport]
    /// Fitting time of every group together.
    public var seconds: Double
}

/// One fit of a frame group: its best weights (the optimised floats) and their quantised
/// evaluation, with the steps and seconds it took.
struct GroupFit {
    var parameters: Parameters
    var evaluation: Evaluation
    var steps: Int
    var seconds: Double

    /// `trainer` run to its end (after `previous`, a fit whose best weights it started from).
    init(_ trainer: Trainer, after previous: Trainer?, shouldStop: () -> Bool) {
        trainer.fit(shouldStop: shouldStop)
        // The best evaluation, or the starting weights if no step ran (interrupted).
        if trainer.best.evaluation.score > -.infinity {
            (parameters, evaluation) = (trainer.best.parameters, trainer.best.evaluation)
        } else {
            (parameters, evaluation) = (trainer.parameters, trainer.evaluate())
        }
        steps = trainer.completedSteps + (previous?.completedSteps ?? 0)
        seconds = trainer.elapsedSeconds + (previous?.elapsedSeconds ?? 0)
    }
}

extension FitConfig {
    /// The video encoder (NIRVANA-style, `video:` section):
    ///
    ///     clip ─► groups of G frames ─► per group: patches (VideoPatches) ─► samples
    ///     group 0:  fit (training:) ─► steps (MSE-optimal) ─► QAT (quantization.qatSteps) ─► integers
    ///     group k:  start from group k-1's weights ─► QAT with group 0's steps (laterGroupSteps;
    ///               rate term on the difference from group k-1) ─► integers
    ///               [PSNR fell more than refitBelow dB: fit from scratch as group 0, keep the better]
    ///     integers ─► group 0 whole, later groups as differences or whole ─► VideoBitstream
    ///
    /// `video` must be YUV 4:2:0, of a shape the format holds (`VideoBitstream.shapeProblem`).
    public func compress(
        video: Video, kernels: any KernelSet, threads: Int, shouldStop: () -> Bool = { false },
        group report: (VideoGroupReport) -> Void = { _ in }
    ) -> VideoCompressionResult {
        precondition(video.format == .yuv420 && !video.frames.isEmpty, "the video encoder takes YUV 4:2:0 frames")
        precondition(VideoBitstream.shapeProblem(width: video.width, height: video.height, frameCount: video.frames.count, frameRate: video.frameRate) == nil,
                     "a clip the format cannot hold")
        let settings = self.video ?? VideoConfig()
        let patches = VideoPatches(width: video.width, height: video.height, patchSize: settings.patchSize, groupSize: settings.groupSize)
        let encoding = makeEncoding()
        let spec = makeNetworkSpec(inputWidth: encoding.encoding.outputWidth, outputWidth: patches.outputWidth)
        let quantizer = UniformQuantizer(spec: quantization.spec)
        let ranges = patches.groups(frameCount: video.frames.count)

        var steps: [Float16] = []
        var latent: Parameters?
        var symbols: [[Int32]] = []
        var codes: [[UInt8]] = []
        var reports: [VideoGroupReport] = []
        var totalBytes = 0
        for (index, range) in ranges.enumerated() {
            let samples = PatchGroupSamples(patches: patches, frames: video.frames[range], bitDepth: video.bitDepth)
            let pixelCount = video.width * video.height * range.count
            func trainer(_ start: Parameters, steps count: Int, learningRate: Float, transform: (any WeightTransform)?) -> Trainer {
                var trainerSettings = self.trainerSettings
                trainerSettings.steps = shouldStop() ? 0 : count
                trainerSettings.learningRate = learningRate
                // The time limit is the float fit's (group 0's and refits'), as for an image.
                if transform != nil { trainerSettings.timeLimit = nil }
                trainerSettings.adaptEncoding = false
                trainerSettings.weightTransform = transform
                return Trainer(
                    samples: samples, spec: spec, encoding: encoding, parameters: start, settings: trainerSettings,
                    optimizer: makeOptimizer(), schedule: transform == nil ? makeSchedule() : CosineSchedule(minimum: 0),
                    sampler: makeSampler(sampleCount: samples.count), kernels: kernels, threads: threads)
            }
            /// Fits the group from scratch as group 0 is: float fit, then quantisation-aware.
            func intra() -> GroupFit {
                let fit = trainer(Parameters(spec: spec, seed: seed), steps: training.steps, learningRate: training.learningRate, transform: nil)
                fit.fit(shouldStop: shouldStop)
                if index == 0 { steps = quantizer.steps(for: fit.best.parameters) }
                let qat = QuantizationAwareTraining(quantizer: quantizer, steps: steps, rateWeight: quantization.rateWeight, pixelCount: pixelCount)
                return GroupFit(trainer(fit.best.parameters, steps: quantization.qatSteps, learningRate: quantization.qatLearningRate, transform: qat), after: fit, shouldStop: shouldStop)
            }
            /// Fits the group from the previous one's weights, quantisation-aware throughout,
            /// the rate measured from the previous group's integers.
            func predicted() -> GroupFit {
                let reference = QuantizedParameters(spec: spec, quantization: quantizer.spec, symbols: symbols[index - 1], steps: steps).dequantized().values
                let qat = QuantizationAwareTraining(
                    quantizer: quantizer, steps: steps, rateWeight: quantization.rateWeight, pixelCount: pixelCount, reference: reference)
                return GroupFit(trainer(latent!, steps: settings.laterGroupSteps, learningRate: settings.laterGroupLearningRate, transform: qat), after: nil, shouldStop: shouldStop)
            }
            var fit: GroupFit
            var refitted = false
            if index == 0 || settings.initialization == .scratch {
                fit = intra()
            } else {
                fit = predicted()
                if let drop = settings.refitBelow, let last = reports.last?.evaluation.psnr, let psnr = fit.evaluation.psnr, psnr < last - drop {
                    // A scene change: the previous group's weights are a poor start.
                    let refit = intra()
                    if refit.evaluation.score > fit.evaluation.score {
                        (fit.parameters, fit.evaluation) = (refit.parameters, refit.evaluation)
                        refitted = true
                    }
                    fit.steps += refit.steps
                    fit.seconds += refit.seconds
                }
            }
            latent = fit.parameters
            let quantized = quantizer.quantize(fit.parameters, steps: steps)
            codes.append(VideoBitstream.groupBytes(quantized, previous: symbols.last))
            symbols.append(quantized.symbols)
            let bytes = codes[index].count
            totalBytes += bytes
            let groupReport = VideoGroupReport(
                index: index, groupCount: ranges.count, frames: range, steps: fit.steps, seconds: fit.seconds,
                evaluation: fit.evaluation, refitted: refitted, bytes: bytes, totalBytes: totalBytes,
                bitsPerPixel: Double(totalBytes * 8) / Double(video.width * video.height * range.upperBound))
            reports.append(groupReport)
            report(groupReport)
        }
        let compressed = CompressedVideo(
            width: video.width, height: video.height, bitDepth: video.bitDepth, frameCount: video.frames.count,
            frameRate: video.frameRate, patches: patches, encoding: encoding, spec: spec,
            quantization: quantizer.spec, steps: steps, groups: symbols)
        return VideoCompressionResult(
            compressed: compressed, bytes: VideoBitstream.bytes(compressed, codes: codes), groups: reports,
            seconds: reports.reduce(0) { $0 + $1.seconds })
    }
}
