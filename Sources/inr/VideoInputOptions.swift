import ArgumentParser
import Foundation
import INRCodec
import INRFormat
import INRCore
import INRMedia
import INRModel
import INRNetwork

/// How a clip is read: which frames, and the shape of a raw `.yuv` file.
struct VideoInputOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Video only: frames a:b of the clip (from frame a up to, not including, b; 0-based; a: or :b leave an end open).")
    var frames: String?

    @Option(help: "Raw .yuv input only: the frame size, WxH.")
    var rawSize: String?

    @Option(help: "Raw .yuv input only: FFmpeg's name of the sample layout (yuv420p, yuv420p10le…; default yuv420p).")
    var rawPixelFormat: String?

    @Option(help: "Raw .yuv input only: frames per second (30, 30000/1001…; default 30).")
    var rawRate: String?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Video only: encode part k of N (k from 0) as closed segments, for `inr concat` to join (e.g. --segment $SLURM_ARRAY_TASK_ID/8).",
        discussion: "The clip's groups are shared out evenly; each part is cut further where the config says (video.segmentGroups, video.sceneCut)."))
    var segment: String?

    @Option(parsing: .unconditional, help: "Video only: encode all N parts of --segment in this process, into the file `inr concat` makes of them.")
    var segments: Int?

    /// Which parts of the clip to encode, of how many: `--segment k/N` (part k), `--segments N`
    /// (all), or nil (the whole clip, cut only where the config says).
    func parts() throws -> (range: Range<Int>, count: Int)? {
        if segment != nil, segments != nil { throw ValidationError("give --segment k/N or --segments N, not both") }
        if let segment {
            let part = try Part(parsing: segment, flag: "--segment")
            return (part.index..<(part.index + 1), part.count)
        }
        if let segments {
            guard (1...Part.maximumCount).contains(segments) else { throw ValidationError("--segments \(segments): must be between 1 and \(Part.maximumCount)") }
            return (0..<segments, segments)
        }
        return nil
    }

    func validate() throws { _ = try parts() }

    /// Whether an option of clips only was given.
    var isGiven: Bool { frames != nil || rawSize != nil || rawPixelFormat != nil || rawRate != nil || segment != nil || segments != nil }

    /// The reader's options for `input`: YUV 4:2:0 at the source's depth, and the raw shape
    /// (which only a .yuv file takes, and a .yuv file needs).
    func readOptions(input: String) throws -> VideoReadOptions {
        var options = VideoReadOptions()
        options.frames = try frames.map { try FrameRange(parsing: $0).range }
        let isRaw = input.lowercased().hasSuffix(".yuv")
        guard isRaw || (rawSize == nil && rawPixelFormat == nil && rawRate == nil) else {
            throw CommandError("--raw-size, --raw-pixel-format and --raw-rate describe a raw .yuv input; \(input) says its own")
        }
        guard rawSize != nil || (rawPixelFormat == nil && rawRate == nil) else {
            throw CommandError("--raw-pixel-format and --raw-rate need --raw-size")
        }
        if let rawSize {
            let parts = rawSize.split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
            guard parts.count == 2, let width = parts[0], let height = parts[1],
                  (1...Video.maximumSide).contains(width), (1...Video.maximumSide).contains(height) else {
                throw CommandError("--raw-size must be WxH, each 1 to \(Video.maximumSide), not \(rawSize)")
            }
            let rateText = rawRate ?? "30"
            let terms = rateText.split(separator: "/", omittingEmptySubsequences: false).map { Int($0) }
            guard (1...2).contains(terms.count), terms.allSatisfy({ $0.map { (1...VideoFormat.maximumRateTerm).contains($0) } ?? false }) else {
                throw CommandError("--raw-rate must be a positive whole number or a fraction like 30000/1001, not \(rateText)")
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
struct FrameRange {
    var range: Range<Int>

    init(parsing argument: String) throws {
        let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { throw CommandError("--frames \(argument): expected a:b, a: or :b (0-based, b not included)") }
        let lower = parts[0].isEmpty ? 0 : Int(parts[0]), upper = parts[1].isEmpty ? Int.max : Int(parts[1])
        guard let lower, let upper else { throw CommandError("--frames \(argument): a and b must be whole numbers") }
        guard lower >= 0 else { throw CommandError("--frames \(argument): frames count from 0") }
        guard upper > lower else { throw CommandError("--frames \(argument): the end (\(upper)) must be after the start (\(lower))") }
        range = lower..<upper
    }
}

/// The line `inr compress` prints as each group of a clip is done.
func groupLine(_ report: VideoEncoder.GroupReport) -> String {
    (report.segment.map { "segment \($0.index + 1)/\($0.count), " } ?? "")
        + "group \(report.index + 1)/\(report.groupCount) (frames \(report.frames.lowerBound)–\(report.frames.upperBound - 1)): "
        + String(format: "%d steps in %.1f s, PSNR %.2f dB, %d bytes; %.4f bpp so far",
                 report.steps, report.seconds, report.evaluation.psnr ?? .nan, report.bytes, report.bitsPerPixel)
        + (report.refitted ? " (refitted from scratch: a scene change)" : "")
}
