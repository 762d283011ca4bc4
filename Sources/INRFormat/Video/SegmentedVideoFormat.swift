import Foundation
import INRCoding
import INRCore
import INRMedia

/// Media kind 5, a segmented video (format version 2; docs/bitstream.md, docs/scale-out.md): a
/// run of closed segments of a clip, each a complete video file (kind 3) whose first group is
/// fitted from the seed, so segments are encoded independently, on as many machines as there
/// are parts, and joined without decoding (`inr concat`).
///
///     HEAD  5, width, height, bit depth, rate (numerator, denominator), clip frame count,
///           first frame, frame count, part index, part count   (varints but kind and depth),
///           CRC-32 of the whole clip's samples (u32): which clip the parts are of
///     SEGS  segment count · per segment: length · a kind-3 file, version 1 (its own framing and CRCs)
///
///     part k of N ─┐
///     part k+1    ─┼─► concat: HEAD of the whole clip (part 0 of 1) · every part's segments in order
///     …           ─┘
public enum SegmentedVideoFormat: VideoMediaFormat {
    public static let kind: UInt8 = 5
    public static let name = "segmented video"
    public static let formatVersion: UInt8 = 2
    public static let segmentsTag = "SEGS"
    public static let sections = [segmentsTag]
    /// Segments a file may hold: 2¹⁶, a segment every group of 8 frames for a 30 fps clip of
    /// about 5 hours; each costs the decoder a container to parse whatever its size.
    public static let maximumSegments = 1 << 16

    /// What a segmented file holds: where its frames sit in the clip and each segment's file.
    public struct SegmentedVideo: Hashable, Sendable {
        public var width: Int
        public var height: Int
        public var bitDepth: Int
        public var frameRate: Video.FrameRate
        /// Frames of the whole clip the parts cut.
        public var clipFrameCount: Int
        /// This file's first frame in the clip, and its frames (the segments' together).
        public var firstFrame: Int
        public var frameCount: Int
        /// Which part of the clip this is: 0 of 1 for a whole clip (one encode, or joined parts).
        public var partIndex: Int
        public var partCount: Int
        /// `clipChecksum(_:)` of the clip the parts cut: parts of two clips of one shape differ here.
        public var clipChecksum: UInt32
        /// Each segment as a video file (kind 3), in frame order.
        public var segments: [[UInt8]]

        public init(
            width: Int, height: Int, bitDepth: Int, frameRate: Video.FrameRate, clipFrameCount: Int, firstFrame: Int, frameCount: Int,
            partIndex: Int, partCount: Int, clipChecksum: UInt32, segments: [[UInt8]]
        ) {
            self.width = width
            self.height = height
            self.bitDepth = bitDepth
            self.frameRate = frameRate
            self.clipFrameCount = clipFrameCount
            self.firstFrame = firstFrame
            self.frameCount = frameCount
            self.partIndex = partIndex
            self.partCount = partCount
            self.clipChecksum = clipChecksum
            self.segments = segments
        }

        /// The frames of the clip this file holds.
        public var frames: Range<Int> { firstFrame..<(firstFrame + frameCount) }
    }

    /// CRC-32 of `video`'s samples in `Video.sampleBytes` order (each frame's Y, U and V; one
    /// byte a sample up to 8 bits, two little-endian above), frame by frame.
    public static func clipChecksum(_ video: Video) -> UInt32 {
        video.frames.indices.reduce(0) { crc, index in CRC32.checksum(video.frames(index..<(index + 1)).sampleBytes, initial: crc) }
    }

    public static func container(_ video: SegmentedVideo) -> Container {
        var head = ByteWriter()
        head.append(byte: kind)
        head.append(varint: video.width)
        head.append(varint: video.height)
        head.append(byte: UInt8(video.bitDepth))
        head.append(varint: video.frameRate.numerator)
        head.append(varint: video.frameRate.denominator)
        head.append(varint: video.clipFrameCount)
        head.append(varint: video.firstFrame)
        head.append(varint: video.frameCount)
        head.append(varint: video.partIndex)
        head.append(varint: video.partCount)
        head.append(video.clipChecksum)
        var segments = ByteWriter()
        segments.append(varint: video.segments.count)
        for segment in video.segments {
            segments.append(varint: segment.count)
            segments.append(segment)
        }
        return Container(sections: [Container.Section(Container.headTag, head.bytes), Container.Section(segmentsTag, segments.bytes)])
    }

