import Foundation
import INRCore
import INRFormat
import INRMedia
import INRModel
import INRNetwork
import INRTraining

/// The image encoder, lossy and lossless (its decoder is `ImageDecoder`, in INRFormat):
///
///     network sized for the image (`NetworkSizing`: the config's, lossless, or a target rate)
///     ─► fit (float) ─► best weights ─► step sizes (MSE-optimal per group) [─► × s to hit the rate: `RateControl`]
///        ─► [fine-tune with fake quantisation, step sizes fixed] ─► integers ─► bitstream
///                         bit planes (lossless): ─► BitPlaneCoder codes every bit ─┘
///                                   lossless, when the image's PNG is smaller ─► stored image (kind 4)
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
        /// Whether `network`'s widths stand or are chosen from the image (and a target rate).
        public var sizing: NetworkSizing

        public init(
            seed: UInt64, encoding: EncodingModel, network: NetworkShape, bitPlanes: BitPlaneHead? = nil,
            training: TrainingSettings, quantization: QuantizationSettings, sizing: NetworkSizing = .fixed
        ) {
            self.seed = seed
            self.encoding = encoding
            self.network = network
            self.bitPlanes = bitPlanes
            self.training = training
            self.quantization = quantization
            self.sizing = sizing
        }

        /// These settings with the network `sizing` chooses for `image` (within `budget`, the decoder's).
        public func sized(for image: Image, budget: DecodeBudget = .standard) -> Settings {
            var sized = self
            sized.network.hiddenWidths = sizing.hiddenWidths(for: image, settings: self, budget: budget)
            return sized
        }

        /// What the network is fitted to: the image's intensities or its bit planes.
        public func samples(_ image: Image) -> any SampleSet {
            if let bitPlanes { BitPlaneSamples(image: image, head: bitPlanes) } else { ImageSamples(image: image) }
        }

        /// A trainer for `image`, initialised from `seed` (the float fit; `inr fit` runs this),
        /// its network sized for the image.
        public func trainer(for image: Image, kernels: any KernelSet, threads: Int, budget: DecodeBudget = .standard) -> Trainer {
            let samples = samples(image)
            let network = sized(for: image, budget: budget).network
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
        /// Lossless: the network's file was larger than the image's PNG, so `bytes` is the stored
        /// image (`StoredImageFormat`); `networkFileBytes` is what the network's file took.
        public var stored: Bool
        public var networkFileBytes: Int
        /// Lossless: the image's PNG stream at compression level 9 (what a stored file holds).
        public var pngBytes: Int?
        /// With a target rate: the factor `RateControl` scaled the step sizes by.
        public var stepScale: Double?
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
    /// image or its work budget (`ImageFormat.checkBudget`, the decoder's own check); or if a
    /// target rate (`--bpp`) is below the smallest file the config makes of `image`.
    public func checkDecodable(_ image: Image, fitted: ImageModel? = nil) throws {
        let extraInputWidth = bitPlanes.map { $0.extraInputWidth(channels: image.channels) } ?? 0
        let outputWidth = bitPlanes.map { $0.outputWidth(channels: image.channels, bitDepth: image.bitDepth) } ?? image.channels
        if fitted == nil, case .rate(let target) = settings.sizing, let smallest = settings.sizing.smallestFileBytes(for: image, settings: settings) {
            let rate = RateControl(bitsPerPixel: target, pixels: image.pixelCount)
            if Double(smallest) > rate.ceiling { throw RateControl.unreachable(rate, image: image) }
        }
        let spec = fitted?.spec
            ?? settings.sized(for: image, budget: budget).network.spec(inputWidth: settings.encoding.encoding.outputWidth + extraInputWidth, outputWidth: outputWidth)
        try ImageFormat.checkBudget(
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth, bitPlanes: bitPlanes,
            network: spec, budget)
    }

    private var bitPlanes: BitPlaneHead? { settings.bitPlanes }

    /// Fits, quantises and codes `image`. With `fitted` (a checkpoint of `inr fit` for this
    /// image and head), the fit is skipped and the checkpoint's weights and encoding state are
    /// quantised instead. A lossless encode stores the image (`StoredImageFormat`) when its PNG
    /// is smaller than the network's file: `inputPNG` (the input file's own bytes, used if it
    /// decodes to exactly `image`) or its level-9 re-encoding, whichever is smaller. Throws if
    /// the decoding kernels cannot be chosen (`INR_ISA`), a fit diverges, or a target rate is
    /// out of reach (`RateTargetError`).
    public func encode(
        _ image: Image, fitted: ImageModel? = nil, inputPNG: [UInt8]? = nil, shouldStop: () -> Bool = { false },
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
            let fit = settings.trainer(for: image, kernels: kernels, threads: threads, budget: budget)
            fit.fit(shouldStop: shouldStop) { progress(.fit, $0) }
            try FitDivergence.check(fit, phase: "fit")
            start = (fit.best.parameters, fit.best.encoding, fit.best.evaluation)
            (fitSteps, fitSeconds) = (fit.completedSteps, fit.elapsedSeconds)
        }

        let quantization = settings.quantization
        let rate = settings.sizing.bitsPerPixel.map { RateControl(bitsPerPixel: $0, pixels: image.pixelCount) }
        // A quality (not a rate) takes the smallest file where its rate is below it.
        let lenient = if case .quality = settings.sizing { true } else { false }
        let quantizer = rate == nil ? UniformQuantizer(spec: quantization.spec) : RateControl.quantizer(for: quantization.spec)
        let baseSteps = UniformQuantizer(spec: quantization.spec).stepSizes(for: start.parameters)
        try FitDivergence.check(parameters: start.parameters, stepSizes: baseSteps)
        var stepSizes = baseSteps
        var stepScale: Double?
        // Whether a second search after fine-tuning can help: the first found a file not above
        // the ceiling (not the smallest file a quality falls back to), and finer steps were
        // still to be had.
        var researchable = true
        func fileBytes(_ parameters: QuantizedParameters, _ encoding: EncodingModel) -> [UInt8] {
            ImageFormat.bytes(
                CompressedImage(
                    width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth, encoding: encoding,
                    parameters: parameters))
        }
        if let rate {
            // Aim 2% low: fine-tuning moves the rate a little, and the band is ±5%.
            guard let choice = rate.search(baseSteps: baseSteps, aim: 0.98, smallestIfAbove: lenient, fileSize: {
                fileBytes(quantizer.quantize(start.parameters, stepSizes: $0), start.encoding).count
            }) else { throw RateControl.unreachable(rate, image: image) }
            (stepSizes, stepScale) = (choice.stepSizes, choice.scale)
            researchable = Double(choice.bytes) <= rate.ceiling
                && !(choice.scale == RateControl.scales.lowerBound && !rate.accepts(choice.bytes))
        }
        let transform = QuantizationAwareTraining(
            quantizer: quantizer, stepSizes: stepSizes, rateWeight: quantization.rateWeight, pixelCount: image.pixelCount)
        let fineTune = Trainer(
            samples: samples, spec: start.parameters.spec, encoding: start.encoding, parameters: start.parameters,
            settings: quantization.fineTuning(of: settings.training, steps: shouldStop() ? 0 : quantization.fineTuningSteps, transform: transform),
            kernels: kernels, threads: threads)
        let quantizedEvaluation = fineTune.evaluate()
        fineTune.fit(shouldStop: shouldStop) { progress(.fineTune, $0) }
        try FitDivergence.check(fineTune, phase: "quantisation-aware fine-tuning")

        var parameters = quantizer.quantize(fineTune.best.parameters, stepSizes: stepSizes)
        var finalEvaluation = fineTune.best.evaluation
        if let rate, !rate.accepts(fileBytes(parameters, fineTune.best.encoding).count), researchable {
            // Fine-tuning moved the rate out of the band: search the scale of the MSE-optimal
            // steps once more, on the fine-tuned weights, and measure what that renders.
            guard let choice = rate.search(baseSteps: baseSteps, smallestIfAbove: lenient, fileSize: {
                fileBytes(quantizer.quantize(fineTune.best.parameters, stepSizes: $0), fineTune.best.encoding).count
            }) else { throw RateControl.unreachable(rate, image: image) }
            parameters = quantizer.quantize(fineTune.best.parameters, stepSizes: choice.stepSizes)
            stepScale = choice.scale
            let check = Trainer(
                samples: samples, spec: parameters.spec, encoding: fineTune.best.encoding, parameters: parameters.dequantized(),
                settings: settings.training, kernels: kernels, threads: threads)
            finalEvaluation = check.evaluate()
        }
        let lossless = try settings.bitPlanes.map { head in
            let coder = try BitPlaneCoder(head: head, encoding: fineTune.best.encoding, parameters: parameters, threads: threads)
            return LosslessCode(head: head, checksum: CRC32.checksum(image.sampleBytes), bits: coder.encode(image))
        }
        let compressed = CompressedImage(
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
            encoding: fineTune.best.encoding, parameters: parameters, lossless: lossless)
        let networkFile = ImageFormat.bytes(compressed)
        // A lossless file is never larger than the image's PNG (level 9) and a few bytes.
        // (Where the PNG cannot be made, the network's file stands.)
        let png = lossless == nil ? nil : try? PNG.encode(image, compressionLevel: 9)
        let storedFile = png.map { png in
            var smallest = png
            if let input = inputPNG.flatMap(StoredImageFormat.stripped), input.count < png.count,
               (try? PNG.decode(input, maximumSamples: image.samples.count, maximumPixels: image.pixelCount)) == image {
                smallest = input
            }
            return StoredImageFormat.bytes(image, png: smallest)
        }
        let stored = storedFile.map { $0.count < networkFile.count } ?? false
        return Output(
            compressed: compressed, bytes: stored ? storedFile! : networkFile,
            floatEvaluation: start.evaluation, quantizedEvaluation: quantizedEvaluation, finalEvaluation: finalEvaluation,
            fitSteps: fitSteps, fineTuningSteps: fineTune.completedSteps,
            fitSeconds: fitSeconds, fineTuningSeconds: fineTune.elapsedSeconds,
            stored: stored, networkFileBytes: networkFile.count, pngBytes: png?.count, stepScale: stepScale)
    }

    /// The two trainings of an encode, for progress reports.
    public enum Phase: String, Sendable {
        case fit
        case fineTune = "fine-tune"
    }
}
