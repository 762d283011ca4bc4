import Foundation
import INRCore
import INRFormat
import INRMedia

extension VideoEncoder {
    /// One clip through the codec as `inr compress` runs it: encode the groups, stage the file
    /// (`CodecJob`: written unnamed, read back, decoded) and measure the decoded clip against
    /// the input (Y and YUV PSNR on the 4:2:0 samples, RGB PSNR after converting both to RGB).
    /// With `parts` (`--segment k/N`: parts k..<k+1 of N; `--segments N`: all of them), or a
    /// config that cuts whole clips, the file is a segmented video of those parts' frames
    /// (`planned`: their segments, if already planned), measured against them. The caller commits `file` once its other outputs are written.
    public func compress(
        _ video: Video, parts: (range: Range<Int>, count: Int)? = nil, planned: [Range<Int>]? = nil, input: String, output: String,
        shouldStop: @escaping () -> Bool = { false }, group: (GroupReport) -> Void = { _ in }
    ) throws -> (report: VideoCompressionReport, decoded: Video, file: StagedOutput) {
        let decoder = try VideoDecoder(threads: threads, budget: budget)
        let start = Date()
        let encoded: (bytes: [UInt8], frames: Range<Int>, groups: [GroupReport], seconds: Double, first: CompressedVideo, segments: [VideoCompressionReport.Segment]?)
        if parts != nil || settings.segments.cutsWholeClips {
            var groups: [GroupReport] = []
            let result = try encodeSegments(video, parts: parts?.range ?? 0..<1, of: parts?.count ?? 1, planned: planned, shouldStop: shouldStop) {
                groups.append($0)
                group($0)
            }
            encoded = (result.bytes, result.frames, groups, result.seconds, result.segments[0].output.compressed, result.segments.map {
                .init(frames: "\($0.frames.lowerBound):\($0.frames.upperBound)", bytes: $0.output.bytes.count,
                      hiddenWidths: $0.output.compressed.spec.hiddenWidths)
            })
        } else {
            let result = try encode(video, shouldStop: shouldStop, group: group)
            encoded = (result.bytes, 0..<video.frames.count, result.groups, result.seconds, result.compressed, nil)
        }
        let encodeSeconds = Date().timeIntervalSince(start)
        let published = try CodecJob.stage(encoded.bytes, for: output, decode: { try decoder.decode($0) })
        let decoded = published.decoded
        let reference = video.frames(encoded.frames)

        let y = Metrics.framePSNRs(reference, decoded, planes: 0..<1)
        let yuv = Metrics.framePSNRs(reference, decoded, planes: 0..<3)
        let rgb = Metrics.framePSNRs(try VideoFile.converted(reference, to: .rgb), try VideoFile.converted(decoded, to: .rgb), planes: 0..<3)
        let frames = reference.frames.count
        var report = VideoCompressionReport(
            input: input, output: output, width: video.width, height: video.height, frames: frames,
            bitDepth: video.bitDepth, frameRate: video.frameRate.description,
            groupSize: encoded.first.patches.groupSize, patchSize: encoded.first.patches.patchSize,
            bytes: published.bytes.count, bpp: Double(published.bytes.count * 8) / Double(reference.pixelCount),
            psnrY: Metrics.mean(y), psnrYUV: Metrics.mean(yuv), psnrRGB: Metrics.mean(rgb),
            framePSNRY: y, framePSNRYUV: yuv, framePSNRRGB: rgb,
            encodeSeconds: encodeSeconds, fitSeconds: encoded.seconds, decodeSeconds: published.decodeSeconds,
            encodeFramesPerSecond: Double(frames) / encodeSeconds, decodeFramesPerSecond: Double(frames) / published.decodeSeconds,
            parametersPerGroup: encoded.first.groups.first?.count ?? 0,
            hiddenWidths: encoded.first.spec.hiddenWidths, targetBitsPerPixel: settings.image.sizing.bitsPerPixel,
            groups: encoded.groups.map {
                .init(frames: "\($0.frames.lowerBound):\($0.frames.upperBound)", steps: $0.steps, seconds: $0.seconds,
                      psnrYUV: $0.evaluation.psnr ?? .nan, bytes: $0.bytes, refitted: $0.refitted)
            },
            threads: threads, instructionSet: kernels.instructionSet.rawValue, interrupted: shouldStop())
        report.firstFrame = encoded.frames.lowerBound
        report.clipFrames = video.frames.count
        report.part = parts.flatMap { $0.range.count == 1 && $0.count > 1 ? "\($0.range.lowerBound)/\($0.count)" : nil }
        report.segments = encoded.segments
        return (report, decoded, published.file)
    }
}

/// What compressing one clip measured (`inr compress --metrics` writes it as JSON).
public struct VideoCompressionReport: Codable, Sendable {
    /// One closed segment of a segmented file.
    public struct Segment: Codable, Sendable {
        /// The clip's frames a:b (b not included).
        public var frames: String
        public var bytes: Int
        public var hiddenWidths: [Int]
    }

    public struct Group: Codable, Sendable {
        public var frames: String
        public var steps: Int
        public var seconds: Double
        /// The fit's PSNR over the group's Y, U and V samples (edge padding included).
        public var psnrYUV: Double
        public var bytes: Int
        /// Fitted again from scratch after a drop of more than `refitBelow` dB.
        public var refitted: Bool
    }

    /// The config file the settings came from (set by the caller that read it).
    public var config: String = ""
    public var input: String
    public var output: String
    public var width: Int
    public var height: Int
    public var frames: Int
    public var bitDepth: Int
    public var frameRate: String
    public var groupSize: Int
    public var patchSize: Int
    public var bytes: Int
    /// bytes · 8 / (width · height · frames).
    public var bpp: Double
    /// Means of the per-frame PSNRs: Y, all of Y, U and V, and RGB (BT.601, both clips converted).
    public var psnrY: Double
    public var psnrYUV: Double
    public var psnrRGB: Double
    public var framePSNRY: [Double]
    public var framePSNRYUV: [Double]
    public var framePSNRRGB: [Double]
    public var encodeSeconds: Double
    public var fitSeconds: Double
    public var decodeSeconds: Double
    public var encodeFramesPerSecond: Double
    public var decodeFramesPerSecond: Double
    /// The first segment's, in a segmented file (`segments` has each one's widths).
    public var parametersPerGroup: Int
    /// Every group's hidden widths (the config's, or chosen from `--bpp`; a segmented file's
    /// first segment's)…
    public var hiddenWidths: [Int]
    /// …and the target rate, when one was asked for.
    public var targetBitsPerPixel: Double?
    public var groups: [Group]
    /// The file's first frame in the clip (0 but for a part), the clip's frames, the part
    /// (`--segment k/N`), and the closed segments of a segmented file.
    public var firstFrame = 0
    public var clipFrames = 0
    public var part: String? = nil
    public var segments: [Segment]? = nil
    public var threads: Int
    public var instructionSet: String
    public var interrupted: Bool
}
