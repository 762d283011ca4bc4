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
        /// A device, FIFO or standard stream: written in place; `write(_:)`'s data waits for
        /// `commit()`, so nothing reaches it before the command's other outputs are complete.
        case direct(pending: Data?)
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
            storage = .direct(pending: nil)
            OutputFile.registry.withLock { $0.inPlace.append(path) }
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
        // Created under the lock, so a signal's clean-up cannot miss it.
        let failure: String? = OutputFile.registry.withLock { registry in
            let created = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
            guard created >= 0 else { return OutputFile.systemError() }
            close(created)
            registry.temporaries.insert(temporary)
            return nil
        }
        if let failure { throw MediaError(path: path, reason: "cannot create a file in \(folder): \(failure)") }
        writePath = temporary
        storage = .named(temporary)
    }

    deinit { discard() }

    /// Written where it is (a device, a FIFO, a standard stream): it cannot be read back.
    public var isInPlace: Bool { if case .direct = storage { true } else { false } }

    /// Replaces the file's content with `data` (an in-place output gets it at `commit()`).
    public func write(_ data: Data) throws {
        let descriptor: Int32
        switch storage {
        case .unnamed(let unnamed):
            guard ftruncate(unnamed, 0) == 0, lseek(unnamed, 0, SEEK_SET) == 0 else { throw failure("cannot write") }
            descriptor = dup(unnamed)
        case .named:
            descriptor = open(writePath, O_WRONLY | O_TRUNC | O_CLOEXEC)
        case .direct:
            storage = .direct(pending: data)
            return
        case .finished:
            preconditionFailure("StagedOutput.write after commit or discard")
        }
        guard descriptor >= 0 else { throw failure("cannot open the file") }
        defer { close(descriptor) }
        try Self.writeAll(data, to: descriptor, failure: failure)
    }

    private static func writeAll(_ data: Data, to descriptor: Int32, failure: (String) -> MediaError) throws {
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
        case .direct(let pending):
            if let pending {
                // A standard stream is written on its descriptor (never reopened, never truncated).
                let descriptor = OutputFile.standardStream(path) ?? open(writePath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
                guard descriptor >= 0 else { throw failure("cannot open the file") }
                defer { close(descriptor) }
                try Self.writeAll(pending, to: descriptor, failure: failure)
            }
            storage = .finished
            OutputFile.registry.withLock { registry in
                registry.inPlace.removeAll { $0 == path }
                registry.published.append(path)
            }
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
        case .direct:
            OutputFile.registry.withLock { registry in registry.inPlace.removeAll { $0 == path } }
        case .finished:
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
        /// Devices, FIFOs and streams being written in place, not yet complete.
        var inPlace: [String] = []
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

    /// Ends the process with `status` after printing `message(published, partlyWritten)` and
    /// removing every named temporary, last, just before `_exit`. The registry stays locked
    /// throughout, so no output is published or created meanwhile.
    public static func abandon(status: Int32, message: (_ published: [String], _ partlyWritten: [String]) -> String) -> Never {
        registry.withLock { registry in
            let text = message(registry.published, registry.inPlace)
            OutputFile.writeIgnoringErrors(text, to: STDERR_FILENO)
            fflush(nil)  // what print() buffered for a pipe (also flushes a libpng write into a temporary: harmless)
            for temporary in registry.temporaries { unlink(temporary) }
            _exit(status)
        }
    }

    /// The bytes of the input `path`, refused with the system's reason, or once past `limit`
    /// bytes (a huge file, or a device such as /dev/zero), naming `kind` ("an .inr file").
    public static func contents(of path: String, atMost limit: Int, kind: String) throws -> Data {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MediaError(path: path, reason: "cannot read the file: \(systemError())") }
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, Int(status.st_size) > limit {
            throw MediaError(path: path, reason: "\(status.st_size) bytes, longer than \(limit): not \(kind) this reads")
        }
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = read(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw MediaError(path: path, reason: errno == EISDIR ? "is a folder, not \(kind)" : "cannot read the file: \(systemError())")
            }
            if count == 0 { return data }
            data.append(contentsOf: chunk[..<count])
            guard data.count <= limit else { throw MediaError(path: path, reason: "longer than \(limit) bytes: not \(kind) this reads") }
        }
    }

    /// Writes `text` with `write(2)` straight to `descriptor` (a log line that must show at once
    /// even into a pipe); a closed or full stream is not an error.
    public static func writeIgnoringErrors(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress!, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    /// The descriptor (a duplicate) of a standard stream named by `path`, or nil.
    static func standardStream(_ path: String) -> Int32? {
        switch path {
        case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1": dup(STDOUT_FILENO)
        case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2": dup(STDERR_FILENO)
        default: nil
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
