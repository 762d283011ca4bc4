import INRCodec
import ArgumentParser
import Foundation
import INRConfig
import INRCore
import INRFormat
import INRMedia
import INRModel
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

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: "The image to fit (PNG).")
    var input: String

    @Option(help: "Where to write the reconstruction (PNG).")
    var output: String

    @OptionGroup var threadOptions: ThreadOptions

    @OptionGroup var report: ReportOptions

    @Option(help: "Where to write the model checkpoint (default: the output with extension .inrmodel).")
    var checkpoint: String?

    var threads: Int { threadOptions.threads }
    var metrics: String? { report.metrics }

    func validate() throws {
        guard output.lowercased().hasSuffix(".png") else { throw ValidationError("--output must be a .png file") }
    }

    func run() throws {
        let checkpointPath = checkpoint ?? (output.dropLast(4) + ".inrmodel")
        var files = FileRoles()
        files.input("the config", configOptions.config)
        files.input("--input", input)
        files.output("--output", output)
        files.output(checkpoint == nil ? "the checkpoint" : "--checkpoint", checkpointPath)
        files.output("--metrics", metrics)
        try files.check()
        let config = try configOptions.load()
        guard config.latent == nil else {
            throw CommandError("inr fit fits a coordinate MLP; \(configOptions.config) is a latent codec config (inr compress fits its grids)")
        }
        let budget = try DecodeBudget.current()
        let image = try PNG.read(input, maximumPixels: (budget.pixels, DecodeBudget.pixelsVariable))
        try OutputFile.createFolders(for: [output, checkpointPath, metrics])
        let kernels = try KernelSelection.preferred()
        let trainer = config.imageEncoderSettings.trainer(for: image, kernels: kernels, threads: threads)

        log("\(input): \(image.width)×\(image.height), \(image.channels) channel(s), \(image.bitDepth)-bit; "
            + "\(trainer.parameters.values.count) parameters; \(config.training.steps) steps; "
            + "\(threads) thread(s), \(kernels.instructionSet.rawValue) kernels")

        Interrupt.shared.gracefulStop = true
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
        Interrupt.shared.gracefulStop = false
        if let step = trainer.divergedAtStep {
            throw CommandError("the fit diverged at step \(step) (the loss is not finite): lower training.learningRate (now \(config.training.learningRate)); nothing was written")
        }

        let best = trainer.best
        let outputs = trainer.renderBest()
        let reconstruction =
            (trainer.samples as? BitPlaneSamples)?.reconstruction(outputs)
            ?? Image(width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth, normalized: outputs)
        let psnr = Metrics.psnr(image, reconstruction)
        let model = ImageModel(
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
            encoding: best.encoding, parameters: best.parameters, bitPlanes: config.head.bitPlanes)
        let outputFile = try StagedOutput(output).writing { try PNG.write(reconstruction, to: $0) }
        let checkpointFile = try StagedOutput(checkpointPath).writing { try $0.write(try ModelFile.data(model)) }

        let seconds = trainer.elapsedSeconds
        let report = FitReport(
            config: configOptions.config, input: input, output: output, checkpoint: checkpointPath,
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
            parameterCount: trainer.parameters.values.count, steps: config.training.steps,
            completedSteps: trainer.completedSteps, interrupted: Interrupt.shared.isRequested,
            seconds: seconds, stepsPerSecond: Double(trainer.completedSteps) / max(seconds, 1e-9),
            psnr: psnr, exact: reconstruction == image, exactAtStep: trainer.exactStep, exactAtSeconds: trainer.exactSeconds,
            bitErrorRate: best.evaluation.bitErrorRate,
            codeBitsPerPixel: best.evaluation.codeBitsPerPixel, bestStep: best.step, seed: config.seed, threads: threads,
            instructionSet: kernels.instructionSet.rawValue, history: history)
        try OutputFile.commit([outputFile, checkpointFile, try self.report.stage(report)])
        let quality = report.exact ? "exact (every sample)" : String(format: "PSNR %.2f dB", psnr)
        print(quality + (config.head.bitPlanes != nil ? "; best " + best.evaluation.summary : "")
            + String(format: " (best at step %d), %d steps in %.1f s (%.1f steps/s)",
                     best.step, trainer.completedSteps, seconds, report.stepsPerSecond))
        print("wrote \(output), \(checkpointPath)" + (metrics.map { ", \($0)" } ?? ""))
    }

    private func log(_ text: String) {
        Console.error(text + "\n")
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
