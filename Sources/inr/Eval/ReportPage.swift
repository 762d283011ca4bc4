import Foundation

/// The HTML of `inr eval report`: one self-contained page (its pictures are files beside it,
/// named relatively; no script, style or font comes from the network).
///
/// Each image is a `<section class="image">` of `<figure class="view">`s: the original first,
/// then inr's, then each classic codec's. A figure's `data-` attributes carry its codec,
/// setting and figures, and its `<figcaption>` prints them; the test reads both back from the
/// rendered page. The script keeps one zoom and pan per section and applies it to all its
/// pictures, so they stay aligned pixel for pixel.
struct ReportPage {
    struct View {
        var codec: String
        var setting: String
        var bpp: Double
        var psnr: Double
        var msssim: Double?
        var picture: String
        var errorMap: String

        /// The caption's figures, as the test expects them.
        var figures: String {
            String(format: "%.4f bpp · PSNR %.2f dB", bpp, psnr) + (msssim.map { String(format: " · MS-SSIM %.4f", $0) } ?? "")
        }
    }

    struct Section {
        var image: String
        var width: Int
        var height: Int
        var original: String
        var views: [View] = []
        /// Codecs with a row but no decoded picture, said under the pictures.
        var missing: [String] = []
    }

    var title: String
    var sections: [Section] = []
    var chart = ""
    var summaries: [RateDistortionTable.Summary] = []

    var html: String {
        var page = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escaped(title))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <h1>\(escaped(title))</h1>
            <p class="help">Scroll over a picture to zoom, drag to pan: every picture of an image follows. \
            <b>E</b> or the button shows where each differs from the original (black: exact; red, yellow, white: \
            a growing error, white from 1/12 of the range). bpp is each file's bytes × 8 / pixels. \
            A link can open a view: <code>index.html#zoom=4&amp;x=0.3&amp;y=0.6&amp;errors=1</code>.</p>

            """
        for section in sections {
            page += """
                <section class="image" data-image="\(escaped(section.image))">
                <h2>\(escaped(section.image)) <small>\(section.width) × \(section.height)</small></h2>
                <div class="tools"><button class="errors">error maps</button> <button class="reset">reset zoom</button></div>
                <div class="views" style="--aspect: \(section.width) / \(section.height)">
                <figure class="view" data-codec="original"><div class="frame"><img class="picture" src="\(escaped(section.original))" alt="original" draggable="false"></div>\
                <figcaption><b>original</b></figcaption></figure>

                """
            for view in section.views {
                page += """
                    <figure class="view" data-codec="\(escaped(view.codec))" data-setting="\(escaped(view.setting))" \
                    data-bpp="\(String(format: "%.4f", view.bpp))" data-psnr="\(String(format: "%.2f", view.psnr))">\
                    <div class="frame"><img class="picture" src="\(escaped(view.picture))" alt="\(escaped(view.codec))" draggable="false">\
                    <img class="error" src="\(escaped(view.errorMap))" alt="\(escaped(view.codec)) error map" draggable="false"></div>\
                    <figcaption><b>\(escaped(view.codec))</b> \(escaped(view.setting))<br>\(escaped(view.figures))</figcaption></figure>

