import ArgumentParser
import Foundation
import INRCoding
import INRFormat
import INRCore
import INRMedia

struct DecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Render an .inr file to a PNG, or a video file to .y4m, .mp4 or .mkv.",
        discussion: """
            The same file gives the same samples on any thread count and any x86-64 CPU at --scale 1. \
            A video file decodes to .y4m (the decoded samples exactly), .mkv (lossless FFV1) or \
            .mp4 (H.264 through libx264, lossy).
            """)

    @Argument(help: "The compressed file.")
    var file: String

    @Option(help: "Where to write the image (PNG) or the clip (.y4m, .mp4, .mkv).")
    var output: String

    @Option(help: "Render at this multiple of the stored size (an INR is continuous).")
    var scale: Double = 1

    @OptionGroup var threadOptions: ThreadOptions

    var threads: Int { threadOptions.threads }

    func validate() throws {
        guard scale.isFinite, scale > 0, scale <= 16 else { throw ValidationError("--scale must be in (0, 16]") }
    }

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw MediaError(path: file, reason: "cannot read the file") }
        if (try? ImageBitstream.mediaKind([UInt8](data))) == .video { return try runVideo([UInt8](data)) }
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

extension DecodeCommand {
    func runVideo(_ bytes: [UInt8]) throws {
        guard scale == 1 else { throw ValidationError("a video file decodes at its stored size only (--scale 1)") }
        guard !output.lowercased().hasSuffix(".png") else { throw ValidationError("\(file) is a video: write .y4m, .mp4 or .mkv") }
        let start = Date()
        let video: Video
        do {
            video = try VideoDecoder(threads: threads).decode(bytes)
        } catch {
            throw MediaError(path: file, reason: "\(error)")
        }
        let decoded = Date()
        try createFolders(for: [output])
        let path = VideoFile.outputPath(for: output)
        try VideoFile.write(video, to: path)
        let seconds = decoded.timeIntervalSince(start)
        print("decoded \(file): \(video.width)×\(video.height), \(video.frames.count) frames at \(video.frameRate) fps, \(video.bitDepth)-bit 4:2:0 in "
            + String(format: "%.0f ms (%.1f frames/s); wrote %@ in %.0f ms", seconds * 1000, Double(video.frames.count) / seconds, path, Date().timeIntervalSince(decoded) * 1000)
            + (path != output ? " (this FFmpeg has no libx264: lossless FFV1 .mkv instead of .mp4)" : ""))
        print("samples sha256 \(SHA256.hex(video.sampleBytes))")
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
