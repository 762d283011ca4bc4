import Foundation
import INRCore
import INRFormat
import INRMedia
import INRModel
import INRNetwork
import INRTraining

/// The video encoder, NIRVANA-style (its decoder is `VideoDecoder`, in INRFormat):
///
///     clip ─► groups of G frames ─► per group: patches (VideoPatches) ─► samples
///     group 0:  fit (training) ─► step sizes (MSE-optimal) ─► fine-tune quantisation-aware ─► integers
///     group k:  start from group k-1's weights ─► quantisation-aware fit with group 0's step
///               sizes (laterGroupSteps; rate term on the difference from group k-1) ─► integers
///               [PSNR fell more than refitBelow dB: fit from scratch as group 0, keep the better]
///     integers ─► group 0 whole, later groups as differences or whole ─► VideoFormat
public struct VideoEncoder {
    public struct Settings: Sendable {
        /// The network, its fit and its quantisation: group 0 is fitted as an image is.
        public var image: ImageEncoder.Settings
        /// G: frames per group (one network each).
        public var groupSize: Int
        /// P: side of a patch, even (chroma patches are P/2).
        public var patchSize: Int
        /// Whether group k starts from group k-1's weights (NIRVANA's autoregressive
        /// initialisation), or every group from the seed as group 0.
        public var startsFromPreviousGroup: Bool
        /// Quantisation-aware steps of each group after the first (started from the previous).
        public var laterGroupSteps: Int
        /// Their base learning rate.
        public var laterGroupLearningRate: Float
        /// A group started from the previous one whose PSNR ends more than this many dB below
        /// the previous group's is fitted again from scratch (a scene change), and the better
        /// fit kept. Nil: never.
        public var refitBelow: Double?
        /// Where a clip is cut into closed segments besides the parts of `--segment`: every K
        /// groups, at scene changes (`VideoSegments`; by default nowhere).
        public var segmentGroups: Int
        public var sceneCut: Double?

        public init(
            image: ImageEncoder.Settings, groupSize: Int, patchSize: Int, startsFromPreviousGroup: Bool = true,
            laterGroupSteps: Int, laterGroupLearningRate: Float, refitBelow: Double? = nil, segmentGroups: Int = 0, sceneCut: Double? = nil
        ) {
            self.image = image
            self.groupSize = groupSize
            self.patchSize = patchSize
            self.startsFromPreviousGroup = startsFromPreviousGroup
            self.laterGroupSteps = laterGroupSteps
            self.laterGroupLearningRate = laterGroupLearningRate
            self.refitBelow = refitBelow
            self.segmentGroups = segmentGroups
            self.sceneCut = sceneCut
        }

        /// The cutting rule of these settings.
        public var segments: VideoSegments { VideoSegments(groupSize: groupSize, segmentGroups: segmentGroups, sceneCut: sceneCut) }
    }

    /// What one frame group's fit did (reported as each group finishes).
    public struct GroupReport: Sendable {
        public var index: Int
        public var groupCount: Int
        public var frames: Range<Int>
        /// Updates of this group's network (fit and quantisation-aware).
        public var steps: Int
        public var seconds: Double
        /// PSNR over the group's Y, U and V samples with the quantised weights.
        public var evaluation: Evaluation
        /// Started from the previous group, fell more than `refitBelow` dB below it, and was
        /// fitted again from scratch, which did better (a scene change).
        public var refitted: Bool
        /// This group's coded integers.
        public var bytes: Int
        /// All groups' coded integers so far.
        public var totalBytes: Int
        /// `totalBytes` · 8 over the pixels of the frames so far.
        public var bitsPerPixel: Double
        /// In a segmented encode: the segment (from 0, of the part's) the group is in; `frames`
        /// are then the clip's frame numbers, the rest the segment's own.
        public var segment: (index: Int, count: Int)? = nil
    }

    /// What `encode` did.
    public struct Output: Sendable {
        public var compressed: CompressedVideo
        public var bytes: [UInt8]
        public var groups: [GroupReport]
        /// Fitting time of every group together.
        public var seconds: Double
    }

    public let settings: Settings
    public let threads: Int
    public let kernels: any KernelSet
    /// The decoder's budget: the encoder writes no file beyond it (`checkDecodable`).
    public let budget: DecodeBudget

    public init(settings: Settings, threads: Int, kernels: (any KernelSet)? = nil, budget: DecodeBudget = .standard) throws {
        self.settings = settings
        self.threads = threads
        self.kernels = try kernels ?? KernelSelection.preferred()
        self.budget = budget
    }

