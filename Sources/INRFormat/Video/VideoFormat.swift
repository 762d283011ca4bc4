import INRCoding
import INRCore
import INRMedia
import INRNetwork
import INRModel

/// The `.inr` video file: format version 1, media kind 3 (docs/bitstream.md).
///
///     HEAD  3, width, height, bit depth, frame count, rate (numerator, denominator),
///           patch size P, group size G        (varints but the kind, bit depth, P and G: bytes)
///     NETW  as an image's (input width from ENCO, output width G·1.5·P²)
///     ENCO  as an image's
///     QUAN  as an image's: one step per quantisation group, shared by every frame group
///     GRPS  frame-group count, then per group: length (varint) · integers, as an image's WGHT
///           (method 0 or 1), or for group k > 0 as differences from group k-1's integers,
///           range-coded (method 2), whichever is smallest
///
/// A still scene costs little: a later group whose weights did not move codes a run of zeros.
public enum VideoBitstream {
    /// Frames a file may announce.
    public static let maximumFrames = 1 << 20
    /// Pixels (width × height × frames) a file may announce: 2³⁰, 6 GiB of 4:2:0 samples at 16 bits.
    public static let maximumPixels = 1 << 30
    /// The largest term of a frame rate.
    public static let maximumRateTerm = 1_000_000
    /// Network outputs one group's rendering may hold (patch positions × outputs): 2²⁸ floats.
    public static let maximumGroupOutputs = 1 << 28
    /// Integers all groups together may hold: 2²⁸, 1 GiB.
    public static let maximumSymbols = 1 << 28

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
    public static func bytes(_ video: CompressedVideo, codes: [[UInt8]]? = nil) -> [UInt8] {
        precondition(codes == nil || codes!.count == video.groups.count, "one code per group")
        var file = ImageBitstream.magic + [ImageBitstream.version]
        func section(_ tag: String, _ payload: [UInt8]) { file += ImageBitstream.section(tag, payload) }
        var head = ByteWriter()
        head.append(byte: ImageBitstream.MediaKind.video.rawValue)
        head.append(varint: video.width)
        head.append(varint: video.height)
        head.append(byte: UInt8(video.bitDepth))
        head.append(varint: video.frameCount)
        head.append(varint: video.frameRate.numerator)
        head.append(varint: video.frameRate.denominator)
        head.append(byte: UInt8(video.patches.patchSize))
        head.append(byte: UInt8(video.patches.groupSize))
        section("HEAD", head.bytes)
        section("NETW", ImageBitstream.networkBytes(video.spec))
        section("ENCO", ImageBitstream.encodingBytes(video.encoding))
        section("QUAN", ImageBitstream.quantizationBytes(video.quantization, stepSizes: video.stepSizes))
        var groups = ByteWriter()
        groups.append(varint: video.groups.count)
        for index in video.groups.indices {
            let code = codes?[index] ?? groupBytes(video, index)
            groups.append(varint: code.count)
            groups.append(code)
        }
        section("GRPS", groups.bytes)
        return file
    }

    /// Group `index`'s integers as coded: whole, or after group 0 as differences from the group
    /// before when that is smaller (a group refitted at a scene change is cheaper whole).
    public static func groupBytes(_ video: CompressedVideo, _ index: Int) -> [UInt8] {
        groupBytes(video.parameters(group: index), previous: index == 0 ? nil : video.groups[index - 1])
    }

    /// A group's code from its integers and the previous group's (nil for group 0).
    public static func groupBytes(_ parameters: QuantizedParameters, previous: [Int32]?) -> [UInt8] {
        ImageBitstream.symbolBytes(parameters, previous: previous)
    }

    /// The groups' codes as stored in GRPS (each starts with its method byte: 0 or 1 whole, 2
    /// differences), framing checked; nothing decoded.
    public static func groupCodes(_ payload: ArraySlice<UInt8>) throws(BitstreamError) -> [ArraySlice<UInt8>] {
        var reader = ByteReader(payload, context: "GRPS")
        let count = try reader.varint(in: 1...maximumFrames, "group count")
        var codes: [ArraySlice<UInt8>] = []
        for index in 0..<count {
            let length = try reader.varint()
            guard length <= reader.remaining else { throw .truncated("GRPS, group \(index)") }
            codes.append(try reader.bytes(length))
        }
        guard reader.isAtEnd else { throw .corrupt("GRPS", "\(reader.remaining) unexpected bytes") }
        return codes
    }

    public static func read(_ bytes: [UInt8]) throws(BitstreamError) -> CompressedVideo {
        let sections = try ImageBitstream.sections(bytes)
        var head = ByteReader(sections[0].payload, context: "HEAD")
        guard try head.byte() == ImageBitstream.MediaKind.video.rawValue else {
            throw .corrupt("HEAD", "this is an image file, not a video: decode it to .png")
        }
        let width = try head.varint(in: 1...Video.maximumSide, "width")
        let height = try head.varint(in: 1...Video.maximumSide, "height")
        let bitDepth = Int(try head.byte())
        guard (8...16).contains(bitDepth) else { throw .corrupt("HEAD", "bit depth \(bitDepth)") }
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
        guard patches.count * patches.outputWidth <= maximumGroupOutputs else {
            throw .corrupt("HEAD", "\(patches.count) patches of \(patches.outputWidth) outputs are too many to render")
        }

        let encoding = try ImageBitstream.readEncoding(sections[2].payload)
        let spec = try ImageBitstream.readNetwork(sections[1].payload, inputWidth: encoding.encoding.outputWidth, outputWidth: patches.outputWidth)
        let (quantization, stepSizes) = try ImageBitstream.readQuantization(sections[3].payload, spec: spec)
        let layout = ParameterLayout(spec: spec)

        let codes = try groupCodes(sections[4].payload)
        guard codes.count == patches.groups(frameCount: frameCount).count else {
            throw .corrupt("GRPS", "\(codes.count) groups for \(frameCount) frames in groups of \(groupSize)")
        }
        guard codes.count * layout.count <= maximumSymbols else {
            throw .corrupt("GRPS", "\(codes.count) groups of \(layout.count) parameters are too many")
        }
        var groups: [[Int32]] = []
        for (index, code) in codes.enumerated() {
            groups.append(try ImageBitstream.readSymbols(
                code, layout: layout, quantization: quantization, context: "GRPS, group \(index)", previous: groups.last))
        }
        return CompressedVideo(
            width: width, height: height, bitDepth: bitDepth, frameCount: frameCount,
            frameRate: frameRate, patches: patches, encoding: encoding, spec: spec,
            quantization: quantization, stepSizes: stepSizes, groups: groups)
    }
}
