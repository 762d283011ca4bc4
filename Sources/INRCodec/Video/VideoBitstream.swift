import INRCore
import INRMedia
import INRNetwork
import INRTraining

/// The `.inr` video file: format version 1, media kind 3 (docs/bitstream.md).
///
///     HEAD  3, width, height, bit depth, frame count, rate (numerator, denominator),
///           patch size P, group size G                    (varints but the first and P, G)
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

    public static func bytes(_ video: CompressedVideo) -> [UInt8] {
        var file = ImageBitstream.magic + [ImageBitstream.version]
        func section(_ tag: String, _ payload: [UInt8]) {
            var writer = ByteWriter()
            writer.append(Array(tag.utf8))
            writer.append(varint: payload.count)
            writer.append(payload)
            writer.append(CRC32.checksum(Array(tag.utf8) + payload))
            file += writer.bytes
        }
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
        section("QUAN", ImageBitstream.quantizationBytes(video.quantization, steps: video.steps))
        var groups = ByteWriter()
        groups.append(varint: video.groups.count)
        for index in video.groups.indices {
            let code = groupBytes(video, index)
            groups.append(varint: code.count)
            groups.append(code)
        }
        section("GRPS", groups.bytes)
        return file
    }

    /// Group `index`'s integers as coded: whole, or after group 0 as differences from the group
    /// before when that is smaller (a group refitted at a scene change is cheaper whole).
    public static func groupBytes(_ video: CompressedVideo, _ index: Int) -> [UInt8] {
        ImageBitstream.symbolBytes(video.parameters(group: index), previous: index == 0 ? nil : video.groups[index - 1])
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
        guard width * height * frameCount <= maximumPixels else { throw .corrupt("HEAD", "a clip of \(width)×\(height)×\(frameCount) is too large") }
        let numerator = try head.varint(in: 1...1_000_000, "rate numerator")
        let denominator = try head.varint(in: 1...1_000_000, "rate denominator")
        let patchSize = Int(try head.byte()), groupSize = Int(try head.byte())
        guard VideoPatches.isValid(patchSize: patchSize, groupSize: groupSize) else {
            throw .corrupt("HEAD", "patch size \(patchSize) or group size \(groupSize)")
        }
        guard head.isAtEnd else { throw .corrupt("HEAD", "\(head.remaining) unexpected bytes") }
        let patches = VideoPatches(width: width, height: height, patchSize: patchSize, groupSize: groupSize)

        let encoding = try ImageBitstream.readEncoding(sections[2].payload)
        let spec = try ImageBitstream.readNetwork(sections[1].payload, inputWidth: encoding.encoding.outputWidth, outputWidth: patches.outputWidth)
        let (quantization, steps) = try ImageBitstream.readQuantization(sections[3].payload, spec: spec)
        let layout = ParameterLayout(spec: spec)

        var reader = ByteReader(sections[4].payload, context: "GRPS")
        let groupCount = try reader.varint()
        guard groupCount == patches.groups(frameCount: frameCount).count else {
            throw .corrupt("GRPS", "\(groupCount) groups for \(frameCount) frames in groups of \(groupSize)")
        }
        var groups: [[Int32]] = []
        for index in 0..<groupCount {
            let length = try reader.varint()
            guard length <= reader.remaining else { throw .truncated("GRPS, group \(index)") }
            groups.append(try ImageBitstream.readSymbols(
                try reader.bytes(length), layout: layout, quantization: quantization, context: "GRPS, group \(index)",
                previous: groups.last))
        }
        guard reader.isAtEnd else { throw .corrupt("GRPS", "\(reader.remaining) unexpected bytes") }
        return CompressedVideo(
            width: width, height: height, bitDepth: bitDepth, frameCount: frameCount,
            frameRate: Video.FrameRate(numerator, denominator), patches: patches, encoding: encoding, spec: spec,
            quantization: quantization, steps: steps, groups: groups)
    }
}