    public static func bytes(_ video: SegmentedVideo) -> [UInt8] { container(video).bytes }

    /// The file's HEAD and segments, every field and every segment's header checked (its shape
    /// is the file's, its frames add up); the segments' weights are decoded by `segments(of:)`.
    public static func read(_ file: Container) throws(BitstreamError) -> SegmentedVideo {
        var head = ByteReader(file.payload(Container.headTag), context: Container.headTag)
        let (width, height, bitDepth) = try VideoFormat.readShape(&head, of: self)
        let numerator = try head.varint(in: 1...VideoFormat.maximumRateTerm, "rate numerator")
        let denominator = try head.varint(in: 1...VideoFormat.maximumRateTerm, "rate denominator")
        let clipFrameCount = try head.varint(in: 1...VideoFormat.maximumFrames, "clip frame count")
        let firstFrame = try head.varint(in: 0...(clipFrameCount - 1), "first frame")
        let frameCount = try head.varint(in: 1...(clipFrameCount - firstFrame), "frame count")
        let partIndex = try head.varint(in: 0...(clipFrameCount - 1), "part index")
        let partCount = try head.varint(in: (partIndex + 1)...clipFrameCount, "part count")
        let clipChecksum = try head.uint32()
        guard head.isAtEnd else { throw .corrupt("HEAD", "\(head.remaining) unexpected bytes") }
        if partCount == 1, firstFrame != 0 || frameCount != clipFrameCount {
            throw .corrupt("HEAD", "a whole clip (part 0 of 1) holds frames \(firstFrame)..<\(firstFrame + frameCount) of \(clipFrameCount)")
        }
        let frameRate = Video.FrameRate(numerator, denominator)
        if let problem = VideoFormat.shapeProblem(width: width, height: height, frameCount: clipFrameCount, frameRate: frameRate) {
            throw .corrupt("HEAD", problem)
        }

        var reader = ByteReader(file.payload(segmentsTag), context: segmentsTag)
        let count = try reader.varint(in: 1...min(frameCount, maximumSegments), "segment count")
        var segments: [[UInt8]] = []
        var frames = 0
        for index in 0..<count {
            let length = try reader.varint()
            guard length <= reader.remaining else { throw .truncated("\(segmentsTag), segment \(index)") }
            let bytes = Array(try reader.bytes(length))
            let segment = try segmentHead(bytes, index: index)
            guard segment.width == width, segment.height == height, segment.bitDepth == bitDepth, segment.frameRate == frameRate else {
                throw .corrupt(segmentsTag, "segment \(index) is a \(segment.width)×\(segment.height) \(segment.bitDepth)-bit clip at \(segment.frameRate) fps; "
                    + "HEAD says \(width)×\(height) \(bitDepth)-bit at \(frameRate) fps")
            }
            frames += segment.frameCount
            guard frames <= frameCount else { throw .corrupt(segmentsTag, "the segments hold more than HEAD's \(frameCount) frames") }
            segments.append(bytes)
        }
        guard reader.isAtEnd else { throw .corrupt(segmentsTag, "\(reader.remaining) unexpected bytes") }
        guard frames == frameCount else { throw .corrupt(segmentsTag, "the segments hold \(frames) frames; HEAD says \(frameCount)") }
        return SegmentedVideo(
            width: width, height: height, bitDepth: bitDepth, frameRate: frameRate, clipFrameCount: clipFrameCount, firstFrame: firstFrame,
            frameCount: frameCount, partIndex: partIndex, partCount: partCount, clipChecksum: clipChecksum, segments: segments)
    }

    /// A segment's HEAD (the weights wait for decoding).
    static func segmentHead(_ bytes: [UInt8], index: Int) throws(BitstreamError) -> VideoFormat.Head {
        do {
            let container = try Container(reading: bytes)
            guard container.version == 1 else { throw BitstreamError.corrupt("HEAD", "format version \(container.version); a segment is version 1") }
            return try VideoFormat.head(container)
        } catch {
            throw .corrupt(segmentsTag, "segment \(index): \(error)")
        }
    }

