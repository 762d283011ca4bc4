import Foundation
import INRCodec
import INRConfig
import INRFormat
import INRMedia
import INRTestSupport
import XCTest

/// `--bpp` and `--quality` (`NetworkSizing`, `RateControl`): the written file lands on the rate
/// at every size, and quality rises with Q.
final class RateControlTests: XCTestCase {
    /// An MLP codec config (mlp.yaml unless named) with a short fit: where the file lands does not depend
    /// on how well it fits.
    func settings(steps: Int, qatSteps: Int, sizing: NetworkSizing, config name: String = "mlp") throws -> ImageEncoder.Settings {
        var config = try CodecConfig.load(TestSupport.path("Configs/image/\(name).yaml"))
        config.training.steps = steps
        config.training.evaluationInterval = min(steps, 100)
        config.quantization.qatSteps = qatSteps
        var settings = config.imageEncoderSettings
        settings.sizing = sizing
        return settings
    }

    /// kodim23 mirrored out to `width × height` (a real photo's content at any size up to twice its own).
    func kodim(width: Int, height: Int) throws -> Image {
        let source = try PNG.read(TestSupport.path("Media/kodim23.png"))
        var samples: [UInt16] = []
        samples.reserveCapacity(width * height * 3)
        for row in 0..<height {
            let y = row < source.height ? row : 2 * source.height - 1 - row
            for column in 0..<width {
                let x = column < source.width ? column : 2 * source.width - 1 - column
                for channel in 0..<3 { samples.append(source[y, x, channel]) }
            }
        }
        return Image(width: width, height: height, channels: 3, bitDepth: 8, samples: samples)
    }

    func testTargetRateLandsWithinFivePercentAtThreeSizes() throws {
        let cases: [(Image, [Double])] = [
            (try PNG.read(TestSupport.kodimCrop), [0.3, 1.0]),
            (try kodim(width: 320, height: 240), [0.2, 0.6]),
            (try kodim(width: 1024, height: 768), [0.15]),
        ]
        for (image, targets) in cases {
            for target in targets {
                let encoder = try ImageEncoder(settings: try settings(steps: 20, qatSteps: 5, sizing: .rate(bitsPerPixel: target)), threads: 2)
                let output = try encoder.encode(image)
                let bpp = Double(output.bytes.count * 8) / Double(image.pixelCount)
                let what = "\(image.width)×\(image.height) at \(target) bpp: \(bpp) bpp, width \(output.compressed.parameters.spec.hiddenWidths)"
                XCTAssertLessThanOrEqual(bpp, 1.05 * target, what)
                XCTAssertGreaterThanOrEqual(bpp, 0.95 * target, what)
                let decoded = try ImageDecoder(threads: 2).decode(output.bytes)
                XCTAssertEqual(decoded.width, image.width)
            }
        }
        // Larger images get wider networks at one rate.
        let small = NetworkSizing.rate(bitsPerPixel: 0.3).hiddenWidths(for: cases[0].0, settings: try settings(steps: 1, qatSteps: 0, sizing: .fixed))
        let large = NetworkSizing.rate(bitsPerPixel: 0.3).hiddenWidths(for: cases[2].0, settings: try settings(steps: 1, qatSteps: 0, sizing: .fixed))
        XCTAssertLessThan(small[0], large[0])
    }

    /// Every lossy MLP image config honours --bpp (grid.yaml's dense grid alone is most of the
    /// budget: its network is the narrowest and the steps carry the rate). The latent codec's
    /// (codec.yaml among them) take λ instead.
    func testEveryImageConfigLandsOnTheRate() throws {
        let image = try kodim(width: 320, height: 240)
        var names: [String] = []
        for file in try FileManager.default.contentsOfDirectory(atPath: TestSupport.path("Configs/image")).sorted() where file.hasSuffix(".yaml") {
            if try CodecConfig.load(TestSupport.path("Configs/image/" + file)).latent == nil { names.append((file as NSString).deletingPathExtension) }
        }
        XCTAssertGreaterThanOrEqual(names.count, 7)
        for name in names {
            let encoder = try ImageEncoder(settings: try settings(steps: 10, qatSteps: 2, sizing: .rate(bitsPerPixel: 0.6), config: name), threads: 2)
            let bpp = Double(try encoder.encode(image).bytes.count * 8) / Double(image.pixelCount)
            XCTAssertTrue((0.57...0.63).contains(bpp), "\(name).yaml: \(bpp) bpp for 0.6")
        }
    }

    func testRateBelowTheSmallestFileIsAnErrorAndQualityTakesTheSmallest() throws {
        let image = try PNG.read(TestSupport.kodimCrop)
        let strict = try ImageEncoder(settings: try settings(steps: 5, qatSteps: 0, sizing: .rate(bitsPerPixel: 0.01)), threads: 2)
        XCTAssertThrowsError(try strict.checkDecodable(image), "refused before any fitting")
        XCTAssertThrowsError(try strict.encode(image)) { error in
            XCTAssertTrue("\(error)".contains("below the smallest file"), "\(error)")
        }
        let lenient = try ImageEncoder(settings: try settings(steps: 5, qatSteps: 0, sizing: .quality(0)), threads: 2)
        let output = try lenient.encode(image)
        XCTAssertLessThan(output.bytes.count, 200)
    }

    /// Higher Q, higher PSNR, at a small and a Kodak-like size (the written files decoded).
    func testQualityIsMonotoneInPSNR() throws {
        for (image, steps) in [(try PNG.read(TestSupport.kodimCrop), 300), (try kodim(width: 384, height: 256), 150)] {
            var previous = -Double.infinity
            for quality in [20.0, 50, 80] {
                let encoder = try ImageEncoder(settings: try settings(steps: steps, qatSteps: 20, sizing: .quality(quality)), threads: 2)
                let output = try encoder.encode(image)
                let psnr = Metrics.psnr(image, try ImageDecoder(threads: 2).decode(output.bytes))
                XCTAssertGreaterThan(psnr, previous, "\(image.width)×\(image.height), Q \(quality)")
                previous = psnr
            }
        }
    }
}
