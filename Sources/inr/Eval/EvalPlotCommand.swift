import ArgumentParser
import Foundation
import INRCore

/// Merges result tables into one chart.
struct EvalPlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw results.csv files (inr eval sweep, Tools/classic_codecs.py) as one rate-distortion SVG.",
        discussion: """
            Each (codec, setting) of each table is one point, the mean over its images; a codec's \
            points from all tables make its curve (so sweeps of one config at several rates join \
            up). COIN's and Strümpler et al.'s Kodak means are drawn dashed unless --no-anchors.
            """)

    @Argument(help: "CSV files in inr eval's format.")
    var tables: [String]

    @Option(help: "Where to write the SVG.")
    var output: String

    @Option(help: "The chart's title.")
    var title = "Kodak rate-distortion"

    @Option(help: "Only these images (comma-separated file names), e.g. a subset every table covers.")
    var images: String?

    @Flag(help: "Leave out the published anchors (they are means over all 24 Kodak images).")
    var noAnchors = false

    @Option(help: "Also write the merged rows here (CSV).")
    var csv: String?

    func run() throws {
        var files = FileRoles()
        for table in tables { files.input("the table", table) }
        files.output("--output", output)
        files.output("--csv", csv)
        try files.check()
        let only = images.map { Set($0.split(separator: ",").map(String.init)) }
        var merged = RateDistortionTable()
        var summaries: [RateDistortionTable.Summary] = []
        for path in tables {
            var table = try RateDistortionTable.read(path)
            if let only { table.rows.removeAll { !only.contains($0.image) } }
            merged.rows += table.rows
            // A sweep without --set has an empty setting: name its point after the table.
            summaries += table.summaries.map { summary in
                var summary = summary
                if summary.setting.isEmpty { summary.setting = path }
                return summary
            }
        }
        guard !merged.rows.isEmpty else {
            throw CommandError("\(tables.joined(separator: ", ")): no rows" + (images == nil ? "" : " for the images \(images!)"))
        }
        try OutputFile.createFolders(for: [output, csv])
        let plot = RateDistortionPlot(title: title, summaries: summaries, anchors: noAnchors ? [] : PublishedAnchors.all)
        guard !plot.summaries.isEmpty else {
            throw CommandError("\(tables.joined(separator: ", ")): no point has a finite PSNR to draw (exact reconstructions are left out)")
        }
        if plot.summaries.count < summaries.count {
            print("left out \(summaries.count - plot.summaries.count) exact (infinite-PSNR) point(s)")
        }
        let svgFile = try StagedOutput(output).writing { try $0.write(Data(plot.svg.utf8)) }
        let csvFile = try csv.map { path in try StagedOutput(path).writing { try $0.write(Data(merged.csv.utf8)) } }
        try OutputFile.commit([csvFile, svgFile])
        printSummaries(summaries)
        print("wrote \(output)")
    }
}
