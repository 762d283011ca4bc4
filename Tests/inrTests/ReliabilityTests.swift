import Foundation
import INRCore
import INRFormat
import INRTestSupport
import XCTest

/// The command line under bad input, as docs/reliability.md describes it: every error says
/// what and where, no output replaces an input or a special file, nothing is left behind by a
/// failure or a signal, and crafted files are refused at once.
final class ReliabilityTests: XCTestCase {
    static var binary: String { CommandLineTests.binary }
    static let image = TestSupport.path("Media/lossless/kodim23_crop64.png")
    static let clip = TestSupport.path("Media/video/park_joy_64x48.y4m")
    static let imageConfig = TestSupport.path("Configs/image/mlp.yaml")
    static let videoConfig = TestSupport.path("Configs/video/nirvana-small.yaml")
    static let golden = TestSupport.path("Media/golden/sape-global.inr")
    static let goldenVideo = TestSupport.path("Media/golden/video-nirvana.inr")

    /// One bad request and the exact first line of its error.
    struct Case {
        var name: String
        var arguments: [String]
        var message: String
        var status: Int32 = 1
        var environment: [String: String] = [:]
    }

    /// Every case of the list of unclear errors, and the others of the same families:
    /// each names the file or option, the problem, and the limit or reason.
    func testErrorsNameTheFileTheProblemAndTheLimit() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let png = try Data(contentsOf: URL(fileURLWithPath: Self.image))
        try png.prefix(png.count / 2).write(to: URL(fileURLWithPath: folder + "/trunc.png"))
        try FileManager.default.createDirectory(atPath: folder + "/adir", withIntermediateDirectories: true)
        try Data("YUV4MPEG2 W100000 H100000 F25:1 C420jpeg\nFRAME\n".utf8).write(to: URL(fileURLWithPath: folder + "/huge.y4m"))
        try Data("seed: 0\nencoding:\n  type: positional\n  frequencies: 8\n  frequencies: 9\n".utf8).write(to: URL(fileURLWithPath: folder + "/dup.yaml"))
        try Data(("a: " + String(repeating: "[", count: 50_000) + "\n").utf8).write(to: URL(fileURLWithPath: folder + "/deep.yaml"))
        try Data("training:\n  learningRate: .nan\n".utf8).write(to: URL(fileURLWithPath: folder + "/nan.yaml"))
        try Data("# nothing set\n".utf8).write(to: URL(fileURLWithPath: folder + "/empty.yaml"))
        try Data().write(to: URL(fileURLWithPath: folder + "/empty.inr"))
        try Data(CraftedFiles.imageWithHugeNetwork()).write(to: URL(fileURLWithPath: folder + "/bomb.inr"))
        try Data(CraftedFiles.videoWithHugeFrames()).write(to: URL(fileURLWithPath: folder + "/bomb-video.inr"))
        try Data(CraftedFiles.videoWithHugeFrames(bitDepth: 16)).write(to: URL(fileURLWithPath: folder + "/bomb-video16.inr"))
        try Data(Self.png(width: 20000, height: 20000)).write(to: URL(fileURLWithPath: folder + "/huge.png"))
        try Data(Self.png(width: 8193, height: 8192)).write(to: URL(fileURLWithPath: folder + "/8193.png"))
        let f = folder, compress = ["compress", Self.imageConfig, "--input", Self.image, "--output", f + "/o.inr", "--steps", "5"]

