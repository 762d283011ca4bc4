import Foundation
import INRCore
import INRFormat
import INRMedia

extension VideoEncoder {
    /// One clip through the codec as `inr compress` runs it: encode the groups, stage the file
    /// (`CodecJob`: written unnamed, read back, decoded) and measure the decoded clip against
    /// the input (Y and YUV PSNR on the 4:2:0 samples, RGB PSNR after converting both to RGB).
    /// The caller commits `file` once its other outputs are written.
    public func compress(
        _ video: Video, input: String, output: String, shouldStop: @escaping () -> Bool = { false },
        group: (GroupReport) -> Void = { _ in }
    ) throws -> (report: VideoCompressionReport, decoded: Video, file: StagedOutput) {
        let decoder = try VideoDecoder(threads: threads, budget: budget)
        let start = Date()
        let result = try encode(video, shouldStop: shouldStop, group: group)
        let encodeSeconds = Date().timeIntervalSince(start)
        let published = try CodecJob.stage(result.bytes, for: output, decode: { try decoder.decode($0) })
        let decoded = published.decoded

        let y = Metrics.framePSNRs(video, decoded, planes: 0..<1)
        let yuv = Metrics.framePSNRs(video, decoded, planes: 0..<3)
        let rgb = Metrics.framePSNRs(try VideoFile.converted(video, to: .rgb), try VideoFile.converted(decoded, to: .rgb), planes: 0..<3)
        let frames = video.frames.count
        let report = VideoCompressionReport(
            input: input, output: output, width: video.width, height: video.height, frames: frames,
            bitDepth: video.bitDepth, frameRate: video.frameRate.description,
            groupSize: result.compressed.patches.groupSize, patchSize: result.compressed.patches.patchSize,
            bytes: published.bytes.count, bpp: Double(published.bytes.count * 8) / Double(video.pixelCount),
            psnrY: Metrics.mean(y), psnrYUV: Metrics.mean(yuv), psnrRGB: Metrics.mean(rgb),
            framePSNRY: y, framePSNRYUV: yuv, framePSNRRGB: rgb,
            encodeSeconds: encodeSeconds, fitSeconds: result.seconds, decodeSeconds: published.decodeSeconds,
            encodeFramesPerSecond: Double(frames) / encodeSeconds, decodeFramesPerSecond: Double(frames) / published.decodeSeconds,
            parametersPerGroup: result.compressed.groups.first?.count ?? 0,
            hiddenWidths: result.compressed.spec.hiddenWidths, targetBitsPerPixel: settings.image.sizing.bitsPerPixel,
            groups: result.groups.map {
                .init(frames: "\($0.frames.lowerBound):\($0.frames.upperBound)", steps: $0.steps, seconds: $0.seconds,
                      psnrYUV: $0.evaluation.psnr ?? .nan, bytes: $0.bytes, refitted: $0.refitted)
            },
            threads: threads, instructionSet: kernels.instructionSet.rawValue, interrupted: shouldStop())
        return (report, decoded, published.file)
    }
}

/// What compressing one clip measured (`inr compress --metrics` writes it as JSON).
public struct VideoCompressionReport: Codable, Sendable {
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
    public var parametersPerGroup: Int
    /// Every group's hidden widths (the config's, or chosen from `--bpp`)…
    public var hiddenWidths: [Int]
    /// …and the target rate, when one was asked for.
    public var targetBitsPerPixel: Double?
    public var groups: [Group]
    public var threads: Int
    public var instructionSet: String
    public var interrupted: Bool
}
