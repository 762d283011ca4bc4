import Foundation
import INRCore
import INRFormat
import INRMedia
import INRModel
import INRNetwork
import INRTraining

/// The image encoder, lossy and lossless (its decoder is `ImageDecoder`, in INRFormat):
///
///     fit (float) ─► best weights ─► step sizes (MSE-optimal per group)
///        ─► [fine-tune with fake quantisation, step sizes fixed] ─► integers ─► bitstream
///                         bit planes (lossless): ─► BitPlaneCoder codes every bit ─┘
///
/// It takes plain settings (a config file becomes them in INRConfig) and returns the bytes;
/// `compress` also writes them, reads the file back, decodes and measures it (`CodecJob`).
public struct ImageEncoder {
    /// Everything the encoder needs to know.
    public struct Settings: Sendable {
        /// Seeds the network's initialisation.
        public var seed: UInt64
        public var encoding: EncodingModel
        public var network: NetworkShape
        /// What the network fits: intensities (nil), or bit planes for a lossless file.
        public var bitPlanes: BitPlaneHead?
        /// The float fit.
        public var training: TrainingSettings
        public var quantization: QuantizationSettings

        public init(
            seed: UInt64, encoding: EncodingModel, network: NetworkShape, bitPlanes: BitPlaneHead? = nil,
            training: TrainingSettings, quantization: QuantizationSettings
        ) {
            self.seed = seed
            self.encoding = encoding
            self.network = network
            self.bitPlanes = bitPlanes
            self.training = training
            self.quantization = quantization
        }

        /// What the network is fitted to: the image's intensities or its bit planes.
        public func samples(_ image: Image) -> any SampleSet {
            if let bitPlanes { BitPlaneSamples(image: image, head: bitPlanes) } else { ImageSamples(image: image) }
        }

        /// A trainer for `image`, initialised from `seed` (the float fit; `inr fit` runs this).
        public func trainer(for image: Image, kernels: any KernelSet, threads: Int) -> Trainer {
            let samples = samples(image)
            let spec = network.spec(inputWidth: encoding.encoding.outputWidth + samples.extraInputWidth, outputWidth: samples.targetWidth)
            return Trainer(
                samples: samples, spec: spec, encoding: encoding, parameters: Parameters(spec: spec, encoding: encoding.encoding, seed: seed),
                settings: training, kernels: kernels, threads: threads)
        }
    }

    /// What `encode` did.
    public struct Output: Sendable {
        public var compressed: CompressedImage
        public var bytes: [UInt8]
        /// The fit of the best float weights, of their post-training quantisation, and after
        /// quantisation-aware fine-tuning (equal to the quantised one without it): PSNR for
        /// intensities, code length for bit planes.
        public var floatEvaluation: Evaluation
        public var quantizedEvaluation: Evaluation
        public var finalEvaluation: Evaluation
        public var fitSteps: Int
        public var fineTuningSteps: Int
        public var fitSeconds: Double
        public var fineTuningSeconds: Double
    }

    public let settings: Settings
    public let threads: Int
    /// The kernels of fitting (`KernelSelection.preferred()` unless given).
    public let kernels: any KernelSet
    /// The decoder's budget: the encoder writes no file beyond it (`checkDecodable`), and
    /// `compress` decodes its file with it.
    public let budget: DecodeBudget

    /// Throws if the kernels cannot be chosen (`INR_ISA`).
    public init(settings: Settings, threads: Int, kernels: (any KernelSet)? = nil, budget: DecodeBudget = .standard) throws {
        self.settings = settings
        self.threads = threads
        self.kernels = try kernels ?? KernelSelection.preferred()
        self.budget = budget
    }

    /// Throws, before any fitting, if the decoder would refuse the file `image` makes with
    /// these settings (or, with `fitted`, with that checkpoint's network): beyond its largest
    /// image or its work budget (`ImageFormat.checkBudget`, the decoder's own check).
    public func checkDecodable(_ image: Image, fitted: ImageModel? = nil) throws {
        let extraInputWidth = bitPlanes.map { $0.extraInputWidth(channels: image.channels) } ?? 0
        let outputWidth = bitPlanes.map { $0.outputWidth(channels: image.channels, bitDepth: image.bitDepth) } ?? image.channels
        let spec = fitted?.spec
            ?? settings.network.spec(inputWidth: settings.encoding.encoding.outputWidth + extraInputWidth, outputWidth: outputWidth)
        try ImageFormat.checkBudget(
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth, bitPlanes: bitPlanes,
            network: spec, budget)
    }

