import Foundation
import INRMedia
import INRTestSupport
import XCTest

/// `inr eval compare | sweep | plot` and `inr compress --model`, run as a user would.
final class EvalCommandTests: XCTestCase {
    func inr(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CommandLineTests.inr(arguments)
    }

    func json(_ path: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any]
    }

    func testCompareMeasuresFilesAndPlotDrawsThem() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = TestSupport.path("Configs/golden/positional-layer-qat.yaml")
        let compress = try inr(["compress", config, "--input", TestSupport.kodimCrop, "--output", folder + "/x.inr",
                                "--reconstruction", folder + "/x.png", "--metrics", folder + "/m.json", "--threads", "2"])
        XCTAssertEqual(compress.status, 0, compress.stderr)
        let report = try json(folder + "/m.json")
        let size = try Data(contentsOf: URL(fileURLWithPath: folder + "/x.inr")).count

        // An .inr reconstruction is decoded; its size gives the rate.
        let compare = try inr(["eval", "compare", TestSupport.kodimCrop, folder + "/x.inr", "--json"])
        XCTAssertEqual(compare.status, 0, compare.stderr)
        let measured = try JSONSerialization.jsonObject(with: Data(compare.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(measured["psnr"] as! Double, report["psnr"] as! Double, accuracy: 1e-9)
        XCTAssertEqual(measured["bytes"] as? Int, size)
        XCTAssertEqual(measured["bpp"] as! Double, Double(size * 8) / (128 * 128), accuracy: 1e-12)
        XCTAssertNil(measured["msssim"], "the crop is under 161 pixels a side")

        // A PNG reconstruction with --compressed, appended to a CSV with awkward names.
        for setting in ["q=\"1\"", "a, b"] {
            let row = try inr(["eval", "compare", TestSupport.kodimCrop, folder + "/x.png", "--compressed", folder + "/x.inr",
                               "--codec", "my, codec", "--setting", setting, "--csv", folder + "/t.csv", "--encode-seconds", "1.5"])
            XCTAssertEqual(row.status, 0, row.stderr)
            XCTAssertTrue(row.stdout.contains(String(format: "PSNR %.2f dB", report["psnr"] as! Double)), row.stdout)
        }
        let plot = try inr(["eval", "plot", folder + "/t.csv", "--output", folder + "/rd.svg", "--csv", folder + "/merged.csv"])
        XCTAssertEqual(plot.status, 0, plot.stderr)
        let svg = try String(contentsOfFile: folder + "/rd.svg", encoding: .utf8)
        for text in ["<svg", "</svg>", "my, codec", "COIN (Dupont et al. 2021)", "Strümpler et al. 2022", "PSNR (dB)"] {
            XCTAssertTrue(svg.contains(text), text)
        }
        // The CSV reads back exactly (quoted fields survive).
        XCTAssertEqual(try String(contentsOfFile: folder + "/merged.csv", encoding: .utf8),
                       try String(contentsOfFile: folder + "/t.csv", encoding: .utf8))
        XCTAssertTrue(plot.stdout.contains("a, b") && plot.stdout.contains("q=\"1\""), plot.stdout)
        // --images keeps only those rows; none left is an error, and --no-anchors leaves them out.
        let subset = try inr(["eval", "plot", folder + "/t.csv", "--output", folder + "/s.svg", "--images", "kodim23_crop128.png", "--no-anchors"])
        XCTAssertEqual(subset.status, 0, subset.stderr)
        XCTAssertFalse(try String(contentsOfFile: folder + "/s.svg", encoding: .utf8).contains("COIN"))
        XCTAssertNotEqual(try inr(["eval", "plot", folder + "/t.csv", "--output", folder + "/n.svg", "--images", "other.png"]).status, 0)

        // An exact reconstruction has an infinite PSNR, written as "inf" in JSON and CSV.
        let exact = try inr(["eval", "compare", TestSupport.kodimCrop, TestSupport.kodimCrop, "--json"])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        XCTAssertTrue(exact.stdout.contains("\"psnr\":\"inf\""), exact.stdout)
        let exactRow = try inr(["eval", "compare", TestSupport.kodimCrop, TestSupport.kodimCrop, "--compressed", TestSupport.kodimCrop,
                                "--codec", "PNG", "--csv", folder + "/exact.csv"])
        XCTAssertTrue(exactRow.stdout.contains("identical samples"), exactRow.stdout)
        let exactPlot = try inr(["eval", "plot", folder + "/exact.csv", folder + "/t.csv", "--output", folder + "/e.svg"])
        XCTAssertEqual(exactPlot.status, 0, exactPlot.stderr)
        XCTAssertTrue(exactPlot.stdout.contains("left out 1 exact"), exactPlot.stdout)
        XCTAssertNotEqual(try inr(["eval", "plot", folder + "/exact.csv", "--output", folder + "/f.svg"]).status, 0)

        // A reconstruction of another shape is refused.
        let wrong = try inr(["eval", "compare", TestSupport.kodimCrop, TestSupport.path("Media/png/rgb16.png")])
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.stderr.contains("rgb16.png"), wrong.stderr)
    }

    func testSweepRunsEveryCombinationAndResumes() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/images", withIntermediateDirectories: true)
        for name in ["rgb16.png", "gray8.png", "palette.png"] {
            try FileManager.default.copyItem(atPath: TestSupport.path("Media/png/" + name), toPath: folder + "/images/" + name)
        }
        let arguments = ["eval", "sweep", TestSupport.path("Configs/image/mlp.yaml"), "--images", folder + "/images", "--limit", "2",
                         "--set", "network.width=8,12", "--set", "training.steps=30", "--set", "quantization.qatSteps=2",
                         "--output", folder + "/out", "--threads", "2"]
        let sweep = try inr(arguments)
        XCTAssertEqual(sweep.status, 0, sweep.stderr)
        let results = try json(folder + "/out/results.json")
        let rows = results["rows"] as! [[String: Any]]
        XCTAssertEqual(rows.count, 4)
        XCTAssertEqual(Set(rows.map { $0["image"] as! String }), ["gray8.png", "palette.png"])
        let summaries = results["summaries"] as! [[String: Any]]
        XCTAssertEqual(summaries.map { $0["setting"] as! String },
                       ["network.width=8 training.steps=30 quantization.qatSteps=2", "network.width=12 training.steps=30 quantization.qatSteps=2"])
        XCTAssertLessThan(summaries[0]["bpp"] as! Double, summaries[1]["bpp"] as! Double, "wider networks take more bytes")
        // Each row's rate is its file's.
        for row in rows {
            let slug = (row["setting"] as! String).replacingOccurrences(of: " ", with: "_")
            let name = (row["image"] as! String).replacingOccurrences(of: ".png", with: ".inr")
            let size = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/out/files/\(slug)/\(name)")).count
            XCTAssertEqual(row["bytes"] as? Int, size)
        }
        XCTAssertTrue(try String(contentsOfFile: folder + "/out/rd.svg", encoding: .utf8).contains("<polyline"))

        // A rerun finds every pair done and fits nothing.
        let csv = try String(contentsOfFile: folder + "/out/results.csv", encoding: .utf8)
        let again = try inr(arguments)
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stdout.contains("bpp, PSNR"), again.stdout)
        XCTAssertEqual(try String(contentsOfFile: folder + "/out/results.csv", encoding: .utf8), csv)

        // A bad key fails before any fit, naming it.
        let bad = try inr(["eval", "sweep", TestSupport.path("Configs/image/mlp.yaml"), "--images", folder + "/images",
                           "--set", "network.widht=8", "--output", folder + "/bad"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("network.widht"), bad.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/bad"))
    }

    /// `sweep --shard i/N` runs a deterministic share of the jobs into its own folder; `merge`
    /// writes the unsharded run's rows and files, and refuses missing, repeated, foreign or
    /// unfinished shards.
    func testShardedSweepMergesToTheUnshardedResults() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/images", withIntermediateDirectories: true)
        for name in ["rgb16.png", "gray8.png", "palette.png"] {
            try FileManager.default.copyItem(atPath: TestSupport.path("Media/png/" + name), toPath: folder + "/images/" + name)
        }
        let sweep = ["eval", "sweep", TestSupport.path("Configs/image/mlp.yaml"), "--images", folder + "/images",
                     "--set", "network.width=8,12", "--set", "training.steps=30", "--set", "quantization.qatSteps=2", "--threads", "1"]
        XCTAssertEqual(try inr(sweep + ["--output", folder + "/one"]).status, 0)
        var owned: [Set<String>] = []
        for index in 0..<4 {
            let shard = try inr(sweep + ["--shard", "\(index)/4", "--output", folder + "/sharded"])
            XCTAssertEqual(shard.status, 0, shard.stderr)
            let rows = try csvLines(folder + "/sharded/shard-\(index)-of-4/results.csv")
            XCTAssertEqual(rows.count, index < 2 ? 2 : 1, "6 jobs round-robin over 4 shards")
            owned.append(Set(rows))
        }
        XCTAssertEqual(owned.reduce(0) { $0 + $1.count }, 6)
        XCTAssertEqual(owned.reduce(Set<String>()) { $0.union($1) }.count, 6, "no job runs twice")
        // A rerun of a shard resumes: nothing left to fit.
        let again = try inr(sweep + ["--shard", "2/4", "--output", folder + "/sharded"])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertFalse(again.stdout.contains("bpp, PSNR"), again.stdout)

        let shards = (0..<4).map { "\(folder)/sharded/shard-\($0)-of-4" }
        let merge = try inr(["eval", "merge"] + shards.reversed() + ["--output", folder + "/merged"])
        XCTAssertEqual(merge.status, 0, merge.stderr)
        XCTAssertEqual(try csvLines(folder + "/merged/results.csv"), try csvLines(folder + "/one/results.csv"), "rows in order, timings aside")
        let files = try FileManager.default.subpathsOfDirectory(atPath: folder + "/one/files").filter { $0.hasSuffix(".inr") }
        XCTAssertEqual(files.count, 6)
        for file in files {
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/merged/files/" + file)),
                           try Data(contentsOf: URL(fileURLWithPath: folder + "/one/files/" + file)), file)
        }
        XCTAssertTrue(try String(contentsOfFile: folder + "/merged/rd.svg", encoding: .utf8).contains("<polyline"))

        func refused(_ parts: [String], _ message: String) throws {
            let result = try inr(["eval", "merge"] + parts + ["--output", folder + "/refused"])
            XCTAssertNotEqual(result.status, 0, message)
            XCTAssertTrue(result.stderr.contains(message), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/refused/results.csv"))
        }
        try refused(Array(shards.prefix(3)), "shard 3/4 missing")
        try refused(shards + [shards[1]], "are both shard 1/4")
        // A shard killed before its last job: the merge names it; running it again completes it.
        let csv = shards[0] + "/results.csv"
        let complete = try String(contentsOfFile: csv, encoding: .utf8)
        try complete.split(separator: "\n").dropLast().map { $0 + "\n" }.joined().write(toFile: csv, atomically: true, encoding: .utf8)
        try refused(shards, "shard 0/4 has 1 of its 2 jobs done")
        XCTAssertEqual(try inr(sweep + ["--shard", "0/4", "--output", folder + "/sharded"]).status, 0)
        XCTAssertEqual(try inr(["eval", "merge"] + shards + ["--output", folder + "/merged"]).status, 0)
        XCTAssertEqual(try csvLines(folder + "/merged/results.csv"), try csvLines(folder + "/one/results.csv"))
        // Another sweep's shard (other settings) is refused, by the merge and by a resumed shard.
        let other = try inr(sweep.map { $0 == "network.width=8,12" ? "network.width=10" : $0 } + ["--shard", "1/4", "--output", folder + "/other"])
        XCTAssertEqual(other.status, 0, other.stderr)
        try refused([shards[0], folder + "/other/shard-1-of-4"] + shards.suffix(2), "is a shard of another sweep")
        let mixed = try inr(sweep.map { $0 == "network.width=8,12" ? "network.width=10" : $0 } + ["--shard", "1/4", "--output", folder + "/sharded"])
        XCTAssertNotEqual(mixed.status, 0)
        XCTAssertTrue(mixed.stderr.contains("of another sweep"), mixed.stderr)
        for bad in ["4/4", "1", "-1/2", "0/0"] {
            let result = try inr(sweep + ["--shard", bad, "--output", folder + "/bad"])
            XCTAssertNotEqual(result.status, 0, bad)
            XCTAssertTrue(result.stderr.contains("--shard \(bad)"), result.stderr)
        }
    }

    /// A results.csv's rows without the timing columns (encode and decode seconds).
    func csvLines(_ path: String) throws -> [String] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
            line.split(separator: ",", omittingEmptySubsequences: false).dropLast(2).joined(separator: ",")
        }
    }

    /// `compress --model` quantises a checkpoint without fitting again.
    func testCompressQuantisesACheckpoint() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = TestSupport.path("Configs/image/mlp.yaml")
        let fit = try inr(["fit", config, "--input", TestSupport.kodimCrop, "--output", folder + "/fit.png", "--steps", "60",
                           "--metrics", folder + "/fit.json", "--set", "network.width=16"])
        XCTAssertEqual(fit.status, 0, fit.stderr)
        let compress = try inr(["compress", config, "--input", TestSupport.kodimCrop, "--output", folder + "/x.inr", "--model", folder + "/fit.inrmodel",
                                "--set", "network.width=16", "--set", "quantization.qatSteps=5", "--metrics", folder + "/m.json"])
        XCTAssertEqual(compress.status, 0, compress.stderr)
        let report = try json(folder + "/m.json")
        XCTAssertEqual(report["fitSteps"] as? Int, 0)
        XCTAssertEqual(report["qatSteps"] as? Int, 5)
        XCTAssertEqual(report["floatPSNR"] as! Double, try json(folder + "/fit.json")["psnr"] as! Double, accuracy: 1e-9)
        XCTAssertGreaterThan(report["psnr"] as! Double, report["floatPSNR"] as! Double - 1)
        // A checkpoint of another image is refused.
        let other = try inr(["compress", config, "--input", TestSupport.path("Media/png/rgb16.png"), "--output", folder + "/y.inr",
                             "--model", folder + "/fit.inrmodel"])
        XCTAssertNotEqual(other.status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/y.inr"))
    }
}
