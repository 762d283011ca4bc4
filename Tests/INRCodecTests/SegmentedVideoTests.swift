import Foundation
import INRCodec
import INRConfig
import INRCore
import INRFormat
import INRMedia
import INRTestSupport
import XCTest

/// Segment-parallel video (docs/scale-out.md): where a clip is cut, parts encoded apart and
/// joined, and the segmented file (media kind 5, format version 2) refused when damaged.
final class SegmentedVideoTests: XCTestCase {
    /// The golden video config with groups of 2: the 8-frame park_joy crop has 4 groups.
    static func encoder(_ overrides: [String] = []) throws -> VideoEncoder {
        let config = try CodecConfig.load(VideoCodecTests.goldenConfig, overrides: (["video.groupSize=2"] + overrides).map(ConfigOverride.init(parsing:)))
        return try VideoEncoder(settings: config.videoEncoderSettings, threads: 2)
    }

    /// A clip of `frameCount` 16×16 frames: flat gray at `levels[i]` for frame i.
    static func flatClip(_ levels: [UInt16]) -> Video {
        Video(width: 16, height: 16, format: .yuv420, bitDepth: 8, frameRate: .init(25), frames: levels.enumerated().map { index, level in
            Video.Frame(planes: [[UInt16](repeating: level, count: 256), [UInt16](repeating: 128, count: 64), [UInt16](repeating: 128, count: 64)],
                        timestamp: Double(index) / 25)
        })
    }

