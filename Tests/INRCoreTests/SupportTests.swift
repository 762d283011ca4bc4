import INRCore
import XCTest

final class SupportTests: XCTestCase {
    func testSeededGeneratorIsReproducibleAndStreamsDiffer() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42)
        XCTAssertEqual((0..<5).map { _ in a.next() }, (0..<5).map { _ in b.next() })
        var c = SeededGenerator(seed: 42, stream: "initialization"), d = SeededGenerator(seed: 42, stream: "batches")
        XCTAssertNotEqual(c.next(), d.next())
        // A fixed value guards the algorithm itself: changing it changes every fit.
        var golden = SeededGenerator(seed: 0)
        XCTAssertEqual(golden.next(), 0x99EC_5F36_CB75_F2B4)
    }

    func testGeneratorDistributions() {
        var generator = SeededGenerator(seed: 7)
        let uniforms = (0..<100_000).map { _ in generator.nextUnit() }
        XCTAssertEqual(uniforms.reduce(0, +) / 1e5, 0.5, accuracy: 0.01)
        XCTAssertTrue(uniforms.allSatisfy { $0 >= 0 && $0 < 1 })
        let normals = (0..<100_000).map { _ in generator.nextGaussian() }
        let mean = normals.reduce(0, +) / 1e5
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 1e5
        XCTAssertEqual(mean, 0, accuracy: 0.02)
        XCTAssertEqual(variance, 1, accuracy: 0.02)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[generator.nextIndex(below: 7)] += 1 }
        XCTAssertTrue(counts.allSatisfy { abs($0 - 10_000) < 500 })
    }

    func testWorkerPoolRunsEveryTaskOnce() {
        for threads in [1, 2, 3] {
            let pool = WorkerPool(threadCount: threads)
            for tasks in [0, 1, 5, 64] {
                let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: max(tasks, 1))
                hits.initialize(repeating: 0)
                pool.run(tasks: tasks) { task, worker in
                    XCTAssertLessThan(worker, threads)
                    hits[task] += 1
                }
                XCTAssertEqual(Array(hits.prefix(tasks)), Array(repeating: 1, count: tasks))
                hits.deallocate()
            }
        }
    }

    func testWorkerPoolIsReleased() {
        weak var released: WorkerPool?
        do {
            let pool = WorkerPool(threadCount: 2)
            pool.run(tasks: 4) { _, _ in }
            released = pool
        }
        XCTAssertNil(released, "worker threads must not keep the pool alive")
    }

    func testCRC32KnownValue() {
        XCTAssertEqual(CRC32.checksum(Array("123456789".utf8)), 0xCBF4_3926)
        XCTAssertEqual(CRC32.checksum([UInt8]()), 0)
    }

    func testOutputFileLeavesNothingOnFailure() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inr-output-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/out.bin"
        struct Failure: Error {}
        XCTAssertThrowsError(try OutputFile.write(to: target) { writePath in
            let descriptor = open(writePath, O_WRONLY | O_TRUNC)
            XCTAssertGreaterThanOrEqual(descriptor, 0)
            _ = [UInt8]([1, 2, 3]).withUnsafeBytes { write(descriptor, $0.baseAddress!, 3) }
            close(descriptor)
            throw Failure()
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), [])
        try OutputFile.write(Data([4, 5]), to: target)
        XCTAssertEqual(FileManager.default.contents(atPath: target), Data([4, 5]))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder), ["out.bin"])
    }

    /// A staged output has no name until it is committed; committing replaces the file a
    /// symlink points to (the link stays); discarding leaves the old file as it was.
    func testStagedOutputIsUnnamedUntilCommitted() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inr-output-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data([1]).write(to: URL(fileURLWithPath: folder + "/target"))
        try FileManager.default.createSymbolicLink(atPath: folder + "/link", withDestinationPath: "target")

        let dropped = try StagedOutput(folder + "/link")
        try dropped.write(Data([9, 9]))
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["target", "link"], "nothing named while staged")
        dropped.discard()
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/target"), Data([1]))

        let kept = try StagedOutput(folder + "/link")
        try kept.write(Data([2, 3]))
        try kept.commit()
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/target"), Data([2, 3]))
        XCTAssertEqual(try FileManager.default.destinationOfSymbolicLink(atPath: folder + "/link"), "target")
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["target", "link"])

        let fresh = try StagedOutput(folder + "/new")
        try fresh.write(Data([7]))
        try fresh.commit()
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/new"), Data([7]))

        // Where O_TMPFILE is refused: a hidden temporary, renamed on commit, removed on discard.
        let named = try StagedOutput(folder + "/new", unnamed: false)
        XCTAssert(named.writePath.contains("/.new.partial-"), named.writePath)
        try named.write(Data([8]))
        named.discard()
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["target", "link", "new"])
        let renamed = try StagedOutput(folder + "/new", unnamed: false)
        try renamed.write(Data([9]))
        try renamed.commit()
        XCTAssertEqual(FileManager.default.contents(atPath: folder + "/new"), Data([9]))
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: folder)), ["target", "link", "new"])
    }

    /// An output that is an input is refused however it is spelt; two outputs may not share a
    /// file; standard streams and devices may.
    func testFileRolesRefuseAnOutputThatIsAnInput() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("inr-roles-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data([1]).write(to: URL(fileURLWithPath: folder + "/in.png"))
        try FileManager.default.linkItem(atPath: folder + "/in.png", toPath: folder + "/hard.png")
        for spelling in [folder + "/in.png", folder + "/./in.png", folder + "/hard.png"] {
            var roles = FileRoles()
            roles.input("--input", folder + "/in.png")
            roles.output("--output", spelling)
            XCTAssertThrowsError(try roles.check()) { error in
                XCTAssertEqual("\(error)", "--output \(spelling) is --input \(folder)/in.png: refusing to overwrite an input; choose another output")
            }
        }
        var twice = FileRoles()
        twice.output("--output", folder + "/a.png")
        twice.output("--metrics", folder + "/./a.png")
        XCTAssertThrowsError(try twice.check())
        var streams = FileRoles()
        streams.input("--input", folder + "/in.png")
        streams.output("--output", "/dev/stdout")
        streams.output("--metrics", "/dev/stdout")
        XCTAssertNoThrow(try streams.check())
    }

    func testPaddedWidth() {
        XCTAssertEqual(paddedWidth(1), 16)
        XCTAssertEqual(paddedWidth(16), 16)
        XCTAssertEqual(paddedWidth(17), 32)
        XCTAssertEqual(paddedWidth(514), 528)
    }
}