    /// Throws, before any fitting, if the decoder would refuse the file a clip of this shape
    /// makes: beyond what the format holds, what the decoder renders, or its work budget (the
    /// checks `VideoFormat.read` makes from the header).
    public func checkDecodable(width: Int, height: Int, frameCount: Int, frameRate: Video.FrameRate) throws {
        if let problem = VideoFormat.shapeProblem(width: width, height: height, frameCount: frameCount, frameRate: frameRate) {
            throw DecodeError("\(problem): an .inr video cannot hold it (--frames takes part of a clip)")
        }
        let patches = patches(width: width, height: height)
        if let problem = VideoFormat.renderingProblem(patches) { throw DecodeError(problem + ": use a smaller video.patchSize or groupSize") }
        let image = settings.image
        let network = network(forClipWidth: width, height: height, frameCount: frameCount)
        let spec = network.spec(inputWidth: image.encoding.encoding.outputWidth, outputWidth: patches.outputWidth)
        let parameters = ParameterLayout(spec: spec, encodingShapes: image.encoding.encoding.parameterShapes).count
        try VideoFormat.checkBudget(patches: patches, frameCount: frameCount, network: spec, parameters: parameters, budget)
    }

    /// The network every group of a clip of this shape has: the config's, or sized from the
    /// target rate (`NetworkSizing`).
    public func network(forClipWidth width: Int, height: Int, frameCount: Int) -> NetworkShape {
        var network = settings.image.network
        network.hiddenWidths = settings.image.sizing.hiddenWidths(
            forClipWidth: width, height: height, frameCount: frameCount, settings: settings, budget: budget)
        return network
    }

    /// Throws, before any fitting, if the decoder would refuse a segmented file of clips of
    /// these frame counts (each segment, and all of them together within one budget).
    public func checkDecodable(width: Int, height: Int, segmentFrameCounts: [Int], frameRate: Video.FrameRate) throws {
        guard segmentFrameCounts.count <= SegmentedVideoFormat.maximumSegments else {
            throw DecodeError("\(segmentFrameCounts.count) segments are more than a file holds (\(SegmentedVideoFormat.maximumSegments))")
        }
        var left = budget
        let patches = patches(width: width, height: height)
        for frameCount in segmentFrameCounts {
            // Each segment as the encoder will size it (with the whole budget), checked against
            // what the segments before it left.
            try checkDecodable(width: width, height: height, frameCount: frameCount, frameRate: frameRate)
            let network = network(forClipWidth: width, height: height, frameCount: frameCount)
            let spec = network.spec(inputWidth: settings.image.encoding.encoding.outputWidth, outputWidth: patches.outputWidth)
            let parameters = ParameterLayout(spec: spec, encodingShapes: settings.image.encoding.encoding.parameterShapes).count
            try VideoFormat.checkBudget(patches: patches, frameCount: frameCount, network: spec, parameters: parameters, left)
            let work = VideoFormat.work(patches: patches, frameCount: frameCount, network: spec)
            left.multiplyAdds -= work.multiplyAdds
            left.samples -= work.samples
        }
    }

    /// The network shape every group shares, for clips of `width × height`.
    public func patches(width: Int, height: Int) -> VideoPatches {
        VideoPatches(width: width, height: height, patchSize: settings.patchSize, groupSize: settings.groupSize)
    }

    /// Codes `video` (YUV 4:2:0, of a shape the format holds: `VideoFormat.shapeProblem`),
    /// group by group, calling `report` as each group is done.
    public func encode(_ video: Video, shouldStop: @escaping () -> Bool = { false }, group report: (GroupReport) -> Void = { _ in }) throws -> Output {
        precondition(video.format == .yuv420 && !video.frames.isEmpty, "the video encoder takes YUV 4:2:0 frames")
        precondition(VideoFormat.shapeProblem(width: video.width, height: video.height, frameCount: video.frames.count, frameRate: video.frameRate) == nil,
                     "a clip the format cannot hold")
        let patches = patches(width: video.width, height: video.height)
        let image = settings.image
        let network = network(forClipWidth: video.width, height: video.height, frameCount: video.frames.count)
        let spec = network.spec(inputWidth: image.encoding.encoding.outputWidth, outputWidth: patches.outputWidth)
        let quantizer = UniformQuantizer(spec: image.quantization.spec)
        var chain = GroupChain(settings: settings, spec: spec, quantizer: quantizer, kernels: kernels, threads: threads, shouldStop: shouldStop)
        var reports: [GroupReport] = []
        let ranges = patches.groups(frameCount: video.frames.count)
        for (index, range) in ranges.enumerated() {
            let samples = PatchGroupSamples(patches: patches, frames: video.frames[range], bitDepth: video.bitDepth)
            let (fit, refitted) = try chain.fitNext(samples, pixelCount: video.width * video.height * range.count)
            let totalBytes = chain.codes.reduce(0) { $0 + $1.count }
            let groupReport = GroupReport(
                index: index, groupCount: ranges.count, frames: range, steps: fit.steps, seconds: fit.seconds,
                evaluation: fit.evaluation, refitted: refitted, bytes: chain.codes[index].count, totalBytes: totalBytes,
                bitsPerPixel: Double(totalBytes * 8) / Double(video.width * video.height * range.upperBound))
            reports.append(groupReport)
            report(groupReport)
        }
        let compressed = CompressedVideo(
            width: video.width, height: video.height, bitDepth: video.bitDepth, frameCount: video.frames.count,
            frameRate: video.frameRate, patches: patches, encoding: image.encoding, spec: spec,
            quantization: quantizer.spec, stepSizes: chain.stepSizes, groups: chain.symbols)
        return Output(
            compressed: compressed, bytes: VideoFormat.bytes(compressed, codes: chain.codes), groups: reports,
            seconds: reports.reduce(0) { $0 + $1.seconds })
    }
}

