import ArgumentParser
import Foundation
import INRCodec
import INRConfig
import INRCore
import INRMedia
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

    @Argument(help: "A YAML config, e.g. Configs/image/codec.yaml.")
    var config: String

    @Option(help: "The image to compress (PNG), or with a video config the clip (.y4m, .mp4, .mkv, raw .yuv…).")
    var input: String

    @Option(help: "Where to write the compressed file (.inr).")
    var output: String

    @Option(name: .customLong("set"), help: "key.path=value laid over the config (repeatable), e.g. quantization.weightBits=6.")
    var overrides: [String] = []

    @Option(help: "Override training.steps.")
    var steps: Int?

    @Option(help: "Override the config's seed.")
    var seed: UInt64?

    @Option(help: "Override training.timeLimit (seconds of fitting, before fine-tuning).")
    var timeLimit: Double?

    @Option(help: "Skip the fit: quantise this checkpoint of `inr fit` on the same image (.inrmodel).")
    var model: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Also write the decoded image here (PNG), or the decoded clip (.y4m, .mp4, .mkv).")
    var reconstruction: String?

    @Option(help: "Write a JSON report here.")
    var metrics: String?

    @OptionGroup(title: "Video")
    var video: VideoInputOptions

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        if let steps, !(1...TrainingConfig.maximumSteps).contains(steps) {
            throw ValidationError("--steps must be between 1 and \(TrainingConfig.maximumSteps)")
        }
        if let timeLimit, timeLimit <= 0 { throw ValidationError("--time-limit must be positive") }
    }

    func run() throws {
        var config = try FitConfig.load(self.config, overrides: overrides.map(ConfigOverride.init(parsing:)))
        if let steps { config.training.steps = steps }
        if let seed { config.seed = seed }
        if let timeLimit { config.training.timeLimit = timeLimit }
        if config.video != nil { return try runVideo(config) }
        guard video.frames == nil, video.rawSize == nil, video.rawPixelFormat == nil, video.rawRate == nil else {
            throw ValidationError("--frames and --raw-* are for clips; \(self.config) has no video: section (see Configs/video/)")
        }
        let videoExtensions: Set = ["y4m", "yuv", "mp4", "mkv", "webm", "mov", "avi", "m4v", "ts"]
        if videoExtensions.contains(URL(fileURLWithPath: input).pathExtension.lowercased()) {
            throw ValidationError("\(input) looks like a video: compress it with a video config, e.g. Configs/video/nirvana.yaml")
        }
        let image = try PNG.read(input)
        let fitted = try model.map { path in
            let model = try ModelFile.read(path)
            guard model.width == image.width, model.height == image.height, model.channels == image.channels, model.bitDepth == image.bitDepth else {
                throw ValidationError("\(path) is a \(model.width)×\(model.height)×\(model.channels) \(model.bitDepth)-bit model; \(input) is \(image.width)×\(image.height)×\(image.channels) \(image.bitDepth)-bit")
            }
            guard model.bitPlanes == config.head.bitPlanes else {
                throw ValidationError("\(path) was fitted with another head than \(self.config)'s (head.type, layout, context)")
            }
            return model
        }
        try createFolders(for: [output, reconstruction, metrics])

        Interrupt.shared.install()
        var reporter = ProgressReporter(totalSteps: config.training.steps, timeLimit: config.training.timeLimit)
        var phase = "fit"
        let (report, decoded) = try CompressionJob(config: config, configPath: self.config, threads: threads).run(
            image: image, input: input, output: output, fitted: fitted
        ) { name, step in
            if name != phase {
                reporter.finish()
                reporter = ProgressReporter(totalSteps: config.quantization.qatSteps, timeLimit: nil, label: "fine-tune")
                phase = name
            }
            reporter.report(step)
        }
        reporter.finish()
        if let reconstruction { try PNG.write(decoded, to: reconstruction) }
        if let metrics { try writeJSON(report, to: metrics) }
        if let bits = report.losslessBitsBytes {
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
        print(String(format: "encode %.1f s (fit %d steps %.1f s, fine-tune %d steps %.1f s), decode %.0f ms",
                     report.encodeSeconds, report.fitSteps, report.fitSeconds, report.qatSteps, report.qatSeconds, report.decodeSeconds * 1000))
        print("wrote \(output)" + (reconstruction.map { ", \($0)" } ?? "") + (metrics.map { ", \($0)" } ?? ""))
    }
}

extension CompressCommand {
    /// A clip through the video codec (a config with a `video:` section).
    func runVideo(_ config: FitConfig) throws {
        guard model == nil else { throw ValidationError("--model is for images; a video config fits every group itself") }
        if input.lowercased().hasSuffix(".png") {
            throw ValidationError("\(self.config) is a video config (it has a video: section); \(input) is an image")
        }
        let clip = try VideoFile.read(input, options: try video.readOptions(input: input))
        if let problem = VideoBitstream.shapeProblem(width: clip.width, height: clip.height, frameCount: clip.frames.count, frameRate: clip.frameRate) {
            throw MediaError(path: input, reason: "\(problem): an .inr video cannot hold it (--frames takes part of a clip)")
        }
        try createFolders(for: [output, reconstruction, metrics])
        print("\(input): \(clip.width)×\(clip.height), \(clip.frames.count) frames at \(clip.frameRate) fps, \(clip.bitDepth)-bit 4:2:0")
        Interrupt.shared.install()
        let (report, decoded) = try VideoCompressionJob(config: config, configPath: self.config, threads: threads).run(
            video: clip, input: input, output: output) { print(groupLine($0)) }
        let reconstructionPath = reconstruction.map { VideoFile.outputPath(for: $0) }
        if let reconstructionPath { try VideoFile.write(decoded, to: reconstructionPath) }
        if let metrics { try writeJSON(report, to: metrics) }
        print(String(format: "PSNR Y %.2f dB, YUV %.2f dB, RGB %.2f dB at %.4f bpp (%d bytes, %d frames of %d×%d)",
                     report.psnrY, report.psnrYUV, report.psnrRGB, report.bpp, report.bytes, report.frames, report.width, report.height))
        print(String(format: "encode %.1f s (%.2f frames/s; fitting %.1f s), decode %.0f ms (%.1f frames/s)",
                     report.encodeSeconds, report.encodeFramesPerSecond, report.fitSeconds, report.decodeSeconds * 1000, report.decodeFramesPerSecond))
        print("wrote \(output)" + (reconstructionPath.map { ", \($0)" } ?? "") + (metrics.map { ", \($0)" } ?? "")
            + (reconstructionPath != reconstruction ? " (this FFmpeg has no libx264: lossless FFV1 .mkv instead of .mp4)" : ""))
    }
}