        var cases: [Case] = [
            Case(name: "negative steps", arguments: compress + ["--steps", "-5"], message: "--steps -5: must be between 1 and 1000000000", status: 64),
            Case(name: "NaN time limit", arguments: compress + ["--time-limit", "nan"],
                 message: "--time-limit nan: must be a positive, finite number of seconds", status: 64),
            Case(name: "zero threads", arguments: compress + ["--threads", "0"], message: "--threads 0: must be between 1 and 256", status: 64),
            Case(name: "negative scale", arguments: ["decode", Self.golden, "--output", f + "/x.png", "--scale", "-2"],
                 message: "--scale -2.0: must be above 0 and at most 16", status: 64),
            Case(name: "truncated PNG", arguments: ["compress", Self.imageConfig, "--input", f + "/trunc.png", "--output", f + "/o.inr"],
                 message: "\(f)/trunc.png: truncated PNG: the file (\(png.count / 2) bytes) ends before its image data does"),
            Case(name: "folder as input", arguments: ["compress", Self.imageConfig, "--input", f + "/adir", "--output", f + "/o.inr"],
                 message: "--input \(f)/adir is a folder, not a file"),
            Case(name: "missing input", arguments: ["compress", Self.imageConfig, "--input", f + "/none.png", "--output", f + "/o.inr"],
                 message: "--input \(f)/none.png: No such file or directory"),
            Case(name: "empty path", arguments: ["decode", Self.golden, "--output", ""], message: "--output: the path is empty"),
            Case(name: "absurd y4m", arguments: ["compress", Self.videoConfig, "--input", f + "/huge.y4m", "--output", f + "/o.inr"],
                 message: "\(f)/huge.y4m: the Y4M header gives 100000×100000; a side can be at most 16384"),
            Case(name: "frames past the end", arguments: ["compress", Self.videoConfig, "--input", Self.clip, "--output", f + "/o.inr", "--frames", "8:"],
                 message: "\(Self.clip): frames 8: were asked for, but the clip has 8 frames (0–7)"),
            Case(name: "reversed frames", arguments: ["compress", Self.videoConfig, "--input", Self.clip, "--output", f + "/o.inr", "--frames", "5:2"],
                 message: "--frames 5:2: the end (2) must be after the start (5)"),
            Case(name: "duplicated YAML key", arguments: ["compress", f + "/dup.yaml", "--input", Self.image, "--output", f + "/o.inr"],
                 message: "\(f)/dup.yaml:5: duplicate key 'frequencies' (first set on line 4)"),
            Case(name: "deep YAML", arguments: ["compress", f + "/deep.yaml", "--input", Self.image, "--output", f + "/o.inr"],
                 message: "\(f)/deep.yaml:1:5: nested more than 1000 levels deep (the YAML reader's limit)"),
            Case(name: "NaN in YAML", arguments: ["compress", f + "/nan.yaml", "--input", Self.image, "--output", f + "/o.inr"],
                 message: "\(f)/nan.yaml:2:17: training.learningRate: must be a finite number, not .nan"),
            Case(name: "empty config", arguments: ["compress", f + "/empty.yaml", "--input", Self.image, "--output", f + "/o.inr"],
                 message: "\(f)/empty.yaml: the config is empty (Configs/README.md lists its keys)"),
            Case(name: ".inr as config", arguments: ["compress", Self.golden, "--input", Self.image, "--output", f + "/o.inr"],
                 message: "\(Self.golden): is a binary file (an .inr file or an image), not a YAML config"),
            Case(name: "video key on an image config", arguments: compress + ["--set", "video.groupSize=4"],
                 message: "--set video.groupSize=4 adds a video: section, which makes \(Self.imageConfig) a video config; --input \(Self.image) is an image"),
            Case(name: "huge integer", arguments: compress + ["--set", "network.width=99999999999999999999"],
                 message: "\(Self.imageConfig): network.width: 99999999999999999999 is out of range (-9223372036854775808 to 9223372036854775807) (with --set network.width=99999999999999999999)"),
            Case(name: "null for a value", arguments: compress + ["--set", "network.width=null"],
                 message: "\(Self.imageConfig): network.width: null is not a value here: delete the key to use its default (with --set network.width=null)"),
            Case(name: "no key path", arguments: compress + ["--set", "=3"],
                 message: "--set: '=3': '' before '=' is not a key path such as network.width"),
            Case(name: "a --set value that is not YAML", arguments: compress + ["--set", "training.schedule={type: cosine, type: step}"],
                 message: "\(Self.imageConfig): training.schedule: the value '{type: cosine, type: step}' of --set: duplicate key 'type' (with --set training.schedule={type: cosine, type: step})"),
            Case(name: "a video file where an image is expected", arguments: ["eval", "compare", Self.image, Self.goldenVideo],
                 message: "\(Self.goldenVideo): this is a video file (media kind 3), not an image"),
            Case(name: "empty .inr", arguments: ["decode", f + "/empty.inr", "--output", f + "/x.png"],
                 message: "\(f)/empty.inr: the file is empty (0 bytes), not an .inr file"),
            Case(name: "folder as output", arguments: ["decode", Self.golden, "--output", f + "/adir"],
                 message: "--output \(f)/adir is a folder: give a file name in it"),
            Case(name: "image decoded to .jpg", arguments: ["decode", Self.golden, "--output", f + "/x.jpg"],
                 message: "--output \(f)/x.jpg: \(Self.golden) is an image, which decodes to PNG: give a .png name"),
            Case(name: "compress to .png", arguments: ["compress", Self.imageConfig, "--input", Self.image, "--output", f + "/o.png"],
                 message: "--output \(f)/o.png: compress writes an .inr file: give a name ending in .inr"),
            Case(name: "missing sweep folder", arguments: ["eval", "sweep", Self.imageConfig, "--images", f + "/none", "--output", f + "/sweep"],
                 message: "--images \(f)/none: no such folder"),
            Case(name: "negative encode time", arguments: ["eval", "compare", Self.image, Self.image, "--encode-seconds", "-1"],
                 message: "--encode-seconds -1.0: must be a finite number of seconds, 0 or more", status: 64),
            Case(name: "diverging fit", arguments: compress + ["--steps", "50", "--set", "training.learningRate=1e8"],
                 message: "the fit diverged at step 2 (the loss is not finite): lower training.learningRate (now 1e+08); nothing was written"),
            Case(name: "decoder budget: a huge network", arguments: ["decode", f + "/bomb.inr", "--output", f + "/x.png"],
                 message: "\(f)/bomb.inr: decoding a 256×256 image takes 1.07e+12 multiply-adds (16255488 per sample × 65536 samples), above the decoder's limit of 2.75e+11 (raise it with INR_DECODE_MAX_MULTIPLY_ADDS)"),
            Case(name: "decoder budget: a huge clip", arguments: ["decode", f + "/bomb-video.inr", "--output", f + "/x.y4m"],
                 message: "\(f)/bomb-video.inr: decoding a 9400×9400 clip of 12 frames makes 1590480000 samples, above the decoder's limit of 536870912 (raise it with INR_DECODE_MAX_SAMPLES)"),
            Case(name: "decoder budget: a huge 16-bit clip", arguments: ["decode", f + "/bomb-video16.inr", "--output", f + "/x.y4m"],
                 message: "\(f)/bomb-video16.inr: decoding a 9400×9400 clip of 12 frames makes 1590480000 samples, above the decoder's limit of 536870912 (raise it with INR_DECODE_MAX_SAMPLES)"),
            Case(name: "a 20000 × 20000 PNG", arguments: ["compress", Self.imageConfig, "--input", f + "/huge.png", "--output", f + "/o.inr"],
                 message: "\(f)/huge.png: a 20000×20000 image has 400000000 pixels, above the decoder's limit of 67108864 (raise it with INR_DECODE_MAX_PIXELS)"),
            Case(name: "one column beyond the decoder", arguments: ["compress", Self.imageConfig, "--input", f + "/8193.png", "--output", f + "/o.inr"],
                 message: "\(f)/8193.png: a 8193×8192 image has 67117056 pixels, above the decoder's limit of 67108864 (raise it with INR_DECODE_MAX_PIXELS)"),
            Case(name: "a bad budget variable", arguments: ["decode", Self.golden, "--output", f + "/x.png"],
                 message: "INR_DECODE_MAX_SAMPLES=lots: expected a positive whole number such as 1e12", environment: ["INR_DECODE_MAX_SAMPLES": "lots"]),
        ]
        if Self.makeDevice(f + "/full", minor: 7) {
            cases.append(Case(name: "full disk", arguments: ["decode", Self.golden, "--output", f + "/full"],
                              message: "\(f)/full: cannot write: No space left on device"))
        } else {
            print("full-disk case skipped: cannot create a device node here (not root, or a nodev file system)")
        }

