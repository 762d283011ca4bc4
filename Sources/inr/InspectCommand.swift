import ArgumentParser
import Foundation
import INRCore
import INRFormat
import INRMedia

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the header of an .inr file: format, image, network, encoding, quantisation, sections.")

    @Argument(help: "The compressed file.")
    var file: String

    @Option(help: "Also write the quantised integers here, tensor by tensor (JSON; Tools/coding_comparison.py reads it).")
    var symbols: String?

    func run() throws {
        var files = FileRoles()
        files.input("the file", file)
        files.output("--symbols", symbols)
        try files.check()
        let container = try readContainer(file)
        let format = try mediaFormat(of: container, path: file)
        let lines: [String], table: [SymbolTensor]?
        do {
            table = try symbols.map { _ in try format.symbols(container) }
            lines = try format.describe(container)
        } catch let error as UnsupportedRequest {
            throw CommandError(error.description)
        } catch {
            throw MediaError(path: file, reason: "\(error)")
        }
        print("\(file): inr format version \(container.version), \(container.size) bytes")
        for line in lines { print(line) }
        print("sections   " + container.sections.map { "\($0.tag) \($0.payload.count) B" }.joined(separator: ", "))
        if let symbols, let table {
            try OutputFile.createFolders(for: [symbols])
            try writeJSON(table, to: symbols)
        }
    }
}
