import ArgumentParser
import Foundation
import INRCodec
import INRConfig
import INRCore
import INRMedia
import INRNetwork

struct CompressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compress",
        abstract: "Fit, quantise and entropy-code an image into an .inr file.",
        discussion: """
            Fits the config's network, quantises the best weights (with quantisation-aware \
            fine-tuning when quantization.qatSteps > 0), writes the bitstream, then decodes the \
            written file and prints its PSNR and its bits per pixel (file bytes × 8 / pixels).
            """)

    @Argument(help: "A YAML config, e.g. Configs/image/codec.yaml.")
    var config: String

    @Option(help: "The image to compress (PNG).")
    var input: String

    @Option(help: "Where to write the compressed file (.inr).")
    var output: String

    @Option(help: "Override training.steps.")
    var steps: Int?

    @Option(help: "Override the config's seed.")
    var seed: UInt64?

    @Option(help: "Override training.timeLimit (seconds of fitting, before fine-tuning).")
    var timeLimit: Double?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Also write the decoded image here (PNG).")
    var reconstruction: String?

    @Option(help: "Write a JSON report here.")
    var metrics: String?

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        if let steps, !(1...TrainingConfig.maximumSteps).contains(steps) {
            throw ValidationError("--steps must be between 1 and \(TrainingConfig.maximumSteps)")
        }
        if let timeLimit, timeLimit <= 0 { throw ValidationError("--time-limit must be positive") }
    }

    func run() throws {
        var config = try FitConfig.load(self.config)
        if let steps { config.training.steps = steps }
        if let seed { config.seed = seed }
        if let timeLimit { config.training.timeLimit = timeLimit }
        let image = try PNG.read(input)
        let kernels = try Kernels.preferred()
        let decoder = try ImageDecoder(threads: threads)
        try createFolders(for: [output, reconstruction, metrics])

        Interrupt.shared.install()
        let start = Date()
        var reporter = ProgressReporter(totalSteps: config.training.steps, timeLimit: config.training.timeLimit)
        var phase = "fit"
        let result = config.compress(image: image, kernels: kernels, threads: threads, shouldStop: { Interrupt.shared.isRequested }) { name, report in
            if name != phase {
                reporter.finish()
                reporter = ProgressReporter(totalSteps: config.quantization.qatSteps, timeLimit: nil, label: "fine-tune")
                phase = name
            }
            reporter.report(report)
        }
        reporter.finish()
        let encodeSeconds = Date().timeIntervalSince(start)
        try AtomicFile.write(Data(result.bytes), to: output)

        // The figures come from the file as written: read it back and decode it.
        let decodeStart = Date()
        let written = [UInt8](try Data(contentsOf: URL(fileURLWithPath: output)))
        let decoded = try decoder.decode(written)
        let decodeSeconds = Date().timeIntervalSince(decodeStart)
        let psnr = Metrics.psnr(image, decoded)
        let bpp = Double(written.count * 8) / Double(image.pixelCount)
        if let reconstruction { try PNG.write(decoded, to: reconstruction) }

        let report = CompressReport(
            config: self.config, input: input, output: output, width: image.width, height: image.height,
            channels: image.channels, bitDepth: image.bitDepth, bytes: written.count, bpp: bpp, psnr: psnr,
            floatPSNR: result.floatPSNR, quantizedPSNR: result.quantizedPSNR, fitSteps: result.fitSteps,
            qatSteps: result.qatSteps, encodeSeconds: encodeSeconds, fitSeconds: result.fitSeconds,
            qatSeconds: result.qatSeconds, decodeSeconds: decodeSeconds,
            parameterCount: result.compressed.parameters.symbols.count, threads: threads,
            instructionSet: kernels.instructionSet.rawValue, interrupted: Interrupt.shared.isRequested)
        if let metrics { try writeJSON(report, to: metrics) }
        print(String(format: "PSNR %.2f dB at %.4f bpp (%d bytes); float %.2f dB, quantised %.2f dB", psnr, bpp, written.count, result.floatPSNR, result.quantizedPSNR)
            + (result.qatSteps > 0 ? String(format: ", fine-tuned %.2f dB", result.finalPSNR) : ""))
        print(String(format: "encode %.1f s (fit %d steps %.1f s, fine-tune %d steps %.1f s), decode %.0f ms",
                     encodeSeconds, result.fitSteps, result.fitSeconds, result.qatSteps, result.qatSeconds, decodeSeconds * 1000))
        print("wrote \(output)" + (reconstruction.map { ", \($0)" } ?? "") + (metrics.map { ", \($0)" } ?? ""))
    }
}

struct CompressReport: Codable {
    var config: String
    var input: String
    var output: String
    var width: Int
    var height: Int
    var channels: Int
    var bitDepth: Int
    var bytes: Int
    var bpp: Double
    var psnr: Double
    var floatPSNR: Double
    var quantizedPSNR: Double
    var fitSteps: Int
    var qatSteps: Int
    var encodeSeconds: Double
    var fitSeconds: Double
    var qatSeconds: Double
    var decodeSeconds: Double
    var parameterCount: Int
    var threads: Int
    var instructionSet: String
    var interrupted: Bool
}

/// Creates the folders that will hold these files.
func createFolders(for paths: [String?]) throws {
    for path in paths.compactMap({ $0 }) {
        try FileManager.default.createDirectory(at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    }
}

/// Writes `value` as pretty JSON, atomically.
func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    try AtomicFile.write(try encoder.encode(value), to: path)
}
