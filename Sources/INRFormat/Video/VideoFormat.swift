import Foundation
import INRCoding
import INRCore
import INRMedia
import INRModel
import INRNetwork

/// Media kind 3, a clip: one network per group of frames (docs/bitstream.md).
///
///     HEAD  3, width, height, bit depth, frame count, rate (numerator, denominator),
///           patch size P, group size G        (varints but the kind, bit depth, P and G: bytes)
///     NETW · ENCO · QUAN   `StoredNetwork` (input width from ENCO, output width G·1.5·P²); one
///                          step per quantisation group, shared by every frame group
///     GRPS  each frame group's integers (`GroupSection`), whole, or for group k > 0 as
///           differences from group k-1's, whichever is smallest
///
/// A still scene costs little: a later group whose weights did not move codes a run of zeros.
public enum VideoFormat: VideoMediaFormat {
    public static let kind: UInt8 = 3
    public static let name = "video"
    public static let sections = StoredNetwork.tags + [GroupSection.tag]
    /// Frames a file may announce.
    public static let maximumFrames = 1 << 20
    /// Pixels (width × height × frames) a file may announce: 2³⁰, 6 GiB of 4:2:0 samples at 16 bits.
    public static let maximumPixels = 1 << 30
    /// The largest term of a frame rate.
    public static let maximumRateTerm = 1_000_000
    /// Network outputs one group's rendering may hold (patch positions × outputs): 2²⁸ floats.
    public static let maximumGroupOutputs = 1 << 28

    /// Why a clip of this shape cannot be stored, or nil: the limits `read` enforces, so an
    /// encoder can refuse a clip before fitting it.
    public static func shapeProblem(width: Int, height: Int, frameCount: Int, frameRate: Video.FrameRate) -> String? {
        guard (1...Video.maximumSide).contains(width), (1...Video.maximumSide).contains(height) else {
            return "a \(width)×\(height) frame is outside 1…\(Video.maximumSide) a side"
        }
        guard (1...maximumFrames).contains(frameCount), width * height * frameCount <= maximumPixels else {
            return "a clip of \(width)×\(height)×\(frameCount) is too large (at most \(maximumFrames) frames and \(maximumPixels) pixels)"
        }
        guard frameRate.numerator <= maximumRateTerm, frameRate.denominator <= maximumRateTerm else {
            return "a frame rate of \(frameRate) has a term above \(maximumRateTerm)"
        }
        return nil
    }

    /// The file, with each group's code as `groupBytes` gives it (`codes`, when the encoder
    /// already has them). Fields are written as they are: `read` refuses a clip outside the
    /// limits (`shapeProblem`), which the encoder checks first.
    public static func container(_ video: CompressedVideo, codes: [[UInt8]]? = nil) -> Container {
        precondition(codes == nil || codes!.count == video.groups.count, "one code per group")
        var head = ByteWriter()
        head.append(byte: kind)
        head.append(varint: video.width)
        head.append(varint: video.height)
        head.append(byte: UInt8(video.bitDepth))
        head.append(varint: video.frameCount)
        head.append(varint: video.frameRate.numerator)
        head.append(varint: video.frameRate.denominator)
        head.append(byte: UInt8(video.patches.patchSize))
        head.append(byte: UInt8(video.patches.groupSize))
        let groups = GroupSection.payload(codes ?? video.groups.indices.map { groupBytes(video, $0) })
        return Container(sections: [Container.Section(Container.headTag, head.bytes)] + video.network.sections + [Container.Section(GroupSection.tag, groups)])
    }

    public static func bytes(_ video: CompressedVideo, codes: [[UInt8]]? = nil) -> [UInt8] { container(video, codes: codes).bytes }

    /// Group `index`'s integers as coded: whole, or after group 0 as differences from the group
    /// before when that is smaller (a group refitted at a scene change is cheaper whole).
    public static func groupBytes(_ video: CompressedVideo, _ index: Int) -> [UInt8] {
        groupBytes(video.parameters(group: index), previous: index == 0 ? nil : video.groups[index - 1])
    }

    /// A group's code from its integers and the previous group's (nil for group 0).
    public static func groupBytes(_ parameters: QuantizedParameters, previous: [Int32]?) -> [UInt8] {
        WeightSection.payload(parameters, previous: previous)
    }

    /// The clip a file holds, every section checked.
    public static func read(_ bytes: [UInt8], budget: DecodeBudget = .standard) throws(BitstreamError) -> CompressedVideo {
        try read(Container(reading: bytes), budget: budget)
    }