/// One image through the codec as `inr compress` and `inr eval sweep` run it: fit, quantise and
/// code; write the file atomically; read the file back, decode it and measure the decoded image
/// against the original. Every figure comes from the bytes on disk.
struct CompressionJob {
    var config: FitConfig
    var configPath: String
    var threads: Int

    func run(
        image: Image, input: String, output: String, fitted: ImageModel? = nil,
        progress: (_ phase: String, _ report: Trainer.StepReport) -> Void = { _, _ in }
    ) throws -> (CompressReport, Image) {
        let kernels = try Kernels.preferred()
        let decoder = try ImageDecoder(threads: threads)
        let start = Date()
        let result = try config.compress(image: image, kernels: kernels, threads: threads, fitted: fitted, shouldStop: { Interrupt.shared.isRequested }, progress: progress)
        let encodeSeconds = Date().timeIntervalSince(start)
        try AtomicFile.write(Data(result.bytes), to: output)

        let decodeStart = Date()
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        let decoded = try decoder.decode(written)
        let decodeSeconds = Date().timeIntervalSince(decodeStart)
        if result.compressed.lossless != nil && decoded != image {
            // Cannot happen unless encoder and decoder disagree; a lossless file that is not is
            // worse than none.
            try? FileManager.default.removeItem(atPath: output)
            throw MediaError(path: output, reason: "the lossless file did not decode to the input's samples; removed it")
        }
        let report = CompressReport(
            config: configPath, input: input, output: output, width: image.width, height: image.height,
            channels: image.channels, bitDepth: image.bitDepth, bytes: written.count,
            bpp: Double(written.count * 8) / Double(image.pixelCount), psnr: Metrics.psnr(image, decoded),
            msssim: try? Metrics.msSSIM(image, decoded),
            exact: decoded == image,
            floatPSNR: result.floatEvaluation.psnr, quantizedPSNR: result.quantizedEvaluation.psnr, fineTunedPSNR: result.finalEvaluation.psnr,
            losslessBitsBytes: result.compressed.lossless?.bits.count,
            floatCodeBitsPerPixel: result.floatEvaluation.codeBitsPerPixel,
            quantizedCodeBitsPerPixel: result.quantizedEvaluation.codeBitsPerPixel,
            fineTunedCodeBitsPerPixel: result.finalEvaluation.codeBitsPerPixel,
            fitSteps: result.fitSteps, qatSteps: result.qatSteps, encodeSeconds: encodeSeconds, fitSeconds: result.fitSeconds,
            qatSeconds: result.qatSeconds, decodeSeconds: decodeSeconds,
            parameterCount: result.compressed.parameters.symbols.count, threads: threads,
            instructionSet: kernels.instructionSet.rawValue, interrupted: Interrupt.shared.isRequested)
        return (report, decoded)
    }
}

struct CompressReport: Codable {
    var config: String
    var input: String
    var output: String
    var width: Int
    var height: Int
    var channels: Int
    var bitDepth: Int
    var bytes: Int
    var bpp: Double
    var psnr: Double
    /// Absent for images under 161 pixels a side.
    var msssim: Double?
    /// The decoded file equals the image, sample for sample.
    var exact: Bool
    /// Intensity fits: PSNR of the float, quantised and fine-tuned weights' renders.
    var floatPSNR: Double?
    var quantizedPSNR: Double?
    var fineTunedPSNR: Double?
    /// Lossless files: the size of the coded bits (the rest of the file is the network)…
    var losslessBitsBytes: Int?
    /// …and the code length the fit's cross-entropy predicted with each set of weights.
    var floatCodeBitsPerPixel: Double?
    var quantizedCodeBitsPerPixel: Double?
    var fineTunedCodeBitsPerPixel: Double?
    var fitSteps: Int
    var qatSteps: Int
    var encodeSeconds: Double
    var fitSeconds: Double
    var qatSeconds: Double
    var decodeSeconds: Double
    var parameterCount: Int
    var threads: Int
    var instructionSet: String
    var interrupted: Bool
}

/// Creates the folders that will hold these files.
func createFolders(for paths: [String?]) throws {
    for path in paths.compactMap({ $0 }) {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    }
}

/// Writes `value` as pretty JSON, atomically.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    try AtomicFile.write(try reportEncoder(pretty: true).encode(value), to: path)
}

/// The JSON encoder of every report: sorted keys, and the PSNR of an exact reconstruction
/// (infinite) written as the string "inf" rather than failing.
func reportEncoder(pretty: Bool) -> JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys] : [.sortedKeys]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return encoder
}
