import Foundation

/// The files one command reads and writes, checked before any work: no output may be one of the
/// inputs (or another output), however it is spelled — `a.png`, `./a.png`, a symlink to it or a
/// hard link all resolve to the same device and inode.
public struct FileRoles {
    /// A file with the role a message gives it: "--output", "the input image", "the config".
    public struct Entry {
        public var role: String
        public var path: String

        public init(_ role: String, _ path: String) {
            self.role = role
            self.path = path
        }
    }

    public var inputs: [Entry] = []
    public var outputs: [Entry] = []

    public init() {}

    public mutating func input(_ role: String, _ path: String?) {
        if let path { inputs.append(Entry(role, path)) }
    }

    public mutating func output(_ role: String, _ path: String?) {
        if let path { outputs.append(Entry(role, path)) }
    }

    /// Throws, naming both files, when an output is an input or two outputs are one file.
    /// Outputs written in place (devices, standard streams) may be shared: `/dev/null` twice is
    /// fine.
    public func check() throws {
        for input in inputs { try Self.checkReadable(input) }
        for output in outputs { try Self.checkWritable(output) }
        let inputIdentities = inputs.map { Self.identity($0.path) }
        for (index, output) in outputs.enumerated() {
            if let identity = Self.identity(output.path) {
                for (input, inputIdentity) in zip(inputs, inputIdentities) where inputIdentity == identity {
                    throw FileRoleError("\(output.role) \(output.path) is \(input.role) \(input.path): refusing to overwrite an input; choose another output")
                }
                if OutputFile.isWrittenInPlace(output.path) { continue }
            }
            // Not there yet, or a regular file: compared with the other outputs by where it will be.
            let place = Self.place(output.path)
            for other in outputs[..<index] where !OutputFile.isWrittenInPlace(other.path) && Self.place(other.path) == place {
                throw FileRoleError("\(output.role) \(output.path) is also \(other.role): give each output its own file")
            }
        }
    }

    /// Throws for an input that is missing, a folder or unreadable, naming it and the reason.
    static func checkReadable(_ input: Entry) throws {
        var status = stat()
        guard !input.path.isEmpty else { throw FileRoleError("\(input.role): the path is empty") }
        guard stat(input.path, &status) == 0 else {
            throw FileRoleError("\(input.role) \(input.path): \(OutputFile.systemError())")
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw FileRoleError("\(input.role) \(input.path) is a folder, not a file")
        }
        let descriptor = open(input.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else {
            throw FileRoleError("\(input.role) \(input.path) cannot be read: \(OutputFile.systemError())")
        }
        close(descriptor)
    }

    /// Throws for an output path that cannot name a file: empty, or a folder.
    static func checkWritable(_ output: Entry) throws {
        guard !output.path.isEmpty else { throw FileRoleError("\(output.role): the path is empty") }
        var status = stat()
        if output.path.hasSuffix("/") || (stat(output.path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR) {
            throw FileRoleError("\(output.role) \(output.path) is a folder: give a file name in it")
        }
    }

    /// Device and inode of what `path` names (links followed); nil if it does not exist.
    public static func identity(_ path: String) -> [UInt64]? {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        return [UInt64(status.st_dev), UInt64(status.st_ino)]
    }

    /// Where `path` is or will be: the file's device and inode, or (absent) its folder's and
    /// its name, so that spellings through a linked folder compare equal.
    static func place(_ path: String) -> String {
        if let identity = identity(path) { return "\(identity)" }
        let url = URL(fileURLWithPath: path)
        let folder = identity(url.deletingLastPathComponent().path).map { "\($0)" } ?? url.deletingLastPathComponent().standardizedFileURL.path
        return folder + "/" + url.lastPathComponent
    }
}

/// An output that is an input, or two outputs that are one file.
public struct FileRoleError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
