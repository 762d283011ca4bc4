import Foundation

/// Writes a file so that its final name appears only once it is complete: the content goes to
/// a temporary file in the same folder, which is renamed over the target on success and
/// deleted on failure. An interrupted or failed run never leaves a partial file under the name
/// a user asked for.
public enum AtomicFile {
    /// Calls `write` with a temporary path beside `path`, then renames it to `path`.
    public static func write(to path: String, _ write: (_ temporaryPath: String) throws -> Void) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let temporary = folder + "/." + url.lastPathComponent + ".partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        do {
            try write(temporary)
            guard rename(temporary, path) == 0 else {
                throw AtomicFileError(path: path, reason: String(cString: strerror(errno)))
            }
        } catch {
            unlink(temporary)
            throw error
        }
    }

    /// Creates the folders that will hold these files (nil paths are skipped).
    public static func createFolders(for paths: [String?]) throws {
        for path in paths.compactMap({ $0 }) {
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
    }

    /// Writes `data` to `path` atomically.
    public static func write(_ data: Data, to path: String) throws {
        try write(to: path) { temporary in
            guard FileManager.default.createFile(atPath: temporary, contents: data) else {
                throw AtomicFileError(path: path, reason: "cannot create the file")
            }
        }
    }
}

public struct AtomicFileError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
