import Foundation
import INRMedia
import INRTestSupport
import XCTest

/// VideoFile against the small clips of Media/video and against the ffmpeg command-line tool
/// as an independent decoder.
final class VideoFileTests: XCTestCase {
    static let clip8 = TestSupport.path("Media/video/park_joy_64x48.y4m")
    static let clip8MP4 = TestSupport.path("Media/video/park_joy_64x48.mp4")
    static let clip10 = TestSupport.path("Media/video/park_joy_64x48_10bit.mkv")

    private var folder = ""

    override func setUpWithError() throws {
        folder = try TestSupport.temporaryFolder()
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Without libx264 an .mp4 output becomes a lossless .mkv beside it; other paths stay.
    func testMP4FallsBackToMKVWithoutLibx264() {
        XCTAssertEqual(VideoFile.outputPath(for: "/a/clip.mp4", hasH264Encoder: false), "/a/clip.mkv")
        XCTAssertEqual(VideoFile.outputPath(for: "/a/clip.MP4", hasH264Encoder: false), "/a/clip.mkv")
        XCTAssertEqual(VideoFile.outputPath(for: "/a/clip.mp4", hasH264Encoder: true), "/a/clip.mp4")
        XCTAssertEqual(VideoFile.outputPath(for: "/a/clip.y4m", hasH264Encoder: false), "/a/clip.y4m")
        XCTAssertTrue(VideoFile.hasH264Encoder, "this machine's FFmpeg has libx264 (Tools/setup.sh installs Debian's)")
    }

    // MARK: Reading

    func testY4MReadsAsFFmpegDecodesIt() throws {
        let video = try VideoFile.read(Self.clip8)
        XCTAssertEqual(video.width, 64)
        XCTAssertEqual(video.height, 48)
        XCTAssertEqual(video.format, .yuv420)
        XCTAssertEqual(video.bitDepth, 8)
        XCTAssertEqual(video.frameRate, Video.FrameRate(50))
        XCTAssertEqual(video.frames.count, 8)
        XCTAssertEqual(video.frames.map(\.timestamp), (0..<8).map { Double($0) / 50 }, accuracy: 1e-9)
        XCTAssertEqual(Self.concatenated(video), try Self.ffmpegSamples(Self.clip8, pixelFormat: "yuv420p"))
    }

    func testTenBitClipKeepsItsDepth() throws {
        let video = try VideoFile.read(Self.clip10)
        XCTAssertEqual(video.bitDepth, 10)
        XCTAssertEqual(video.frames.count, 8)
        XCTAssertEqual(video.frameRate, Video.FrameRate(50))
        XCTAssertEqual(Self.concatenated(video), try Self.ffmpegSamples(Self.clip10, pixelFormat: "yuv420p10le"))
        XCTAssertGreaterThan(video.frames[0].planes[0].max()!, 255)

        // Asked for 8 bits, it is converted (as ffmpeg's own conversion, within dithering).
        let eight = try VideoFile.read(Self.clip10, options: .init(bitDepth: 8))
        XCTAssertEqual(eight.bitDepth, 8)
        let reference = try Self.ffmpegSamples(Self.clip10, pixelFormat: "yuv420p")
        XCTAssertLessThan(Self.meanAbsoluteDifference(Self.concatenated(eight), reference), 1)
    }

    func testFrameRangeKeepsTimestamps() throws {
        let all = try VideoFile.read(Self.clip8)
        let some = try VideoFile.read(Self.clip8, options: .init(frames: 2..<5))
        XCTAssertEqual(some.frames.count, 3)
        XCTAssertEqual(some.frames.map(\.timestamp), [0.04, 0.06, 0.08], accuracy: 1e-9)
        XCTAssertEqual(some.frames, Array(all.frames[2..<5]))
        XCTAssertEqual(try VideoFile.read(Self.clip8, options: .init(frames: 6..<100)).frames.count, 2)
        XCTAssertThrowsError(try VideoFile.read(Self.clip8, options: .init(frames: 8..<10))) { error in
            XCTAssertTrue("\(error)".contains(Self.clip8), "\(error)")
        }
    }

    func testRawYUVReadsAsTheY4M() throws {
        let video = try VideoFile.read(Self.clip8)
        let raw = folder + "/clip.yuv"
        try Data(try Self.ffmpegBytes(Self.clip8, pixelFormat: "yuv420p")).write(to: URL(fileURLWithPath: raw))
        let layout = RawVideo(width: 64, height: 48, pixelFormat: "yuv420p", frameRate: Video.FrameRate(50))
        XCTAssertEqual(try VideoFile.read(raw, options: .init(raw: layout)), video)

        let video10 = try VideoFile.read(Self.clip10)
        let raw10 = folder + "/clip10.yuv"
        try Data(try Self.ffmpegBytes(Self.clip10, pixelFormat: "yuv420p10le")).write(to: URL(fileURLWithPath: raw10))
        let layout10 = RawVideo(width: 64, height: 48, pixelFormat: "yuv420p10le", frameRate: Video.FrameRate(50))
        let read10 = try VideoFile.read(raw10, options: .init(raw: layout10))
        XCTAssertEqual(read10.bitDepth, 10)
        XCTAssertEqual(read10.frames.map(\.planes), video10.frames.map(\.planes))
    }

    func testRGBIsCloseToFFmpegsConversion() throws {
        let rgb = try VideoFile.read(Self.clip8, options: .init(format: .rgb))
        XCTAssertEqual(rgb.format, .rgb)
        XCTAssertEqual(rgb.bitDepth, 8)
        XCTAssertEqual(rgb.frames.count, 8)
        for frame in rgb.frames { XCTAssertEqual(frame.planes.map(\.count), [64 * 48, 64 * 48, 64 * 48]) }
        // ffmpeg's rgb24 is interleaved; ours is planar R, G, B.
        let interleaved = try Self.ffmpegSamples(Self.clip8, pixelFormat: "rgb24")
        var planar = [UInt16]()
        for frame in rgb.frames {
            for pixel in 0..<(64 * 48) { planar += [frame.planes[0][pixel], frame.planes[1][pixel], frame.planes[2][pixel]] }
        }
        XCTAssertEqual(planar.count, interleaved.count)
        XCTAssertLessThan(Self.meanAbsoluteDifference(planar, interleaved), 2)

        // Back to YUV: close to the source, and the same every time.
        let yuv = try VideoFile.read(Self.clip8)
        let back = try VideoFile.converted(rgb, to: .yuv420)
        XCTAssertEqual(back.format, .yuv420)
        XCTAssertGreaterThan(Self.psnr(yuv, back), 38)
        XCTAssertEqual(try VideoFile.converted(rgb, to: .yuv420), back)
        XCTAssertEqual(try VideoFile.converted(yuv, to: .rgb), rgb)

        let rgb16 = try VideoFile.converted(yuv, to: .rgb, bitDepth: 16)
        XCTAssertEqual(rgb16.bitDepth, 16)
        XCTAssertGreaterThan(rgb16.frames[0].planes[0].max()!, 255)
    }

    // MARK: Writing

    func testY4MRoundTripIsExact() throws {
        for source in [Self.clip8, Self.clip10] {
            let video = try VideoFile.read(source)
            let path = folder + "/copy.y4m"
            try VideoFile.write(video, to: path)
            let copy = try VideoFile.read(path)
            XCTAssertEqual(copy, video, source)
            XCTAssertEqual(copy.frameRate, Video.FrameRate(50))
            // Another decoder reads the same samples.
            let format = video.bitDepth == 8 ? "yuv420p" : "yuv420p10le"
            XCTAssertEqual(try Self.ffmpegSamples(path, pixelFormat: format), Self.concatenated(video), source)
        }
    }

    func testMKVRoundTripIsExact() throws {
        for source in [Self.clip8, Self.clip10] {
            let video = try VideoFile.read(source)
            let path = folder + "/copy.mkv"
            try VideoFile.write(video, to: path)
            let copy = try VideoFile.read(path)
            XCTAssertEqual(copy.frames.map(\.planes), video.frames.map(\.planes), source)
            XCTAssertEqual(copy.bitDepth, video.bitDepth)
            XCTAssertEqual(copy.frameRate, Video.FrameRate(50))
            XCTAssertEqual(copy.frames.map(\.timestamp), video.frames.map(\.timestamp), accuracy: 1e-6)
        }
    }

    func testMP4KeepsEveryFrame() throws {
        guard VideoFile.hasH264Encoder else { throw XCTSkip("this FFmpeg has no libx264") }
        let video = try VideoFile.read(Self.clip8)
        let path = folder + "/copy.mp4"
        try VideoFile.write(video, to: path)
        let copy = try VideoFile.read(path)
        XCTAssertEqual(copy.frames.count, 8)
        XCTAssertEqual(copy.frameRate, Video.FrameRate(50))
        XCTAssertEqual(copy.frames.map(\.timestamp), video.frames.map(\.timestamp), accuracy: 1e-6)
        XCTAssertGreaterThan(Self.psnr(video, copy), 35)
        XCTAssertEqual(try Self.ffprobeFrameCount(path), 8)

        // An RGB clip is written as 4:2:0, and a 10-bit one at 8 bits.
        try VideoFile.write(try VideoFile.read(Self.clip8, options: .init(format: .rgb)), to: path)
        XCTAssertGreaterThan(Self.psnr(video, try VideoFile.read(path)), 35)
        try VideoFile.write(try VideoFile.read(Self.clip10), to: path)
        XCTAssertEqual(try VideoFile.read(path).bitDepth, 8)

        // The committed sample (made by the ffmpeg tool, moov first) reads whole too.
        let sample = try VideoFile.read(Self.clip8MP4)
        XCTAssertEqual(sample.frames.count, 8)
        XCTAssertGreaterThan(Self.psnr(video, sample), 35)
    }

    func testOneFrameAndOddSizes() throws {
        let video = try VideoFile.read(Self.clip8)
        // 63 × 47: chroma planes of 32 × 24.
        let odd = Video(width: 63, height: 47, format: .yuv420, bitDepth: 8, frameRate: video.frameRate, frames: video.frames.prefix(2).map { frame in
            Video.Frame(planes: [Self.crop(frame.planes[0], width: 64, to: 63, 47), Self.crop(frame.planes[1], width: 32, to: 32, 24), Self.crop(frame.planes[2], width: 32, to: 32, 24)], timestamp: frame.timestamp)
        })
        for name in ["odd.y4m", "odd.mkv"] {
            try VideoFile.write(odd, to: folder + "/" + name)
            XCTAssertEqual(try VideoFile.read(folder + "/" + name).frames.map(\.planes), odd.frames.map(\.planes), name)
        }
        if VideoFile.hasH264Encoder {
            XCTAssertThrowsError(try VideoFile.write(odd, to: folder + "/odd.mp4"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/odd.mp4"))
            try VideoFile.write(video.frames(3..<4), to: folder + "/one.mp4")
            XCTAssertEqual(try VideoFile.read(folder + "/one.mp4").frames.count, 1)
        }
    }

    // MARK: Errors

    func testBrokenInputsGiveErrorsNamingTheFile() throws {
        var cases: [(String, Data)] = []
        let mp4 = try Data(contentsOf: URL(fileURLWithPath: Self.clip8MP4))
        cases.append(("truncated-moov-first.mp4", mp4.prefix(mp4.count / 2)))
        if VideoFile.hasH264Encoder {
            // As inr writes it: the index (moov) at the end.
            try VideoFile.write(try VideoFile.read(Self.clip8), to: folder + "/whole.mp4")
            let written = try Data(contentsOf: URL(fileURLWithPath: folder + "/whole.mp4"))
            cases.append(("truncated-moov-last.mp4", written.prefix(written.count / 2)))
        }
        let y4m = try Data(contentsOf: URL(fileURLWithPath: Self.clip8))
        cases.append(("truncated.y4m", y4m.prefix(y4m.count / 2)))
        cases.append(("header-only.y4m", y4m.prefix(60)))
        let mkv = try Data(contentsOf: URL(fileURLWithPath: Self.clip10))
        cases.append(("truncated.mkv", mkv.prefix(mkv.count / 2)))
        var generator = SeededGenerator(seed: 7)
        let random = Data((0..<20_000).map { _ in UInt8.random(in: 0...255, using: &generator) })
        cases.append(("random.mp4", random))
        cases.append(("random.y4m", random))
        cases.append(("random.bin", random))
        cases.append(("empty.mkv", Data()))
        cases.append(("text.mp4", Data("this is not a video".utf8)))
        for (name, data) in cases {
            let path = "\(folder)/\(name)"
            try data.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try VideoFile.read(path), name) { error in
                XCTAssertTrue("\(error)".contains(path), "\(name): \(error)")
            }
        }
        let missing = folder + "/missing.mp4"
        XCTAssertThrowsError(try VideoFile.read(missing)) { error in XCTAssertTrue("\(error)".contains(missing), "\(error)") }

        // A .yuv needs its layout; a raw file of a partial frame is an error too.
        let raw = folder + "/clip.yuv"
        try Data(try Self.ffmpegBytes(Self.clip8, pixelFormat: "yuv420p").dropLast(100)).write(to: URL(fileURLWithPath: raw))
        XCTAssertThrowsError(try VideoFile.read(raw)) { error in
            XCTAssertTrue("\(error)".contains(raw), "\(error)")
            XCTAssertTrue("\(error)".contains("give --raw-size WxH"), "\(error)")
        }
        let layout = RawVideo(width: 64, height: 48, pixelFormat: "yuv420p", frameRate: Video.FrameRate(50))
        XCTAssertThrowsError(try VideoFile.read(raw, options: .init(raw: layout))) { error in
            XCTAssertTrue("\(error)".contains(raw), "\(error)")
        }
        for bad in [RawVideo(width: 0, height: 48, frameRate: Video.FrameRate(50)), RawVideo(width: 1 << 20, height: 48, frameRate: Video.FrameRate(50)),
                    RawVideo(width: 64, height: 48, pixelFormat: "nonsense", frameRate: Video.FrameRate(50))] {
            XCTAssertThrowsError(try VideoFile.read(raw, options: .init(raw: bad))) { error in
                XCTAssertTrue("\(error)".contains(raw), "\(error)")
            }
        }
    }

    func testFailedWritesLeaveNoFile() throws {
        let video = try VideoFile.read(Self.clip8)
        for name in ["clip.avi", "clip.xyz", "clip"] {
            let path = "\(folder)/\(name)"
            XCTAssertThrowsError(try VideoFile.write(video, to: path)) { error in
                XCTAssertTrue("\(error)".contains(path), "\(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: path), name)
        }
        XCTAssertThrowsError(try VideoFile.write(video.with(frames: []), to: folder + "/empty.y4m"))
        XCTAssertThrowsError(try VideoFile.write(video, to: folder + "/no-such-folder/clip.y4m"))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [], "no temporary file is left")
    }

    // MARK: Helpers

    /// The planes of every frame, one after another (ffmpeg's rawvideo layout).
    static func concatenated(_ video: Video) -> [UInt16] {
        video.frames.flatMap { $0.planes.joined() }
    }

    static func ffmpegBytes(_ path: String, pixelFormat: String) throws -> [UInt8] {
        guard let ffmpeg = TestSupport.which("ffmpeg") else { throw XCTSkip("ffmpeg is not installed") }
        let result = try TestSupport.run(ffmpeg, ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", pixelFormat, "-"])
        guard result.status == 0 else { throw TestSupportError("ffmpeg failed on \(path): \(String(decoding: result.stderr, as: UTF8.self))") }
        return [UInt8](result.stdout)
    }

    /// ffmpeg's decode as samples: bytes for 8-bit formats, little-endian pairs otherwise.
    static func ffmpegSamples(_ path: String, pixelFormat: String) throws -> [UInt16] {
        let bytes = try ffmpegBytes(path, pixelFormat: pixelFormat)
        guard pixelFormat.hasSuffix("le") else { return bytes.map(UInt16.init) }
        return stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
    }

    static func ffprobeFrameCount(_ path: String) throws -> Int? {
        guard let ffprobe = TestSupport.which("ffprobe") else { throw XCTSkip("ffprobe is not installed") }
        let result = try TestSupport.run(ffprobe, ["-v", "error", "-count_frames", "-select_streams", "v:0",
                                                   "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path])
        return Int(String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func meanAbsoluteDifference(_ a: [UInt16], _ b: [UInt16]) -> Double {
        precondition(a.count == b.count)
        return zip(a, b).reduce(0.0) { $0 + abs(Double($1.0) - Double($1.1)) } / Double(a.count)
    }

    /// PSNR over every sample of every frame, at `a`'s peak.
    static func psnr(_ a: Video, _ b: Video) -> Double {
        let x = concatenated(a), y = concatenated(b)
        precondition(x.count == y.count)
        let mse = zip(x, y).reduce(0.0) { $0 + (Double($1.0) - Double($1.1)) * (Double($1.0) - Double($1.1)) } / Double(x.count)
        return Metrics.psnr(meanSquaredError: mse, peak: Double(a.maximumValue))
    }

    static func crop(_ plane: [UInt16], width: Int, to newWidth: Int, _ newHeight: Int) -> [UInt16] {
        (0..<newHeight).flatMap { y in plane[(y * width)..<(y * width + newWidth)] }
    }
}

/// XCTAssertEqual for arrays of doubles, element by element within `accuracy`.
private func XCTAssertEqual(_ a: [Double], _ b: [Double], accuracy: Double, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(a.count, b.count, "lengths", file: file, line: line)
    for (x, y) in zip(a, b) { XCTAssertEqual(x, y, accuracy: accuracy, "\(a) vs \(b)", file: file, line: line) }
}

/// A small deterministic generator (SplitMix64) for test data.
private struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
