import ArgumentParser
import Foundation
import INRCore
import INRFormat
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

    @Option(parsing: .unconditional, help: "Render at this multiple of the stored size (an INR is continuous).")
    var scale: Double = 1

    @OptionGroup var threadOptions: ThreadOptions

    var threads: Int { threadOptions.threads }

    func validate() throws {
        guard scale.isFinite, scale > 0, scale <= 16 else { throw ValidationError("--scale \(scale): must be above 0 and at most 16") }
    }

    func run() throws {
        var files = FileRoles()
        files.input("the file", file)
        files.output("--output", VideoFile.outputPath(for: output))
        try files.check()
        let budget = try DecodeBudget.current()
        let container = try readContainer(file)
        let lines: [String]
        do {
            lines = try mediaFormat(of: container, path: file).decode(container, DecodeRequest(file: file, output: output, scale: scale, threads: threads, budget: budget))
        } catch let error as UnsupportedRequest {
            throw CommandError(error.description)
        }
        for line in lines { print(line) }
    }
}

/// Reads an .inr file and checks it once (framing, CRCs, media kind, sections); any failure is
/// an error naming the file.
func readContainer(_ path: String) throws -> Container {
    let data = try OutputFile.contents(of: path, atMost: Container.maximumSize, kind: "an .inr file")
    guard !data.isEmpty else { throw MediaError(path: path, reason: "the file is empty (0 bytes), not an .inr file") }
    do {
        return try Container(reading: [UInt8](data))
    } catch {
        throw MediaError(path: path, reason: "\(error)")
    }
}

/// The media kind's format; an unknown kind is an error naming the file.
func mediaFormat(of container: Container, path: String) throws -> any MediaFormat.Type {
    do {
        return try container.format()
    } catch {
        throw MediaError(path: path, reason: "\(error)")
    }
}

/// Reads and decodes an image .inr file; any failure is an error naming the file.
func decodeFile(_ path: String, threads: Int) throws -> Image {
    let container = try readContainer(path)
    let format = try mediaFormat(of: container, path: path)
    guard MediaFormats.imageFormat(kind: format.kind) != nil else {
        throw MediaError(path: path, reason: MediaFormats.notAnImage(format.kind))
    }
    let budget = try DecodeBudget.current()
    do {
        return try ImageDecoder(threads: threads, budget: budget).decode(container)
    } catch {
        throw MediaError(path: path, reason: "\(error)")
    }
}
