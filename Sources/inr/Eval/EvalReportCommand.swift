import ArgumentParser
import Foundation
import INRCore
import INRMedia

/// `inr eval report`: the pictures behind a sweep's numbers, as one page.
///
///     sweep folder (results.csv, files/<setting>/<image>.inr) ─┐
///     classic CSVs + their decoded images (classic_codecs.py)  ─┼─► per image: inr's point nearest --bpp,
///     --images (the originals)                                 ─┘   each codec's nearest to it
///         ─► OUTPUT/images/<image>/{original, <codec>, <codec>-error}.png ─► OUTPUT/index.html
///            (ReportPage: synchronised zoom and pan, error maps, captions, RD chart, tables)
struct EvalReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write an HTML page of a sweep's decoded images beside the originals and the classic codecs' at the nearest rate.",
        discussion: """
            For each image of the sweep, the page shows the original, inr's decoded file at the \
            sweep's point nearest --bpp, and each classic codec's decoded image at the rate \
            nearest inr's, with PSNR, MS-SSIM and bpp under each. Scrolling over any picture \
            zooms all of an image's pictures together and dragging pans them; a button (or the \
            key E) shows error maps instead. Below: the rate-distortion chart and the tables. \
            The page and its images are files in --output: it opens offline, from the disk.

            Classic codecs' rows come from Tools/classic_codecs.py --keep-decoded, which keeps \
            each decoded image as DECODED/<codec>/<setting>/<image>.png beside its CSV.
            """)

    @Argument(help: "The folder of an `inr eval sweep` (its results.csv and files/).")
    var sweep: String

    @Option(help: "A folder holding the original PNG images (the sweep's --images).")
    var images: String

    @Option(help: "A CSV of Tools/classic_codecs.py (repeatable).")
    var classic: [String] = []

    @Option(help: "The classic codecs' decoded images (default: the folder 'decoded' beside each CSV).")
    var decoded: String?

    @Option(parsing: .unconditional, help: "The rate whose inr point each image shows (the nearest of the sweep's).")
    var bpp: Double = 0.3

    @Option(help: "The folder to write index.html and its images to.")
    var output: String

    @Option(help: "The page's title.")
    var title = "inr against the classic codecs"

    @Flag(help: "Leave the published Kodak anchors off the chart.")
    var noAnchors = false

    @OptionGroup var threadOptions: ThreadOptions

    func validate() throws {
        guard bpp.isFinite && bpp > 0 else { throw ValidationError("--bpp \(bpp): must be a positive number of bits per pixel") }
    }

    func run() throws {
        let results = sweep + "/results.csv"
        var files = FileRoles()
        files.input("the sweep's results", results)
        for table in classic { files.input("--classic", table) }
        files.output("--output", output + "/index.html")
        try files.check()

        let inr = try RateDistortionTable.read(results)
        guard !inr.rows.isEmpty else { throw CommandError("\(results): no rows") }
        var others = RateDistortionTable()
        var decodedFolders: [String: String] = [:]
        for table in classic {
            let rows = try RateDistortionTable.read(table).rows
            others.rows += rows
            let folder = decoded ?? (URL(fileURLWithPath: table).deletingLastPathComponent().path + "/decoded")
            for codec in Set(rows.map(\.codec)) { decodedFolders[codec] = folder }
        }
        let codecs = others.rows.map(\.codec).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }

        var page = ReportPage(title: title)
        try OutputFile.createFolders(for: [output + "/images/x"])
        let imageNames = inr.rows.map(\.image).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        for (index, name) in imageNames.enumerated() {
            if Interrupt.shared.isRequested { throw ExitCode(130) }
            let stem = (name as NSString).deletingPathExtension
            let originalPath = images + "/" + name
            let original = try PNG.read(originalPath)
            // Numbered folders and pictures: names that slug alike never share a file, and none is "..".
            let relativeFolder = "images/\(index + 1)-\(EvalSweepCommand.slug(stem))"
            let folder = output + "/" + relativeFolder
            try OutputFile.createFolders(for: [folder + "/x"])
            try PNG.write(original, to: folder + "/0-original.png")
            var section = ReportPage.Section(image: name, width: original.width, height: original.height, original: relativeFolder + "/0-original.png")

            let candidates = inr.rows.filter { $0.image == name }
            let chosen = candidates.min { abs($0.bpp - bpp) < abs($1.bpp - bpp) }!
            let file = "\(sweep)/files/\(EvalSweepCommand.slug(chosen.setting))/\(stem).inr"
            let decodedImage = try decodeFile(file, threads: threadOptions.threads)
            section.views.append(try view(of: chosen, image: decodedImage, original: original, folder: relativeFolder, number: 1))

            for codec in codecs {
                let rows = others.rows.filter { $0.codec == codec && $0.image == name }
                guard let nearest = rows.min(by: { abs($0.bpp - chosen.bpp) < abs($1.bpp - chosen.bpp) }) else { continue }
                let path = "\(decodedFolders[codec]!)/\(codec)/\(EvalSweepCommand.slug(nearest.setting))/\(stem).png"
                guard FileManager.default.fileExists(atPath: path) else {
                    section.missing.append("\(codec) \(nearest.setting): no decoded image at \(path) (run Tools/classic_codecs.py with --keep-decoded)")
                    continue
                }
                section.views.append(try view(of: nearest, image: try PNG.read(path), original: original, folder: relativeFolder, number: section.views.count + 1))
            }
            page.sections.append(section)
            print("\(name): inr \(chosen.setting.isEmpty ? "-" : chosen.setting) at \(String(format: "%.4f", chosen.bpp)) bpp, \(section.views.count - 1) codec(s) beside it")
        }
        var all = inr
        all.rows += others.rows
        page.chart = RateDistortionPlot(title: title, summaries: all.summaries, anchors: noAnchors ? [] : PublishedAnchors.all).svg
        page.summaries = all.summaries
        try OutputFile.write(Data(page.html.utf8), to: output + "/index.html")
        print("wrote \(output)/index.html (\(page.sections.count) images, \(page.sections.map(\.views.count).reduce(0, +) + page.sections.count) pictures)")
    }

    /// One codec's picture of an image: the decoded image and its error map written beside the
    /// page, with the row's figures (as the sweep or classic_codecs.py measured them).
    func view(of row: RateDistortionRow, image: Image, original: Image, folder: String, number: Int) throws -> ReportPage.View {
        guard image.width == original.width, image.height == original.height, image.channels == original.channels else {
            throw CommandError("\(row.codec) \(row.setting) \(row.image): the decoded image is \(image.width)×\(image.height)×\(image.channels), the original \(original.width)×\(original.height)×\(original.channels)")
        }
        let relative = "\(folder)/\(number)-" + EvalSweepCommand.slug(row.codec + (row.setting.isEmpty ? "" : "-" + row.setting))
        try PNG.write(image, to: "\(output)/\(relative).png")
        try PNG.write(ErrorMap.image(original: original, reconstruction: image), to: "\(output)/\(relative)-error.png")
        return ReportPage.View(codec: row.codec, setting: row.setting, bpp: row.bpp, psnr: row.psnr, msssim: row.msssim,
                               picture: relative + ".png", errorMap: relative + "-error.png")
    }
}
