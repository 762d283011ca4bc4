import ArgumentParser
import Foundation
import INRConfig
import INRCore
import INRMedia
import INRNetwork
import INRTraining

struct FitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit",
        abstract: "Fit a network to an image and write its reconstruction.",
        discussion: """
            Writes the reconstruction (PNG, the image's channels and bit depth), the model \
            checkpoint (full-precision weights, --checkpoint) and, with --metrics, a JSON \
            report. Ctrl-C stops after the current step and still writes the best weights.
            """)

    @Argument(help: "A YAML config, e.g. Configs/image/siren.yaml.")
    var config: String

    @Option(help: "The image to fit (PNG).")
    var input: String

    @Option(help: "Where to write the reconstruction (PNG).")
    var output: String

    @Option(name: .customLong("set"), help: "key.path=value laid over the config (repeatable), e.g. network.width=48.")
    var overrides: [String] = []

    @Option(help: "Override training.steps.")
    var steps: Int?

    @Option(help: "Override the config's seed.")
    var seed: UInt64?

    @Option(help: "Override training.timeLimit (seconds).")
    var timeLimit: Double?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Write a JSON report here.")
    var metrics: String?

    @Option(help: "Where to write the model checkpoint (default: the output with extension .inrmodel).")
    var checkpoint: String?

    func validate() throws {
        guard (1...256).contains(threads) else { throw ValidationError("--threads must be between 1 and 256") }
        if let steps, !(1...TrainingConfig.maximumSteps).contains(steps) {
            throw ValidationError("--steps must be between 1 and \(TrainingConfig.maximumSteps)")
        }
        if let timeLimit, timeLimit <= 0 { throw ValidationError("--time-limit must be positive") }
        guard output.lowercased().hasSuffix(".png") else { throw ValidationError("--output must be a .png file") }
    }

    func run() throws {
        var config = try FitConfig.load(self.config, overrides: overrides.map(ConfigOverride.init(parsing:)))
        if let steps { config.training.steps = steps }
        if let seed { config.seed = seed }
        if let timeLimit { config.training.timeLimit = timeLimit }
        let image = try PNG.read(input)
        try createFolders(for: [output, checkpoint, metrics])
        let kernels = try Kernels.preferred()
        let trainer = config.makeTrainer(image: image, kernels: kernels, threads: threads)
        let checkpointPath = checkpoint ?? (output.dropLast(4) + ".inrmodel")

        log("\(input): \(image.width)×\(image.height), \(image.channels) channel(s), \(image.bitDepth)-bit; "
            + "\(trainer.parameters.values.count) parameters; \(config.training.steps) steps; "
            + "\(threads) thread(s), \(kernels.instructionSet.rawValue) kernels")

        Interrupt.shared.install()
        var reporter = ProgressReporter(totalSteps: config.training.steps, timeLimit: config.training.timeLimit)
        var history: [HistoryEntry] = []
        let historyInterval = max(1, config.training.steps / 500)
        trainer.fit(shouldStop: { Interrupt.shared.isRequested }) { report in
            reporter.report(report)
            if (report.evaluation != nil && config.training.batch != .full) || report.step % historyInterval == 0 {
                history.append(HistoryEntry(
                    step: report.step, loss: report.loss, psnr: report.psnr, bitErrorRate: report.evaluation?.bitErrorRate,
                    learningRate: report.learningRate, seconds: report.elapsed))
            }
        }
        reporter.finish()

        let best = trainer.best
        let outputs = trainer.renderBest()
        let reconstruction =
            (trainer.samples as? BitPlaneSamples)?.reconstruction(outputs)
            ?? Image(width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth, normalized: outputs)
        let psnr = Metrics.psnr(image, reconstruction)
        try PNG.write(reconstruction, to: output)
        try ModelFile.write(
            ImageModel(width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
                       encoding: best.encoding, parameters: best.parameters, bitPlanes: config.head.bitPlanes),
            to: checkpointPath)

        let seconds = trainer.elapsedSeconds
        let report = FitReport(
            config: self.config, input: input, output: output, checkpoint: checkpointPath,
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
            parameterCount: trainer.parameters.values.count, steps: config.training.steps,
            completedSteps: trainer.completedSteps, interrupted: Interrupt.shared.isRequested,
            seconds: seconds, stepsPerSecond: Double(trainer.completedSteps) / max(seconds, 1e-9),
            psnr: psnr, exact: reconstruction == image, exactAtStep: trainer.exactStep, exactAtSeconds: trainer.exactSeconds,
            bitErrorRate: best.evaluation.bitErrorRate,
            codeBitsPerPixel: best.evaluation.codeBitsPerPixel, bestStep: best.step, seed: config.seed, threads: threads,
            instructionSet: kernels.instructionSet.rawValue, history: history)
        if let metrics { try writeJSON(report, to: metrics) }
        let quality = report.exact ? "exact (every sample)" : String(format: "PSNR %.2f dB", psnr)
        print(quality + (config.head.bitPlanes != nil ? "; best " + best.evaluation.summary : "")
            + String(format: " (best at step %d), %d steps in %.1f s (%.1f steps/s)",
                     best.step, trainer.completedSteps, seconds, report.stepsPerSecond))
        print("wrote \(output), \(checkpointPath)" + (metrics.map { ", \($0)" } ?? ""))
    }

    private func log(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

struct HistoryEntry: Codable {
    var step: Int
    var loss: Double
    var psnr: Double?
    /// Bit-plane fits, when the step measured it.
    var bitErrorRate: Double?
    var learningRate: Float
    var seconds: Double
}

struct FitReport: Codable {
    var config: String
    var input: String
    var output: String
    var checkpoint: String
    var width: Int
    var height: Int
    var channels: Int
    var bitDepth: Int
    var parameterCount: Int
    var steps: Int
    var completedSteps: Int
    var interrupted: Bool
    var seconds: Double
    var stepsPerSecond: Double
    var psnr: Double
    /// The reconstruction equals the image, sample for sample.
    var exact: Bool
    /// When an evaluation first found every sample exact: the updates its weights had had,
    /// and the fitting seconds until then.
    var exactAtStep: Int?
    var exactAtSeconds: Double?
    /// Bit-plane fits: the best weights' bit error rate and code length.
    var bitErrorRate: Double?
    var codeBitsPerPixel: Double?
    var bestStep: Int
    var seed: UInt64
    var threads: Int
    var instructionSet: String
    var history: [HistoryEntry]
}
