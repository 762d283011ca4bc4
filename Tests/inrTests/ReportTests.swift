import Foundation
import INRMedia
import INRTestSupport
import XCTest

/// `inr eval report`: a sweep and a classic codec's rows become a page that Chromium renders.
final class ReportTests: XCTestCase {
    func inr(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        try CommandLineTests.inr(arguments)
    }

    /// Headless Chromium with what it needs to run as root in a container.
    func chromium(_ browser: String, _ arguments: [String], page: String) throws -> Data {
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let result = try TestSupport.run(
            "/usr/bin/timeout",
            ["120", browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--user-data-dir=\(folder)"] + arguments
                + ["file://" + page])
        XCTAssertEqual(result.status, 0, String(decoding: result.stderr, as: UTF8.self))
        return result.stdout
    }

    func testReportRendersEveryPictureWithItsCaption() throws {
        guard let browser = TestSupport.which("chromium") ?? TestSupport.which("chromium-browser") else {
            throw XCTSkip("Chromium is not installed (Tools/setup.sh installs Debian's chromium): the report page cannot be rendered")
        }
        let folder = try TestSupport.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let images = folder + "/images"
        try FileManager.default.createDirectory(atPath: images, withIntermediateDirectories: true)
        for source in ["Media/kodim23_crop128.png", "Media/lossless/kodim05_crop128.png"] {
            try FileManager.default.copyItem(atPath: TestSupport.path(source), toPath: images + "/" + URL(fileURLWithPath: source).lastPathComponent)
        }
        let sweep = try inr([
            "eval", "sweep", TestSupport.path("Configs/image/mlp.yaml"), "--images", images, "--bpp", "0.5,1",
            "--set", "training.steps=60", "--set", "quantization.qatSteps=5", "--output", folder + "/sweep", "--threads", "2",
        ])
        XCTAssertEqual(sweep.status, 0, sweep.stderr)

        // A classic codec's column where cjpeg is installed, made as Tools/classic_codecs.py makes it.
        var codecs = ["inr"]
        if let cjpeg = TestSupport.which("cjpeg"), let djpeg = TestSupport.which("djpeg"), let ffmpeg = TestSupport.which("ffmpeg") {
            codecs.append("JPEG")
            for name in ["kodim23_crop128", "kodim05_crop128"] {
                let decoded = "\(folder)/classic/decoded/JPEG/q=30/\(name).png"
                try FileManager.default.createDirectory(atPath: (decoded as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                for (program, arguments) in [
                    (ffmpeg, ["-v", "error", "-y", "-i", "\(images)/\(name).png", "\(folder)/source.ppm"]),
                    (cjpeg, ["-quality", "30", "-optimize", "-outfile", "\(folder)/x.jpg", "\(folder)/source.ppm"]),
                    (djpeg, ["-outfile", "\(folder)/x.ppm", "\(folder)/x.jpg"]),
                    (ffmpeg, ["-v", "error", "-y", "-i", "\(folder)/x.ppm", decoded]),
                ] {
                    let run = try TestSupport.run(program, arguments)
                    XCTAssertEqual(run.status, 0, String(decoding: run.stderr, as: UTF8.self))
                }
                let compare = try inr(["eval", "compare", "\(images)/\(name).png", decoded, "--compressed", "\(folder)/x.jpg",
                                       "--codec", "JPEG", "--setting", "q=30", "--csv", "\(folder)/classic/classic.csv"])
                XCTAssertEqual(compare.status, 0, compare.stderr)
            }
        }
        let report = try inr(["eval", "report", folder + "/sweep", "--images", images, "--bpp", "1", "--output", folder + "/report"]
            + (codecs.count > 1 ? ["--classic", folder + "/classic/classic.csv"] : []))
        XCTAssertEqual(report.status, 0, report.stderr)
        let page = folder + "/report/index.html"

        // Offline: nothing the page loads comes from the network (the inline SVG's xmlns is a name, not a fetch).
        let html = try String(contentsOfFile: page, encoding: .utf8)
        for fetch in ["src=\"http", "href=\"http", "src=\"//", "href=\"//", "url(http", "url(//", "@import", "fetch("] {
            XCTAssertFalse(html.contains(fetch), "the page loads something from the network: \(fetch)")
        }

        // The rendered page has, per image, the original, inr's point nearest 1 bpp and each
        // classic codec's point, captioned with the rows' figures.
        let dom = String(decoding: try chromium(browser, ["--dump-dom"], page: page), as: UTF8.self)
        let figures = dom.components(separatedBy: "<figure class=\"view\"").dropFirst()
        XCTAssertEqual(figures.count, 2 * (1 + codecs.count), dom)
        let rows = try csvRows(folder + "/sweep/results.csv") + (codecs.count > 1 ? try csvRows(folder + "/classic/classic.csv") : [])
        for image in ["kodim23_crop128.png", "kodim05_crop128.png"] {
            let inrRow = rows.filter { $0["codec"] == "inr" && $0["image"] == image }.min { abs(Double($0["bpp"]!)! - 1) < abs(Double($1["bpp"]!)! - 1) }!
            var expected = [inrRow]
            if codecs.count > 1 { expected += rows.filter { $0["codec"] == "JPEG" && $0["image"] == image } }
            for row in expected {
                let caption = String(format: "%.4f bpp · PSNR %.2f dB", Double(row["bpp"]!)!, Double(row["psnr"]!)!)
                XCTAssertTrue(dom.contains(caption), "\(image) \(row["codec"]!): no caption \(caption)")
            }
        }
        let shown = dom.components(separatedBy: "<img class=\"picture\"").count - 1
        XCTAssertEqual(shown, figures.count)

        // The script: a view in the link zooms every picture of every image alike and shows the
        // error maps.
        let zoomed = String(decoding: try chromium(browser, ["--dump-dom"], page: page + "#zoom=4&x=0.5&y=0.5&errors=1"), as: UTF8.self)
        XCTAssertEqual(zoomed.components(separatedBy: "scale(4)").count - 1, 2 * (1 + 2 * codecs.count), "every picture and error map zoomed")
        XCTAssertEqual(zoomed.components(separatedBy: "class=\"image show-errors\"").count - 1, 2)

        // The screenshot is a page of pictures, not a blank one.
        let shot = folder + "/shot.png"
        _ = try chromium(browser, ["--window-size=1280,1000", "--screenshot=\(shot)"], page: page)
        let screenshot = try PNG.read(shot)
        let distinct = Set(stride(from: 0, to: screenshot.samples.count, by: screenshot.channels).map { index in
            (0..<min(3, screenshot.channels)).reduce(0) { $0 << 16 | Int(screenshot.samples[index + $1]) }
        })
        XCTAssertGreaterThan(distinct.count, 1000, "the screenshot has \(distinct.count) colours: blank")
    }

    /// A CSV of inr eval's format as dictionaries (no quoted fields in these files).
    func csvRows(_ path: String) throws -> [[String: String]] {
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }
}
