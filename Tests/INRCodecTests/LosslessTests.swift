import Foundation
import INRCodec
import INRCoding
import INRFormat
import INRConfig
import INRCore
import INRMedia
import INRModel
import INRNetwork
import INRTestSupport
import INRTraining
import XCTest

/// The lossless mode: bit-plane networks whose probabilities code every bit of the image.
final class LosslessTests: XCTestCase {
    /// A small, quick version of Configs/lossless/interlaced.yaml.
    static func config(context: BitPlaneHead.Context = .interlaced, layout: BitPlaneHead.Layout = .bitInput, steps: Int = 150) throws -> CodecConfig {
        var config = try CodecConfig.load(TestSupport.path("Configs/lossless/interlaced.yaml"))
        config.head.layout = layout
        config.head.context = context
        config.head.contextSize = context == .interlaced ? 3 : 1
        config.network.width = 16
        config.network.sizing = .fixed
        config.training.steps = steps
        config.training.batch = .random(RandomBatchConfig())
        config.training.evaluationInterval = steps
        config.training.timeLimit = nil
        return config
    }

    /// The network's file (kind 2), even where the stored PNG (kind 4) would be smaller.
    static func compress(_ image: Image, _ config: CodecConfig, threads: Int) throws -> [UInt8] {
        ImageFormat.bytes(try ImageEncoder(settings: config.imageEncoderSettings, threads: threads).encode(image).compressed)
    }

    /// Kodak crops (8-bit RGB) and the 16-bit files (RGB with 12-bit data, gray) decode to
    /// exactly their samples, and 1 and 2 threads write the same file.
    func testFilesDecodeExactlyOnAnyThreadCount() throws {
        let images = try [
            PNG.read(TestSupport.path("Media/lossless/kodim05_crop64.png")),
            PNG.read(TestSupport.path("Media/png/rgb16.png")).cropped(left: 8, top: 8, width: 40, height: 40),
            PNG.read(TestSupport.path("Media/png/gray16.png")),
            PNG.read(TestSupport.path("Media/png/gray_alpha8.png")).cropped(left: 0, top: 0, width: 33, height: 21),
        ]
        let config = try Self.config()
        for image in images {
            let one = try Self.compress(image, config, threads: 1)
            let two = try Self.compress(image, config, threads: 2)
            XCTAssertEqual(one, two, "\(image.width)×\(image.height)×\(image.channels) \(image.bitDepth)-bit: files differ between 1 and 2 threads")
            for threads in [1, 2] {
                XCTAssertEqual(try ImageDecoder(threads: threads).decode(one), image, "not exact on \(threads) thread(s)")
            }
            let file = try ImageFormat.read(one)
            XCTAssertEqual(file.lossless?.checksum, CRC32.checksum(image.sampleBytes))
            XCTAssertEqual(ImageFormat.bytes(file), one, "writing what was read gives the same bytes")
        }
    }

    /// Every layout and context is exact, however little the network was trained.
    func testEveryLayoutAndContextIsExact() throws {
        let image = try PNG.read(TestSupport.kodimCrop).cropped(left: 40, top: 30, width: 23, height: 19)
        let heads: [(BitPlaneHead.Layout, BitPlaneHead.Context)] = [
            (.allOutputs, .none), (.bitInput, .none), (.bitInput, .pixel), (.bitInput, .neighbourhood), (.bitInput, .interlaced),
        ]
        for (layout, context) in heads {
            let bytes = try Self.compress(image, try Self.config(context: context, layout: layout, steps: 20), threads: 2)
            XCTAssertEqual(try ImageDecoder(threads: 1).decode(bytes), image, "\(layout), \(context)")
        }
    }

    /// The quality guard of the lossless mode: on the 128×128 kodim23 crop the small config
    /// codes the bits in under 11.2 bpp, and the file (network included) is smaller than the
    /// PNG. Measured: see docs/lossless.md.
    func testCodeLengthOnAKodakCrop() throws {
        let path = TestSupport.kodimCrop
        let image = try PNG.read(path)
        var config = try Self.config(steps: 600)
        config.training.batch = .random({ var c = RandomBatchConfig(); c.size = 20_000; return c }())
        let result = try ImageEncoder(settings: config.imageEncoderSettings, threads: 2).encode(image)
        let bitsPerPixel = Double((result.compressed.lossless?.bits.count ?? 0) * 8) / Double(image.pixelCount)
        let filePerPixel = Double(result.bytes.count * 8) / Double(image.pixelCount)
        let pngPerPixel = Double(try Data(contentsOf: URL(fileURLWithPath: path)).count * 8) / Double(image.pixelCount)
        print(String(format: "kodim23 crop: bits %.3f bpp, file %.3f bpp (PNG %.3f)", bitsPerPixel, filePerPixel, pngPerPixel))
        XCTAssertLessThan(bitsPerPixel, 11.2)
        XCTAssertLessThan(filePerPixel, pngPerPixel)
        XCTAssertEqual(try ImageDecoder(threads: 2).decode(result.bytes), image)
    }

