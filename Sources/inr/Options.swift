import ArgumentParser
import Foundation
import INRCodec
import INRConfig
import INRCore

/// The options several commands share, each declared and checked once.

/// `--threads`: every command that fits or decodes.
struct ThreadOptions: ParsableArguments {
    static let maximum = 256

    @Option(parsing: .unconditional, help: "Worker threads, 1 to \(Self.maximum).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard (1...Self.maximum).contains(threads) else { throw ValidationError("--threads \(threads): must be between 1 and \(Self.maximum)") }
    }
}

/// A config file and what the command line lays over it: `fit` and `compress`.
struct ConfigOptions: ParsableArguments {
    @Argument(help: "A YAML config from Configs/ (Configs/README.md lists every file and key).")
    var config: String

    @Option(name: .customLong("set"), help: "key.path=value laid over the config (repeatable), e.g. network.width=48.")
    var overrides: [String] = []

    @Option(parsing: .unconditional, help: "Override training.steps.")
    var steps: Int?

    @Option(parsing: .unconditional, help: "Override the config's seed.")
    var seed: UInt64?

    @Option(parsing: .unconditional, help: "Override training.timeLimit (seconds of the float fit; fine-tuning is not limited).")
    var timeLimit: Double?

    func validate() throws {
        if let steps, !(1...TrainingConfig.maximumSteps).contains(steps) {
            throw ValidationError("--steps \(steps): must be between 1 and \(TrainingConfig.maximumSteps)")
        }
        if let timeLimit, !(timeLimit.isFinite && timeLimit > 0) {
            throw ValidationError("--time-limit \(timeLimit): must be a positive, finite number of seconds")
        }
    }

    /// The config file with `--set`, `--steps`, `--seed` and `--time-limit` applied.
    func load() throws -> CodecConfig {
        var loaded = try CodecConfig.load(config, overrides: overrides.map(ConfigOverride.init(parsing:)))
        if let steps { loaded.training.steps = steps }
        if let seed { loaded.seed = seed }
        if let timeLimit { loaded.training.timeLimit = timeLimit }
        return loaded
    }
}

/// `--metrics`: the JSON report of `fit` and `compress`.
struct ReportOptions: ParsableArguments {
    @Option(help: "Write a JSON report here.")
    var metrics: String?

    /// Stages `report` for `--metrics`, if given (the caller commits it with its other outputs).
    func stage<Report: Encodable>(_ report: Report) throws -> StagedOutput? {
        guard let metrics else { return nil }
        let data = try reportEncoder(pretty: true).encode(report)
        return try StagedOutput(metrics).writing { try $0.write(data) }
    }
}

/// `--bpp`, `--quality` and `--lambda`: the rate knobs of `compress` (lossy configs; `--lambda` and
/// `--quality` for the latent codec, `--bpp` and `--quality` for the MLP codec).
struct RateOptions: ParsableArguments {
    static let maximumBitsPerPixel = 64.0

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Target bits per pixel of the written file: within ±5% of it and never above 1.05×.",
        discussion: "The network's width follows from it and the image's size; then the step sizes are scaled to land on it."))
    var bpp: Double?

    @Option(parsing: .unconditional, help: ArgumentHelp(
        "Quality 0–100, higher is better.",
        discussion: "The MLP codec targets 0.05 · 2^(Q/20) bpp (50 ≈ 0.28, 75 ≈ 0.67, 100 = 1.6); the latent codec takes λ = 0.002 · 2^((60 − Q)/13), about the same rate on Kodak."))
    var quality: Double?

    @Option(parsing: .unconditional, help: "The latent codec's λ (latent.lambda): the weight of the rate in D + λ·R; larger gives smaller files.")
    var lambda: Double?

    func validate() throws {
        if bpp != nil && quality != nil { throw ValidationError("give --bpp or --quality, not both") }
        if let bpp { try Self.check(bpp: bpp, text: "\(bpp)") }
        if let quality, !(quality.isFinite && (0...100).contains(quality)) { throw ValidationError("--quality \(quality): must be between 0 and 100") }
        if let lambda, !(lambda.isFinite && lambda > 0) { throw ValidationError("--lambda \(lambda): must be a positive number") }
        if lambda != nil && (bpp != nil || quality != nil) { throw ValidationError("give one of --bpp, --quality and --lambda") }
    }

    /// Throws unless `bpp` is a usable target (`text` is how the user wrote it).
    static func check(bpp: Double, text: String) throws {
        guard bpp.isFinite && bpp > 0 && bpp <= maximumBitsPerPixel else {
            throw ValidationError("--bpp \(text): must be a positive number of bits per pixel, at most \(Int(maximumBitsPerPixel))")
        }
    }

    /// How the network is sized, if a rate or quality was asked for.
    var sizing: NetworkSizing? { bpp.map { .rate(bitsPerPixel: $0) } ?? quality.map { .quality($0) } }

    /// The flag that was given, for messages.
    var flag: String? { bpp.map { "--bpp \(formatted($0))" } ?? quality.map { "--quality \(formatted($0))" } }

    private func formatted(_ value: Double) -> String { String(format: "%g", value) }
}