    /// Every segment's clip, read within `budget`: the segments together may take no more than
    /// it (each is checked against what the ones before it left).
    public static func segments(of video: SegmentedVideo, budget: DecodeBudget) throws(BitstreamError) -> [CompressedVideo] {
        var left = budget
        var clips: [CompressedVideo] = []
        var first = video.firstFrame
        for (index, bytes) in video.segments.enumerated() {
            let clip: CompressedVideo
            do {
                clip = try VideoFormat.read(bytes, budget: left)
            } catch {
                throw .corrupt(segmentsTag, "segment \(index) (from frame \(first)): \(error)")
            }
            let work = VideoFormat.work(clip)
            left.multiplyAdds -= work.multiplyAdds
            left.samples -= work.samples
            clips.append(clip)
            first += clip.frameCount
        }
        return clips
    }

    public static func video(_ file: Container, decoder: VideoDecoder) throws -> Video {
        let video = try read(file)
        return decoder.decode(try segments(of: video, budget: decoder.budget), frameRate: video.frameRate)
    }

    public static func describe(_ file: Container) throws -> [String] {
        let video = try read(file)
        var lines = [
            "media      segmented video \(video.width)×\(video.height), \(video.frameCount) frames at \(video.frameRate) fps, \(video.bitDepth)-bit 4:2:0, "
                + String(format: "%.4f bpp", Double(file.size * 8) / Double(video.width * video.height * video.frameCount)),
            video.partCount == 1
                ? "clip       the whole clip, \(video.segments.count) closed segment(s)"
                : "part       \(video.partIndex) of \(video.partCount) (from 0): frames \(video.frames.lowerBound)..<\(video.frames.upperBound) "
                    + "of \(video.clipFrameCount), \(video.segments.count) closed segment(s); `inr concat` joins the parts",
        ]
        var first = video.firstFrame
        for (index, bytes) in video.segments.enumerated() {
            let head = try segmentHead(bytes, index: index)
            lines.append("segment \(index)  frames \(first)..<\(first + head.frameCount), \(bytes.count) B")
            first += head.frameCount
        }
        return lines
    }

    /// Joins `parts` (every part of one clip, in any order) into the whole clip's file: the
    /// segments as they are, nothing decoded or re-encoded. Throws naming the part that is
    /// missing, repeated or of another clip (`names` are the parts' paths, for messages).
    public static func join(_ parts: [SegmentedVideo], names: [String]) throws -> SegmentedVideo {
        guard let first = parts.first else { throw JoinError("no parts to join") }
        var byIndex: [Int: Int] = [:]
        for (position, part) in parts.enumerated() {
            guard part.width == first.width, part.height == first.height, part.bitDepth == first.bitDepth, part.frameRate == first.frameRate,
                  part.clipFrameCount == first.clipFrameCount, part.partCount == first.partCount, part.clipChecksum == first.clipChecksum
            else {
                throw JoinError("\(names[position]) is a part of another clip than \(names[0]) "
                    + "(\(part.width)×\(part.height), \(part.clipFrameCount) frames in \(part.partCount) parts, samples CRC-32 "
                    + String(format: "%08x", part.clipChecksum) + " against \(first.width)×\(first.height), \(first.clipFrameCount) frames in "
                    + "\(first.partCount), " + String(format: "%08x", first.clipChecksum) + ")")
            }
            if let other = byIndex[part.partIndex] { throw JoinError("\(names[position]) and \(names[other]) are both part \(part.partIndex) of \(part.partCount)") }
            byIndex[part.partIndex] = position
        }
        let missing = (0..<first.partCount).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw JoinError("part \(missing.map { "\($0)/\(first.partCount)" }.joined(separator: ", ")) missing: a join needs all \(first.partCount) parts")
        }
        let ordered = (0..<first.partCount).map { parts[byIndex[$0]!] }
        var next = 0
        for (index, part) in ordered.enumerated() {
            guard part.firstFrame == next else {
                throw JoinError("\(names[byIndex[index]!]) starts at frame \(part.firstFrame), the parts before it end at \(next)")
            }
            next = part.frames.upperBound
        }
        guard next == first.clipFrameCount else { throw JoinError("the parts end at frame \(next) of \(first.clipFrameCount)") }
        return SegmentedVideo(
            width: first.width, height: first.height, bitDepth: first.bitDepth, frameRate: first.frameRate, clipFrameCount: first.clipFrameCount,
            firstFrame: 0, frameCount: first.clipFrameCount, partIndex: 0, partCount: 1, clipChecksum: first.clipChecksum,
            segments: ordered.flatMap(\.segments))
    }

    public struct JoinError: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