        var failures: [String] = []
        for item in cases {
            let outcome = try ProcessProbe.run(Self.binary, item.arguments, environment: item.environment, deadline: 30)
            // The error line; a fit's progress lines may come before it.
            let errorLine = outcome.stderr.split(separator: "\n").first { $0.hasPrefix("Error: ") }.map(String.init) ?? ""
            let expected = "Error: " + item.message
            if outcome.exitStatus != item.status || errorLine != expected {
                failures.append("\(item.name): expected status \(item.status) and\n    \(expected)\n  got \(outcome)")
            }
            XCTAssertLessThan(outcome.stderr.utf8.count, 1000, "\(item.name): the error is short")
            XCTAssertFalse(outcome.stderr.contains("yaml_") || outcome.stderr.contains("Fatal error"), "\(item.name): \(outcome.stderr)")
            XCTAssertLessThan(outcome.seconds, 10, "\(item.name) is refused quickly")
        }
        XCTAssert(failures.isEmpty, failures.joined(separator: "\n"))
        let left = try FileManager.default.contentsOfDirectory(atPath: f).filter { !["trunc.png", "adir", "huge.y4m", "dup.yaml", "deep.yaml", "nan.yaml", "empty.yaml", "empty.inr", "bomb.inr", "bomb-video.inr", "bomb-video16.inr", "full", "huge.png", "8193.png"].contains($0) }
        XCTAssertEqual(left, [], "no failed command leaves a file")
    }

    /// Every command refuses an output that is one of its inputs, however it is spelt (a hard
    /// link, a symlink, `./`), before any work and naming both; the input is left as it was.
    func testNoCommandOverwritesItsInput() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let f = folder
        for (source, name) in [(Self.image, "a.png"), (Self.golden, "a.inr"), (Self.clip, "c.y4m"), (Self.imageConfig, "c.yaml")] {
            try FileManager.default.copyItem(atPath: source, toPath: f + "/" + name)
        }
        try FileManager.default.linkItem(atPath: f + "/a.png", toPath: f + "/hard.png")
        try FileManager.default.createSymbolicLink(atPath: f + "/soft.inr", withDestinationPath: f + "/a.inr")
        let before = try FileManager.default.contentsOfDirectory(atPath: f).sorted().map { FileManager.default.contents(atPath: f + "/" + $0) }
        let steps = ["--steps", "5"]
        let cases: [([String], String)] = [
            (["compress", f + "/c.yaml", "--input", f + "/a.png", "--output", f + "/o.inr", "--metrics", f + "/hard.png"] + steps,
             "--metrics \(f)/hard.png is --input \(f)/a.png: refusing to overwrite an input; choose another output"),
            (["compress", f + "/c.yaml", "--input", f + "/a.png", "--output", f + "/o.inr", "--reconstruction", f + "/c.yaml"] + steps,
             "--reconstruction \(f)/c.yaml is the config \(f)/c.yaml: refusing to overwrite an input; choose another output"),
            (["compress", Self.videoConfig, "--input", f + "/c.y4m", "--output", f + "/o.inr", "--reconstruction", f + "/./c.y4m"] + steps,
             "--reconstruction \(f)/./c.y4m is --input \(f)/c.y4m: refusing to overwrite an input; choose another output"),
            (["decode", f + "/a.inr", "--output", f + "/soft.inr"],
             "--output \(f)/soft.inr is the file \(f)/a.inr: refusing to overwrite an input; choose another output"),
            (["inspect", f + "/a.inr", "--symbols", f + "/a.inr"],
             "--symbols \(f)/a.inr is the file \(f)/a.inr: refusing to overwrite an input; choose another output"),
            (["fit", f + "/c.yaml", "--input", f + "/a.png", "--output", f + "/hard.png"] + steps,
             "--output \(f)/hard.png is --input \(f)/a.png: refusing to overwrite an input; choose another output"),
            (["fit", f + "/c.yaml", "--input", f + "/a.png", "--output", f + "/r.png", "--checkpoint", f + "/c.yaml"] + steps,
             "--checkpoint \(f)/c.yaml is the config \(f)/c.yaml: refusing to overwrite an input; choose another output"),
            (["eval", "compare", f + "/a.png", f + "/a.png", "--csv", f + "/hard.png"],
             "--csv \(f)/hard.png is the original \(f)/a.png: refusing to overwrite an input; choose another output"),
        ]
        for (arguments, message) in cases {
            let outcome = try ProcessProbe.run(Self.binary, arguments, deadline: 30)
            XCTAssertEqual(outcome.exitStatus, 1, "\(arguments): \(outcome)")
            XCTAssertEqual(outcome.stderr, "Error: \(message)\n", "\(arguments)")
            XCTAssertLessThan(outcome.seconds, 5, "refused before any work")
        }
        let after = try FileManager.default.contentsOfDirectory(atPath: f).sorted().map { FileManager.default.contents(atPath: f + "/" + $0) }
        XCTAssertEqual(after, before, "every input is as it was, and nothing was added")
    }

    /// Outputs that are not regular files are written where they are, never replaced: a device,
    /// a FIFO, a symlink (its target is replaced, the link stays).
    func testSpecialOutputsAreWrittenInPlace() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let f = folder
        if Self.makeDevice(f + "/null", minor: 3) {
            let outcome = try ProcessProbe.run(Self.binary, ["decode", Self.golden, "--output", f + "/null"])
            XCTAssertEqual(outcome.exitStatus, 0, "\(outcome)")
            var status = stat()
            XCTAssertEqual(stat(f + "/null", &status), 0)
            XCTAssertEqual(status.st_mode & S_IFMT, S_IFCHR, "the device node is still a device")
            // compress verifies a file it cannot read back (a device) from its bytes.
            let compressed = try ProcessProbe.run(Self.binary, ["compress", Self.imageConfig, "--input", Self.image, "--output", f + "/null", "--steps", "5"])
            XCTAssertEqual(compressed.exitStatus, 0, "\(compressed)")
            XCTAssertEqual(stat(f + "/null", &status), 0)
            XCTAssertEqual(status.st_mode & S_IFMT, S_IFCHR, "the device node is still a device")
        } else {
            print("device-node output skipped: cannot create a device node here (not root, or a nodev file system)")
        }
        XCTAssertEqual(mkfifo(f + "/fifo", 0o644), 0)
        final class Received: @unchecked Sendable { var data = Data() }
        let received = Received(), drained = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let descriptor = open(f + "/fifo", O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 65536)
            while descriptor >= 0 {
                let count = read(descriptor, &buffer, buffer.count)
                if count <= 0 { break }
                received.data.append(contentsOf: buffer[..<count])
            }
            close(descriptor)
            drained.signal()
        }
        let fifo = try ProcessProbe.run(Self.binary, ["decode", Self.golden, "--output", f + "/fifo"])
        XCTAssertEqual(fifo.exitStatus, 0, "\(fifo)")
        drained.wait()
        XCTAssert(received.data.starts(with: [0x89, 0x50, 0x4E, 0x47]), "the PNG went through the FIFO")
        var status = stat()
        XCTAssertEqual(lstat(f + "/fifo", &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO, "the FIFO is still a FIFO")

        try Data("old".utf8).write(to: URL(fileURLWithPath: f + "/target.png"))
        try FileManager.default.createSymbolicLink(atPath: f + "/link.png", withDestinationPath: "target.png")
        let linked = try ProcessProbe.run(Self.binary, ["decode", Self.golden, "--output", f + "/link.png"])
        XCTAssertEqual(linked.exitStatus, 0, "\(linked)")
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: f + "/link.png"), "target.png", "the link stays")
        XCTAssert(FileManager.default.contents(atPath: f + "/target.png")?.starts(with: [0x89, 0x50]) == true, "its target is the image")

        // Standard output, written on its descriptor.
        let streamed = try ProcessProbe.run(Self.binary, ["decode", Self.golden, "--output", "/dev/stdout"])
        XCTAssertEqual(streamed.exitStatus, 0, "\(streamed)")

        // A closed standard output does not kill the command; its file is still written.
        let closed = try ProcessProbe.run(Self.binary, ["decode", Self.golden, "--output", f + "/closed.png"], closedStandardOutput: true)
        XCTAssertEqual(closed.exitStatus, 0, "\(closed)")
        XCTAssert(FileManager.default.fileExists(atPath: f + "/closed.png"))
    }

    /// What the probe counted (docs/reliability.md quotes the figures this test prints).
    struct ProbeCounts {
        var cases = 0, crashes = 0, hangs = 0, leftovers = 0, peakMemory = 0
        /// How the signalled runs ended: exited on the signal (with what they kept), finished
        /// first (or, for a first SIGINT during a fit, finished with the best weights), killed.
        var interrupted = 0, keptSome = 0, finished = 0, killed = 0
        /// Peak memory of the damaged and crafted files' runs (the signalled runs fit and decode
        /// real images and clips).
        var damagedPeakMemory = 0
        var problems: [String] = []

        /// Counts one run: `allowed` exit statuses, `killed` whether SIGKILL was sent; `left`
        /// the files that must not be there.
        mutating func record(_ name: String, _ outcome: ProcessProbe.Outcome, allowed: Set<Int32>, killed: Bool = false, left: [String] = []) {
            cases += 1
            peakMemory = max(peakMemory, outcome.peakMemory)
            if outcome.timedOut {
                hangs += 1
                problems.append("\(name): hung: \(outcome)")
            } else if let status = outcome.exitStatus, !allowed.contains(status) {
                crashes += 1
                problems.append("\(name): exit \(status): \(outcome)")
            } else if let signal = outcome.signal, !(killed && signal == SIGKILL) {
                crashes += 1
                problems.append("\(name): died of signal \(signal): \(outcome)")
            }
            if !left.isEmpty {
                leftovers += 1
                problems.append("\(name): left \(left): \(outcome)")
            }
        }
    }

    /// The probe of issue 14 in the suite: truncations and mutations (half with every CRC
    /// fixed, so that they reach the section parsers) of every kind of .inr through `inr
    /// decode`; the crafted files; and SIGINT, SIGTERM and SIGKILL at seeded random moments
    /// during `compress` and `decode` of an image and a clip. No run may crash, hang, use more
    /// than 200 MB (the fuzzed and crafted files) or leave a file it did not publish whole.
    func testProbe() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var counts = ProbeCounts()
        var random = SeededGenerator(seed: 14)

        // Damaged files: every run ends in a clear error (or, rarely, a harmless change that
        // still decodes), within a second, under 200 MB, with nothing left but a whole output.
        for name in ["sape-global.inr", "lossless-interlaced.inr", "grid.inr", "video-nirvana.inr", "video-segmented.inr"] {
            let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestSupport.path("Media/golden/" + name))))
            let output = name.hasPrefix("video") ? "out.y4m" : "out.png"
            var variants: [[UInt8]] = stride(from: 0, to: bytes.count, by: max(1, bytes.count / 40)).map { Array(bytes.prefix($0)) }
            for index in 0..<120 {
                if index % 2 == 1, let mutated = Self.mutatedSection(bytes, random: &random) {
                    variants.append(mutated)
                    continue
                }
                var mutated = bytes
                for _ in 0...(random.next() % 3) { mutated[Int(random.next() % UInt64(mutated.count))] ^= UInt8(1 + random.next() % 255) }
                variants.append(mutated)
            }
            for (index, variant) in variants.enumerated() {
                let work = folder + "/fuzz"
                try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                try Data(variant).write(to: URL(fileURLWithPath: work + "/in.inr"))
                let outcome = try ProcessProbe.run(Self.binary, ["decode", work + "/in.inr", "--output", work + "/" + output], deadline: 20)
                var expected: Set = ["in.inr"]
                if outcome.exitStatus == 0 { expected.insert(output) }
                let left = try FileManager.default.contentsOfDirectory(atPath: work).filter { !expected.contains($0) }
                counts.record("\(name) variant \(index)", outcome, allowed: [0, 1], left: left)
                counts.damagedPeakMemory = max(counts.damagedPeakMemory, outcome.peakMemory)
                if outcome.seconds > 5 || outcome.peakMemory > 200 << 20 {
                    counts.problems.append("\(name) variant \(index): \(outcome)")
                }
                try FileManager.default.removeItem(atPath: work)
            }
        }

        // Crafted headers: refused from the header in under a second, under 200 MB.
        for (name, bytes, output) in [
            ("huge network", CraftedFiles.imageWithHugeNetwork(), "out.png"), ("huge clip", CraftedFiles.videoWithHugeFrames(), "out.y4m"),
            ("huge 16-bit clip", CraftedFiles.videoWithHugeFrames(bitDepth: 16), "out.y4m"),
        ] {
            let work = folder + "/crafted"
            try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: work + "/in.inr"))
            let outcome = try ProcessProbe.run(Self.binary, ["decode", work + "/in.inr", "--output", work + "/" + output], deadline: 20)
            let left = try FileManager.default.contentsOfDirectory(atPath: work).filter { $0 != "in.inr" }
            counts.record("crafted \(name)", outcome, allowed: [1], left: left)
            counts.damagedPeakMemory = max(counts.damagedPeakMemory, outcome.peakMemory)
            if outcome.seconds > 1 || outcome.peakMemory > 200 << 20 { counts.problems.append("crafted \(name): \(outcome)") }
            try FileManager.default.removeItem(atPath: work)
        }

        // Signals at random moments: an interrupted command exits (130, 143) saying what it
        // kept, which is exactly what is there; SIGKILL leaves nothing unnamed or partial.
        let jobs: [(name: String, arguments: (String) -> [String], outputs: [String])] = [
            ("compress image", { ["compress", Self.imageConfig, "--input", Self.image, "--output", $0 + "/o.inr", "--steps", "300",
                                  "--metrics", $0 + "/m.json", "--reconstruction", $0 + "/r.png"] }, ["o.inr", "m.json", "r.png"]),
            ("decode image", { ["decode", Self.golden, "--output", $0 + "/d.png", "--scale", "16"] }, ["d.png"]),
            ("compress clip", { ["compress", Self.videoConfig, "--input", Self.clip, "--output", $0 + "/v.inr", "--steps", "40",
                                 "--reconstruction", $0 + "/v.y4m", "--metrics", $0 + "/m.json"] }, ["v.inr", "v.y4m", "m.json"]),
            ("decode clip", { ["decode", Self.goldenVideo, "--output", $0 + "/d.y4m"] }, ["d.y4m"]),
        ]
        var durations: [String] = []
        for job in jobs {
            // The moments fall between `main` and the end of an undisturbed run of the job.
            let reference = folder + "/reference"
            try FileManager.default.createDirectory(atPath: reference, withIntermediateDirectories: true)
            let undisturbed = try ProcessProbe.run(Self.binary, job.arguments(reference), blockedMask: Self.handledSignals, deadline: 60)
            try FileManager.default.removeItem(atPath: reference)
            XCTAssertEqual(undisturbed.exitStatus, 0, "\(job.name): \(undisturbed)")
            durations.append(String(format: "%@ %.2f s", job.name, undisturbed.seconds))
            let span = max(0.01, undisturbed.seconds - 0.1)
            for signal in [SIGINT, SIGTERM, SIGKILL] {
                for trial in 0..<5 {
                    let work = folder + "/signal"
                    try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
                    // From the moment `main` blocks the signals: before, while the loader maps the
                    // libraries (about 0.1 s), a signal takes its default action, no file open yet.
                    // Odd trials set OPENBLAS_CORETYPE, so the launcher does not re-execute and
                    // OpenBLAS's threads, started before `main`, do not block the signals.
                    let moment = Double(random.next() % 1000) / 1000 * span
                    let environment = trial % 2 == 1 ? CPUFeatures.current.openBLASCoreType.map { ["OPENBLAS_CORETYPE": $0] } ?? [:] : [:]
                    let outcome = try ProcessProbe.run(
                        Self.binary, job.arguments(work), environment: environment, signal: signal, signalAfter: moment,
                        blockedMask: Self.handledSignals, deadline: 60)
                    let present = Set(try FileManager.default.contentsOfDirectory(atPath: work))
                    var unexpected = present.subtracting(job.outputs)
                    if outcome.exitStatus == 130 || outcome.exitStatus == 143 {
                        // "kept A, B (complete)" or "no output was written": exactly those files.
                        let kept = Set(job.outputs.filter { outcome.stderr.contains("kept") && outcome.stderr.contains(work + "/" + $0) })
                        unexpected.formUnion(present.symmetricDifference(kept))
                        if !outcome.stderr.contains("interrupted (") { counts.problems.append("\(job.name): no interrupt message: \(outcome)") }
                    } else if outcome.exitStatus == 0 {
                        unexpected.formUnion(Set(job.outputs).subtracting(present))
                    }
                    if outcome.exitStatus == 130 || outcome.exitStatus == 143 {
                        counts.interrupted += 1
                        if outcome.stderr.contains("kept") { counts.keptSome += 1 }
                    } else if outcome.exitStatus == 0 {
                        counts.finished += 1
                    } else if outcome.signal == SIGKILL {
                        counts.killed += 1
                    }
                    counts.record("\(job.name), signal \(signal) at \(moment) s (trial \(trial))", outcome,
                                  allowed: [0, 130, 143], killed: signal == SIGKILL, left: unexpected.sorted())
                    try FileManager.default.removeItem(atPath: work)
                }
            }
        }

        print(String(format: "probe: %d cases, %d crashes, %d hangs, %d leftovers, peak memory %d MB (damaged and crafted files: %d MB); signalled runs: "
                     + "%d interrupted (%d of them had published outputs, and said so), %d finished first, %d killed",
                     counts.cases, counts.crashes, counts.hangs, counts.leftovers, counts.peakMemory >> 20, counts.damagedPeakMemory >> 20,
                     counts.interrupted, counts.keptSome, counts.finished, counts.killed)
              + "; undisturbed runs: " + durations.joined(separator: ", "))
        XCTAssert(counts.problems.isEmpty, counts.problems.prefix(20).joined(separator: "\n"))
    }

    /// SIGHUP, SIGINT and SIGTERM as `SigBlk` shows them: blocked from the first line of `main`.
    static let handledSignals: UInt64 = 1 << (SIGHUP - 1) | 1 << (SIGINT - 1) | 1 << (SIGTERM - 1)

    /// `original` with 1 to 3 bytes of one section's payload changed and the file framed
    /// again, so every CRC is right and the damage reaches the section parsers behind them.
    static func mutatedSection(_ original: [UInt8], random: inout SeededGenerator) -> [UInt8]? {
        guard let container = try? Container(reading: original) else { return nil }
        var sections = container.sections
        let index = Int(random.next() % UInt64(sections.count))
        var payload = Array(sections[index].payload)
        guard !payload.isEmpty else { return nil }
        for _ in 0...(random.next() % 3) { payload[Int(random.next() % UInt64(payload.count))] ^= UInt8(1 + random.next() % 255) }
        sections[index] = Container.Section(sections[index].tag, payload)
        return Container(sections: sections).bytes
    }

    /// A gray 8-bit PNG of any declared size whose image data is one stored deflate block of
    /// 100 zero bytes: legal up to the header, which is all a reader needs to refuse it.
    static func png(width: Int, height: Int) -> [UInt8] {
        func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
            let body = Array(type.utf8) + data
            return bigEndian(UInt32(data.count)) + body + bigEndian(CRC32.checksum(body))
        }
        func bigEndian(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } }
        let header = bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 0, 0, 0, 0]
        let zeros = [UInt8](repeating: 0, count: 100)
        let deflate: [UInt8] = [0x78, 0x01, 0x01, 100, 0, ~100, 0xFF] + zeros + bigEndian(UInt32(100 << 16 | 1))
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", deflate) + chunk("IEND", [])
    }

    /// A device node in a private folder (root only): a test never writes to the system's /dev.
    static func makeDevice(_ path: String, minor: UInt32) -> Bool {
        guard getuid() == 0, mknod(path, S_IFCHR | 0o666, makedev(1, minor)) == 0 else { return false }
        let descriptor = open(path, O_WRONLY)
        guard descriptor >= 0 else {
            unlink(path)
            return false
        }
        close(descriptor)
        return true
    }
}