extension VideoEncoder {
    /// What `encodeSegments` did.
    public struct SegmentedOutput: Sendable {
        /// The clip's frames the file holds.
        public var frames: Range<Int>
        /// Each segment's frames (the clip's numbers) and encode.
        public var segments: [(frames: Range<Int>, output: Output)]
        /// The segmented file (kind 5).
        public var bytes: [UInt8]
        public var seconds: Double
    }

    /// Codes parts `parts` of `count` of `video` (every part: the whole clip) as closed
    /// segments (`settings.segments`), one after another, into a segmented file: a part's file
    /// for one part, the whole clip's (as `inr concat` joins the parts' files) for all of them.
    /// Throws if the clip has fewer groups than parts. `planned`: those parts' segments when
    /// the caller has already planned them (`segmentRanges`).
    public func encodeSegments(
        _ video: Video, parts: Range<Int>, of count: Int, planned: [Range<Int>]? = nil, shouldStop: @escaping () -> Bool = { false },
        group report: (GroupReport) -> Void = { _ in }
    ) throws -> SegmentedOutput {
        let ranges = try planned ?? Self.segmentRanges(video, parts: parts, of: count, rule: settings.segments)
        var segments: [(frames: Range<Int>, output: Output)] = []
        for (index, range) in ranges.enumerated() {
            let output = try encode(video.frames(range), shouldStop: shouldStop) { group in
                var group = group
                group.frames = (group.frames.lowerBound + range.lowerBound)..<(group.frames.upperBound + range.lowerBound)
                group.segment = (index, ranges.count)
                report(group)
            }
            segments.append((range, output))
        }
        let frames = ranges.first!.lowerBound..<ranges.last!.upperBound
        let whole = parts == 0..<count
        let file = SegmentedVideoFormat.SegmentedVideo(
            width: video.width, height: video.height, bitDepth: video.bitDepth, frameRate: video.frameRate, clipFrameCount: video.frames.count,
            firstFrame: frames.lowerBound, frameCount: frames.count, partIndex: whole ? 0 : parts.lowerBound, partCount: whole ? 1 : count,
            clipChecksum: SegmentedVideoFormat.clipChecksum(video), segments: segments.map(\.output.bytes))
        return SegmentedOutput(
            frames: frames, segments: segments, bytes: SegmentedVideoFormat.bytes(file), seconds: segments.reduce(0) { $0 + $1.output.seconds })
    }

    /// The segments of parts `parts` of `count` of `video`, in frame order.
    public static func segmentRanges(_ video: Video, parts: Range<Int>, of count: Int, rule: VideoSegments) throws -> [Range<Int>] {
        precondition(!parts.isEmpty && parts.upperBound <= count, "parts of the clip")
        return try parts.flatMap { index in
            guard let part = rule.part(index, of: count, frameCount: video.frames.count) else {
                let groups = (video.frames.count + rule.groupSize - 1) / rule.groupSize
                throw DecodeError("a clip of \(video.frames.count) frames has \(groups) group(s) of \(rule.groupSize): it cannot be cut into \(count) parts")
            }
            return rule.segments(of: part, in: video)
        }
    }
}

/// The groups fitted so far: each group's integers and code, the step sizes group 0 fixed, and
/// the weights the next group starts from.
private struct GroupChain {
    let settings: VideoEncoder.Settings
    let spec: NetworkSpec
    let quantizer: UniformQuantizer
    let kernels: any KernelSet
    let threads: Int
    let shouldStop: () -> Bool
    /// Group 0's step sizes, shared by every group.
    var stepSizes: [Float16] = []
    var symbols: [[Int32]] = []
    var codes: [[UInt8]] = []
    var previousGroupWeights: Parameters?
    var previousEvaluation: Evaluation?

