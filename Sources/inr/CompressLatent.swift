import ArgumentParser
import Foundation
import INRCodec
import INRConfig
import INRCore
import INRFormat
import INRMedia

extension CompressCommand {
    /// An image through the latent-grid codec (a config with a `latent:` section).
    func runLatent(_ config: CodecConfig) throws {
        guard model == nil else { throw CommandError("--model is for the MLP codec; a latent config fits its own grids") }
        guard rate.bpp == nil else {
            throw CommandError("--bpp is for the MLP codec (Configs/image/mlp.yaml); the latent codec's rate knobs are --lambda (larger gives smaller files) and --quality")
        }
        let budget = try DecodeBudget.current()
        let image = try PNG.read(input, maximumPixels: (budget.pixels, DecodeBudget.pixelsVariable))
        var settings = config.latentEncoderSettings
        if let lambda = rate.lambda { settings.lambda = Float(lambda) }
        if let quality = rate.quality { settings.lambda = LatentEncoderSettings.lambda(quality: quality) }
        let encoder = try LatentEncoder(settings: settings, threads: threads, budget: budget)
        do { try encoder.checkDecodable(image) } catch { throw MediaError(path: input, reason: "\(error)") }
        try OutputFile.createFolders(for: [output, reconstruction, metrics])
        print("\(input): \(image.width)×\(image.height), \(image.channels) channel(s); \(settings.gridCount) grids, synthesis "
            + "\(settings.synthesisWidths)" + (settings.residualConvolutions > 0 ? " + \(settings.residualConvolutions) convolution(s)" : "")
            + ", λ \(settings.lambda), \(settings.steps) + \(settings.finalSteps) steps")
        let interval = max(1, (settings.steps + settings.finalSteps) / 20)
        Interrupt.shared.gracefulStop = true
        defer { Interrupt.shared.gracefulStop = false }
        var (report, decoded, file) = try encoder.compress(image, input: input, output: output, shouldStop: { Interrupt.shared.isRequested }) { p in
            guard p.step % interval == 0 || p.step == p.totalSteps else { return }
            Console.error(String(format: "step %d/%d  %.2f dB  %.4f bpp (model)  loss %.6g  %.1f s\n", p.step, p.totalSteps, p.psnr, p.bitsPerPixel, p.loss, p.elapsed))
        }
        report.config = configOptions.config
        report.timeLimit = config.training.timeLimit
        let reconstructionFile = try reconstruction.map { path in try StagedOutput(path).writing { try PNG.write(decoded, to: $0) } }
        let metricsFile = try self.report.stage(report)
        try OutputFile.commit([reconstructionFile, metricsFile, file])
        print(String(format: "PSNR %.2f dB at %.4f bpp (%d bytes); training ended at %.2f dB, %.4f bpp (its rate model)",
                     report.psnr, report.bpp, report.bytes, report.floatPSNR ?? .nan, report.floatCodeBitsPerPixel ?? .nan)
            + (report.msssim.map { String(format: "; MS-SSIM %.4f", $0) } ?? ""))
        print(String(format: "encode %.1f s (%d steps, %.1f ms a step), decode %.0f ms; decoder %d multiply-adds a pixel",
                     report.encodeSeconds, report.fitSteps, report.fitSeconds * 1000 / Double(max(report.fitSteps, 1)),
                     report.decodeSeconds * 1000, report.decoderMultiplyAddsPerPixel ?? 0))
        if let parts = report.stepMilliseconds {
            print("a step: " + ["upsampling", "synthesis", "entropy", "proxy", "adam"].map { String(format: "%@ %.1f ms", $0, parts[$0] ?? 0) }
                .joined(separator: ", "))
        }
        printTimeLimit(report, plannedSteps: settings.steps + settings.finalSteps)
        print("wrote \(output)" + (reconstruction.map { ", \($0)" } ?? "") + (metrics.map { ", \($0)" } ?? ""))
    }
}
