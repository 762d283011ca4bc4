/// How one fit runs: plain values, from which `Trainer` builds its optimiser, schedule and
/// sampler (the one place trainers are made). A config file's `training:`, `optimizer:` and
/// `loss:` sections become one of these (INRConfig); the codecs derive the fine-tuning
/// settings from it (`fineTuning(steps:learningRate:schedule:transform:)`).
public struct TrainingSettings: Sendable {
    public var steps: Int
    public var learningRate: Float
    /// The schedule of the learning rate; each trainer starts from this value's state.
    public var schedule: any LearningRateSchedule
    /// The update rule; each trainer starts from this value's (empty) state.
    public var optimizer: any Optimizer
    public var batch: BatchSelection
    /// Seeds the batch order.
    public var seed: UInt64
    /// Steps between full-set evaluations when training on mini-batches (full-batch steps
    /// evaluate every step).
    public var evaluationInterval: Int
    /// λ of the L1 penalty λ·Σ|w| on the weights (Strümpler et al. 2022).
    public var l1WeightPenalty: Float
    /// Stop after this many seconds of fitting.
    public var timeLimit: Double?
    /// Whether an adaptive encoding (SAPE) keeps adapting; fine-tuning freezes it.
    public var adaptEncoding: Bool
    /// The weights the network computes with (quantisation-aware training), if not the
    /// optimised ones themselves. PSNRs, the best snapshot's PSNR and renders all use the
    /// transformed weights; the snapshot keeps the originals.
    public var weightTransform: (any WeightTransform)?
    /// Stop at the first evaluation that reproduces every sample exactly (for bit planes: a bit
    /// error rate of 0).
    public var stopWhenExact: Bool

    public init(
        steps: Int, learningRate: Float, schedule: any LearningRateSchedule = ConstantSchedule(),
        optimizer: any Optimizer = Adam(), batch: BatchSelection = .full, seed: UInt64 = 0,
        evaluationInterval: Int = 100, l1WeightPenalty: Float = 0, timeLimit: Double? = nil,
        adaptEncoding: Bool = true, weightTransform: (any WeightTransform)? = nil, stopWhenExact: Bool = false
    ) {
        self.steps = steps
        self.learningRate = learningRate
        self.schedule = schedule
        self.optimizer = optimizer
        self.batch = batch
        self.seed = seed
        self.evaluationInterval = evaluationInterval
        self.l1WeightPenalty = l1WeightPenalty
        self.timeLimit = timeLimit
        self.adaptEncoding = adaptEncoding
        self.weightTransform = weightTransform
        self.stopWhenExact = stopWhenExact
    }

    /// The same fit turned into fine-tuning: `steps` at `learningRate` on `schedule`, the
    /// network computing with `transform`'s weights, the encoding frozen, no time limit (a time
    /// limit is the float fit's).
    public func fineTuning(
        steps: Int, learningRate: Float, schedule: any LearningRateSchedule, transform: (any WeightTransform)?
    ) -> TrainingSettings {
        var settings = self
        settings.steps = steps
        settings.learningRate = learningRate
        settings.schedule = schedule
        settings.timeLimit = nil
        settings.adaptEncoding = false
        settings.weightTransform = transform
        return settings
    }
}

/// Which samples each step trains on.
public enum BatchSelection: Hashable, Sendable {
    /// Every sample, every step.
    case full
    /// Seeded mini-batches of `size` samples, or of `fraction` of the set.
    case random(fraction: Double, size: Int?)

    /// Samples per batch for a set of `count` (all of them for `full`).
    public func batchSize(sampleCount count: Int) -> Int {
        switch self {
        case .full: count
        case .random(let fraction, let size): size.map { min($0, count) } ?? max(1, Int((Double(count) * fraction).rounded()))
        }
    }

    func sampler(sampleCount count: Int, seed: UInt64) -> any Sampler {
        switch self {
        case .full: FullBatchSampler(count: count)
        case .random: RandomBatchSampler(count: count, batchSize: batchSize(sampleCount: count), seed: seed)
        }
    }
}
