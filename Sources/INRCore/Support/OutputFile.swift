import Foundation
import Synchronization

/// Every file a command writes goes through here, so that a user's name only ever shows a
/// complete, verified file, and nothing is left behind by a failure or a signal.
///
///     stage(path) ─► StagedOutput.writePath ─► writers (Data, libpng, FFmpeg) ─► commit() ─► path
///         │            ├─ regular file: an unnamed file in path's folder (O_TMPFILE, reached as
///         │            │  /proc/self/fd/N), or where that is refused a hidden ".NAME.partial-…"
///         │            │  temporary that a signal handler removes
///         │            └─ device, FIFO, /dev/stdout: path itself, written in place, never replaced
///         └─ discard() / deinit / a failure / a signal: the unnamed file vanishes with its
///            descriptor (even on SIGKILL); a named temporary is unlinked
///
/// `commit()` links the unnamed file in place (`linkat`), or links it under a temporary name and
/// renames that over an existing file; a symlink's target is replaced, not the link.
public final class StagedOutput: @unchecked Sendable {
    /// The path the user named.
    public let path: String
    /// Where writers write until `commit()`.
    public let writePath: String
    /// The file that `commit()` replaces: `path` with symlinks resolved.
    private let target: String
    private var storage: Storage

    private enum Storage {
        /// An O_TMPFILE file: no name until it is linked.
        case unnamed(descriptor: Int32)
        /// A hidden temporary beside the target, registered for removal on a signal.
        case named(String)
        /// A device, FIFO or standard stream: written in place.
        case direct
        case finished
    }

    /// `O_TMPFILE` (`__O_TMPFILE | O_DIRECTORY` in Linux's x86-64 and arm64 headers), which
    /// Swift does not import because the C definition is a compound macro.
    private static let temporaryFileFlag: Int32 = 0o20_000_000 | O_DIRECTORY

    /// Prepares `path` for writing. The folder must exist (`OutputFile.createFolders`).
    /// `unnamed: false` uses a named temporary even where O_TMPFILE works (the fallback's test).
    public init(_ path: String, unnamed: Bool = true) throws {
        self.path = path
        if OutputFile.isWrittenInPlace(path) {
            target = path
            writePath = path
            storage = .direct
            return
        }
        target = OutputFile.resolvedTarget(path)
        let url = URL(fileURLWithPath: target)
        let folder = url.deletingLastPathComponent().path
        let descriptor = unnamed ? open(folder, Self.temporaryFileFlag | O_RDWR | O_CLOEXEC, 0o666) : -1
        if descriptor >= 0, access("/proc/self/fd/\(descriptor)", F_OK) == 0 {
            writePath = "/proc/self/fd/\(descriptor)"
            storage = .unnamed(descriptor: descriptor)
            return
        }
        if descriptor >= 0 { close(descriptor) }
        let temporary = OutputFile.temporaryName(beside: target)
        OutputFile.registry.withLock { _ = $0.temporaries.insert(temporary) }
        let created = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard created >= 0 else {
            let reason = OutputFile.systemError()
            OutputFile.registry.withLock { _ = $0.temporaries.remove(temporary) }
            throw MediaError(path: path, reason: "cannot create a file in \(folder): \(reason)")
        }
        close(created)
        writePath = temporary
        storage = .named(temporary)
    }

    deinit { discard() }

