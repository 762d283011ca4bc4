import Foundation
import INRCodec
import INRCoding
import INRConfig
import INRFormat
import INRMedia
import INRNetwork
import INRTestSupport
import XCTest

/// An encoding with parameters through the codec: a dense grid's values are quantised and coded
/// with the network's (WGHT), and the file decodes to what the encoder measured.
final class GridCodecTests: XCTestCase {
    func testGridFilesDecodeToTheEncodersRendering() throws {
        var config = try CodecConfig.load(TestSupport.path("Configs/image/grid.yaml"))
        config.encoding = try CodecConfig.parse("encoding: {type: grid, levels: 3, features: 2, resolution: 32}").encoding
        config.training.steps = 150
        config.training.batch = .full
        config.quantization.qatSteps = 20
        let image = try PNG.read(TestSupport.kodimCrop)
        let one = try ImageEncoder(settings: config.imageEncoderSettings, threads: 1).encode(image)
        let two = try ImageEncoder(settings: config.imageEncoderSettings, threads: 2).encode(image)
        XCTAssertEqual(one.bytes, two.bytes, "the same file on 1 and 2 threads")
        let read = try ImageFormat.read(one.bytes)
        XCTAssertEqual(read, one.compressed)
        XCTAssertEqual(read.parameters.layout.encodingShapes, [[8, 8, 2], [16, 16, 2], [32, 32, 2]])
        let decoded = try ImageDecoder(threads: 2).decode(one.bytes)
        // The fine-tuned quantised fit's PSNR is the decoded file's (the encoder measured it on
        // the weights the decoder computes with).
        XCTAssertEqual(Metrics.psnr(image, decoded), one.finalEvaluation.psnr!, accuracy: 1e-9)
        // 20.18 dB measured (150 full-batch steps from the grid's 1e-4 start, 3.81 bpp).
        XCTAssertGreaterThan(Metrics.psnr(image, decoded), 19.5)
    }

    /// A grid's ENCO payload is checked field by field before anything is allocated for it.
    func testAbsurdGridPayloadsAreRefused() {
        func payload(levels: Int = 2, features: Int = 2, resolution: Int = 8, include: UInt8 = 1, multiplier: Float = 1, extra: [UInt8] = []) -> [UInt8] {
            var writer = ByteWriter()
            writer.append(byte: DenseGridEncoding.typeCode)
            writer.append(varint: levels)
            writer.append(varint: features)
            writer.append(varint: resolution)
            writer.append(byte: include)
            writer.append(multiplier)
            return writer.bytes + extra
        }
        XCTAssertNoThrow(try EncodingSection.read(payload()[...]))
        let cases: [([UInt8], String)] = [
            (payload(include: 2), "grid input flag 2"),
            (payload(levels: 16, features: 64, resolution: 4096), "at most 16777216"),
            (payload(multiplier: .nan), "learning-rate multiplier is not finite"),
            (payload(multiplier: -1), "learningRateMultiplier must be positive"),
            (payload(levels: 17), "grid levels"),
            (payload(extra: [0]), "1 unexpected bytes"),
        ]
        for (bytes, message) in cases {
            XCTAssertThrowsError(try EncodingSection.read(bytes[...]), message) { XCTAssertTrue("\($0)".contains(message), "\($0)") }
        }
    }
}
