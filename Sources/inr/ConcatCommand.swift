import ArgumentParser
import Foundation
import INRCore
import INRFormat
import INRMedia

/// Joins the parts of a clip encoded apart (`inr compress VIDEO-CONFIG --segment k/N`) into one
/// segmented file, without decoding or re-encoding: the whole clip's HEAD and every part's
/// segments in order (docs/scale-out.md).
struct ConcatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concat",
        abstract: "Join the parts of a clip (inr compress --segment k/N) into one .inr file.",
        discussion: """
            The parts may come in any order; all N of one clip must be there, each once. The \
            file decodes to the parts' frames one after another, and is byte for byte the file \
            `inr compress --segments N` writes in one process.
            """)

    @Argument(help: "The parts' .inr files (e.g. parts/part-*.inr).")
    var parts: [String]

    @Option(help: "Where to write the joined file (.inr).")
    var output: String

    func validate() throws {
        if parts.isEmpty { throw ValidationError("give the parts' .inr files") }
    }

    func run() throws {
        var files = FileRoles()
        for part in parts { files.input("a part", part) }
        files.output("--output", output)
        try files.check()
        let read = try parts.map { path in
            let container = try readContainer(path)
            guard try mediaFormat(of: container, path: path).kind == SegmentedVideoFormat.kind else {
                throw MediaError(path: path, reason: "not a part of a clip (a segmented video, written by inr compress --segment k/N)")
            }
            do {
                return try SegmentedVideoFormat.read(container)
            } catch {
                throw MediaError(path: path, reason: "\(error)")
            }
        }
        if let whole = read.firstIndex(where: { $0.partCount == 1 }), read.count > 1 {
            throw MediaError(path: parts[whole], reason: "is a whole clip, not one of \(parts.count) parts")
        }
        let joined: SegmentedVideoFormat.SegmentedVideo
        do {
            joined = try SegmentedVideoFormat.join(read, names: parts)
        } catch {
            throw CommandError("\(error)")
        }
        // Each part was checked alone; the decoder's budget covers the whole file.
        do {
            _ = try SegmentedVideoFormat.segments(of: joined, budget: try DecodeBudget.current())
        } catch let error as BudgetVariableError {
            throw error
        } catch {
            throw CommandError("the joined clip would not decode: \(error)")
        }
        let bytes = SegmentedVideoFormat.bytes(joined)
        guard bytes.count <= Container.maximumSize else {
            throw CommandError("the joined file would be \(bytes.count) bytes, above the \(Container.maximumSize) an .inr file may hold")
        }
        try OutputFile.createFolders(for: [output])
        try OutputFile.write(Data(bytes), to: output)
        print("joined \(parts.count) part(s), \(joined.segments.count) segment(s), frames 0–\(joined.frameCount - 1) of "
            + "\(joined.width)×\(joined.height) at \(joined.frameRate) fps: wrote \(output), \(bytes.count) bytes, "
            + String(format: "%.4f bpp", Double(bytes.count * 8) / Double(joined.width * joined.height * joined.frameCount)))
    }
}
