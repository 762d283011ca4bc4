import INRCodec
import INRLatent

/// `latent:` — present in a latent-grid codec config (`Configs/image/latent*.yaml`): the
/// model's shape and the rate knob λ. `seed` and `training.steps`, `training.learningRate` and
/// `training.timeLimit` apply too; the MLP sections (encoding, network, quantization…) do not.
public struct LatentConfig: ConfigSection, Equatable {
    public enum Quantizer: String, ConfigChoice {
        /// C3's soft-rounding with Gaussian noise (Cool-chic 4's schedule: T 0.35 → 0.08, σ 0.22 → 0.15).
        case softRound
        /// ŷ = y + uniform noise (Cool-chic 1).
        case noise
    }

    public enum Upsampling: String, ConfigChoice {
        /// Every ×2 step bicubic.
        case bicubic
        /// Each ×2 step its own 4 taps (a symmetric 8-tap filter), trained from bicubic (Cool-chic 3+).
        case learned
    }

    public enum EntropyModelKind: String, ConfigChoice {
        /// One Laplace scale per grid.
        case factorized
        /// Cool-chic's auto-regressive model: an MLP over causal neighbours.
        case arm
    }

    /// L: grids at full, ½, ¼ … resolution.
    public var grids = 7
    /// The synthesis network's hidden widths.
    public var synthesisWidths = [16]
    /// 3×3 residual convolutions after the synthesis's per-pixel layers.
    public var convolutions = 0
    /// The grids' upsampling filters.
    public var upsampling: Upsampling = .bicubic
    public var entropyModel: EntropyModelKind = .arm
    /// The ARM's neighbours (8 or 16), hidden width and hidden layers.
    public var context = 16
    public var armWidth = 16
    public var armLayers = 2
    /// λ of D + λ·R: larger gives smaller files.
    public var lambda: Float = 2e-3
    /// Γ: the latents' learning rate is Γ × training.learningRate (Cool-chic's encoder gain).
    public var gain: Float = 16
    /// Rows per band: every grid is cut into bands, each coded on its own (its ARM context stays
    /// inside it) and decoded in parallel.
    public var bandRows = LatentSpec.defaultBandRows
    /// The latents' quantisation proxy during `training.steps`.
    public var quantizer: Quantizer = .softRound
    /// Steps after `training.steps` with the latents rounded and frozen (only the networks
    /// train; the best step's parameters are kept).
    public var finalSteps = 200
    public var finalLearningRate: Float = 1e-4

    public init() {}

    var entropyModelSpec: EntropyModelSpec {
        entropyModel == .factorized ? .factorized : .autoregressive(context: context, width: armWidth, layers: armLayers)
    }

    public func validate() throws {
        guard (1...LatentSpec.maximumGridCount).contains(grids) else { throw ConfigValueError("grids", "must be between 1 and \(LatentSpec.maximumGridCount)") }
        guard synthesisWidths.count <= LatentSpec.maximumHiddenLayers, synthesisWidths.allSatisfy({ (1...LatentSpec.maximumHiddenWidth).contains($0) }) else {
            throw ConfigValueError("synthesisWidths", "at most \(LatentSpec.maximumHiddenLayers) widths, each 1 to \(LatentSpec.maximumHiddenWidth)")
        }
        guard (0...LatentSpec.maximumResidualConvolutions).contains(convolutions) else {
            throw ConfigValueError("convolutions", "must be between 0 and \(LatentSpec.maximumResidualConvolutions)")
        }
        guard ContextPattern.sizes.contains(context) else { throw ConfigValueError("context", "must be one of \(ContextPattern.sizes)") }
        let widths = EntropyModelSpec.armWidths, layerCounts = EntropyModelSpec.armLayerCounts
        guard widths.contains(armWidth) else { throw ConfigValueError("armWidth", "must be between \(widths.lowerBound) and \(widths.upperBound)") }
        guard layerCounts.contains(armLayers) else {
            throw ConfigValueError("armLayers", "must be between \(layerCounts.lowerBound) and \(layerCounts.upperBound)")
        }
        guard lambda > 0, lambda.isFinite else { throw ConfigValueError("lambda", "must be positive") }
        guard gain > 0, gain.isFinite else { throw ConfigValueError("gain", "must be positive") }
        guard (1...(1 << 15)).contains(bandRows) else { throw ConfigValueError("bandRows", "must be between 1 and 32768") }
        guard (0...TrainingConfig.maximumSteps).contains(finalSteps) else { throw ConfigValueError("finalSteps", "must be between 0 and \(TrainingConfig.maximumSteps)") }
        guard finalLearningRate > 0, finalLearningRate.isFinite else { throw ConfigValueError("finalLearningRate", "must be positive") }
    }
}

extension CodecConfig {
    /// The latent codec's settings (a config with a `latent:` section).
    public var latentEncoderSettings: LatentEncoderSettings {
        let latent = self.latent ?? LatentConfig()
        var settings = LatentEncoderSettings()
        settings.gridCount = latent.grids
        settings.synthesisWidths = latent.synthesisWidths
        settings.residualConvolutions = latent.convolutions
        settings.upsampling = latent.upsampling == .learned ? .learned : .bicubic
        settings.entropyModel = latent.entropyModelSpec
        settings.lambda = latent.lambda
        settings.gain = latent.gain
        settings.softRounding = latent.quantizer == .softRound
        settings.bandRows = latent.bandRows
        settings.steps = training.steps
        settings.learningRate = training.learningRate
        settings.finalSteps = latent.finalSteps
        settings.finalLearningRate = latent.finalLearningRate
        settings.seed = seed
        settings.timeLimit = training.timeLimit
        return settings
    }
}
