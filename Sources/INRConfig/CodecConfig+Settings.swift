import INRCodec
import INRCore
import INRMedia
import INRModel
import INRNetwork
import INRTraining

/// The one place where a config becomes the codecs' settings: plain values the encoders take.
extension CodecConfig {
    public var networkShape: NetworkShape {
        NetworkShape(
            hiddenWidths: Array(repeating: network.width, count: network.hiddenLayers),
            activation: network.activation,
            omega0: network.omega0,
            firstOmega0: network.firstOmega0 ?? network.omega0,
            initialization: network.initialization ?? (network.activation == .sine ? .siren : .default))
    }

    /// `training:`, `optimizer:` and `loss:` as the float fit's settings.
    public var trainingSettings: TrainingSettings {
        TrainingSettings(
            steps: training.steps, learningRate: training.learningRate, schedule: training.schedule.schedule,
            optimizer: makeOptimizer(), batch: training.batch.selection, seed: seed,
            evaluationInterval: training.evaluationInterval, l1WeightPenalty: loss.l1WeightPenalty,
            timeLimit: training.timeLimit, stopWhenExact: training.stopWhenExact)
    }

    public var quantizationSettings: QuantizationSettings {
        QuantizationSettings(
            spec: quantization.spec, fineTuningSteps: quantization.qatSteps, fineTuningLearningRate: quantization.qatLearningRate,
            fineTuningSchedule: quantization.qatSchedule.schedule, rateWeight: quantization.rateWeight)
    }

    /// The image codec's settings (`inr fit` and `inr compress` of an image).
    public var imageEncoderSettings: ImageEncoder.Settings {
        ImageEncoder.Settings(
            seed: seed, encoding: encoding.makeEncoding(seed: seed), network: networkShape, bitPlanes: head.bitPlanes,
            training: trainingSettings, quantization: quantizationSettings,
            sizing: network.sizing == .image ? .lossless : .fixed)
    }

    /// The video codec's settings (a config with a `video:` section).
    public var videoEncoderSettings: VideoEncoder.Settings {
        let video = self.video ?? VideoConfig()
        return VideoEncoder.Settings(
            image: imageEncoderSettings, groupSize: video.groupSize, patchSize: video.patchSize,
            startsFromPreviousGroup: video.initialization == .previousGroup, laterGroupSteps: video.laterGroupSteps,
            laterGroupLearningRate: video.laterGroupLearningRate, refitBelow: video.refitBelow, segmentGroups: video.segmentGroups,
            sceneCut: video.sceneCut)
    }

    public func makeOptimizer() -> any Optimizer {
        switch optimizer.type {
        case .adam:
            Adam(beta1: optimizer.beta1, beta2: optimizer.beta2, epsilon: optimizer.epsilon, weightDecay: optimizer.weightDecay)
        }
    }
}

extension ScheduleConfig {
    /// The schedule this section describes.
    public var schedule: any LearningRateSchedule {
        switch self {
        case .constant: ConstantSchedule()
        case .cosine(let c): CosineSchedule(minimum: c.minimumLearningRate, warmupSteps: c.warmupSteps)
        case .step(let c): StepSchedule(stepSize: c.stepSize, gamma: c.gamma)
        case .exponential(let c): ExponentialSchedule(gamma: c.gamma)
        case .plateau(let c):
            PlateauSchedule(factor: c.factor, patience: c.patience, threshold: c.threshold, cooldown: c.cooldown, minimum: c.minimumLearningRate)
        }
    }
}

extension BatchConfig {
    public var selection: BatchSelection {
        switch self {
        case .full: .full
        case .random(let c): .random(fraction: c.fraction, size: c.size)
        }
    }
}
