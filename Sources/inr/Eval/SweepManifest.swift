import Foundation
import INRCore
import INRMedia

/// A sharded sweep's part (`inr eval sweep --shard i/N`): `shard.json` beside the part's
/// results.csv, saying which sweep it belongs to and which of its jobs are this part's, so
/// `inr eval merge` can check that its parts are of one sweep, all there and complete.
///
///     sweep ─► jobs in order (setting × rate × image) ─► shard i takes jobs i, i+N, i+2N, …
///           ─► shard-i-of-N/{shard.json, results.csv, files/}   ─► merge ─► results.csv as unsharded
struct SweepManifest: Codable, Equatable {
    /// One (setting, image) pair: one row of results.csv.
    struct Job: Codable, Hashable {
        var setting: String
        var image: String
    }

    /// shard.json's layout; a merge refuses another.
    static let currentFormat = 1
    static let fileName = "shard.json"

    var format = Self.currentFormat
    /// The config as given, and the SHA-256 of its bytes: parts of one sweep read the same file.
    var config: String
    var configSHA256: String
    /// The images folder as given, and the images the sweep runs (after --filter and --limit).
    var images: String
    var imageFiles: [String]
    /// The curve's name (`--codec`) and the chart's title.
    var codec: String
    var title: String
    /// Every job of the sweep, in the order an unsharded run does them.
    var jobs: [Job]
    var shard: Part

    /// The jobs this part runs.
    var ownJobs: [Job] { jobs.enumerated().filter { shard.owns($0.offset) }.map(\.element) }

    /// Whether `other` is a part of the same sweep (any shard of the same count).
    func isSameSweep(as other: SweepManifest) -> Bool {
        var copy = other
        copy.shard = shard
        copy.config = config
        copy.images = images
        return copy == self
    }

    /// The folder of shard `part` in a sweep's `--output`.
    static func folder(output: String, part: Part) -> String {
        output + "/shard-\(part.index)-of-\(part.count)"
    }

    static func read(_ path: String) throws -> SweepManifest {
        let data = try OutputFile.contents(of: path, atMost: 64 << 20, kind: "a sweep's shard.json")
        let manifest: SweepManifest
        do {
            manifest = try JSONDecoder().decode(SweepManifest.self, from: data)
        } catch {
            throw MediaError(path: path, reason: "not a sweep's shard.json: \(error)")
        }
        guard manifest.format == currentFormat else {
            throw MediaError(path: path, reason: "shard.json format \(manifest.format); this build reads \(currentFormat)")
        }
        guard (1...Part.maximumCount).contains(manifest.shard.count), (0..<manifest.shard.count).contains(manifest.shard.index) else {
            throw MediaError(path: path, reason: "shard \(manifest.shard.index)/\(manifest.shard.count) is not a part of \(manifest.shard.count)")
        }
        return manifest
    }

    func write(to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try OutputFile.write(try encoder.encode(self), to: path)
    }
}