    /// Replaces the file's content with `data`.
    public func write(_ data: Data) throws {
        let descriptor: Int32
        switch storage {
        case .unnamed(let unnamed):
            guard ftruncate(unnamed, 0) == 0, lseek(unnamed, 0, SEEK_SET) == 0 else { throw failure("cannot write") }
            descriptor = dup(unnamed)
        case .named:
            descriptor = open(writePath, O_WRONLY | O_TRUNC | O_CLOEXEC)
        case .direct:
            descriptor = open(writePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        case .finished:
            preconditionFailure("StagedOutput.write after commit or discard")
        }
        guard descriptor >= 0 else { throw failure("cannot open the file") }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw failure("cannot write")
                }
                offset += written
            }
        }
    }

    /// Calls `write` with this output, then returns it (to be committed); a thrown error drops it.
    public func writing(_ write: (StagedOutput) throws -> Void) throws -> StagedOutput {
        do {
            try write(self)
            return self
        } catch {
            discard()
            throw error
        }
    }

    /// Gives the file its name: `path` now shows the complete file. Idempotent.
    public func commit() throws {
        switch storage {
        case .finished:
            return
        case .direct:
            storage = .finished
            OutputFile.registry.withLock { $0.published.append(path) }
        case .named(let temporary):
            try OutputFile.registry.withLock { registry in
                guard rename(temporary, target) == 0 else { throw failure("cannot rename \(temporary) into place") }
                registry.temporaries.remove(temporary)
                registry.published.append(path)
            }
            storage = .finished
        case .unnamed(let descriptor):
            try OutputFile.registry.withLock { registry in
                let source = "/proc/self/fd/\(descriptor)"
                if linkat(AT_FDCWD, source, AT_FDCWD, target, AT_SYMLINK_FOLLOW) != 0 {
                    guard errno == EEXIST else { throw failure("cannot give the file its name") }
                    // An existing file is replaced in one rename, never removed first.
                    let temporary = OutputFile.temporaryName(beside: target)
                    guard linkat(AT_FDCWD, source, AT_FDCWD, temporary, AT_SYMLINK_FOLLOW) == 0 else {
                        throw failure("cannot give the file its name")
                    }
                    guard rename(temporary, target) == 0 else {
                        let error = failure("cannot rename the file into place")
                        unlink(temporary)
                        throw error
                    }
                }
                registry.published.append(path)
            }
            close(descriptor)
            storage = .finished
        }
    }

    /// Drops the file: `path` is left as it was. Idempotent; `deinit` calls it.
    public func discard() {
        switch storage {
        case .unnamed(let descriptor):
            close(descriptor)
        case .named(let temporary):
            OutputFile.registry.withLock { registry in
                unlink(temporary)
                registry.temporaries.remove(temporary)
            }
        case .direct, .finished:
            break
        }
        storage = .finished
    }

    private func failure(_ what: String) -> MediaError {
        MediaError(path: path, reason: "\(what): \(OutputFile.systemError())")
    }
}

/// Writing outputs: staging, and what a signal handler must know.
public enum OutputFile {
    /// What is on disk that the process made: temporaries to remove if it dies, and the
    /// outputs already published (for an interrupt's message).
    struct Registry {
        var temporaries: Set<String> = []
        var published: [String] = []
    }

    static let registry = Mutex(Registry())

    /// Stages `path`, calls `write` with the path to write to, and commits: `path` shows the
    /// complete file, or (on a thrown error) is left as it was.
    public static func write(to path: String, _ write: (_ writePath: String) throws -> Void) throws {
        let staged = try StagedOutput(path)
        try write(staged.writePath)
        try staged.commit()
    }

    /// Writes `data` to `path` the same way.
    public static func write(_ data: Data, to path: String) throws {
        let staged = try StagedOutput(path)
        try staged.write(data)
        try staged.commit()
    }

    /// Commits every staged output, in order.
    public static func commit(_ outputs: [StagedOutput?]) throws {
        for output in outputs.compactMap({ $0 }) { try output.commit() }
    }

    /// Creates the folders that will hold these files (nil paths are skipped).
    public static func createFolders(for paths: [String?]) throws {
        for path in paths.compactMap({ $0 }) where !isWrittenInPlace(path) {
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                var isFolder: ObjCBool = false
                let reason = FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) && !isFolder.boolValue
                    ? "\(folder.path) is a file, not a folder" : "cannot create the folder \(folder.path)"
                throw MediaError(path: path, reason: reason)
            }
        }
    }

    /// Whether `path` is written where it is rather than replaced: an existing device, FIFO or
    /// socket (after following links), and the process's own standard streams.
    public static func isWrittenInPlace(_ path: String) -> Bool {
        if ["/dev/stdout", "/dev/stderr", "/dev/fd/1", "/dev/fd/2", "/proc/self/fd/1", "/proc/self/fd/2"].contains(path) { return true }
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        return status.st_mode & S_IFMT != S_IFREG && status.st_mode & S_IFMT != S_IFDIR
    }

    /// Removes every named temporary and returns the outputs published so far. The registry
    /// stays locked while `body` runs, so no output is published meanwhile: a signal handler
    /// calls this and exits inside `body`.
    public static func abandon(_ body: (_ published: [String]) -> Never) -> Never {
        registry.withLock { registry in
            for temporary in registry.temporaries { unlink(temporary) }
            registry.temporaries.removeAll()
            body(registry.published)
        }
    }

    /// `path` with its symlinks resolved when it is one (so that a link's target is replaced,
    /// not the link); `path` itself otherwise.
    static func resolvedTarget(_ path: String) -> String {
        var status = stat()
        guard lstat(path, &status) == 0, status.st_mode & S_IFMT == S_IFLNK, let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func temporaryName(beside path: String) -> String {
        let url = URL(fileURLWithPath: path)
        return url.deletingLastPathComponent().path + "/." + url.lastPathComponent
            + ".partial-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// The last system call's error, as `strerror` words it.
    public static func systemError(_ code: Int32 = errno) -> String {
        String(cString: strerror(code))
    }
}