private func makedev(_ major: UInt32, _ minor: UInt32) -> dev_t {
    dev_t((major & 0xfff) << 8 | (minor & 0xff) | ((minor & ~0xff) << 12))
}

/// Reproducible encodes: no shipped config has a time limit, so the same input, config and seed
/// give the same file on 1 or 2 threads, on an idle machine or one whose every core is busy.
final class ReproducibilityTests: XCTestCase {
    func testShippedConfigsHaveNoTimeLimit() throws {
        let configs = TestSupport.path("Configs")
        let files = FileManager.default.enumerator(atPath: configs)?.compactMap { $0 as? String }.filter { $0.hasSuffix(".yaml") } ?? []
        XCTAssertFalse(files.isEmpty)
        for file in files {
            let text = try String(contentsOfFile: configs + "/" + file, encoding: .utf8)
            XCTAssertFalse(text.contains("timeLimit:"), "\(file) sets a time limit")
        }
    }

    func testTheSameFileOnAnyThreadCountAndUnderLoad() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        func encode(_ name: String, threads: Int) throws -> Data {
            let output = folder + "/\(name).inr"
            let outcome = try ProcessProbe.run(
                ReliabilityTests.binary,
                ["compress", TestSupport.path("Configs/image/mlp.yaml"), "--input", TestSupport.kodimCrop, "--output", output,
                 "--steps", "600", "--threads", "\(threads)"], deadline: 300)
            XCTAssertEqual(outcome.exitStatus, 0, "\(outcome)")
            return try Data(contentsOf: URL(fileURLWithPath: output))
        }
        let idle = try encode("idle-1", threads: 1)
        XCTAssertEqual(try encode("idle-2", threads: 2), idle, "2 threads")
        // A CPU hog on every core: busy shells, killed afterwards.
        let hogs = try (0..<ProcessInfo.processInfo.activeProcessorCount).map { _ in
            let hog = Process()
            hog.executableURL = URL(fileURLWithPath: "/bin/sh")
            hog.arguments = ["-c", "while :; do :; done"]
            try hog.run()
            return hog
        }
        defer { for hog in hogs { hog.terminate(); hog.waitUntilExit() } }
        XCTAssertEqual(try encode("loaded-2", threads: 2), idle, "2 threads under a CPU hog")
        XCTAssertEqual(try encode("loaded-1", threads: 1), idle, "1 thread under a CPU hog")
    }
}
