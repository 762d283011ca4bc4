import ArgumentParser
import Foundation
import INRCodec
import INRConfig
import INRCore
import INRMedia
import INRNetwork

/// How a clip is read: which frames, and the shape of a raw `.yuv` file.
struct VideoInputOptions: ParsableArguments {
    @Option(help: "Video only: frames a:b of the clip (from frame a up to, not including, b; 0-based; a: or :b leave an end open).")
    var frames: FrameRange?

    @Option(help: "Raw .yuv input only: the frame size, WxH.")
    var rawSize: String?

    @Option(help: "Raw .yuv input only: FFmpeg's name of the sample layout (yuv420p, yuv420p10le…; default yuv420p).")
    var rawPixelFormat: String?

    @Option(help: "Raw .yuv input only: frames per second (30, 30000/1001…; default 30).")
    var rawRate: String?

    /// The reader's options for `input`: YUV 4:2:0 at the source's depth, and the raw shape
    /// (which only a .yuv file takes, and a .yuv file needs).
    func readOptions(input: String) throws -> VideoReadOptions {
        var options = VideoReadOptions()
        options.frames = frames?.range
        let isRaw = input.lowercased().hasSuffix(".yuv")
        guard isRaw || (rawSize == nil && rawPixelFormat == nil && rawRate == nil) else {
            throw ValidationError("--raw-size, --raw-pixel-format and --raw-rate describe a raw .yuv input; \(input) says its own")
        }
        guard rawSize != nil || (rawPixelFormat == nil && rawRate == nil) else {
            throw ValidationError("--raw-pixel-format and --raw-rate need --raw-size")
        }
        if let rawSize {
            let parts = rawSize.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let width = parts[0], let height = parts[1],
                  (1...Video.maximumSide).contains(width), (1...Video.maximumSide).contains(height) else {
                throw ValidationError("--raw-size must be WxH, each 1 to \(Video.maximumSide), not \(rawSize)")
            }
            let rateText = rawRate ?? "30"
            let terms = rateText.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(terms.count), terms.allSatisfy({ $0.map { (1...VideoBitstream.maximumRateTerm).contains($0) } ?? false }) else {
                throw ValidationError("--raw-rate must be a positive whole number or a fraction like 30000/1001, not \(rateText)")
            }
            let rate = terms.map { $0! }
            options.raw = RawVideo(
                width: width, height: height, pixelFormat: rawPixelFormat ?? "yuv420p",
                frameRate: Video.FrameRate(rate[0], rate.count == 2 ? rate[1] : 1))
        }
        return options
    }
}

/// `a:b`, `a:` or `:b`: a half-open range of frame indices.
struct FrameRange: ExpressibleByArgument {
    var range: Range<Int>

    init?(argument: String) {
        let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let lower = parts[0].isEmpty ? 0 : Int(parts[0]), upper = parts[1].isEmpty ? Int.max : Int(parts[1])
        guard let lower, let upper, lower >= 0, upper > lower else { return nil }
        range = lower..<upper
    }
}

/// One clip through the video codec as `inr compress` runs it: fit the groups, write the file
/// atomically, read it back, decode it and measure the decoded clip against the input (Y and
/// YUV PSNR on the 4:2:0 samples, RGB PSNR after converting both to RGB). Every figure comes
/// from the bytes on disk.
struct VideoCompressionJob {
    var config: FitConfig
    var configPath: String
    var threads: Int

    func run(video: Video, input: String, output: String, group: (VideoGroupReport) -> Void) throws -> (VideoCompressReport, Video) {
        let kernels = try Kernels.preferred()
        let start = Date()
        let result = config.compress(video: video, kernels: kernels, threads: threads, shouldStop: { Interrupt.shared.isRequested }, group: group)
        let encodeSeconds = Date().timeIntervalSince(start)
        try AtomicFile.write(Data(result.bytes), to: output)

        let decodeStart = Date()
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        let decoded = try VideoDecoder(threads: threads).decode(written)
        let decodeSeconds = Date().timeIntervalSince(decodeStart)

        let y = Metrics.framePSNRs(video, decoded, planes: 0..<1)
        let yuv = Metrics.framePSNRs(video, decoded, planes: 0..<3)
        let rgb = Metrics.framePSNRs(try VideoFile.converted(video, to: .rgb), try VideoFile.converted(decoded, to: .rgb), planes: 0..<3)
        let frames = video.frames.count
        let report = VideoCompressReport(
            config: configPath, input: input, output: output, width: video.width, height: video.height, frames: frames,
            bitDepth: video.bitDepth, frameRate: video.frameRate.description,
            groupSize: result.compressed.patches.groupSize, patchSize: result.compressed.patches.patchSize,
            bytes: written.count, bpp: Double(written.count * 8) / Double(video.pixelCount),
            psnrY: Metrics.mean(y), psnrYUV: Metrics.mean(yuv), psnrRGB: Metrics.mean(rgb),
            framePSNRY: y, framePSNRYUV: yuv, framePSNRRGB: rgb,
            encodeSeconds: encodeSeconds, fitSeconds: result.seconds, decodeSeconds: decodeSeconds,
            encodeFramesPerSecond: Double(frames) / encodeSeconds, decodeFramesPerSecond: Double(frames) / decodeSeconds,
            parametersPerGroup: result.compressed.groups.first?.count ?? 0,
            groups: result.groups.map {
                .init(frames: "\($0.frames.lowerBound):\($0.frames.upperBound)", steps: $0.steps, seconds: $0.seconds,
                      psnrYUV: $0.evaluation.psnr ?? .nan, bytes: $0.bytes, refitted: $0.refitted)
            },
            threads: threads, instructionSet: kernels.instructionSet.rawValue, interrupted: Interrupt.shared.isRequested)
        return (report, decoded)
    }
}

struct VideoCompressReport: Codable {
    struct Group: Codable {
        var frames: String
        var steps: Int
        var seconds: Double
        /// The fit's PSNR over the group's Y, U and V samples (edge padding included).
        var psnrYUV: Double
        var bytes: Int
        /// Fitted again from scratch after a drop of more than `video.refitBelow` dB.
        var refitted: Bool
    }

    var config: String
    var input: String
    var output: String
    var width: Int
    var height: Int
    var frames: Int
    var bitDepth: Int
    var frameRate: String
    var groupSize: Int
    var patchSize: Int
    var bytes: Int
    /// bytes · 8 / (width · height · frames).
    var bpp: Double
    /// Means of the per-frame PSNRs: Y, all of Y, U and V, and RGB (BT.601, both clips converted).
    var psnrY: Double
    var psnrYUV: Double
    var psnrRGB: Double
    var framePSNRY: [Double]
    var framePSNRYUV: [Double]
    var framePSNRRGB: [Double]
    var encodeSeconds: Double
    var fitSeconds: Double
    var decodeSeconds: Double
    var encodeFramesPerSecond: Double
    var decodeFramesPerSecond: Double
    var parametersPerGroup: Int
    var groups: [Group]
    var threads: Int
    var instructionSet: String
    var interrupted: Bool
}

/// The line `inr compress` prints as each group of a clip is done.
func groupLine(_ report: VideoGroupReport) -> String {
    "group \(report.index + 1)/\(report.groupCount) (frames \(report.frames.lowerBound)–\(report.frames.upperBound - 1)): "
        + String(format: "%d steps in %.1f s, PSNR %.2f dB, %d bytes; %.4f bpp so far",
                 report.steps, report.seconds, report.evaluation.psnr ?? .nan, report.bytes, report.bitsPerPixel)
        + (report.refitted ? " (refitted from scratch: a scene change)" : "")
}
