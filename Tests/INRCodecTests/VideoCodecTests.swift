import Foundation
import INRCodec
import INRFormat
import INRConfig
import INRCore
import INRMedia
import INRModel
import INRNetwork
import INRTestSupport
import INRTraining
import XCTest

/// The video codec (NIRVANA-style groups) on the 64×48, 8-frame park_joy crop of Media/video.
final class VideoCodecTests: XCTestCase {
    static let clip = TestSupport.path("Media/video/park_joy_64x48.y4m")
    static let goldenFile = TestSupport.path("Media/golden/video-nirvana.inr")
    static let goldenConfig = TestSupport.path("Configs/golden/video-nirvana.yaml")
    /// SHA-256 of the golden video's decoded samples (`Video.sampleBytes`), as `inr decode`
    /// prints it, from Media/golden/MANIFEST.tsv.
    static let goldenDigest: String = {
        let manifest = (try? String(contentsOfFile: TestSupport.path("Media/golden/MANIFEST.tsv"), encoding: .utf8)) ?? ""
        return manifest.split(separator: "\n").first { $0.hasPrefix("video-nirvana.inr\t") }.map { String($0.split(separator: "\t")[1]) } ?? "missing"
    }()

    static func compress(_ video: Video, _ overrides: [String] = []) throws -> VideoEncoder.Output {
        let config = try CodecConfig.load(goldenConfig, overrides: overrides.map(ConfigOverride.init(parsing:)))
        return try VideoEncoder(settings: config.videoEncoderSettings, threads: 2).encode(video)
    }

    /// A clip encodes, and its file decodes to the same samples on 1 and 2 threads, at a
    /// quality guard's PSNR; reading and writing the file gives the same bytes.
    func testClipRoundTripsDeterministically() throws {
        let video = try VideoFile.read(Self.clip)
        let result = try Self.compress(video)
        XCTAssertEqual(result.groups.count, 2)
        XCTAssertEqual(result.groups.map(\.frames), [0..<4, 4..<8])
        XCTAssertEqual(VideoFormat.bytes(try VideoFormat.read(result.bytes)), result.bytes)
        let one = try VideoDecoder(threads: 1).decode(result.bytes)
        let two = try VideoDecoder(threads: 2).decode(result.bytes)
        XCTAssertEqual(one, two)
        XCTAssertEqual(one.frames.count, 8)
        for (index, frame) in one.frames.enumerated() { XCTAssertEqual(frame.timestamp, Double(index) / 50, accuracy: 1e-12) }
        let y = Metrics.mean(Metrics.framePSNRs(video, one, planes: 0..<1))
        let yuv = Metrics.mean(Metrics.framePSNRs(video, one, planes: 0..<3))
        XCTAssertGreaterThan(y, 20, "Y PSNR")
        XCTAssertGreaterThan(yuv, y, "chroma is smoother than luma")
        // The encoder's own evaluation of each group agrees with the decoded file.
        let groupPSNR = Metrics.mean([0..<4, 4..<8].map { range in
            Metrics.framePSNRs(video.frames(range), one.frames(range), planes: 0..<3).reduce(0, +) / 4
        })
        XCTAssertEqual(groupPSNR, Metrics.mean(result.groups.map { $0.evaluation.psnr! }), accuracy: 1.0)
    }

    /// A 10-bit clip is fitted and decoded at 10 bits (peak 1023).
    func testTenBitClipKeepsItsDepth() throws {
        let video = try VideoFile.read(TestSupport.path("Media/video/park_joy_64x48_10bit.mkv"))
        XCTAssertEqual(video.bitDepth, 10)
        let decoded = try VideoDecoder(threads: 2).decode(try Self.compress(video).bytes)
        XCTAssertEqual(decoded.bitDepth, 10)
        XCTAssertGreaterThan(decoded.frames[0].planes[0].max()!, 255)
        XCTAssertGreaterThan(Metrics.mean(Metrics.framePSNRs(video, decoded, planes: 0..<1)), 20)
    }