    /// A video file's HEAD: the clip's shape, rate and patches, every field checked.
    public struct Head: Sendable {
        public var width: Int
        public var height: Int
        public var bitDepth: Int
        public var frameCount: Int
        public var frameRate: Video.FrameRate
        public var patches: VideoPatches
    }

    /// The first fields of a clip kind's HEAD (kinds 3 and 5): the kind, checked to be
    /// `format`'s, then width, height and bit depth.
    static func readShape(_ head: inout ByteReader, of format: any MediaFormat.Type) throws(BitstreamError) -> (width: Int, height: Int, bitDepth: Int) {
        let kind = try head.byte()
        guard kind == format.kind else { throw .corrupt("HEAD", MediaFormats.wrongKind(kind, expected: format)) }
        let width = try head.varint(in: 1...Video.maximumSide, "width")
        let height = try head.varint(in: 1...Video.maximumSide, "height")
        let bitDepth = Int(try head.byte())
        guard (8...16).contains(bitDepth) else { throw .corrupt("HEAD", "bit depth \(bitDepth)") }
        return (width, height, bitDepth)
    }

    /// The HEAD of a verified container of this kind (nothing after it is read).
    public static func head(_ file: Container) throws(BitstreamError) -> Head {
        var head = ByteReader(file.payload(Container.headTag), context: Container.headTag)
        let (width, height, bitDepth) = try readShape(&head, of: self)
        let frameCount = try head.varint(in: 1...maximumFrames, "frame count")
        let numerator = try head.varint(in: 1...maximumRateTerm, "rate numerator")
        let denominator = try head.varint(in: 1...maximumRateTerm, "rate denominator")
        let frameRate = Video.FrameRate(numerator, denominator)
        if let problem = shapeProblem(width: width, height: height, frameCount: frameCount, frameRate: frameRate) { throw .corrupt("HEAD", problem) }
        let patchSize = Int(try head.byte()), groupSize = Int(try head.byte())
        guard VideoPatches.isValid(patchSize: patchSize, groupSize: groupSize) else {
            throw .corrupt("HEAD", "patch size \(patchSize) or group size \(groupSize)")
        }
        guard head.isAtEnd else { throw .corrupt("HEAD", "\(head.remaining) unexpected bytes") }
        let patches = VideoPatches(width: width, height: height, patchSize: patchSize, groupSize: groupSize)
        if let problem = renderingProblem(patches) { throw .corrupt("HEAD", problem) }
        return Head(width: width, height: height, bitDepth: bitDepth, frameCount: frameCount, frameRate: frameRate, patches: patches)
    }

    /// The clip a verified container holds.
    /// Refused before the groups' weights are decoded if the clip is beyond `budget`.
    public static func read(_ file: Container, budget: DecodeBudget = .standard) throws(BitstreamError) -> CompressedVideo {
        let head = try head(file)
        let (width, height, bitDepth, frameCount, frameRate, patches) = (head.width, head.height, head.bitDepth, head.frameCount, head.frameRate, head.patches)
        let network = try StoredNetwork(reading: file, outputWidth: patches.outputWidth)
        try checkBudget(patches: patches, frameCount: frameCount, network: network.spec, parameters: network.layout.count, budget)
        let groups = try GroupSection.read(
            file.payload(GroupSection.tag), patches: patches, frameCount: frameCount, layout: network.layout,
            quantization: network.quantization)
        return CompressedVideo(
            width: width, height: height, bitDepth: bitDepth, frameCount: frameCount,
            frameRate: frameRate, patches: patches, encoding: network.encoding, spec: network.spec,
            quantization: network.quantization, stepSizes: network.stepSizes, groups: groups)
    }

    /// Why the decoder cannot render groups of this shape (too many outputs a group), or nil.
    public static func renderingProblem(_ patches: VideoPatches) -> String? {
        guard patches.count * patches.outputWidth > maximumGroupOutputs else { return nil }
        return "\(patches.count) patches of \(patches.outputWidth) outputs are too many to render (at most \(maximumGroupOutputs) a group)"
    }

