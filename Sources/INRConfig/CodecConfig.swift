import INRModel
import INRNetwork
import INRTraining

/// A config file: what `inr fit` and `inr compress` read (the YAML files in `Configs/`): the
/// model, how it is fitted and, for `compress`, how it is quantised and coded; with a `video:`
/// section, the video codec's groups. It decodes section by section, every key and default is
/// listed in `Configs/README.md`, and INRConfig turns it into the codecs' settings.
///
///     seed: 0
///     encoding:  { type: raw | positional | fourier | sape | grid, ... }
///     head:      { type: intensity | bitPlanes, layout, context, contextSize }
///     network:   { hiddenLayers, width, activation, omega0, firstOmega0, initialization, sizing }
///     training:  { steps, learningRate, schedule, batch, evaluationInterval, timeLimit, stopWhenExact }
///     optimizer: { type: adam, beta1, beta2, epsilon, weightDecay }
///     loss:      { type: mse, l1WeightPenalty }
///     quantization: { weightBits, biasBits, granularity, qatSteps, qatLearningRate, qatSchedule, rateWeight }
///     video:     { groupSize, patchSize, initialization, laterGroupSteps, laterGroupLearningRate, refitBelow }
///     latent:    { grids, synthesisWidths, convolutions, upsampling, entropyModel, context, armWidth, armLayers, lambda, gain, bandRows, quantizer,
///                  finalSteps, finalLearningRate }
public struct CodecConfig: ConfigSection, Equatable {
    /// Seeds the initialisation and the batch order, and the encoding unless it has its own.
    public var seed: UInt64 = 0
    public var encoding = EncodingConfig()
    public var head = HeadConfig()
    public var network = NetworkConfig()
    public var training = TrainingConfig()
    public var optimizer = OptimizerConfig()
    public var loss = LossConfig()
    /// Used by `inr compress`; `inr fit` ignores it.
    public var quantization = QuantizationConfig()
    /// Present in video configs only: groups of frames and patches (NIRVANA).
    public var video: VideoConfig? = nil
    /// Present in latent-grid codec configs only (Cool-chic class): the grids, synthesis,
    /// entropy model and λ.
    public var latent: LatentConfig? = nil

    public init() {}

    /// A video network has G·1.5·P² outputs: it must still be a network the format holds.
    public func validate() throws {
        if latent != nil {
            if video != nil { throw ConfigValueError("latent", "the latent codec is for images; a config has latent: or video:, not both") }
            if head.bitPlanes != nil { throw ConfigValueError("latent", "the latent codec is lossy; head.type bitPlanes is for lossless configs") }
            // The MLP codec's sections would be read and ignored: a latent config is latent:,
            // training: and seed.
            let unused = [("encoding", encoding == EncodingConfig()), ("head", head == HeadConfig()), ("network", network == NetworkConfig()),
                          ("optimizer", optimizer == OptimizerConfig()), ("loss", loss == LossConfig()), ("quantization", quantization == QuantizationConfig())]
            if let (key, _) = unused.first(where: { !$0.1 }) {
                throw ConfigValueError(key, "a latent config takes latent:, training: and seed; \(key): belongs to the MLP codec (Configs/image/mlp.yaml)")
            }
        }
        if network.sizing == .image, head.bitPlanes == nil {
            throw ConfigValueError("network.sizing", "image sizes a lossless (bitPlanes) network; a lossy config's width follows --bpp or --quality instead")
        }
        guard let video else { return }
        let outputs = VideoPatches.outputWidth(patchSize: video.patchSize, groupSize: video.groupSize)
        do {
            try networkShape.spec(inputWidth: encoding.makeEncoding(seed: seed).encoding.outputWidth, outputWidth: outputs).validate()
        } catch {
            throw ConfigValueError("video.patchSize", "a \(video.patchSize)×\(video.patchSize) patch in \(video.groupSize) frames gives \(outputs) outputs: \(error.description)")
        }
    }
}

