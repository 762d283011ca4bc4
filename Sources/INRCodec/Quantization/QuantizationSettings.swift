import INRFormat
import INRTraining

/// How a codec turns fitted weights into integers: the quantiser, and the quantisation-aware
/// fine-tuning after the float fit (`QuantizationAwareTraining`).
public struct QuantizationSettings: Sendable {
    public var spec: QuantizationSpec
    /// Fine-tuning steps after the fit (0: post-training quantisation only).
    public var fineTuningSteps: Int
    public var fineTuningLearningRate: Float
    /// The fine-tuning's learning-rate schedule (over its own steps).
    public var fineTuningSchedule: any LearningRateSchedule
    /// Weight of the rate term: loss = MSE + rateWeight × (estimated weight bits per pixel).
    public var rateWeight: Float

    public init(
        spec: QuantizationSpec, fineTuningSteps: Int = 0, fineTuningLearningRate: Float = 1e-4,
        fineTuningSchedule: any LearningRateSchedule = CosineSchedule(minimum: 0), rateWeight: Float = 0
    ) {
        self.spec = spec
        self.fineTuningSteps = fineTuningSteps
        self.fineTuningLearningRate = fineTuningLearningRate
        self.fineTuningSchedule = fineTuningSchedule
        self.rateWeight = rateWeight
    }

    /// `training` turned into `steps` of fine-tuning with `transform` at this learning rate and
    /// schedule.
    public func fineTuning(of training: TrainingSettings, steps: Int, learningRate: Float? = nil, transform: any WeightTransform) -> TrainingSettings {
        training.fineTuning(steps: steps, learningRate: learningRate ?? fineTuningLearningRate, schedule: fineTuningSchedule, transform: transform)
    }
}
