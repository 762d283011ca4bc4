import INRFormat

/// `quantization:` — how `inr compress` turns the fitted weights into integers.
public struct QuantizationConfig: ConfigSection, Equatable {
    public enum Granularity: String, ConfigChoice { case layer, channel }

    /// Bits per weight, 2–16.
    public var weightBits = 8
    /// Bits per bias, 2–16.
    public var biasBits = 10
    /// One step size per weight tensor (`layer`) or per output channel (`channel`).
    public var granularity: Granularity = .channel
    /// Quantisation-aware fine-tuning steps after the fit (0: post-training quantisation only).
    public var qatSteps = 0
    /// Base learning rate of the fine-tuning (and of a video's later groups).
    public var qatLearningRate: Float = 1e-4
    /// The fine-tuning's learning-rate schedule, over its own steps (and a video's later
    /// groups'); the keys of `training.schedule`. Default: cosine decay to 0.
    public var qatSchedule: ScheduleConfig = .cosine(CosineScheduleConfig())
    /// Weight of the rate term: loss = MSE + rateWeight × (estimated weight bits per pixel).
    public var rateWeight: Float = 0

    public init() {}

    public func validate() throws {
        guard (2...16).contains(weightBits) else { throw ConfigValueError("weightBits", "must be between 2 and 16") }
        guard (2...16).contains(biasBits) else { throw ConfigValueError("biasBits", "must be between 2 and 16") }
        guard (0...TrainingConfig.maximumSteps).contains(qatSteps) else { throw ConfigValueError("qatSteps", "must be between 0 and \(TrainingConfig.maximumSteps)") }
        guard qatLearningRate > 0 else { throw ConfigValueError("qatLearningRate", "must be positive") }
        guard rateWeight >= 0 else { throw ConfigValueError("rateWeight", "must not be negative") }
    }

    public var spec: QuantizationSpec {
        QuantizationSpec(weightBits: weightBits, biasBits: biasBits, granularity: granularity == .layer ? .layer : .channel)
    }
}