    init(
        settings: VideoEncoder.Settings, spec: NetworkSpec, quantizer: UniformQuantizer, kernels: any KernelSet, threads: Int,
        shouldStop: @escaping () -> Bool
    ) {
        self.settings = settings
        self.spec = spec
        self.quantizer = quantizer
        self.kernels = kernels
        self.threads = threads
        self.shouldStop = shouldStop
    }

    /// Fits the next group and codes it; says whether a scene change made it refit from scratch.
    /// Throws `FitDivergence` for a fit whose loss, weights or step sizes are not finite.
    mutating func fitNext(_ samples: PatchGroupSamples, pixelCount: Int) throws -> (GroupFit, refitted: Bool) {
        var fit: GroupFit
        var refitted = false
        if symbols.isEmpty || !settings.startsFromPreviousGroup {
            fit = intra(samples, pixelCount: pixelCount)
        } else {
            fit = predicted(samples, pixelCount: pixelCount)
            if let drop = settings.refitBelow, let last = previousEvaluation?.psnr, let psnr = fit.evaluation.psnr, psnr < last - drop {
                // A scene change: the previous group's weights are a poor start.
                let refit = intra(samples, pixelCount: pixelCount)
                if refit.evaluation.score > fit.evaluation.score {
                    (fit.parameters, fit.evaluation, fit.divergedAtStep) = (refit.parameters, refit.evaluation, refit.divergedAtStep)
                    refitted = true
                }
                fit.steps += refit.steps
                fit.seconds += refit.seconds
            }
        }
        if let step = fit.divergedAtStep { throw FitDivergence(phase: "fit of frame group \(symbols.count)", step: step) }
        try FitDivergence.check(parameters: fit.parameters, stepSizes: stepSizes)
        previousGroupWeights = fit.parameters
        previousEvaluation = fit.evaluation
        let quantized = quantizer.quantize(fit.parameters, stepSizes: stepSizes)
        codes.append(VideoFormat.groupBytes(quantized, previous: symbols.last))
        symbols.append(quantized.symbols)
        return (fit, refitted)
    }

    private func trainer(_ samples: PatchGroupSamples, from start: Parameters, settings training: TrainingSettings) -> Trainer {
        var training = training
        if shouldStop() { training.steps = 0 }
        training.adaptEncoding = false
        return Trainer(
            samples: samples, spec: spec, encoding: settings.image.encoding, parameters: start, settings: training,
            kernels: kernels, threads: threads)
    }

    /// Fits the group from scratch as group 0 is: float fit, then quantisation-aware. Group 0's
    /// fit fixes the step sizes.
    private mutating func intra(_ samples: PatchGroupSamples, pixelCount: Int) -> GroupFit {
        let image = settings.image
        let fit = trainer(samples, from: Parameters(spec: spec, encoding: image.encoding.encoding, seed: image.seed), settings: image.training)
        fit.fit(shouldStop: shouldStop)
        if symbols.isEmpty { stepSizes = quantizer.stepSizes(for: fit.best.parameters) }
        let transform = QuantizationAwareTraining(
            quantizer: quantizer, stepSizes: stepSizes, rateWeight: image.quantization.rateWeight, pixelCount: pixelCount)
        let fineTuning = image.quantization.fineTuning(of: image.training, steps: image.quantization.fineTuningSteps, transform: transform)
        return GroupFit(trainer(samples, from: fit.best.parameters, settings: fineTuning), after: fit, shouldStop: shouldStop)
    }

    /// Fits the group from the previous one's weights, quantisation-aware throughout, the rate
    /// measured from the previous group's integers.
    private func predicted(_ samples: PatchGroupSamples, pixelCount: Int) -> GroupFit {
        let image = settings.image
        let reference = QuantizedParameters(
            spec: spec, encodingShapes: settings.image.encoding.encoding.parameterShapes, quantization: quantizer.spec,
            symbols: symbols.last!, stepSizes: stepSizes).dequantized().values
        let transform = QuantizationAwareTraining(
            quantizer: quantizer, stepSizes: stepSizes, rateWeight: image.quantization.rateWeight, pixelCount: pixelCount, reference: reference)
        let training = image.quantization.fineTuning(
            of: image.training, steps: settings.laterGroupSteps, learningRate: settings.laterGroupLearningRate, transform: transform)
        return GroupFit(trainer(samples, from: previousGroupWeights!, settings: training), after: nil, shouldStop: shouldStop)
    }
}

/// One fit of a frame group: its best weights (the optimised floats) and their quantised
/// evaluation, with the steps and seconds it took.
struct GroupFit {
    var parameters: Parameters
    var evaluation: Evaluation
    var steps: Int
    var seconds: Double
    /// The step of either fit whose loss was not finite.
    var divergedAtStep: Int?

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
        divergedAtStep = previous?.divergedAtStep ?? trainer.divergedAtStep
    }
}
