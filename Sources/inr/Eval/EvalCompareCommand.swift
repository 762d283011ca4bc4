import ArgumentParser
import Foundation
import INRCodec
import INRFormat
import INRCore
import INRMedia

/// PSNR and MS-SSIM of a reconstruction, and bpp of the file it came from.
struct EvalCompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "PSNR, MS-SSIM and bpp of a reconstruction against its original.",
        discussion: """
            The reconstruction is a PNG or an .inr file (decoded here). bpp is the size of \
            --compressed (or of the .inr) × 8 / pixels. PSNR: peak 2^depth − 1, mean squared \
            error over every sample of every channel. MS-SSIM as CompressAI computes it (images \
            of at least 161 pixels a side).
            """)

    @Argument(help: "The original image (PNG).")
    var original: String

    @Argument(help: "The reconstruction: a PNG, or an .inr file to decode.")
    var reconstruction: String

    @Option(help: "The compressed file whose size gives bpp (default: the .inr reconstruction).")
    var compressed: String?

    @Option(help: "Codec name for --csv.")
    var codec = "inr"

    @Option(help: "Setting (a point on the codec's curve) for --csv.")
    var setting = ""

    @Option(help: "Append the result to this CSV (inr eval plot reads it).")
    var csv: String?

    @Option(parsing: .unconditional, help: "Encode time to record in --csv (seconds).")
    var encodeSeconds: Double?

    @Option(parsing: .unconditional, help: "Decode time to record in --csv (seconds; measured here for an .inr reconstruction).")
    var decodeSeconds: Double?

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        for (name, value) in [("--encode-seconds", encodeSeconds), ("--decode-seconds", decodeSeconds)] {
            if let value, !(value.isFinite && value >= 0) { throw ValidationError("\(name) \(value): must be a finite number of seconds, 0 or more") }
        }
    }

    func run() throws {
        var files = FileRoles()
        files.input("the original", original)
        files.input("the reconstruction", reconstruction)
        files.input("--compressed", compressed)
        files.output("--csv", csv)
        try files.check()
        let reference = try PNG.read(original)
        let decodeStart = Date()
        var decodeSeconds = self.decodeSeconds
        let image: Image
        var compressedPath = compressed
        if reconstruction.hasSuffix(".inr") {
            image = try decodeFile(reconstruction, threads: ProcessInfo.processInfo.activeProcessorCount)
            decodeSeconds = Date().timeIntervalSince(decodeStart)
            compressedPath = compressedPath ?? reconstruction
        } else {
            image = try PNG.read(reconstruction)
        }
        guard image.width == reference.width, image.height == reference.height, image.channels == reference.channels,
            image.bitDepth == reference.bitDepth
        else {
            throw MediaError(path: reconstruction, reason: "is \(image.width)×\(image.height)×\(image.channels) at \(image.bitDepth) bits; "
                + "the original is \(reference.width)×\(reference.height)×\(reference.channels) at \(reference.bitDepth) bits")
        }
        var bytes: Int?
        if let compressedPath {
            var status = stat()
            guard stat(compressedPath, &status) == 0 else { throw MediaError(path: compressedPath, reason: OutputFile.systemError()) }
            bytes = Int(status.st_size)
        }
        let psnr = Metrics.psnr(reference, image)
        let msssim = try? Metrics.msSSIM(reference, image)
        let bpp = bytes.map { Double($0 * 8) / Double(reference.pixelCount) }

        if let csv {
            guard let bytes else { throw CommandError("--csv needs --compressed (or an .inr reconstruction) for the rate") }
            var table = FileManager.default.fileExists(atPath: csv) ? try RateDistortionTable.read(csv) : RateDistortionTable()
            table.rows.append(RateDistortionRow(
                codec: codec, setting: setting, image: URL(fileURLWithPath: original).lastPathComponent,
                width: reference.width, height: reference.height, bytes: bytes, psnr: psnr, msssim: msssim,
                encodeSeconds: encodeSeconds, decodeSeconds: decodeSeconds))
            try OutputFile.createFolders(for: [csv])
            try OutputFile.write(Data(table.csv.utf8), to: csv)
        }
        if json {
            struct Result: Encodable {
                var psnr: Double
                var msssim: Double?
                var bytes: Int?
                var bpp: Double?
            }
            print(String(decoding: try reportEncoder(pretty: false).encode(Result(psnr: psnr, msssim: msssim, bytes: bytes, bpp: bpp)), as: UTF8.self))
        } else {
            print((psnr.isInfinite ? "identical samples (PSNR ∞)" : String(format: "PSNR %.2f dB", psnr)) + (msssim.map { String(format: ", MS-SSIM %.4f", $0) } ?? ", MS-SSIM - (image under 161 px a side)")
                + (bpp.map { String(format: ", %.4f bpp (%d bytes)", $0, bytes!) } ?? ""))
        }
    }
}