    private var bitPlanes: BitPlaneHead? { settings.bitPlanes }

    /// Fits, quantises and codes `image`. With `fitted` (a checkpoint of `inr fit` for this
    /// image and head), the fit is skipped and the checkpoint's weights and encoding state are
    /// quantised instead. Throws only if the decoding kernels cannot be chosen (`INR_ISA`).
    public func encode(
        _ image: Image, fitted: ImageModel? = nil, shouldStop: () -> Bool = { false },
        progress: (_ phase: Phase, _ report: Trainer.StepReport) -> Void = { _, _ in }
    ) throws -> Output {
        precondition(fitted == nil || fitted!.bitPlanes == settings.bitPlanes, "the checkpoint's head differs from the settings'")
        let samples = settings.samples(image)
        let start: (parameters: Parameters, encoding: EncodingModel, evaluation: Evaluation)
        var (fitSteps, fitSeconds) = (0, 0.0)
        if let fitted {
            let check = Trainer(
                samples: samples, spec: fitted.spec, encoding: fitted.encoding, parameters: fitted.parameters,
                settings: settings.training, kernels: kernels, threads: threads)
            start = (fitted.parameters, fitted.encoding, check.evaluate())
        } else {
            let fit = settings.trainer(for: image, kernels: kernels, threads: threads)
            fit.fit(shouldStop: shouldStop) { progress(.fit, $0) }
            try FitDivergence.check(fit, phase: "fit")
            start = (fit.best.parameters, fit.best.encoding, fit.best.evaluation)
            (fitSteps, fitSeconds) = (fit.completedSteps, fit.elapsedSeconds)
        }

        let quantization = settings.quantization
        let quantizer = UniformQuantizer(spec: quantization.spec)
        let stepSizes = quantizer.stepSizes(for: start.parameters)
        try FitDivergence.check(parameters: start.parameters, stepSizes: stepSizes)
        let transform = QuantizationAwareTraining(
            quantizer: quantizer, stepSizes: stepSizes, rateWeight: quantization.rateWeight, pixelCount: image.pixelCount)
        let fineTune = Trainer(
            samples: samples, spec: start.parameters.spec, encoding: start.encoding, parameters: start.parameters,
            settings: quantization.fineTuning(of: settings.training, steps: shouldStop() ? 0 : quantization.fineTuningSteps, transform: transform),
            kernels: kernels, threads: threads)
        let quantizedEvaluation = fineTune.evaluate()
        fineTune.fit(shouldStop: shouldStop) { progress(.fineTune, $0) }
        try FitDivergence.check(fineTune, phase: "quantisation-aware fine-tuning")

        let parameters = quantizer.quantize(fineTune.best.parameters, stepSizes: stepSizes)
        let lossless = try settings.bitPlanes.map { head in
            let coder = try BitPlaneCoder(head: head, encoding: fineTune.best.encoding, parameters: parameters, threads: threads)
            return LosslessCode(head: head, checksum: CRC32.checksum(image.sampleBytes), bits: coder.encode(image))
        }
        let compressed = CompressedImage(
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
            encoding: fineTune.best.encoding, parameters: parameters, lossless: lossless)
        return Output(
            compressed: compressed, bytes: ImageFormat.bytes(compressed),
            floatEvaluation: start.evaluation, quantizedEvaluation: quantizedEvaluation, finalEvaluation: fineTune.best.evaluation,
            fitSteps: fitSteps, fineTuningSteps: fineTune.completedSteps,
            fitSeconds: fitSeconds, fineTuningSeconds: fineTune.elapsedSeconds)
    }

    /// The two trainings of an encode, for progress reports.
    public enum Phase: String, Sendable {
        case fit
        case fineTune = "fine-tune"
    }
}