    /// The golden segmented file (Configs/golden/video-segmented.yaml: a segment per group)
    /// decodes to its pinned digest on 1 and 2 threads; it is version 2, its segments are
    /// version-1 video files, and reading and writing it gives the same bytes.
    func testGoldenSegmentedVideoDecodesToItsDigest() throws {
        let manifest = try String(contentsOfFile: TestSupport.path("Media/golden/MANIFEST.tsv"), encoding: .utf8)
        let digest = manifest.split(separator: "\n").first { $0.hasPrefix("video-segmented.inr\t") }.map { String($0.split(separator: "\t")[1]) }
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestSupport.path("Media/golden/video-segmented.inr"))))
        let container = try Container(reading: bytes)
        XCTAssertEqual(container.version, 2)
        XCTAssertEqual(container.bytes, bytes)
        let video = try SegmentedVideoFormat.read(container)
        XCTAssertEqual(SegmentedVideoFormat.bytes(video), bytes)
        XCTAssertEqual(video.segments.count, 2)
        XCTAssertEqual(try video.segments.map { try Container(reading: $0).version }, [1, 1])
        for threads in [1, 2] {
            XCTAssertEqual(SHA256.hex(try VideoDecoder(threads: threads).decode(bytes).sampleBytes), digest, "\(threads) thread(s)")
        }
    }

    func testPartsAreWholeGroupsSharedEvenly() {
        let rule = VideoSegments(groupSize: 8)
        // 10 groups (the last of 4 frames) over 4 parts: 2, 3, 2, 3 groups.
        XCTAssertEqual((0..<4).map { rule.part($0, of: 4, frameCount: 76) }, [0..<16, 16..<40, 40..<56, 56..<76])
        XCTAssertEqual(rule.part(0, of: 1, frameCount: 76), 0..<76)
        XCTAssertNil(rule.part(0, of: 11, frameCount: 76), "more parts than groups")
        XCTAssertNil(rule.part(4, of: 4, frameCount: 76))
    }

    func testCutsEveryKGroupsAndAtSceneChanges() {
        // Frames 0–5 one scene, 6–13 another (a jump of 100 levels), slowly brightening.
        let clip = Self.flatClip((0..<14).map { UInt16($0 < 6 ? 20 + $0 : 120 + $0) })
        XCTAssertEqual(VideoSegments.sceneChange(between: clip.frames[6], and: clip.frames[6], video: clip), 0)
        XCTAssertEqual(VideoSegments.sceneChange(between: clip.frames[5], and: clip.frames[6], video: clip), 101.0 / 255, accuracy: 1e-12)
        XCTAssertEqual(VideoSegments(groupSize: 2).segments(of: 0..<14, in: clip), [0..<14])
        XCTAssertEqual(VideoSegments(groupSize: 2, segmentGroups: 2).segments(of: 0..<14, in: clip), [0..<4, 4..<8, 8..<12, 12..<14])
        XCTAssertEqual(VideoSegments(groupSize: 2, sceneCut: 0.1).segments(of: 0..<14, in: clip), [0..<6, 6..<14])
        // K counts again from each scene cut; a part's cuts are its own.
        XCTAssertEqual(VideoSegments(groupSize: 2, segmentGroups: 2, sceneCut: 0.1).segments(of: 0..<14, in: clip), [0..<4, 4..<6, 6..<10, 10..<14])
        XCTAssertEqual(VideoSegments(groupSize: 2, sceneCut: 0.1).segments(of: 8..<14, in: clip), [8..<14])
        XCTAssertEqual(VideoSegments(groupSize: 2, sceneCut: 0.5).segments(of: 0..<14, in: clip), [0..<14])
    }

    /// Parts encoded apart (on 1 and 2 threads) join to the bytes of one process's encode of
    /// every part, which decodes to the parts' frames in order; each segment is a closed clip
    /// that decodes on its own.
    func testPartsJoinToTheOneProcessFile() throws {
        let clip = try VideoFile.read(VideoCodecTests.clip)
        let encoder = try Self.encoder()
        let whole = try encoder.encodeSegments(clip, parts: 0..<3, of: 3)
        XCTAssertEqual(whole.segments.map(\.frames), [0..<2, 2..<4, 4..<8])
        var parts: [SegmentedVideoFormat.SegmentedVideo] = []
        for index in [2, 0, 1] {
            let threads = index == 1 ? 1 : 2
            let part = try VideoEncoder(settings: encoder.settings, threads: threads).encodeSegments(clip, parts: index..<(index + 1), of: 3)
            XCTAssertEqual(part.frames, whole.segments[index].frames)
            let read = try SegmentedVideoFormat.read(try Container(reading: part.bytes))
            XCTAssertEqual([read.partIndex, read.partCount, read.firstFrame], [index, 3, part.frames.lowerBound])
            XCTAssertEqual(read.segments, [whole.segments[index].output.bytes], "a part's segment is the one process's")
            parts.append(read)
        }
        let joined = try SegmentedVideoFormat.join(parts, names: ["p2", "p0", "p1"])
        XCTAssertEqual(SegmentedVideoFormat.bytes(joined), whole.bytes)
        XCTAssertEqual(try Container(reading: whole.bytes).version, 2)

        let decoded = try VideoDecoder(threads: 2).decode(whole.bytes)
        XCTAssertEqual(decoded, try VideoDecoder(threads: 1).decode(whole.bytes))
        XCTAssertEqual(decoded.frames.count, 8)
        var inOrder: [Video.Frame] = []
        for part in parts.sorted(by: { $0.partIndex < $1.partIndex }) {
            inOrder += try VideoDecoder(threads: 1).decode(SegmentedVideoFormat.bytes(part)).frames
        }
        XCTAssertEqual(decoded.frames.map(\.planes), inOrder.map(\.planes))
        for (index, frame) in decoded.frames.enumerated() { XCTAssertEqual(frame.timestamp, Double(index) / 50, accuracy: 1e-12) }
        XCTAssertGreaterThan(Metrics.mean(Metrics.framePSNRs(clip, decoded, planes: 0..<1)), 20, "Y PSNR")
        // A closed segment is a video file of its own.
        let segment = try VideoDecoder(threads: 1).decode(whole.segments[1].output.bytes)
        XCTAssertEqual(segment.frames.map(\.planes), Array(decoded.frames[2..<4]).map(\.planes))

        // Joins of the wrong parts are refused, naming them.
        func refused(_ parts: [SegmentedVideoFormat.SegmentedVideo], _ message: String) {
            XCTAssertThrowsError(try SegmentedVideoFormat.join(parts, names: parts.indices.map { "p\($0)" })) {
                XCTAssertTrue("\($0)".contains(message), "\($0)")
            }
        }
        refused(Array(parts.prefix(2)), "part 1/3 missing")
        refused(parts + [parts[0]], "are both part 2 of 3")
        var other = parts[1]
        other.clipFrameCount = 9
        refused([parts[0], other, parts[2]], "is a part of another clip")
        other = parts[1]
        other.clipChecksum ^= 1
        refused([parts[0], other, parts[2]], "is a part of another clip")
        XCTAssertEqual(parts[0].clipChecksum, CRC32.checksum(clip.sampleBytes), "the clip's samples, frame by frame")
    }

    /// A config's cuts apply to a whole clip's encode too, and every segment stays within the
    /// decoder's budget together, not only one by one.
    func testConfigCutsAndTheSharedBudget() throws {
        let clip = try VideoFile.read(VideoCodecTests.clip)
        let encoder = try Self.encoder(["video.segmentGroups=3"])
        XCTAssertTrue(encoder.settings.segments.cutsWholeClips)
        let file = try encoder.encodeSegments(clip, parts: 0..<1, of: 1)
        XCTAssertEqual(file.segments.map(\.frames), [0..<6, 6..<8])
        let video = try SegmentedVideoFormat.read(try Container(reading: file.bytes))
        XCTAssertEqual([video.partIndex, video.partCount, video.frameCount], [0, 1, 8])
        let work = try SegmentedVideoFormat.segments(of: video, budget: .standard).map(VideoFormat.work)
        // A budget that each segment fits but not both.
        let tight = DecodeBudget(pixels: 1 << 26, multiplyAdds: work.map(\.multiplyAdds).max()! + 1, samples: 1 << 29)
        XCTAssertThrowsError(try VideoDecoder(threads: 1, budget: tight).decode(file.bytes)) { XCTAssertTrue("\($0)".contains("segment 1"), "\($0)") }
        XCTAssertNoThrow(try encoder.checkDecodable(width: 64, height: 48, segmentFrameCounts: [6, 2], frameRate: clip.frameRate))
        let tightEncoder = try VideoEncoder(settings: encoder.settings, threads: 1, budget: tight)
        XCTAssertThrowsError(try tightEncoder.checkDecodable(width: 64, height: 48, segmentFrameCounts: [6, 2], frameRate: clip.frameRate))
        XCTAssertNoThrow(try tightEncoder.checkDecodable(width: 64, height: 48, segmentFrameCounts: [6], frameRate: clip.frameRate))
        // More parts than groups is an error before any fit.
        XCTAssertThrowsError(try VideoEncoder.segmentRanges(clip, parts: 0..<1, of: 5, rule: encoder.settings.segments)) {
            XCTAssertTrue("\($0)".contains("cannot be cut into 5 parts"), "\($0)")
        }
    }

    /// Every cut of a segmented file is refused; a version-1 container cannot hold kind 5;
    /// mutated files end in an error or a well-formed clip, never a crash.
    func testDamagedSegmentedFilesAreRefused() throws {
        let clip = try VideoFile.read(VideoCodecTests.clip)
        let bytes = try Self.encoder(["training.steps=20", "quantization.qatSteps=1", "video.laterGroupSteps=5"])
            .encodeSegments(clip, parts: 0..<2, of: 2).bytes
        let decoder = try VideoDecoder(threads: 1)
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try decoder.decode(Array(bytes.prefix(length))), "cut to \(length)")
        }
        var versionOne = bytes
        versionOne[4] = 1
        XCTAssertThrowsError(try decoder.decode(versionOne)) {
            XCTAssertTrue("\($0)".contains("media kind 5 (segmented video) needs format version 2; the file says 1"), "\($0)")
        }
        var generator = SeededGenerator(seed: 5)
        var refused = 0
        for round in 0..<1000 {
            var mutated = bytes
            let position = generator.nextIndex(below: mutated.count)
            switch generator.nextIndex(below: 3) {
            case 0: mutated[position] ^= UInt8(1 << generator.nextIndex(below: 8))
            case 1: mutated[position] = UInt8(generator.nextIndex(below: 256))
            default: mutated.remove(at: position)
            }
            if round % 2 == 1 { mutated = BitstreamTests.recomputingChecksums(mutated) }
            do {
                let video = try decoder.decode(mutated)
                XCTAssertEqual(video.frames.count, 8)
            } catch {
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 500)
    }
}
