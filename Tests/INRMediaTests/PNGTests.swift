import Foundation
import INRMedia
import INRTestSupport
import XCTest

final class PNGTests: XCTestCase {
    /// Every sample file in Media/ (8- and 16-bit gray, gray+alpha, RGB, RGBA, palette, 1-bit)
    /// reads as ffmpeg decodes it, and round-trips through inr's writer bit-exactly.
    func testMediaSamplesMatchFFmpegAndRoundTrip() throws {
        let folder = TestSupport.path("Media/png")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".png") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 9)
        var kinds = Set<String>()
        for file in files + ["../kodim23_crop128.png"] {
            let image = try checkFile(folder + "/" + file)
            kinds.insert("\(image.channels)x\(image.bitDepth)")
        }
        XCTAssertEqual(kinds, ["1x8", "1x16", "2x8", "2x16", "3x8", "3x16", "4x8", "4x16"])
    }

    /// Every Kodak image and every 16-bit file of the shared media, bit-exactly against ffmpeg
    /// (`-f rawvideo -pix_fmt rgb24|rgb48le|gray16le`) and through a write/read round trip.
    func testSharedMediaMatchesFFmpegAndRoundTrips() throws {
        guard let media = TestSupport.sharedMedia else {
            throw XCTSkip("../shared/media is not beside this checkout (set INR_SHARED_MEDIA to its path)")
        }
        var checked = 0
        for folder in ["kodak", "img16"] {
            for file in try FileManager.default.contentsOfDirectory(atPath: "\(media)/\(folder)").sorted() where file.hasSuffix(".png") {
                let image = try checkFile("\(media)/\(folder)/\(file)")
                if folder == "kodak" { XCTAssertEqual(image.bitDepth, 8, file) } else { XCTAssertEqual(image.bitDepth, 16, file) }
                checked += 1
            }
        }
        XCTAssertEqual(checked, 24 + 3)
    }

    @discardableResult
    private func checkFile(_ path: String) throws -> Image {
        let image = try PNG.read(path)
        XCTAssertEqual(image.samples, try TestSupport.ffmpegSamples(of: path, like: image), path)
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try PNG.write(image, to: folder + "/copy.png")
        let copy = try PNG.read(folder + "/copy.png")
        XCTAssertEqual(copy, image, path)
        // The written file is a standard PNG another decoder reads the same way.
        XCTAssertEqual(try TestSupport.ffmpegSamples(of: folder + "/copy.png", like: image), image.samples, path)
        return image
    }

    func testBrokenFilesGiveErrorsNamingTheFile() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let original = try Data(contentsOf: URL(fileURLWithPath: TestSupport.kodimCrop))
        var cases: [(String, Data)] = [
            ("empty.png", Data()),
            ("text.png", Data("hello, this is not a PNG at all".utf8)),
            ("signature-only.png", original.prefix(8)),
            ("truncated-header.png", original.prefix(20)),
            ("truncated-data.png", original.prefix(original.count / 2)),
            ("no-end.png", original.dropLast(12)),
        ]
        var flipped = original
        flipped[original.count / 2] ^= 0xFF  // inside IDAT: the CRC or zlib check fails
        cases.append(("flipped.png", flipped))
        // A valid IHDR announcing 1,000,000 × 1,000,000 pixels (with a correct CRC).
        cases.append(("huge.png", Self.pngHeader(width: 1_000_000, height: 1_000_000)))
        cases.append(("zero.png", Self.pngHeader(width: 0, height: 10)))
        for (name, data) in cases {
            let path = "\(folder)/\(name)"
            try data.write(to: URL(fileURLWithPath: path))
            XCTAssertThrowsError(try PNG.read(path), name) { error in
                XCTAssertTrue("\(error)".hasPrefix(path), "\(name): \(error)")
            }
        }
        XCTAssertThrowsError(try PNG.read("\(folder)/missing.png")) { error in
            XCTAssertTrue("\(error)".contains("missing.png"))
        }
    }

    func testWritingToAnImpossiblePathLeavesNothing() throws {
        let image = try PNG.read(TestSupport.kodimCrop)
        XCTAssertThrowsError(try PNG.write(image, to: "/nonexistent-folder/out.png"))
    }

    func testPSNRConvention() throws {
        let a = Image(width: 2, height: 1, channels: 3, bitDepth: 8, samples: [0, 0, 0, 255, 255, 255])
        var b = a
        b.samples[0] = 5  // one sample off by 5: MSE = 25/6
        XCTAssertEqual(Metrics.psnr(a, b), 10 * log10(255.0 * 255 / (25.0 / 6)), accuracy: 1e-9)
        XCTAssertEqual(Metrics.psnr(a, a), .infinity)
        let normalized = Image(width: 3, height: 1, channels: 1, bitDepth: 16, normalized: [0.5, 1.2, .nan])
        XCTAssertEqual(normalized.samples, [32768, 65535, 0])
    }

    /// The signature and an IHDR chunk (8-bit RGB) with a valid CRC, nothing else.
    static func pngHeader(width: UInt32, height: UInt32) -> Data {
        func bigEndian(_ v: UInt32) -> [UInt8] { [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: v >> $0) } }
        let body = Array("IHDR".utf8) + bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        return Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bigEndian(13) + body + bigEndian(crc(body)))
    }

    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            c ^= UInt32(byte)
            for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        }
        return ~c
    }
}
