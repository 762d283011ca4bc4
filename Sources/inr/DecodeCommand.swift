import ArgumentParser
import Foundation
import INRCodec
import INRCore
import INRMedia

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Render an .inr file to a PNG.",
        discussion: "The same file gives the same samples on any thread count and any x86-64 CPU at --scale 1.")

    @Argument(help: "The compressed file.")
    var file: String

    @Option(help: "Where to write the image (PNG).")
    var output: String

    @Option(help: "Render at this multiple of the stored size (an INR is continuous).")
    var scale: Double = 1

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        guard scale.isFinite, scale > 0, scale <= 16 else { throw ValidationError("--scale must be in (0, 16]") }
    }

    func run() throws {
        let start = Date()
        let image = try decodeFile(file, threads: threads, scale: scale)
        let decoded = Date()
        try createFolders(for: [output])
        try PNG.write(image, to: output)
        print("decoded \(file): \(image.width)×\(image.height), \(image.channels) channel(s), \(image.bitDepth)-bit in "
            + String(format: "%.0f ms; wrote %@ in %.0f ms", decoded.timeIntervalSince(start) * 1000, output, Date().timeIntervalSince(decoded) * 1000))
        print("samples sha256 \(SHA256.hex(image.sampleBytes))")
    }
}

/// Reads and decodes an .inr file; any failure is an error naming the file.
func decodeFile(_ path: String, threads: Int, scale: Double = 1) throws -> Image {
    guard let data = FileManager.default.contents(atPath: path) else { throw MediaError(path: path, reason: "cannot read the file") }
    do {
        return try ImageDecoder(threads: threads).decode([UInt8](data), scale: scale)
    } catch {
        throw MediaError(path: path, reason: "\(error)")
    }
}
