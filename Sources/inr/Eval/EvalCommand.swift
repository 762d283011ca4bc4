import ArgumentParser
import Foundation
import INRCore

/// `inr eval`: measuring the codec.
///
///     compare  original + reconstruction (PNG or .inr) ─► PSNR, MS-SSIM, bpp
///     sweep    config × --set values × folder of images ─► compress each ─► results.csv/json, rd.svg
///              (--shard i/N: every N-th job, into OUTPUT/shard-i-of-N)
///     merge    the N shards' folders ─► results.csv/json, rd.svg as one sweep would write them
///     plot     results.csv files (inr's, Tools/classic_codecs.py's) ─► one SVG with the anchors
///     report   a sweep + classic codecs' decoded images ─► one HTML page of pictures, chart and tables
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure reconstructions, sweep configs over folders of images, plot rate-distortion, write a visual report.",
        subcommands: [EvalCompareCommand.self, EvalSweepCommand.self, EvalMergeCommand.self, EvalPlotCommand.self, EvalReportCommand.self])
}

/// Writes `table` as CSV and JSON (rows and per-setting means) and its chart as SVG, atomically.
func writeResults(_ table: RateDistortionTable, csv: String, json: String?, svg: String?, title: String) throws {
    try OutputFile.createFolders(for: [csv, json, svg])
    try OutputFile.write(Data(table.csv.utf8), to: csv)
    struct Results: Encodable {
        var rows: [RateDistortionRow]
        var summaries: [RateDistortionTable.Summary]
    }
    if let json { try writeJSON(Results(rows: table.rows, summaries: table.summaries), to: json) }
    if let svg { try OutputFile.write(Data(RateDistortionPlot(title: title, summaries: table.summaries).svg.utf8), to: svg) }
}

/// Prints each setting's means as an aligned table.
func printSummaries(_ table: RateDistortionTable) { printSummaries(table.summaries) }

/// Prints means as an aligned table.
func printSummaries(_ summaries: [RateDistortionTable.Summary]) {
    print("codec       setting                                   images    bpp     PSNR   MS-SSIM  encode s  decode ms")
    for s in summaries {
        let setting = s.setting.isEmpty ? "-" : s.setting
        print(String(format: "%@ %@ %6d  %.4f  %6.2f  %@  %@  %@",
                     s.codec.padding(toLength: 11, withPad: " ", startingAt: 0) as NSString,
                     setting.padding(toLength: 41, withPad: " ", startingAt: 0) as NSString,
                     s.images, s.bpp, s.psnr,
                     (s.msssim.map { String(format: "%.4f", $0) } ?? "     -") as NSString,
                     (s.encodeSeconds.map { String(format: "%8.1f", $0) } ?? "       -") as NSString,
                     (s.decodeSeconds.map { String(format: "%9.0f", $0 * 1000) } ?? "        -") as NSString))
    }
}
