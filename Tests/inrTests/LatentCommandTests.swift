import Foundation
import INRCodec
import INRConfig
import INRCore
import INRMedia
import INRTestSupport
import XCTest

/// `inr compress` and `inr decode` with a latent-grid config: odd-sized RGB and gray images, the
/// lines they print, `--lambda`, and the refusals of options the codec does not take.
final class LatentCommandTests: XCTestCase {
    func inr(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CommandLineTests.inr(arguments)
    }

    func testCompressAndDecodeOddSizedImages() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let rgb = try PNG.read(TestSupport.path("Media/kodim23_crop128.png")).cropped(left: 3, top: 7, width: 45, height: 31)
        let gray = try PNG.read(TestSupport.path("Media/png/gray8.png")).cropped(left: 0, top: 0, width: 33, height: 17)
        for (name, image) in [("rgb", rgb), ("gray", gray)] {
            let input = folder + "/\(name).png"
            try PNG.write(image, to: input)
            let compress = try inr(["compress", TestSupport.path("Configs/golden/latent.yaml"), "--input", input, "--output", folder + "/\(name).inr",
                                    "--lambda", "0.01", "--reconstruction", folder + "/\(name)-r.png"])
            XCTAssertEqual(compress.status, 0, compress.stderr)
            for text in ["PSNR ", " bpp (", "encode ", "ms a step", "decode ", "multiply-adds a pixel", "λ 0.01"] {
                XCTAssertTrue(compress.stdout.contains(text), "\(text) in \(compress.stdout)")
            }
            let decode = try inr(["decode", folder + "/\(name).inr", "--output", folder + "/\(name)-d.png"])
            XCTAssertEqual(decode.status, 0, decode.stderr)
            for text in ["entropy decoding", "upsampling", "synthesis", "multiply-adds a pixel", "sha256"] {
                XCTAssertTrue(decode.stdout.contains(text), "\(text) in \(decode.stdout)")
            }
            let decoded = try PNG.read(folder + "/\(name)-d.png")
            XCTAssertEqual(decoded, try PNG.read(folder + "/\(name)-r.png"), "the reconstruction is the decoded file")
            XCTAssertEqual([decoded.width, decoded.height, decoded.channels], [image.width, image.height, image.channels])
            let inspect = try inr(["inspect", folder + "/\(name).inr"])
            XCTAssertTrue(inspect.stdout.contains("latent image"), inspect.stdout)
        }
        // The MLP codec's --bpp and --model are refused, as --lambda is for every other config (MLP, lossless, video).
        let input = folder + "/rgb.png"
        for (arguments, text) in [
            (["compress", TestSupport.path("Configs/golden/latent.yaml"), "--input", input, "--output", folder + "/x.inr", "--bpp", "0.5"], "--lambda"),
            (["compress", TestSupport.path("Configs/image/mlp.yaml"), "--input", input, "--output", folder + "/x.inr", "--lambda", "0.01"], "an MLP config"),
            (["compress", TestSupport.path("Configs/lossless/interlaced-small.yaml"), "--input", input, "--output", folder + "/x.inr", "--lambda", "0.01"],
             "is lossless, whose file"),
            (["compress", TestSupport.path("Configs/video/nirvana-small.yaml"), "--input", input, "--output", folder + "/x.inr", "--lambda", "0.01"],
             "a video config"),
            (["compress", TestSupport.path("Configs/golden/latent.yaml"), "--input", TestSupport.path("Media/png/rgba8.png"), "--output", folder + "/x.inr"], "channels"),
            (["fit", TestSupport.path("Configs/golden/latent.yaml"), "--input", input, "--output", folder + "/x.png"], "latent codec config"),
            (["compress", TestSupport.path("Configs/golden/latent.yaml"), "--input", input, "--output", folder + "/x.inr", "--set", "network.width=32"],
             "belongs to the MLP codec"),
            (["compress", TestSupport.path("Configs/golden/latent.yaml"), "--input", input, "--output", folder + "/x.inr", "--set", "latent.convolutions=5"],
             "latent.convolutions"),
        ] {
            let result = try inr(arguments)
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains(text), "\(text) in \(result.stderr)")
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/x.inr"))
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/x.png"))
        }
    }

    /// `--quality Q` on a latent config is λ = 0.002 · 2^((60 − Q)/13): the same file as that
    /// `--lambda`, a smaller file at a lower quality; and the default codec config is the latent codec.
    func testQualityIsALambda() throws {
        XCTAssertEqual(LatentEncoderSettings.lambda(quality: 60), 0.002)
        XCTAssertEqual(Double(LatentEncoderSettings.lambda(quality: 47)), 0.004, accuracy: 1e-9)
        XCTAssertEqual(Double(LatentEncoderSettings.lambda(quality: 100)), 0.002 * exp2(-40.0 / 13), accuracy: 1e-9)
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/a.png"
        try PNG.write(try PNG.read(TestSupport.path("Media/kodim23_crop128.png")).cropped(left: 0, top: 0, width: 40, height: 32), to: input)
        var sizes: [String: Int] = [:]
        for (name, flag) in [("q60", ["--quality", "60"]), ("l", ["--lambda", "0.002"]), ("q20", ["--quality", "20"])] {
            let result = try inr(["compress", TestSupport.path("Configs/golden/latent.yaml"), "--input", input, "--output", folder + "/\(name).inr"] + flag)
            XCTAssertEqual(result.status, 0, result.stderr)
            sizes[name] = try FileManager.default.attributesOfItem(atPath: folder + "/\(name).inr")[.size] as? Int
        }
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/q60.inr")), try Data(contentsOf: URL(fileURLWithPath: folder + "/l.inr")))
        XCTAssertLessThan(sizes["q20"]!, sizes["q60"]!)
        XCTAssertNotNil(try CodecConfig.load(TestSupport.path("Configs/image/codec.yaml")).latent, "codec.yaml is the latent codec")
        XCTAssertNil(try CodecConfig.load(TestSupport.path("Configs/image/mlp.yaml")).latent)
    }

    /// `inr eval sweep` runs a latent config over λ values (`--set latent.lambda=…`), resumes, and
    /// refuses `--bpp`, which belongs to the MLP codec.
    func testSweepOverLambda() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/images", withIntermediateDirectories: true)
        let image = try PNG.read(TestSupport.path("Media/kodim23_crop128.png")).cropped(left: 0, top: 0, width: 48, height: 40)
        try PNG.write(image, to: folder + "/images/a.png")
        let arguments = ["eval", "sweep", TestSupport.path("Configs/golden/latent.yaml"), "--images", folder + "/images",
                         "--set", "latent.lambda=0.002,0.02", "--output", folder + "/sweep"]
        let sweep = try inr(arguments)
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let rows = try String(contentsOfFile: folder + "/sweep/results.csv", encoding: .utf8).split(separator: "\n").dropFirst()
        XCTAssertEqual(rows.count, 2, "\(rows)")
        XCTAssertTrue(rows.allSatisfy { $0.contains("latent.lambda=") }, "\(rows)")
        for slug in try FileManager.default.contentsOfDirectory(atPath: folder + "/sweep/files") {
            XCTAssertEqual(try inr(["decode", folder + "/sweep/files/\(slug)/a.inr", "--output", folder + "/d.png"]).status, 0)
        }
        let again = try inr(arguments)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stdout.contains("a.png: "), "a finished sweep runs nothing again: \(again.stdout)")
        let bpp = try inr(["eval", "sweep", TestSupport.path("Configs/golden/latent.yaml"), "--images", folder + "/images", "--bpp", "0.3",
                           "--output", folder + "/other"])
        XCTAssertNotEqual(bpp.status, 0)
        XCTAssertTrue(bpp.stderr.contains("latent.lambda"), bpp.stderr)
    }
}