/// The MLP: `hiddenLayers` layers of `width` units with `activation`, then a linear output.
public struct NetworkConfig: ConfigSection, Equatable {
    public var hiddenLayers = 3
    public var width = 256
    public var activation: NetworkSpec.ActivationKind = .relu
    /// ω0 of the hidden sine layers (SIREN).
    public var omega0: Float = 30
    /// ω0 of the first sine layer; defaults to `omega0`.
    public var firstOmega0: Float? = nil
    /// `siren` or `default` (PyTorch's); defaults to `siren` for sine networks.
    public var initialization: NetworkSpec.Initialization? = nil
    /// `fixed`: every hidden layer has `width` units. `image` (lossless configs): the width is
    /// chosen from the image's size, channels and bit depth, at most `width` (`NetworkSizing`).
    public var sizing: Sizing = .fixed

    public enum Sizing: String, ConfigChoice { case fixed, image }

    public init() {}

    public func validate() throws {
        guard (1...64).contains(hiddenLayers) else { throw ConfigValueError("hiddenLayers", "must be between 1 and 64, not \(hiddenLayers)") }
        guard (1...4096).contains(width) else { throw ConfigValueError("width", "must be between 1 and 4096, not \(width)") }
        guard (hiddenLayers - 1) * (width + 1) * width <= NetworkSpec.maximumParameterCount else {
            throw ConfigValueError("width", "\(hiddenLayers) layers of \(width) exceed \(NetworkSpec.maximumParameterCount) parameters")
        }
        guard omega0 > 0 else { throw ConfigValueError("omega0", "must be positive") }
        if let firstOmega0, firstOmega0 <= 0 { throw ConfigValueError("firstOmega0", "must be positive") }
    }
}

/// The fitting loop.
public struct TrainingConfig: ConfigSection, Equatable {
    public static let maximumSteps = 1_000_000_000

    public var steps = 2000
    public var learningRate: Float = 1e-3
    public var schedule = ScheduleConfig()
    public var batch = BatchConfig()
    /// Steps between whole-image evaluations with mini-batches (full batches evaluate every step).
    public var evaluationInterval = 100
    /// Stop after this many seconds (the best weights so far are kept).
    public var timeLimit: Double? = nil
    /// Stop at the first evaluation that reproduces every sample exactly.
    public var stopWhenExact = false

    public init() {}

    public func validate() throws {
        guard (1...Self.maximumSteps).contains(steps) else { throw ConfigValueError("steps", "must be between 1 and \(Self.maximumSteps)") }
        guard learningRate > 0 else { throw ConfigValueError("learningRate", "must be positive") }
        guard evaluationInterval >= 1 else { throw ConfigValueError("evaluationInterval", "must be at least 1") }
        if let timeLimit, timeLimit <= 0 { throw ConfigValueError("timeLimit", "must be positive") }
    }
}

public struct OptimizerConfig: ConfigSection, Equatable {
    public enum Kind: String, ConfigChoice { case adam }

    public var type: Kind = .adam
    public var beta1: Float = 0.9
    public var beta2: Float = 0.999
    public var epsilon: Float = 1e-8
    /// L2 term added to the gradient, as `torch.optim.Adam(weight_decay=)`.
    public var weightDecay: Float = 0

    public init() {}

    public func validate() throws {
        guard (0..<1).contains(beta1) else { throw ConfigValueError("beta1", "must be in [0, 1)") }
        guard (0..<1).contains(beta2) else { throw ConfigValueError("beta2", "must be in [0, 1)") }
        guard epsilon > 0 else { throw ConfigValueError("epsilon", "must be positive") }
        guard weightDecay >= 0 else { throw ConfigValueError("weightDecay", "must not be negative") }
    }
}

public struct LossConfig: ConfigSection, Equatable {
    public enum Kind: String, ConfigChoice { case mse }

    public var type: Kind = .mse
    /// λ of λ·Σ|w| over the weights (Strümpler et al. 2022 use 1e-5).
    public var l1WeightPenalty: Float = 0

    public init() {}

    public func validate() throws {
        guard l1WeightPenalty >= 0 else { throw ConfigValueError("l1WeightPenalty", "must not be negative") }
    }
}

extension NetworkSpec.ActivationKind: ConfigChoice {}
extension NetworkSpec.Initialization: ConfigChoice {}
