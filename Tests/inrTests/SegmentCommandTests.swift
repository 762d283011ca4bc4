import Foundation
import INRTestSupport
import XCTest

/// `inr compress VIDEO-CONFIG --segment k/N`, `inr concat` and `--segments N`, run as a cluster
/// job would (docs/scale-out.md).
final class SegmentCommandTests: XCTestCase {
    func inr(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CommandLineTests.inr(arguments)
    }

    func testPartsConcatToTheOneProcessFile() throws {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let compress = ["compress", TestSupport.path("Configs/golden/video-nirvana.yaml"), "--input", TestSupport.path("Media/video/park_joy_64x48.y4m"),
                        "--set", "video.groupSize=2", "--set", "training.steps=40", "--set", "video.laterGroupSteps=10"]
        var samples: [String] = []
        for index in [1, 0, 2] {
            let part = try inr(compress + ["--segment", "\(index)/3", "--output", "\(folder)/part-\(index).inr", "--threads", index == 1 ? "1" : "2",
                                           "--metrics", "\(folder)/part-\(index).json"])
            XCTAssertEqual(part.status, 0, part.stderr)
            XCTAssertTrue(part.stdout.contains("part \(index) of 3"), part.stdout)
            let metrics = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: "\(folder)/part-\(index).json"))) as! [String: Any]
            XCTAssertEqual(metrics["part"] as? String, "\(index)/3")
            XCTAssertEqual(metrics["frames"] as? Int, index == 2 ? 4 : 2)
        }
        for index in 0..<3 {
            let decoded = try inr(["decode", "\(folder)/part-\(index).inr", "--output", "\(folder)/part-\(index).y4m"])
            XCTAssertEqual(decoded.status, 0, decoded.stderr)
            samples.append(decoded.stdout)
        }
        let concat = try inr(["concat", "\(folder)/part-2.inr", "\(folder)/part-0.inr", "\(folder)/part-1.inr", "--output", folder + "/joined.inr"])
        XCTAssertEqual(concat.status, 0, concat.stderr)
        XCTAssertTrue(concat.stdout.contains("joined 3 part(s), 3 segment(s), frames 0–7"), concat.stdout)
        let one = try inr(compress + ["--segments", "3", "--output", folder + "/one.inr", "--threads", "2"])
        XCTAssertEqual(one.status, 0, one.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: folder + "/joined.inr")), try Data(contentsOf: URL(fileURLWithPath: folder + "/one.inr")))
        let inspect = try inr(["inspect", folder + "/joined.inr"])
        XCTAssertTrue(inspect.stdout.contains("format version 2") && inspect.stdout.contains("segment 2  frames 4..<8"), inspect.stdout)
        // The joined clip is the parts' frames in order: its .y4m frames are theirs.
        XCTAssertEqual(try inr(["decode", folder + "/joined.inr", "--output", folder + "/joined.y4m"]).status, 0)
        let joined = try Data(contentsOf: URL(fileURLWithPath: folder + "/joined.y4m"))
        let frames = (0..<3).map { try! Data(contentsOf: URL(fileURLWithPath: "\(folder)/part-\($0).y4m")) }.map(Self.y4mFrames)
        XCTAssertEqual(Self.y4mFrames(joined), frames.flatMap { $0 })

        func refused(_ arguments: [String], _ message: String) throws {
            let result = try inr(arguments)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(result.stderr.contains(message), result.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/refused.inr"))
        }
        try refused(["concat", "\(folder)/part-0.inr", "\(folder)/part-2.inr", "--output", folder + "/refused.inr"], "part 1/3 missing")
        try refused(["concat", "\(folder)/part-0.inr", "\(folder)/part-1.inr", "\(folder)/part-2.inr", "\(folder)/joined.inr", "--output", folder + "/refused.inr"],
                    "is a whole clip")
        try refused(["concat", TestSupport.path("Media/golden/video-nirvana.inr"), "--output", folder + "/refused.inr"], "not a part of a clip")
        try refused(["concat", "\(folder)/part-0.inr", "--output", "\(folder)/part-0.inr"], "refusing to overwrite an input")
        try refused(compress + ["--segment", "0/5", "--output", folder + "/refused.inr"], "cannot be cut into 5 parts")
        try refused(compress + ["--segment", "3/3", "--output", folder + "/refused.inr"], "--segment 3/3: i must be between 0 and 2")
        try refused(compress + ["--segment", "0/2", "--segments", "2", "--output", folder + "/refused.inr"], "not both")
        try refused(["compress", TestSupport.path("Configs/image/mlp.yaml"), "--input", TestSupport.kodimCrop, "--segment", "0/2",
                     "--output", folder + "/refused.inr"], "are for clips")
    }

    /// A .y4m file's frames (the bytes after each FRAME line), its header left out.
    static func y4mFrames(_ data: Data) -> [Data] {
        let marker = Data("FRAME\n".utf8)
        var frames: [Data] = []
        var start = data.range(of: marker)
        while let current = start {
            let next = data.range(of: marker, in: current.upperBound..<data.count)
            frames.append(data.subdata(in: current.upperBound..<(next?.lowerBound ?? data.count)))
            start = next
        }
        return frames
    }
}