    /// A changed or cut code is refused (checksum or truncation), never a crash or a wrong image.
    func testDamagedCodeIsRefused() throws {
        let image = try PNG.read(TestSupport.path("Media/lossless/kodim23_crop64.png")).cropped(left: 0, top: 0, width: 24, height: 24)
        let bytes = try Self.compress(image, try Self.config(steps: 20), threads: 2)
        let bitsStart = try XCTUnwrap(Self.range(of: Array("BITS".utf8), in: bytes))
        var refused = 0
        for trial in 0..<40 {
            var damaged = bytes
            let position = bitsStart + 8 + trial * 37 % (bytes.count - bitsStart - 12)
            damaged[position] ^= UInt8(1 << (trial % 8))
            damaged = BitstreamTests.recomputingChecksums(damaged)
            do {
                let decoded = try ImageDecoder(threads: 2).decode(damaged)
                XCTAssertEqual(decoded, image, "a damaged code decoded to a different image without an error")
            } catch {
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 30)
        // Cut short (CRCs fixed up): refused.
        let cut = BitstreamTests.recomputingChecksums(Self.shortened(bytes, bitsStart: bitsStart, by: (bytes.count - bitsStart) / 2))
        XCTAssertThrowsError(try ImageDecoder(threads: 1).decode(cut))
        // Scaled decoding of a lossless file is refused by name.
        XCTAssertThrowsError(try ImageDecoder(threads: 1).decode(bytes, scale: 2)) { error in
            XCTAssertTrue("\(error)".contains("lossless"), "\(error)")
        }
    }

    /// Where the network cannot win, the file is the image's PNG (kind 4), a few bytes above it:
    /// exact, deterministic, and refused when damaged.
    func testStoredFallbackIsNeverLargerThanPNG() throws {
        // A smooth gradient: deflate codes it in a few hundred bytes, which no network file reaches.
        let ramp: [UInt16] = (0..<(64 * 48)).map { (index: Int) -> UInt16 in UInt16(index % 64 * 2 + index / 64) }
        let image = Image(width: 64, height: 48, channels: 1, bitDepth: 8, samples: ramp)
        let encoder = try ImageEncoder(settings: try Self.config(steps: 20).imageEncoderSettings, threads: 2)
        let output = try encoder.encode(image)
        let png = try PNG.encode(image, compressionLevel: 9)
        XCTAssertTrue(output.stored, "\(output.bytes.count) bytes, the network's file \(output.networkFileBytes)")
        XCTAssertEqual(output.pngBytes, png.count)
        XCTAssertLessThanOrEqual(output.bytes.count, png.count + 32)
        XCTAssertLessThan(output.bytes.count, output.networkFileBytes)
        XCTAssertEqual(try encoder.encode(image).bytes, output.bytes, "the same input gives the same file")
        for threads in [1, 2] { XCTAssertEqual(try ImageDecoder(threads: threads).decode(output.bytes), image) }
        let container = try Container(reading: output.bytes)
        XCTAssertEqual(try container.format().kind, StoredImageFormat.kind)
        XCTAssertEqual(container.sections.map { $0.tag }, [Container.headTag, StoredImageFormat.streamTag])
        XCTAssertThrowsError(try ImageDecoder(threads: 1).decode(output.bytes, scale: 2))

        // The input's own PNG (its sample chunks) is stored where it is smaller than the level-9
        // re-encoding: a 1-bit gray file, which inr reads as 8-bit.
        let grayPath = TestSupport.path("Media/png/gray1.png")
        let gray = try PNG.read(grayPath)
        let input = [UInt8](try Data(contentsOf: URL(fileURLWithPath: grayPath)))
        XCTAssertLessThan(input.count, try PNG.encode(gray, compressionLevel: 9).count)
        let grayOutput = try encoder.encode(gray, inputPNG: input + [0x00])  // trailing junk is dropped with the other chunks
        XCTAssertTrue(grayOutput.stored)
        XCTAssertLessThanOrEqual(grayOutput.bytes.count, input.count + 32)
        XCTAssertEqual(try ImageDecoder(threads: 1).decode(grayOutput.bytes), gray)
        XCTAssertEqual(StoredImageFormat.stripped(input + [0x00]), StoredImageFormat.stripped(input))
        XCTAssertNil(StoredImageFormat.stripped(Array(input.prefix(input.count - 5))), "a cut stream is not a PNG to store")
        let other = Image(width: 64, height: 48, channels: 1, bitDepth: 8, samples: [UInt16](repeating: 7, count: 64 * 48))
        let mismatched = try encoder.encode(image, inputPNG: try PNG.encode(other, compressionLevel: 9))
        XCTAssertEqual(try ImageDecoder(threads: 1).decode(mismatched.bytes), image, "an input PNG of other samples is not stored")

        // A PNG stream of another shape than HEAD's, or a damaged one, is refused (CRCs fixed up).
        var wrongHead = output.bytes
        wrongHead[Container.magic.count + 1 + 4 + 1 + 1] ^= 1  // HEAD's width varint
        XCTAssertThrowsError(try ImageDecoder(threads: 1).decode(BitstreamTests.recomputingChecksums(wrongHead)))
        let streamStart = try XCTUnwrap(Self.range(of: Array(StoredImageFormat.streamTag.utf8), in: output.bytes))
        var refused = 0
        for trial in 0..<40 {
            var damaged = output.bytes
            damaged[streamStart + 6 + trial * 13 % (png.count - 4)] ^= UInt8(1 << (trial % 8))
            do {
                let decoded = try ImageDecoder(threads: 1).decode(BitstreamTests.recomputingChecksums(damaged))
                XCTAssertEqual(decoded, image, "a damaged PNG stream decoded to other samples without an error")
            } catch {
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 30)
    }

    /// `network.sizing: image`: a small image gets a narrow network, a photo the config's width,
    /// 16-bit samples a wider one than 8-bit at the same size.
    func testWidthFollowsTheImage() throws {
        var config = try CodecConfig.load(TestSupport.path("Configs/lossless/interlaced.yaml"))
        XCTAssertEqual(config.network.sizing, .image)
        let settings = config.imageEncoderSettings
        func width(_ width: Int, _ height: Int, channels: Int, bitDepth: Int) -> Int {
            let image = Image(width: width, height: height, channels: channels, bitDepth: bitDepth,
                              samples: [UInt16](repeating: 0, count: width * height * channels))
            return settings.sized(for: image).network.hiddenWidths[0]
        }
        XCTAssertEqual(width(768, 512, channels: 3, bitDepth: 8), 64)
        XCTAssertLessThan(width(64, 64, channels: 3, bitDepth: 8), 16)
        XCTAssertLessThan(width(64, 64, channels: 3, bitDepth: 8), width(64, 64, channels: 3, bitDepth: 16))
        XCTAssertLessThan(width(64, 64, channels: 3, bitDepth: 16), width(128, 128, channels: 3, bitDepth: 16))
        // A 3.4-megapixel 16-bit image at 64 wide is beyond the decoder's work budget: narrower.
        let large = width(2267, 1513, channels: 1, bitDepth: 16)
        XCTAssertLessThan(large, 64)
        XCTAssertGreaterThan(large, 32)
        config.network.sizing = .fixed
        XCTAssertEqual(config.imageEncoderSettings.sized(for: Image(width: 8, height: 8, channels: 1, bitDepth: 8, samples: [UInt16](repeating: 0, count: 64))).network.hiddenWidths, [64, 64])
    }

    /// The logit → probability table: P(0) = ½ at 0, symmetric, monotone, within the clamp,
    /// and a NaN or huge logit maps inside it.
    func testLogitProbabilities() {
        XCTAssertEqual(LogitProbability.probabilityOfZero(logit: 0), 32768)
        var previous = UInt32.max
        for step in -600...600 {
            let z = Float(step) / 32
            let p = LogitProbability.probabilityOfZero(logit: z)
            XCTAssertLessThanOrEqual(p, previous)
            XCTAssertEqual(Int(p) + Int(LogitProbability.probabilityOfZero(logit: -z)), 65536)
            XCTAssertTrue((16...65520).contains(p))
            previous = p
        }
        XCTAssertEqual(LogitProbability.probabilityOfZero(logit: .nan), 32768)
        XCTAssertEqual(LogitProbability.probabilityOfZero(logit: .infinity), 16)
        XCTAssertEqual(LogitProbability.probabilityOfZero(logit: -.infinity), 65520)
        // σ(−1) = 0.268941…: P(0) at z = 1 is 65536·0.268941 = 17625.5 → 17625 or 17626.
        XCTAssertTrue((17625...17626).contains(LogitProbability.probabilityOfZero(logit: 1)))
    }

    static func range(of tag: [UInt8], in bytes: [UInt8]) -> Int? {
        (0...(bytes.count - tag.count)).first { Array(bytes[$0..<($0 + tag.count)]) == tag }
    }

    /// `bytes` with the BITS payload (the last section) `count` bytes shorter, its length fixed.
    static func shortened(_ bytes: [UInt8], bitsStart: Int, by count: Int) -> [UInt8] {
        var reader = ByteReader(bytes[(bitsStart + 4)...], context: "")
        let length = try! reader.varint()
        var writer = ByteWriter()
        writer.append(Array("BITS".utf8))
        writer.append(varint: length - count)
        writer.append(Array(bytes[reader.position..<(reader.position + length - count)]))
        writer.append(UInt32(0))
        return Array(bytes[..<bitsStart]) + writer.bytes
    }
}
