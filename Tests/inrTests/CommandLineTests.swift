import Foundation
import INRMedia
import INRTraining
import INRTestSupport
import XCTest

/// The built `inr` binary, run as a user would.
final class CommandLineTests: XCTestCase {
    /// `inr` sits next to the test bundle in the build folder.
    static let binary: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: executable).deletingLastPathComponent().appendingPathComponent("inr").path
    }()

    func inr(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        try Self.inr(arguments, environment: environment)
    }

    /// Runs the binary with `arguments`; its exit status and output as text.
    static func inr(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, stdout: String, stderr: String) {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw TestSupportError("\(Self.binary) is missing: build the inr product first (swift build -c release)")
        }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let result = try TestSupport.run(Self.binary, arguments, environment: merged)
        return (result.status, String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self))
    }

    func testHelpListsTheSubcommands() throws {
        let result = try inr(["--help"])
        XCTAssertEqual(result.status, 0)
        for command in ["fit", "compress", "decode", "concat", "inspect", "eval", "bench"] { XCTAssertTrue(result.stdout.contains(command), command) }
        let fit = try inr(["fit", "--help"])
        for option in ["--input", "--output", "--steps", "--seed", "--threads", "--metrics", "--checkpoint", "--time-limit"] {
            XCTAssertTrue(fit.stdout.contains(option), option)
        }
    }

    func testFitWritesReconstructionCheckpointAndMetrics() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try inr(["fit", TestSupport.path("Configs/image/siren.yaml"), "--input", TestSupport.kodimCrop,
                              "--output", folder + "/out.png", "--steps", "40", "--metrics", folder + "/m.json", "--threads", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("PSNR"), result.stdout)
        let original = try PNG.read(TestSupport.kodimCrop)
        let reconstruction = try PNG.read(folder + "/out.png")
        XCTAssertEqual(reconstruction.width, 128)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/m.json"))) as! [String: Any]
        XCTAssertEqual(report["completedSteps"] as? Int, 40)
        XCTAssertEqual(report["psnr"] as! Double, Metrics.psnr(original, reconstruction), accuracy: 1e-9)
        XCTAssertGreaterThan(report["psnr"] as! Double, 15)
        // The checkpoint renders the same reconstruction.
        let model = try ModelFile.read(folder + "/out.inrmodel")
        XCTAssertEqual(model.width, 128)
        XCTAssertEqual(model.parameters.values.count, report["parameterCount"] as? Int)
        // Nothing else was left behind (no temporary files).
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["out.png", "out.inrmodel", "m.json"])
    }

    func testForcedFallbackTierRuns() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try inr(["fit", TestSupport.path("Configs/image/fourier.yaml"), "--input", TestSupport.kodimCrop,
                              "--output", folder + "/out.png", "--steps", "20"], environment: ["INR_ISA": "portable"])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("portable kernels"), result.stderr)
        let bad = try inr(["fit", TestSupport.path("Configs/image/siren.yaml"), "--input", TestSupport.kodimCrop,
                           "--output", folder + "/x.png"], environment: ["INR_ISA": "quantum"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("INR_ISA=quantum"), bad.stderr)
    }

    /// The release binary on CPUs without AVX-512: qemu's Haswell (AVX2) and Nehalem (SSE4.2,
    /// no AVX) models. Dispatch picks the tier from CPUID, and each emulated fit is bit-identical
    /// to the same tier forced on this machine.
    func testRunsOnCPUsWithoutAVX512() throws {
        guard let qemu = TestSupport.which("qemu-x86_64") else {
            throw TestSupportError("qemu-x86_64 is not installed (Tools/setup.sh installs qemu-user)")
        }
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let tiny = folder + "/tiny.png"
        try PNG.write(try PNG.read(TestSupport.kodimCrop).cropped(left: 40, top: 40, width: 16, height: 16), to: tiny)
        for (cpu, tier, core) in [("Haswell", "avx2", "Haswell"), ("Nehalem", "portable", "Nehalem")] {
            // OPENBLAS_CORETYPE set: no re-exec, which would leave the emulator.
            let arguments = ["fit", TestSupport.path("Configs/image/siren.yaml"), "--input", tiny, "--steps", "2"]
            let environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_CORETYPE": core]) { $1 }
            let emulated = try TestSupport.run(qemu, ["-cpu", cpu, Self.binary] + arguments + ["--output", "\(folder)/\(cpu).png"], environment: environment)
            XCTAssertEqual(emulated.status, 0, cpu)
            XCTAssertTrue(String(decoding: emulated.stderr, as: UTF8.self).contains("\(tier) kernels"), cpu)
            let native = try inr(arguments + ["--output", "\(folder)/\(cpu)-native.png"], environment: ["INR_ISA": tier, "OPENBLAS_CORETYPE": core])
            XCTAssertEqual(native.status, 0, native.stderr)
            XCTAssertEqual(FileManager.default.contents(atPath: "\(folder)/\(cpu).inrmodel"), FileManager.default.contents(atPath: "\(folder)/\(cpu)-native.inrmodel"), cpu)
            XCTAssertEqual(FileManager.default.contents(atPath: "\(folder)/\(cpu).png"), FileManager.default.contents(atPath: "\(folder)/\(cpu)-native.png"), cpu)
        }
    }

    func testBadInputsFailCleanlyAndLeaveNoOutput() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let garbage = folder + "/garbage.png"
        try Data("not an image".utf8).write(to: URL(fileURLWithPath: garbage))
        let badConfig = folder + "/bad.yaml"
        try "network:\n  widht: 3\n".write(toFile: badConfig, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["fit", TestSupport.path("Configs/image/siren.yaml"), "--input", garbage, "--output", folder + "/out.png"], "garbage.png"),
            (["fit", TestSupport.path("Configs/image/siren.yaml"), "--input", folder + "/none.png", "--output", folder + "/out.png"], "none.png"),
            (["fit", badConfig, "--input", TestSupport.kodimCrop, "--output", folder + "/out.png"], "network.widht"),
            (["fit", folder + "/missing.yaml", "--input", TestSupport.kodimCrop, "--output", folder + "/out.png"], "missing.yaml"),
            (["fit", TestSupport.path("Configs/image/siren.yaml"), "--input", TestSupport.kodimCrop, "--output", folder + "/out.png", "--threads", "0"], "--threads"),
            (["fit", TestSupport.path("Configs/image/siren.yaml"), "--input", TestSupport.kodimCrop, "--output", folder + "/out.jpg"], ".png"),
        ]
        for (arguments, mention) in cases {
            let result = try inr(arguments)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains(mention), "\(mention): \(result.stderr)")
        }
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["garbage.png", "bad.yaml"])
    }

    func testCompressDecodeInspect() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let compress = try inr(["compress", TestSupport.path("Configs/golden/positional-layer-qat.yaml"), "--input", TestSupport.path("Media/png/rgb16.png"),
                                "--output", folder + "/x.inr", "--reconstruction", folder + "/x.png", "--metrics", folder + "/m.json"])
        XCTAssertEqual(compress.status, 0, compress.stderr)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/x.inr"))
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/m.json"))) as! [String: Any]
        // bpp is the file's bytes × 8 / pixels, and the PSNR that of the file decoded.
        XCTAssertEqual(report["bytes"] as? Int, bytes.count)
        XCTAssertEqual(report["bpp"] as! Double, Double(bytes.count * 8) / (64 * 64), accuracy: 1e-12)
        let original = try PNG.read(TestSupport.path("Media/png/rgb16.png"))
        let decode = try inr(["decode", folder + "/x.inr", "--output", folder + "/y.png", "--threads", "1"])
        XCTAssertEqual(decode.status, 0, decode.stderr)
        let decoded = try PNG.read(folder + "/y.png")
        XCTAssertEqual(decoded, try PNG.read(folder + "/x.png"))
        XCTAssertEqual(decoded.bitDepth, 16)
        XCTAssertEqual(report["psnr"] as! Double, Metrics.psnr(original, decoded), accuracy: 1e-9)
        XCTAssertTrue(compress.stdout.contains(String(format: "%.4f bpp", report["bpp"] as! Double)), compress.stdout)
        let scaled = try inr(["decode", folder + "/x.inr", "--output", folder + "/z.png", "--scale", "1.5"])
        XCTAssertEqual(scaled.status, 0, scaled.stderr)
        XCTAssertEqual(try PNG.read(folder + "/z.png").width, 96)
        let inspect = try inr(["inspect", folder + "/x.inr"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        for text in ["format version 1", "64×64", "16-bit", "positional", "weights 6 bits", "WGHT"] {
            XCTAssertTrue(inspect.stdout.contains(text), "\(text): \(inspect.stdout)")
        }
        // Garbage in: an error naming the file, a non-zero status, no output file.
        try Data("nonsense".utf8).write(to: URL(fileURLWithPath: folder + "/bad.inr"))
        let bad = try inr(["decode", folder + "/bad.inr", "--output", folder + "/bad.png"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("bad.inr"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/bad.png"))
        XCTAssertNotEqual(try inr(["inspect", folder + "/bad.inr"]).status, 0)
    }

    /// The lossless path as a user runs it: compress a 16-bit image, decode it back to exactly
    /// the original's samples, inspect it; a rescaled decode is refused by name. A smooth image
    /// whose PNG beats the network is stored as that PNG, and decodes exactly too.
    func testLosslessCompressDecodeInspect() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let cases = [
            ("Media/png/rgb16.png", "lossless, every sample exact: ", "lossless image 64×64, 3 channel(s), 16-bit", "lossless"),
            ("Media/png/gray16.png", "the image stored as PNG", "stored image 64×64, 1 channel(s), 16-bit", "stored size only"),
        ]
        for (path, printed, inspected, refusal) in cases {
            let input = TestSupport.path(path)
            let compress = try inr(["compress", TestSupport.path("Configs/lossless/interlaced-small.yaml"), "--input", input,
                                    "--output", folder + "/g.inr", "--steps", "200", "--metrics", folder + "/m.json"])
            XCTAssertEqual(compress.status, 0, compress.stderr)
            XCTAssertTrue(compress.stdout.contains(printed), compress.stdout)
            let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/m.json"))) as! [String: Any]
            XCTAssertEqual(report["exact"] as? Bool, true)
            let size = try Data(contentsOf: URL(fileURLWithPath: folder + "/g.inr")).count
            XCTAssertLessThanOrEqual(size, (report["pngBytes"] as! Int) + 33, "never more than a stored PNG's header above the PNG")
            let decode = try inr(["decode", folder + "/g.inr", "--output", folder + "/g.png"])
            XCTAssertEqual(decode.status, 0, decode.stderr)
            XCTAssertEqual(try PNG.read(folder + "/g.png"), try PNG.read(input))
            let inspect = try inr(["inspect", folder + "/g.inr"])
            XCTAssertTrue(inspect.stdout.contains(inspected), inspect.stdout)
            let scaled = try inr(["decode", folder + "/g.inr", "--output", folder + "/s.png", "--scale", "2"])
            XCTAssertNotEqual(scaled.status, 0)
            XCTAssertTrue(scaled.stderr.contains(refusal), scaled.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/s.png"))
            try FileManager.default.removeItem(atPath: folder + "/g.png")
        }
    }

    /// Quality guard of the codec on a real image: the default codec config, narrowed to 4 × 32
    /// for a 128 × 128 crop (2000 steps, about 2 s), measured from the written file. It gave
    /// 30.65 dB at 2.399 bpp (4913 bytes) when this test was written.
    func testCodecReachesItsQualityOnAKodakCrop() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try inr(["compress", TestSupport.path("Configs/image/mlp.yaml"), "--input", TestSupport.kodimCrop,
                              "--output", folder + "/c.inr", "--set", "network.width=32", "--metrics", folder + "/m.json", "--threads", "2"])
        XCTAssertEqual(result.status, 0, result.stderr)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/m.json"))) as! [String: Any]
        XCTAssertGreaterThanOrEqual(report["psnr"] as! Double, 30.3)
        XCTAssertLessThanOrEqual(report["bpp"] as! Double, 2.45)
        XCTAssertGreaterThan(report["psnr"] as! Double, (report["quantizedPSNR"] as! Double) - 0.01, "fine-tuning must not lose quality")
    }

    /// The golden files decode to their pinned digests on CPUs without AVX-512 as well:
    /// decoding uses fused multiply-add everywhere (in software where the CPU has none). The
    /// lossless file matters most: a probability that came out differently would derail its
    /// range decoder.
    func testGoldenFilesDecodeAlikeOnEveryCPU() throws {
        guard let qemu = TestSupport.which("qemu-x86_64") else {
            throw TestSupportError("qemu-x86_64 is not installed (Tools/setup.sh installs qemu-user)")
        }
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manifest = try String(contentsOfFile: TestSupport.path("Media/golden/MANIFEST.tsv"), encoding: .utf8)
        let lines = manifest.split(separator: "\n").dropFirst()
        for line in lines.prefix(2) + lines.filter({ $0.hasPrefix("lossless") || $0.hasPrefix("video") || $0.hasPrefix("latent") }) {
            let fields = line.split(separator: "\t").map(String.init)
            for cpu in ["Haswell", "Nehalem"] {
                let environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_CORETYPE": cpu == "Haswell" ? "Haswell" : "Nehalem"]) { $1 }
                let output = folder + (fields[0].hasPrefix("video") ? "/g.y4m" : "/g.png")
                let result = try TestSupport.run(qemu, ["-cpu", cpu, Self.binary, "decode", TestSupport.path("Media/golden/" + fields[0]), "--output", output], environment: environment)
                XCTAssertEqual(result.status, 0, cpu)
                XCTAssertTrue(String(decoding: result.stdout, as: UTF8.self).contains("sha256 \(fields[1])"), "\(fields[0]) on \(cpu)")
            }
        }
    }

    /// The encoder is deterministic: each golden file, compressed again from its config and input
    /// (Media/golden/MANIFEST.tsv, as Tools/make-golden.sh made it), comes out byte for byte the
    /// same, so a change that moves any float of the fit, the quantiser or the coder shows here.
    func testGoldenFilesReencodeByteIdentically() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let manifest = try String(contentsOfFile: TestSupport.path("Media/golden/MANIFEST.tsv"), encoding: .utf8)
        let entries = manifest.split(separator: "\n").dropFirst().map { $0.split(separator: "\t").map(String.init) }
        XCTAssertEqual(entries.count, 11)
        for fields in entries {
            let name = (fields[0] as NSString).deletingPathExtension
            let result = try inr(["compress", TestSupport.path("Configs/golden/\(name).yaml"), "--input", TestSupport.path(fields[2]),
                                  "--output", folder + "/" + fields[0], "--threads", "2"])
            XCTAssertEqual(result.status, 0, "\(name): \(result.stderr)")
            let again = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + fields[0]))
            XCTAssertEqual(again, try Data(contentsOf: URL(fileURLWithPath: TestSupport.path("Media/golden/" + fields[0]))), name)
        }
    }

    /// A clip through `inr compress` with a video config and `--frames`, then `inr decode` to
    /// .y4m (the decoded samples exactly) and .mp4 (every frame, at the clip's rate).
    func testVideoCompressAndDecode() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clip = TestSupport.path("Media/video/park_joy_64x48.mp4")
        let compress = try inr(["compress", TestSupport.path("Configs/golden/video-nirvana.yaml"), "--input", clip, "--frames", "1:7",
                                "--output", folder + "/c.inr", "--reconstruction", folder + "/r.y4m", "--metrics", folder + "/m.json"])
        XCTAssertEqual(compress.status, 0, compress.stderr)
        for text in ["64×48, 6 frames at 50 fps", "group 1/2 (frames 0–3)", "group 2/2 (frames 4–5)", "PSNR Y ", "frames/s"] {
            XCTAssertTrue(compress.stdout.contains(text), "\(text) in \(compress.stdout)")
        }
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/m.json"))) as! [String: Any]
        let bytes = try FileManager.default.attributesOfItem(atPath: folder + "/c.inr")[.size] as! Int
        XCTAssertEqual(report["bytes"] as? Int, bytes)
        XCTAssertEqual(report["bpp"] as! Double, Double(bytes * 8) / Double(64 * 48 * 6), accuracy: 1e-12)
        XCTAssertEqual((report["framePSNRY"] as! [Double]).count, 6)
        XCTAssertGreaterThan(report["psnrY"] as! Double, 18)

        let y4m = try inr(["decode", folder + "/c.inr", "--output", folder + "/d.y4m"])
        XCTAssertEqual(y4m.status, 0, y4m.stderr)
        XCTAssertEqual(try VideoFile.read(folder + "/d.y4m"), try VideoFile.read(folder + "/r.y4m"))
        let mp4 = try inr(["decode", folder + "/c.inr", "--output", folder + "/d.mp4"])
        XCTAssertEqual(mp4.status, 0, mp4.stderr)
        let decoded = try VideoFile.read(folder + "/d.mp4")
        XCTAssertEqual(decoded.frames.count, 6)
        XCTAssertEqual(decoded.frameRate, Video.FrameRate(50))

        let inspect = try inr(["inspect", folder + "/c.inr"])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        for text in ["video 64×48, 6 frames at 50 fps", "2 of 4 frames, 4×4 patches", "0: ", "GRPS"] {
            XCTAssertTrue(inspect.stdout.contains(text), "\(text) in \(inspect.stdout)")
        }

        // Raw .yuv in: the same frames as the mp4's, given their size and rate.
        let raw = folder + "/clip.yuv"
        try Data(try VideoFile.read(clip, options: .init(frames: 1..<7)).sampleBytes).write(to: URL(fileURLWithPath: raw))
        let rawRun = try inr(["compress", TestSupport.path("Configs/golden/video-nirvana.yaml"), "--input", raw, "--raw-size", "64x48",
                              "--raw-rate", "50", "--output", folder + "/raw.inr"])
        XCTAssertEqual(rawRun.status, 0, rawRun.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/raw.inr")), try Data(contentsOf: URL(fileURLWithPath: folder + "/c.inr")))
        let noSize = try inr(["compress", TestSupport.path("Configs/golden/video-nirvana.yaml"), "--input", raw, "--output", folder + "/n.inr"])
        XCTAssertNotEqual(noSize.status, 0)
        XCTAssertTrue(noSize.stderr.contains(raw), noSize.stderr)
        let rawOnMP4 = try inr(["compress", TestSupport.path("Configs/golden/video-nirvana.yaml"), "--input", clip, "--raw-size", "64x48",
                                "--output", folder + "/m.inr"])
        XCTAssertNotEqual(rawOnMP4.status, 0)
        XCTAssertTrue(rawOnMP4.stderr.contains("raw .yuv"), rawOnMP4.stderr)

        let png = try inr(["decode", folder + "/c.inr", "--output", folder + "/d.png"])
        XCTAssertNotEqual(png.status, 0)
        XCTAssertTrue(png.stderr.contains("is a video"), png.stderr)
        let image = try inr(["compress", TestSupport.path("Configs/golden/video-nirvana.yaml"), "--input", TestSupport.kodimCrop, "--output", folder + "/i.inr"])
        XCTAssertNotEqual(image.status, 0)
        XCTAssertTrue(image.stderr.contains("video config"), image.stderr)
        let imageConfig = try inr(["compress", TestSupport.path("Configs/golden/siren-channel.yaml"), "--input", clip, "--output", folder + "/v.inr"])
        XCTAssertNotEqual(imageConfig.status, 0)
        XCTAssertTrue(imageConfig.stderr.contains("video config"), imageConfig.stderr)
        let broken = folder + "/broken.mp4"
        let data = try Data(contentsOf: URL(fileURLWithPath: clip))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: broken))
        let truncated = try inr(["compress", TestSupport.path("Configs/golden/video-nirvana.yaml"), "--input", broken, "--output", folder + "/t.inr"])
        XCTAssertNotEqual(truncated.status, 0)
        XCTAssertTrue(truncated.stderr.contains(broken), truncated.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/t.inr"))
    }

    /// Ctrl-C during a fit stops it after the current step and still writes the best weights.
    func testInterruptKeepsTheBestWeights() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["fit", TestSupport.path("Configs/image/siren.yaml"), "--input", TestSupport.kodimCrop,
                             "--output", folder + "/out.png", "--steps", "100000000", "--metrics", folder + "/m.json"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 3)
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: folder + "/m.json"))) as! [String: Any]
        XCTAssertEqual(report["interrupted"] as? Bool, true)
        XCTAssertGreaterThan(report["completedSteps"] as! Int, 10)
        XCTAssertNoThrow(try PNG.read(folder + "/out.png"))
    }
}
