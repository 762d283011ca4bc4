import ArgumentParser
import Foundation
import INRCore
import INRFormat
import INRMedia

/// Joins the parts of a sharded sweep (`inr eval sweep --shard i/N`) into the folder one run
/// would have written: results.csv (the rows in the unsharded run's order), results.json,
/// rd.svg, and files/ (hard links to the parts' .inr files, copies across file systems).
struct EvalMergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Join the shards of a sweep (inr eval sweep --shard i/N) into one sweep's results.",
        discussion: """
            Each PART is a shard's folder (OUTPUT/shard-i-of-N of the sweep). The parts must be \
            of one sweep (same config bytes, images, settings and --codec), every shard 0 … N-1 \
            exactly once, each with every one of its jobs done; otherwise nothing is written and \
            the error names the shard to run again (a rerun resumes it).
            """)

    @Argument(help: "The shards' folders (e.g. results/kodak/shard-*-of-4).")
    var parts: [String]

    @Option(help: "The folder for results.csv, results.json, rd.svg and files/.")
    var output: String

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give the shards' folders") }
    }

    func run() throws {
        let manifests = try parts.map { try SweepManifest.read($0 + "/" + SweepManifest.fileName) }
        let first = manifests[0]
        for (part, manifest) in zip(parts, manifests).dropFirst() where !manifest.isSameSweep(as: first) {
            throw CommandError("\(part) is a shard of another sweep than \(parts[0]) (config, images, settings or --codec differ)")
        }
        let count = first.shard.count
        var byIndex: [Int: String] = [:]
        for (part, manifest) in zip(parts, manifests) {
            guard manifest.shard.count == count else {
                throw CommandError("\(part) is shard \(manifest.shard) and \(parts[0]) shard \(first.shard): the parts of a merge are of one N")
            }
            if let other = byIndex[manifest.shard.index] {
                throw CommandError("\(part) and \(other) are both shard \(manifest.shard): give each shard once")
            }
            byIndex[manifest.shard.index] = part
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        guard missing.isEmpty else {
            throw CommandError("shard \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) missing: a merge needs all \(count) shards")
        }

        // Every job's row from the shard that ran it.
        var rows: [SweepManifest.Job: RateDistortionRow] = [:]
        var sources: [SweepManifest.Job: String] = [:]
        for (part, manifest) in zip(parts, manifests) {
            let csv = part + "/results.csv"
            let table = FileManager.default.fileExists(atPath: csv) ? try RateDistortionTable.read(csv) : RateDistortionTable()
            let own = Set(manifest.ownJobs)
            for row in table.rows where row.codec == first.codec {
                let job = SweepManifest.Job(setting: row.setting, image: row.image)
                guard own.contains(job) else { throw MediaError(path: csv, reason: "a row of \(job.image) (\(job.setting)) that is not shard \(manifest.shard)'s") }
                rows[job] = row
                sources[job] = part
            }
            let done = manifest.ownJobs.filter { rows[$0] != nil }.count
            guard done == manifest.ownJobs.count else {
                throw CommandError("\(part): shard \(manifest.shard) has \(done) of its \(manifest.ownJobs.count) jobs done; run it again (it resumes), then merge")
            }
        }

        var roles = FileRoles()
        for part in parts { roles.input("a shard's results", part + "/results.csv") }
        for name in ["results.csv", "results.json", "rd.svg"] { roles.output("--output", output + "/" + name) }
        try roles.check()
        // Every shard's file there and of its row's size before anything is written; then the
        // .inr files, then the results that point at them.
        let names = first.jobs.map { "files/\(EvalSweepCommand.slug($0.setting))/\(($0.image as NSString).deletingPathExtension).inr" }
        for (job, name) in zip(first.jobs, names) {
            let source = sources[job]! + "/" + name
            guard let size = (try? FileManager.default.attributesOfItem(atPath: source))?[.size] as? Int else {
                throw MediaError(path: source, reason: "missing: the shard's row of \(job.image) has no file")
            }
            guard size == rows[job]!.bytes else {
                throw MediaError(path: source, reason: "\(size) bytes, where the shard's row says \(rows[job]!.bytes)")
            }
        }
        for (job, name) in zip(first.jobs, names) {
            let target = output + "/" + name
            try OutputFile.createFolders(for: [target])
            try Self.link(sources[job]! + "/" + name, to: target)
        }
        let table = RateDistortionTable(rows: first.jobs.map { rows[$0]! })
        try writeResults(table, csv: output + "/results.csv", json: output + "/results.json", svg: output + "/rd.svg", title: first.title)
        printSummaries(table)
        print("merged \(count) shards, \(table.rows.count) rows: wrote \(output)/results.csv, results.json, rd.svg, files/")
    }

    /// `target` shows `source`'s bytes: a hard link, or a copy (staged) where links fail.
    static func link(_ source: String, to target: String) throws {
        if FileRoles.identity(source) == FileRoles.identity(target) { return }
        let temporary = target + ".merge-\(getpid())"
        if Foundation.link(source, temporary) == 0 {
            guard rename(temporary, target) == 0 else {
                let reason = OutputFile.systemError()
                unlink(temporary)
                throw MediaError(path: target, reason: "cannot replace it: \(reason)")
            }
            return
        }
        try OutputFile.write(try OutputFile.contents(of: source, atMost: Container.maximumSize, kind: "an .inr file"), to: target)
    }
}
