import Foundation

/// Draws PSNR against bpp as a standalone SVG: one solid curve per codec of a table (its
/// settings' means, by rate) and the published anchors dashed. Exact (lossless) points have an
/// infinite PSNR and are left out.
struct RateDistortionPlot {
    var title: String
    var summaries: [RateDistortionTable.Summary]

    init(title: String, summaries: [RateDistortionTable.Summary], anchors: [PublishedAnchors.Curve] = PublishedAnchors.all) {
        self.title = title
        self.summaries = summaries.filter { $0.psnr.isFinite && $0.bpp.isFinite }
        self.anchors = anchors
    }

    var anchors: [PublishedAnchors.Curve] = PublishedAnchors.all

    private static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
    private static let anchorPalette = ["#555555", "#999999"]

    private struct Series {
        var name: String
        var points: [(bpp: Double, psnr: Double)]
        var colour: String
        var dashed: Bool
    }

    var svg: String {
        var codecs: [String] = []
        for summary in summaries where !codecs.contains(summary.codec) { codecs.append(summary.codec) }
        var series = codecs.enumerated().map { index, codec in
            Series(name: codec, points: summaries.filter { $0.codec == codec }.map { ($0.bpp, $0.psnr) }.sorted { $0.bpp < $1.bpp },
                   colour: Self.palette[index % Self.palette.count], dashed: false)
        }
        series += anchors.enumerated().map { Series(name: $1.name, points: $1.points, colour: Self.anchorPalette[$0 % 2], dashed: true) }
        let all = series.flatMap(\.points)
        guard !all.isEmpty else { return "" }

        let (width, height) = (760.0, 500.0)
        let (left, right, top, bottom) = (64.0, 220.0, 40.0, 52.0)
        let xRange = Self.niceRange(0, all.map(\.bpp).max()!)
        let yRange = Self.niceRange(all.map(\.psnr).min()!, all.map(\.psnr).max()!)
        func x(_ bpp: Double) -> Double { left + (bpp - xRange.low) / (xRange.high - xRange.low) * (width - left - right) }
        func y(_ psnr: Double) -> Double { height - bottom - (psnr - yRange.low) / (yRange.high - yRange.low) * (height - top - bottom) }
        func f(_ value: Double) -> String { String(format: "%.1f", value) }

        var out = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(left))" y="24" font-size="15">\(Self.escaped(title))</text>

            """
        for tick in Self.ticks(xRange) {
            out += "<line x1=\"\(f(x(tick)))\" y1=\"\(f(top))\" x2=\"\(f(x(tick)))\" y2=\"\(f(height - bottom))\" stroke=\"#e5e5e5\"/>"
            out += "<text x=\"\(f(x(tick)))\" y=\"\(f(height - bottom + 16))\" text-anchor=\"middle\">\(Self.label(tick))</text>\n"
        }
        for tick in Self.ticks(yRange) {
            out += "<line x1=\"\(f(left))\" y1=\"\(f(y(tick)))\" x2=\"\(f(width - right))\" y2=\"\(f(y(tick)))\" stroke=\"#e5e5e5\"/>"
            out += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" text-anchor=\"end\">\(Self.label(tick))</text>\n"
        }
        out += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(width - left - right))\" height=\"\(f(height - top - bottom))\" fill=\"none\" stroke=\"black\"/>\n"
        out += "<text x=\"\(f((left + width - right) / 2))\" y=\"\(f(height - 14))\" text-anchor=\"middle\">bits per pixel</text>\n"
        out += "<text transform=\"translate(18 \(f((top + height - bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">PSNR (dB)</text>\n"

        for (index, curve) in series.enumerated() {
            let points = curve.points.map { "\(f(x($0.bpp))),\(f(y($0.psnr)))" }.joined(separator: " ")
            let dash = curve.dashed ? " stroke-dasharray=\"6 4\"" : ""
            out += "<polyline points=\"\(points)\" fill=\"none\" stroke=\"\(curve.colour)\" stroke-width=\"2\"\(dash)/>\n"
            for point in curve.points {
                out += "<circle cx=\"\(f(x(point.bpp)))\" cy=\"\(f(y(point.psnr)))\" r=\"4\" fill=\"\(curve.colour)\"/>"
            }
            let legendY = top + 10 + Double(index) * 20
            out += "\n<line x1=\"\(f(width - right + 14))\" y1=\"\(f(legendY))\" x2=\"\(f(width - right + 38))\" y2=\"\(f(legendY))\" stroke=\"\(curve.colour)\" stroke-width=\"2\"\(dash)/>"
            out += "<text x=\"\(f(width - right + 44))\" y=\"\(f(legendY + 4))\">\(Self.escaped(curve.name))</text>\n"
        }
        return out + "</svg>\n"
    }

    /// A range widened to round numbers with 4–10 ticks.
    static func niceRange(_ low: Double, _ high: Double) -> (low: Double, high: Double, step: Double) {
        let span = max(high - low, 1e-6)
        let magnitude = pow(10, floor(log10(span)))
        let step = [0.1, 0.2, 0.25, 0.5, 1, 2, 2.5, 5, 10].map { $0 * magnitude }.first { span / $0 <= 10 }!
        return (floor(low / step) * step, ceil(high / step) * step, step)
    }

    static func ticks(_ range: (low: Double, high: Double, step: Double)) -> [Double] {
        stride(from: range.low, through: range.high + range.step * 1e-6, by: range.step).map { $0 }
    }

    static func label(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// `text` safe in XML or HTML text and double-quoted attributes.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;")
    }
}