    /// Throws `.overBudget` when a clip of `frameCount` frames of `patches` with `network` is
    /// beyond `budget`, or its groups beyond the integers GRPS holds: the one check of both the
    /// decoder (from the header) and the encoder (before fitting).
    public static func checkBudget(
        patches: VideoPatches, frameCount: Int, network: NetworkSpec, parameters: Int, _ budget: DecodeBudget
    ) throws(BitstreamError) {
        let groupCount = patches.groups(frameCount: frameCount).count
        guard groupCount * parameters <= GroupSection.maximumSymbols else {
            throw .overBudget("\(groupCount) groups of \(parameters) parameters are more than the \(GroupSection.maximumSymbols) integers a file holds")
        }
        try budget.check(
            what: "a \(patches.width)×\(patches.height) clip of \(frameCount) frames", network: network,
            renderedSamples: renderedSamples(patches: patches, frameCount: frameCount), decodedSamples: decodedSamples(patches: patches, frameCount: frameCount))
    }

    /// Network evaluations of rendering every group: patch positions × groups.
    static func renderedSamples(patches: VideoPatches, frameCount: Int) -> Int { patches.count * patches.groups(frameCount: frameCount).count }

    /// Y, U and V samples of `frameCount` frames.
    static func decodedSamples(patches: VideoPatches, frameCount: Int) -> Int {
        (patches.width * patches.height + 2 * ((patches.width + 1) / 2) * ((patches.height + 1) / 2)) * frameCount
    }

    /// The work `checkBudget` counts for a clip of this shape and network (within a budget it
    /// passed): multiply-adds and decoded samples.
    public static func work(patches: VideoPatches, frameCount: Int, network: NetworkSpec) -> (multiplyAdds: Int, samples: Int) {
        (DecodeBudget.multiplyAddsPerSample(network) * renderedSamples(patches: patches, frameCount: frameCount),
         decodedSamples(patches: patches, frameCount: frameCount))
    }

    /// The work of decoding `video`.
    public static func work(_ video: CompressedVideo) -> (multiplyAdds: Int, samples: Int) {
        work(patches: video.patches, frameCount: video.frameCount, network: video.spec)
    }

    public static func video(_ file: Container, decoder: VideoDecoder) throws -> Video {
        decoder.decode(try read(file, budget: decoder.budget))
    }

    /// A clip kind's file rendered and written (.y4m, .mkv, or .mp4 where this FFmpeg has
    /// libx264, else a lossless .mkv beside it), at the stored size only: what `inr decode`
    /// does with every `VideoMediaFormat`.
    static func decodeToFile(_ file: Container, _ request: DecodeRequest) throws -> [String] {
        guard request.scale == 1 else { throw UnsupportedRequest("a video file decodes at its stored size only (--scale 1)") }
        guard !request.output.lowercased().hasSuffix(".png") else { throw UnsupportedRequest("\(request.file) is a video: write .y4m, .mp4 or .mkv") }
        if !OutputFile.isWrittenInPlace(request.output) {
            do { try VideoFile.checkOutputName(VideoFile.outputPath(for: request.output)) } catch { throw UnsupportedRequest("--output \(error)") }
        }
        let start = Date()
        let video = try request.decoding { try VideoDecoder(threads: request.threads, budget: request.budget).decode(file) }
        let decoded = Date()
        try request.createOutputFolder()
        let path = VideoFile.outputPath(for: request.output)
        try VideoFile.write(video, to: path)
        let seconds = decoded.timeIntervalSince(start)
        return [
            "decoded \(request.file): \(video.width)×\(video.height), \(video.frames.count) frames at \(video.frameRate) fps, \(video.bitDepth)-bit 4:2:0 in "
                + String(format: "%.0f ms (%.1f frames/s); wrote %@ in %.0f ms", seconds * 1000, Double(video.frames.count) / seconds, path,
                         Date().timeIntervalSince(decoded) * 1000)
                + (path != request.output ? " (this FFmpeg has no libx264: lossless FFV1 .mkv instead of .mp4)" : ""),
            "samples sha256 \(SHA256.hex(video.sampleBytes))",
        ]
    }

    /// The clip, the groups and each group's coded size and method.
    public static func describe(_ file: Container) throws -> [String] {
        let video = try read(file, budget: .unlimited)
        return [
            "media      video \(video.width)×\(video.height), \(video.frameCount) frames at \(video.frameRate) fps, \(video.bitDepth)-bit 4:2:0, "
                + String(format: "%.4f bpp", Double(file.size * 8) / Double(video.width * video.height * video.frameCount)),
            "groups     \(video.groups.count) of \(video.patches.groupSize) frames, \(video.patches.patchSize)×\(video.patches.patchSize) patches "
                + "(\(video.patches.columns)×\(video.patches.rows) positions)",
        ] + video.network.summary + ["group code " + GroupSection.summary(try GroupSection.codes(file.payload(GroupSection.tag)))]
    }
}
