import ArgumentParser
import Foundation
import INRCodec
import INRFormat
import INRConfig
import INRCore
import INRMedia
import INRModel
import INRNetwork
import INRTraining

struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Fit, quantise and entropy-code an image or a video clip into an .inr file.",
        discussion: """
            Fits the config's network, quantises the best weights (with quantisation-aware \
            fine-tuning when quantization.qatSteps > 0), writes the bitstream, then decodes the \
            written file and prints its PSNR and its bits per pixel (file bytes × 8 / pixels).

            A config with a video: section (Configs/video/) compresses a clip: any file FFmpeg \
            decodes, or raw .yuv with --raw-size. It prints each group of frames as it is done, \
            then the PSNR (Y, YUV and RGB, means over the frames), the bits per pixel (file \
            bytes × 8 / (width × height × frames)) and the encode and decode frames per second.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: "The image to compress (PNG), or with a video config the clip (.y4m, .mp4, .mkv, raw .yuv…).")
    var input: String

    @Option(help: "Where to write the compressed file (.inr).")
    var output: String

    @Option(help: "Skip the fit: quantise this checkpoint of `inr fit` on the same image (.inrmodel).")
    var model: String?

    @OptionGroup(title: "Rate")
    var rate: RateOptions

    @OptionGroup var threadOptions: ThreadOptions

    @Option(help: "Also write the decoded image here (PNG), or the decoded clip (.y4m, .mp4, .mkv).")
    var reconstruction: String?

    @OptionGroup var report: ReportOptions

    @OptionGroup(title: "Video")
    var video: VideoInputOptions

    var threads: Int { threadOptions.threads }
    var metrics: String? { report.metrics }

    func run() throws {
        try checkFiles()
        let config = try configOptions.load()
        // λ is the latent codec's rate knob alone; refused before any input is read.
        if rate.lambda != nil, config.latent == nil {
            let kind = config.video != nil ? "a video config (use --bpp or --quality)"
                : config.head.bitPlanes == nil ? "an MLP config (use --bpp or --quality)"
                : "lossless, whose file is as small as the image allows"
            throw CommandError("--lambda is the latent codec's rate knob; \(configOptions.config) is \(kind)")
        }
        if config.video != nil { return try runVideo(config) }
        if config.latent != nil {
            guard !video.isGiven else { throw CommandError("--frames, --segment(s) and --raw-* are for clips; \(configOptions.config) is a latent image config") }
            return try runLatent(config)
        }
        guard !video.isGiven else {
            throw CommandError("--frames, --segment(s) and --raw-* are for clips; \(configOptions.config) has no video: section (see Configs/video/)")
        }
        let videoExtensions: Set = ["y4m", "yuv", "mp4", "mkv", "webm", "mov", "avi", "m4v", "ts"]
        if videoExtensions.contains(URL(fileURLWithPath: input).pathExtension.lowercased()) {
            throw CommandError("\(input) looks like a video: compress it with a video config, e.g. Configs/video/nirvana.yaml")
        }
        let budget = try DecodeBudget.current()
        let image = try PNG.read(input, maximumPixels: (budget.pixels, DecodeBudget.pixelsVariable))
        let fitted = try model.map { try checkpoint($0, for: image, config: config) }
        var settings = config.imageEncoderSettings
        if let sizing = rate.sizing, let flag = rate.flag {
            guard config.head.bitPlanes == nil else {
                throw CommandError("\(flag) is for lossy configs; \(configOptions.config) is lossless, whose file is as small as the image allows")
            }
            settings.sizing = sizing
        }
        let encoder = try ImageEncoder(settings: settings, threads: threads, budget: budget)
        do { try encoder.checkDecodable(image, fitted: fitted) } catch { throw MediaError(path: input, reason: "\(error)") }
        try OutputFile.createFolders(for: [output, reconstruction, metrics])

        var reporter = ProgressReporter(totalSteps: config.training.steps, timeLimit: config.training.timeLimit)
        var phase = ImageEncoder.Phase.fit
        Interrupt.shared.gracefulStop = true
        // A lossless file may store the input's own PNG, when that is the smallest file.
        let inputPNG = config.head.bitPlanes == nil ? nil : try? [UInt8](OutputFile.contents(of: input, atMost: Container.maximumSize, kind: "a PNG"))
        var (report, decoded, file) = try encoder.compress(
            image, input: input, output: output, fitted: fitted, inputPNG: inputPNG, shouldStop: { Interrupt.shared.isRequested }
        ) { name, step in
            if name != phase {
                reporter.finish()
                reporter = ProgressReporter(totalSteps: config.quantization.qatSteps, timeLimit: nil, label: name.rawValue)
                phase = name
            }
            reporter.report(step)
        }
        Interrupt.shared.gracefulStop = false
        reporter.finish()
        report.config = configOptions.config
        report.timeLimit = config.training.timeLimit
        // The .inr is published last, once every other output is complete.
        let reconstructionFile = try reconstruction.map { path in try StagedOutput(path).writing { try PNG.write(decoded, to: $0) } }
        let metricsFile = try self.report.stage(report)
        try OutputFile.commit([reconstructionFile, metricsFile, file])
        printSummary(report)
        printTimeLimit(report, plannedSteps: config.training.steps)
        print("wrote \(output)" + (reconstruction.map { ", \($0)" } ?? "") + (metrics.map { ", \($0)" } ?? ""))
    }

    /// Refuses, before any work, an output that is one of the inputs or another output.
    func checkFiles() throws {
        guard output.lowercased().hasSuffix(".inr") || OutputFile.isWrittenInPlace(output) else {
            throw CommandError("--output \(output): compress writes an .inr file: give a name ending in .inr")
        }
        var files = FileRoles()
        files.input("the config", configOptions.config)
        files.input("--input", input)
        files.input("--model", model)
        files.output("--output", output)
        files.output("--reconstruction", reconstruction.map { VideoFile.outputPath(for: $0) })
        files.output("--metrics", metrics)
        try files.check()
    }
}

extension CompressCommand {
    /// The `inr fit` checkpoint `path`, refused unless it was fitted to an image of `image`'s
    /// shape with the config's head.
    func checkpoint(_ path: String, for image: Image, config: CodecConfig) throws -> ImageModel {
        let model = try ModelFile.read(path)
        guard model.width == image.width, model.height == image.height, model.channels == image.channels, model.bitDepth == image.bitDepth else {
            throw CommandError("\(path) is a \(model.width)×\(model.height)×\(model.channels) \(model.bitDepth)-bit model; \(input) is \(image.width)×\(image.height)×\(image.channels) \(image.bitDepth)-bit")
        }
        guard model.bitPlanes == config.head.bitPlanes else {
            throw CommandError("\(path) was fitted with another head than \(configOptions.config)'s (head.type, layout, context)")
        }
        return model
    }

    /// The quality (or, lossless, the sizes) and the times of an image's compression.
    func printSummary(_ report: ImageCompressionReport) {
        if report.stored {
            print(String(format: "lossless, every sample exact: %.4f bpp (%d bytes), the image stored as PNG: the network's file took %d bytes",
                         report.bpp, report.bytes, report.networkFileBytes))
        } else if let bits = report.losslessBitsBytes {
            print("lossless, every sample exact: "
                + String(format: "%.4f bpp (%d bytes: network %d, bits %d); the fit estimated %.4f bpp (float), %.4f (quantised)",
                          report.bpp, report.bytes, report.bytes - bits, bits,
                          report.floatCodeBitsPerPixel ?? .nan, report.fineTunedCodeBitsPerPixel ?? .nan))
        } else {
            print(String(format: "PSNR %.2f dB at %.4f bpp (%d bytes); float %.2f dB, quantised %.2f dB",
                         report.psnr, report.bpp, report.bytes, report.floatPSNR ?? .nan, report.quantizedPSNR ?? .nan)
                + (report.qatSteps > 0 ? String(format: ", fine-tuned %.2f dB", report.fineTunedPSNR ?? .nan) : "")
                + (report.msssim.map { String(format: "; MS-SSIM %.4f", $0) } ?? ""))
        }
        if let target = report.targetBitsPerPixel {
            print(String(format: "target %.4f bpp: the file is %+.1f%% from it; hidden width %d, step sizes × %.3g",
                         target, (report.bpp / target - 1) * 100, report.hiddenWidths.first ?? 0, report.stepScale ?? 1))
            if report.bpp < RateControl.tolerance.lowerBound * target {
                print("the file is below the target: this image's widest network (at most \(NetworkSizing.maximumRateWidth) units, and "
                    + "what the decoder's budget renders; \(DecodeBudget.multiplyAddsVariable) raises it) with the finest steps codes no more bits")
            }
        }
        print(String(format: "encode %.1f s (fit %d steps %.1f s, fine-tune %d steps %.1f s), decode %.0f ms",
                     report.encodeSeconds, report.fitSteps, report.fitSeconds, report.qatSteps, report.qatSeconds, report.decodeSeconds * 1000))
    }

    /// Says whether an opted-in time limit stopped the fit (which makes the file depend on the
    /// machine's speed and load).
    func printTimeLimit(_ report: ImageCompressionReport, plannedSteps: Int) {
        guard let limit = report.timeLimit, model == nil else { return }
        let stopped = report.fitSteps < plannedSteps && !report.interrupted && report.fitSeconds >= limit
        print(String(format: "time limit %g s: ", limit) + (stopped
            ? "the fit stopped at it after \(report.fitSteps) of \(plannedSteps) steps, so this file depends on the machine's speed and load "
                + "(leave --time-limit out for a reproducible file)"
            : "the fit finished its \(report.fitSteps) steps within it"))
    }

    /// A clip through the video codec (a config with a `video:` section).
    func runVideo(_ config: CodecConfig) throws {
        guard model == nil else { throw CommandError("--model is for images; a video config fits every group itself") }
        if input.lowercased().hasSuffix(".png") {
            if let added = configOptions.overrides.first(where: { $0.hasPrefix("video.") || $0.hasPrefix("video=") }),
               (try? CodecConfig.load(configOptions.config))?.video == nil {
                throw CommandError("--set \(added) adds a video: section, which makes \(configOptions.config) a video config; --input \(input) is an image")
            }
            throw CommandError("\(configOptions.config) is a video config (it has a video: section); --input \(input) is an image")
        }
        let budget = try DecodeBudget.current()
        var settings = config.videoEncoderSettings
        if let sizing = rate.sizing { settings.image.sizing = sizing }
        let encoder = try VideoEncoder(settings: settings, threads: threads, budget: budget)
        var options = try video.readOptions(input: input)
        options.maximumSamples = min(options.maximumSamples, budget.samples)
        let clip = try VideoFile.read(input, options: options)
        let parts = try video.parts()
        var segments: [Range<Int>]?
        do {
            try encoder.checkDecodable(width: clip.width, height: clip.height, frameCount: clip.frames.count, frameRate: clip.frameRate)
            if parts != nil || settings.segments.cutsWholeClips {
                // Every part's segments are checked, so the file `inr concat` makes of the parts
                // decodes too; this command encodes those of its parts.
                let count = parts?.count ?? 1
                let whole = try VideoEncoder.segmentRanges(clip, parts: 0..<count, of: count, rule: settings.segments)
                try encoder.checkDecodable(width: clip.width, height: clip.height, segmentFrameCounts: whole.map(\.count), frameRate: clip.frameRate)
                let range = parts?.range ?? 0..<1
                let frames = settings.segments.part(range.lowerBound, of: count, frameCount: clip.frames.count)!.lowerBound
                    ..< settings.segments.part(range.upperBound - 1, of: count, frameCount: clip.frames.count)!.upperBound
                segments = whole.filter { frames.contains($0.lowerBound) }
            }
        } catch {
            throw MediaError(path: input, reason: "\(error)")
        }
        try OutputFile.createFolders(for: [output, reconstruction, metrics])
        print("\(input): \(clip.width)×\(clip.height), \(clip.frames.count) frames at \(clip.frameRate) fps, \(clip.bitDepth)-bit 4:2:0")
        if let segments, let first = segments.first, let last = segments.last {
            print((parts.map { $0.range.count == 1 && $0.count > 1 ? "part \($0.range.lowerBound) of \($0.count) (from 0): " : "all \($0.count) part(s): " } ?? "")
                + "frames \(first.lowerBound)–\(last.upperBound - 1) in \(segments.count) closed segment(s): "
                + segments.map { "\($0.lowerBound)–\($0.upperBound - 1)" }.joined(separator: ", "))
        }
        Interrupt.shared.gracefulStop = true
        var (report, decoded, file) = try encoder.compress(
            clip, parts: parts, planned: segments, input: input, output: output, shouldStop: { Interrupt.shared.isRequested }) { print(groupLine($0)) }
        Interrupt.shared.gracefulStop = false
        if report.interrupted, segments != nil {
            // The segments after the stop would be fitted with no steps from the seed: noise,
            // not a lesser encode, and a part must not be joined as if it were complete.
            file.discard()
            Console.error("stopped: a segmented file is written only when every segment is fitted; nothing written\n")
            throw ExitCode(130)
        }
        report.config = configOptions.config
        let reconstructionPath = reconstruction.map { VideoFile.outputPath(for: $0) }
        let reconstructionFile = try reconstructionPath.map { path in try StagedOutput(path).writing { try VideoFile.write(decoded, to: $0) } }
        let metricsFile = try self.report.stage(report)
        try OutputFile.commit([reconstructionFile, metricsFile, file])
        print(String(format: "PSNR Y %.2f dB, YUV %.2f dB, RGB %.2f dB at %.4f bpp (%d bytes, %d frames of %d×%d)",
                     report.psnrY, report.psnrYUV, report.psnrRGB, report.bpp, report.bytes, report.frames, report.width, report.height))
        if let target = report.targetBitsPerPixel {
            let widths = report.segments.map { $0.map { "\($0.hiddenWidths.first ?? 0)" }.joined(separator: ", ") } ?? "\(report.hiddenWidths.first ?? 0)"
            print(String(format: "target %.4f bpp: the file is %+.1f%% from it (hidden width %@, from the %@ size and frame count)",
                         target, (report.bpp / target - 1) * 100, widths, report.segments == nil ? "clip's" : "segments'"))
        }
        print(String(format: "encode %.1f s (%.2f frames/s; fitting %.1f s), decode %.0f ms (%.1f frames/s)",
                     report.encodeSeconds, report.encodeFramesPerSecond, report.fitSeconds, report.decodeSeconds * 1000, report.decodeFramesPerSecond))
        print("wrote \(output)" + (reconstructionPath.map { ", \($0)" } ?? "") + (metrics.map { ", \($0)" } ?? "")
            + (reconstructionPath != reconstruction ? " (this FFmpeg has no libx264: lossless FFV1 .mkv instead of .mp4)" : ""))
    }
}

/// Writes `value` as pretty JSON, atomically.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    try OutputFile.write(try reportEncoder(pretty: true).encode(value), to: path)
}

/// The JSON encoder of every report: sorted keys, and the PSNR of an exact reconstruction
/// (infinite) written as the string "inf" rather than failing.
func reportEncoder(pretty: Bool) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
}
