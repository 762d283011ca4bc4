import Foundation
import INRMedia

/// Paths and helpers shared by the test targets.
public enum TestSupport {
    /// The repository root (found from this file's path).
    public static let repository: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    public static func path(_ relative: String) -> String { repository.appendingPathComponent(relative).path }

    /// `../shared/media` beside the checkout, or `INR_SHARED_MEDIA`; nil where neither exists.
    public static var sharedMedia: String? {
        let candidate = ProcessInfo.processInfo.environment["INR_SHARED_MEDIA"]
            ?? repository.deletingLastPathComponent().appendingPathComponent("shared/media").path
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory) && isDirectory.boolValue ? candidate : nil
    }

    /// The 128×128 crop of kodim23 the quality tests fit.
    public static var kodimCrop: String { path("Media/kodim23_crop128.png") }

    /// A fresh temporary folder.
    public static func temporaryFolder() throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("inr-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url.path
    }

    /// Runs a program and returns its exit status, standard output and standard error.
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, stdout: Data, stderr: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes while the process runs so neither fills up.
        nonisolated(unsafe) var errData = Data()
        let reader = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        return (process.terminationStatus, outData, errData)
    }

    /// Finds a program on PATH.
    public static func which(_ name: String) -> String? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(folder)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The samples ffmpeg decodes from a PNG, in the layout of `image` (its channels and bit
    /// depth): an independent decoder to compare inr's reader with.
    public static func ffmpegSamples(of path: String, like image: Image) throws -> [UInt16] {
        guard let ffmpeg = which("ffmpeg") else { throw TestSupportError("ffmpeg is not installed") }
        let format: String
        switch (image.channels, image.bitDepth) {
        case (1, 8): format = "gray"
        case (1, 16): format = "gray16le"
        case (2, 8): format = "ya8"
        case (2, 16): format = "ya16le"
        case (3, 8): format = "rgb24"
        case (3, 16): format = "rgb48le"
        case (4, 8): format = "rgba"
        case (4, 16): format = "rgba64le"
        default: throw TestSupportError("no ffmpeg format for \(image.channels) channels at \(image.bitDepth) bits")
        }
        let result = try run(ffmpeg, ["-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", format, "-"])
        guard result.status == 0 else { throw TestSupportError("ffmpeg failed on \(path): \(String(decoding: result.stderr, as: UTF8.self))") }
        let bytes = [UInt8](result.stdout)
        if image.bitDepth == 8 { return bytes.map(UInt16.init) }
        return stride(from: 0, to: bytes.count - 1, by: 2).map { UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8 }
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
