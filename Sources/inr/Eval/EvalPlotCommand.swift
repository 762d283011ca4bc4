import ArgumentParser
import Foundation
import INRCore

/// Merges result tables into one chart.
struct EvalPlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw results.csv files (inr eval sweep, Tools/classic_codecs.py) as one rate-distortion SVG.",
        discussion: "Each codec is a curve through its settings' means; COIN's and Strümpler et al.'s Kodak points are drawn dashed.")

    @Argument(help: "CSV files in inr eval's format.")
    var tables: [String]

    @Option(help: "Where to write the SVG.")
    var output: String

    @Option(help: "The chart's title.")
    var title = "Kodak rate-distortion"

    @Option(help: "Also write the merged rows and means here (CSV).")
    var csv: String?

    func run() throws {
        let table = RateDistortionTable(rows: try tables.flatMap { try RateDistortionTable.read($0).rows })
        guard !table.rows.isEmpty else { throw ValidationError("the tables have no rows") }
        try createFolders(for: [output, csv])
        try AtomicFile.write(Data(RateDistortionPlot(title: title, summaries: table.summaries).svg.utf8), to: output)
        if let csv { try AtomicFile.write(Data(table.csv.utf8), to: csv) }
        printSummaries(table)
        print("wrote \(output)")
    }
}