                    """
            }
            page += "</div>\n"
            for note in section.missing { page += "<p class=\"missing\">\(escaped(note))</p>\n" }
            page += "</section>\n"
        }
        page += "<h2>Rate–distortion</h2>\n<div class=\"chart\">\(chart)</div>\n"
        page += "<h2>Means over the images</h2>\n<table><tr><th>codec</th><th>setting</th><th>images</th><th>bpp</th><th>PSNR (dB)</th><th>MS-SSIM</th></tr>\n"
        for summary in summaries {
            page += "<tr><td>\(escaped(summary.codec))</td><td>\(escaped(summary.setting))</td><td>\(summary.images)</td>"
                + String(format: "<td>%.4f</td><td>%.2f</td>", summary.bpp, summary.psnr)
                + "<td>\(summary.msssim.map { String(format: "%.4f", $0) } ?? "—")</td></tr>\n"
        }
        page += "</table>\n<h2>The pictures shown</h2>\n<table><tr><th>image</th><th>codec</th><th>setting</th><th>bpp</th><th>PSNR (dB)</th><th>MS-SSIM</th></tr>\n"
        for section in sections {
            for view in section.views {
                page += "<tr><td>\(escaped(section.image))</td><td>\(escaped(view.codec))</td><td>\(escaped(view.setting))</td>"
                    + String(format: "<td>%.4f</td><td>%.2f</td>", view.bpp, view.psnr)
                    + "<td>\(view.msssim.map { String(format: "%.4f", $0) } ?? "—")</td></tr>\n"
            }
        }
        page += "</table>\n<script>\(Self.script)</script>\n</body>\n</html>\n"
        return page
    }

    private func escaped(_ text: String) -> String { RateDistortionPlot.escaped(text) }

    static let style = """
        body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; background: #fafafa; }
        h2 small { font-weight: normal; color: #666; }
        .help { color: #555; max-width: 60em; }
        .tools { margin: 0.3em 0 0.6em; }
        .views { display: flex; flex-wrap: wrap; gap: 12px; }
        figure.view { margin: 0; width: 236px; }
        .frame { position: relative; overflow: hidden; width: 236px; aspect-ratio: var(--aspect); background: #000;
                 cursor: grab; touch-action: none; }
        .frame img { position: absolute; left: 0; top: 0; width: 100%; transform-origin: 0 0;
                     image-rendering: pixelated; user-select: none; -webkit-user-drag: none; }
        .frame img.error { display: none; }
        section.show-errors .frame img.error { display: block; }
        section.show-errors .frame img.picture { display: none; }
        section.show-errors figure[data-codec="original"] .frame img.picture { display: block; }
        figcaption { font-size: 13px; margin-top: 4px; }
        .missing { color: #a33; }
        table { border-collapse: collapse; margin-bottom: 1.5em; }
        td, th { border: 1px solid #ccc; padding: 2px 8px; text-align: right; }
        td:first-child, th:first-child, td:nth-child(2) { text-align: left; }
        .chart svg { max-width: 100%; height: auto; background: #fff; }
        """

    static let script = """
        document.querySelectorAll("section.image").forEach(function (section) {
          var scale = 1, x = 0, y = 0, drag = null;
          var pictures = section.querySelectorAll(".frame img");
          var frames = section.querySelectorAll(".frame");
          function apply() {
            var size = frames[0].getBoundingClientRect();
            x = Math.min(0, Math.max(size.width * (1 - scale), x));
            y = Math.min(0, Math.max(size.height * (1 - scale), y));
            pictures.forEach(function (p) { p.style.transform = "translate(" + x + "px," + y + "px) scale(" + scale + ")"; });
          }
          frames.forEach(function (frame) {
            frame.addEventListener("wheel", function (event) {
              event.preventDefault();
              var box = frame.getBoundingClientRect(), cx = event.clientX - box.left, cy = event.clientY - box.top;
              var delta = event.deltaY * (event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? 400 : 1);
              var next = Math.min(64, Math.max(1, scale * Math.exp(-delta * 0.002)));
              x = cx - (cx - x) * next / scale; y = cy - (cy - y) * next / scale; scale = next; apply();
            }, { passive: false });
            frame.addEventListener("pointerdown", function (event) {
              event.preventDefault();
              drag = { x: event.clientX - x, y: event.clientY - y }; frame.setPointerCapture(event.pointerId);
            });
            frame.addEventListener("pointermove", function (event) {
              if (drag) { x = event.clientX - drag.x; y = event.clientY - drag.y; apply(); }
            });
            ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (name) {
              frame.addEventListener(name, function () { drag = null; });
            });
          });
          section.querySelector("button.reset").addEventListener("click", function () { scale = 1; x = 0; y = 0; apply(); });
          // A shared view: #zoom=S&x=X&y=Y (X, Y the fractions of the picture at its centre) and &errors=1.
          var view = new URLSearchParams(location.hash.slice(1));
          if (view.has("zoom")) {
            var size = frames[0].getBoundingClientRect();
            scale = Math.min(64, Math.max(1, parseFloat(view.get("zoom")) || 1));
            x = size.width / 2 - (parseFloat(view.get("x")) || 0.5) * size.width * scale;
            y = size.height / 2 - (parseFloat(view.get("y")) || 0.5) * size.height * scale;
            apply();
          }
          if (view.get("errors") === "1") { section.classList.add("show-errors"); }
          section.querySelector("button.errors").addEventListener("click", function () { section.classList.toggle("show-errors"); });
        });
        var errorsShown = new URLSearchParams(location.hash.slice(1)).get("errors") === "1";
        document.addEventListener("keydown", function (event) {
          if (event.key === "e" || event.key === "E") {
            errorsShown = !errorsShown;
            document.querySelectorAll("section.image").forEach(function (s) { s.classList.toggle("show-errors", errorsShown); });
          }
        });
        """
}