    /// The golden file decodes to its pinned digest on 1 and 2 threads and re-encodes
    /// byte-identically.
    func testGoldenVideoDecodesToItsDigest() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.goldenFile)))
        for threads in [1, 2] {
            XCTAssertEqual(SHA256.hex(try VideoDecoder(threads: threads).decode(bytes).sampleBytes), Self.goldenDigest, "\(threads) thread(s)")
        }
        XCTAssertEqual(VideoFormat.bytes(try VideoFormat.read(bytes)), bytes)
        let format = try Container(reading: bytes).format()
        XCTAssertEqual(format.kind, VideoFormat.kind)
        XCTAssertThrowsError(try ImageDecoder(threads: 1).decode(bytes)) { XCTAssertTrue("\($0)".contains("video"), "\($0)") }
        let image = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestSupport.path("Media/golden/siren-channel.inr"))))
        XCTAssertThrowsError(try VideoFormat.read(image)) { XCTAssertTrue("\($0)".contains("image"), "\($0)") }
    }

    /// A still scene costs little: the second group of a clip of one repeated frame codes
    /// (nearly) no differences, at the first group's quality.
    func testStillSceneCostsLittleAfterTheFirstGroup() throws {
        let video = try VideoFile.read(Self.clip)
        let still = video.with(frames: (0..<8).map { Video.Frame(planes: video.frames[0].planes, timestamp: Double($0) / 50) })
        let result = try Self.compress(still)
        let (first, second) = (result.groups[0], result.groups[1])
        XCTAssertLessThan(second.bytes * 10, first.bytes, "\(second.bytes) against \(first.bytes) bytes")
        XCTAssertGreaterThan(second.evaluation.psnr!, first.evaluation.psnr! - 0.2)
    }

    /// Starting a group from the previous group's weights beats starting from scratch at the
    /// same (small) number of steps.
    func testAutoregressiveInitialisationBeatsScratchAtEqualSteps() throws {
        let video = try VideoFile.read(Self.clip)
        let previous = try Self.compress(video)
        let scratch = try Self.compress(video, ["video.initialization=scratch", "training.steps=59", "quantization.qatSteps=1"])
        XCTAssertGreaterThan(previous.groups[1].evaluation.psnr!, scratch.groups[1].evaluation.psnr! + 1)
    }

    /// Every cut of the golden file is refused; mutated files (half with their checksums
    /// recomputed) end in an error or a well-formed clip, never a crash.
    func testDamagedVideoFilesAreRefused() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.goldenFile)))
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try VideoFormat.read(Array(bytes.prefix(length))), "cut to \(length)")
        }
        var generator = SeededGenerator(seed: 9)
        var refused = 0
        let decoder = try VideoDecoder(threads: 1)
        for round in 0..<2000 {
            var mutated = bytes
            let position = generator.nextIndex(below: mutated.count)
            switch generator.nextIndex(below: 3) {
            case 0: mutated[position] ^= UInt8(1 << generator.nextIndex(below: 8))
            case 1: mutated[position] = UInt8(generator.nextIndex(below: 256))
            default: mutated.remove(at: position)
            }
            if round % 2 == 1 { mutated = BitstreamTests.recomputingChecksums(mutated) }
            do {
                let video = try VideoFormat.read(mutated)
                XCTAssertEqual(decoder.decode(video).frames.count, video.frameCount)
            } catch {
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 1000)
    }

    /// A header announcing an absurd clip is refused before anything is allocated for it.
    func testAbsurdVideoHeadersAreRefused() throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.goldenFile)))
        var video = try VideoFormat.read(bytes)
        video.frameCount = VideoFormat.maximumFrames
        video.width = 4096
        video.height = 4096
        XCTAssertThrowsError(try VideoFormat.read(VideoFormat.bytes(video))) { XCTAssertTrue("\($0)".contains("too large"), "\($0)") }
        // A small file that would render a 16384² frame in 2×2 patches of 64 frames at once.
        video = try VideoFormat.read(bytes)
        (video.width, video.height, video.frameCount) = (16384, 16384, 1)
        video.patches = VideoPatches(width: 16384, height: 16384, patchSize: 2, groupSize: 64)
        video.groups = [video.groups[0]]
        XCTAssertThrowsError(try VideoFormat.read(VideoFormat.bytes(video))) { XCTAssertTrue("\($0)".contains("too many to render"), "\($0)") }
        video = try VideoFormat.read(bytes)
        video.frameCount = 12
        XCTAssertThrowsError(try VideoFormat.read(VideoFormat.bytes(video))) { XCTAssertTrue("\($0)".contains("groups"), "\($0)") }
    }

    /// Patches cover every sample of an odd-sized clip and give it back where the network
    /// reproduces its targets.
    func testPatchesRoundTrip() throws {
        let video = try VideoFile.read(Self.clip)
        let first = video.frames(0..<3)
        let patches = VideoPatches(width: 64, height: 48, patchSize: 6, groupSize: 4)
        let targets = patches.targets(of: first.frames[0..<3], peak: 255)
        XCTAssertEqual(targets.count, patches.count * patches.outputWidth)
        XCTAssertEqual(patches.frames(from: targets, frameCount: 3, peak: 255), first.frames.map(\.planes))
        let cropped = Video(
            width: 61, height: 45, format: .yuv420, bitDepth: 8, frameRate: video.frameRate,
            frames: video.frames.map { frame in
                Video.Frame(planes: (0..<3).map { plane in
                    let (w, h, sw) = plane == 0 ? (61, 45, 64) : (31, 23, 32)
                    return (0..<h).flatMap { row in frame.planes[plane][(row * sw)..<(row * sw + w)] }
                }, timestamp: frame.timestamp)
            })
        let oddPatches = VideoPatches(width: 61, height: 45, patchSize: 8, groupSize: 8)
        XCTAssertEqual(oddPatches.frames(from: oddPatches.targets(of: cropped.frames[...], peak: 255), frameCount: 8, peak: 255), cropped.frames.map(\.planes))
    }
}
