import INRCore
import INRMedia
import INRNetwork
import INRTraining

/// The one place where a config becomes engine objects.
extension FitConfig {
    /// The seed the encoding draws from: its own, else the config's.
    public var encodingSeed: UInt64 {
        switch encoding {
        case .fourier(let c): c.seed ?? seed
        case .sape(let c): c.seed ?? seed
        case .raw, .positional: seed
        }
    }

    public func makeEncoding() -> EncodingModel {
        switch encoding {
        case .raw:
            return .raw(RawEncoding())
        case .positional(let c):
            return .positional(PositionalEncoding(frequencyCount: c.frequencies, base: c.base, includeInput: c.includeInput))
        case .fourier(let c):
            return .fourier(FourierEncoding(featureCount: c.features, sigma: c.sigma, seed: encodingSeed, includeInput: c.includeInput))
        case .sape(let c):
            let basis = FourierBasis(count: c.features, sigma: c.sigma, seed: encodingSeed)
            switch c.progression {
            case .spatial:
                return .sape(SAPEEncoding(basis: basis, progression: .spatial(
                    SpatialFrequencyMask(blockCount: c.features, resolution: c.gridResolution, epsilon: c.epsilon))))
            case .global:
                return .sape(SAPEEncoding(basis: basis, progression: .global(GlobalFrequencyMask(blockCount: c.features))))
            }
        }
    }

    public func makeNetworkSpec(inputWidth: Int, outputWidth: Int) -> NetworkSpec {
        NetworkSpec(
            inputWidth: inputWidth,
            hiddenWidths: Array(repeating: network.width, count: network.hiddenLayers),
            outputWidth: outputWidth,
            activation: network.activation,
            omega0: network.omega0,
            firstOmega0: network.firstOmega0 ?? network.omega0,
            initialization: network.initialization ?? (network.activation == .sine ? .siren : .default))
    }

    public func makeOptimizer() -> any Optimizer {
        switch optimizer.type {
        case .adam:
            Adam(beta1: optimizer.beta1, beta2: optimizer.beta2, epsilon: optimizer.epsilon, weightDecay: optimizer.weightDecay)
        }
    }

    public func makeSchedule() -> any LearningRateSchedule {
        switch training.schedule {
        case .constant: ConstantSchedule()
        case .cosine(let c): CosineSchedule(minimum: c.minimumLearningRate, warmupSteps: c.warmupSteps)
        case .step(let c): StepSchedule(stepSize: c.stepSize, gamma: c.gamma)
        case .exponential(let c): ExponentialSchedule(gamma: c.gamma)
        case .plateau(let c):
            PlateauSchedule(factor: c.factor, patience: c.patience, threshold: c.threshold, cooldown: c.cooldown, minimum: c.minimumLearningRate)
        }
    }

    public func makeSampler(sampleCount: Int) -> any Sampler {
        switch training.batch {
        case .full:
            FullBatchSampler(count: sampleCount)
        case .random(let c):
            RandomBatchSampler(count: sampleCount, batchSize: c.batchSize(sampleCount: sampleCount), seed: seed)
        }
    }

    public var trainerSettings: Trainer.Settings {
        Trainer.Settings(
            steps: training.steps, learningRate: training.learningRate,
            evaluationInterval: training.evaluationInterval,
            l1WeightPenalty: loss.l1WeightPenalty, timeLimit: training.timeLimit,
            stopWhenExact: training.stopWhenExact)
    }

    /// What the network is fitted to: the image's intensities or its bit planes (`head`).
    public func makeSamples(image: Image) -> any SampleSet {
        if let bitPlanes = head.bitPlanes { BitPlaneSamples(image: image, head: bitPlanes) } else { ImageSamples(image: image) }
    }

    /// A trainer for `image`, initialised from `seed`.
    public func makeTrainer(image: Image, kernels: any KernelSet, threads: Int) -> Trainer {
        let samples = makeSamples(image: image)
        let encoding = makeEncoding()
        let spec = makeNetworkSpec(inputWidth: encoding.encoding.outputWidth + samples.extraInputWidth, outputWidth: samples.targetWidth)
        return Trainer(
            samples: samples, spec: spec, encoding: encoding, parameters: Parameters(spec: spec, seed: seed),
            settings: trainerSettings, optimizer: makeOptimizer(), schedule: makeSchedule(),
            sampler: makeSampler(sampleCount: samples.count), kernels: kernels, threads: threads)
    }
}
