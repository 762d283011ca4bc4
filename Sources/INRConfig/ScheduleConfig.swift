/// `training.schedule:` — how the learning rate moves, chosen by `type`.
public enum ScheduleConfig: ConfigSection, Equatable {
    case constant
    case cosine(CosineScheduleConfig)
    case step(StepScheduleConfig)
    case exponential(ExponentialScheduleConfig)
    case plateau(PlateauScheduleConfig)

    public enum Kind: String, ConfigChoice { case constant, cosine, step, exponential, plateau }

    public init() { self = .constant }

    enum CodingKeys: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: CodingKeys.self).decode(Kind.self, forKey: .type)
        let payload = try decoder.singleValueContainer()
        switch type {
        case .constant: self = .constant
        case .cosine: self = .cosine(try payload.decode(CosineScheduleConfig.self))
        case .step: self = .step(try payload.decode(StepScheduleConfig.self))
        case .exponential: self = .exponential(try payload.decode(ExponentialScheduleConfig.self))
        case .plateau: self = .plateau(try payload.decode(PlateauScheduleConfig.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .constant: try container.encode(Kind.constant, forKey: .type)
        case .cosine(let c): try container.encode(Kind.cosine, forKey: .type); try c.encode(to: encoder)
        case .step(let c): try container.encode(Kind.step, forKey: .type); try c.encode(to: encoder)
        case .exponential(let c): try container.encode(Kind.exponential, forKey: .type); try c.encode(to: encoder)
        case .plateau(let c): try container.encode(Kind.plateau, forKey: .type); try c.encode(to: encoder)
        }
    }
}

public struct CosineScheduleConfig: ConfigSection, Equatable {
    public var minimumLearningRate: Float = 0
    public var warmupSteps = 0
    public init() {}

    public func validate() throws {
        guard minimumLearningRate >= 0 else { throw ConfigValueError("minimumLearningRate", "must not be negative") }
        guard warmupSteps >= 0 else { throw ConfigValueError("warmupSteps", "must not be negative") }
    }
}

public struct StepScheduleConfig: ConfigSection, Equatable {
    public var stepSize = 1000
    public var gamma: Float = 0.5
    public init() {}

    public func validate() throws {
        guard stepSize >= 1 else { throw ConfigValueError("stepSize", "must be at least 1") }
        guard gamma > 0 else { throw ConfigValueError("gamma", "must be positive") }
    }
}

public struct ExponentialScheduleConfig: ConfigSection, Equatable {
    public var gamma: Float = 0.999
    public init() {}

    public func validate() throws {
        guard gamma > 0 else { throw ConfigValueError("gamma", "must be positive") }
    }
}

public struct PlateauScheduleConfig: ConfigSection, Equatable {
    public var factor: Float = 0.5
    public var patience = 500
    public var threshold: Double = 1e-4
    public var cooldown = 0
    public var minimumLearningRate: Float = 0
    public init() {}

    public func validate() throws {
        guard factor > 0 && factor < 1 else { throw ConfigValueError("factor", "must be in (0, 1)") }
        guard patience >= 0 else { throw ConfigValueError("patience", "must not be negative") }
        guard threshold >= 0 else { throw ConfigValueError("threshold", "must not be negative") }
        guard cooldown >= 0 else { throw ConfigValueError("cooldown", "must not be negative") }
        guard minimumLearningRate >= 0 else { throw ConfigValueError("minimumLearningRate", "must not be negative") }
    }
}

/// `training.batch:` — every pixel each step (`full`), or seeded random mini-batches.
public enum BatchConfig: ConfigSection, Equatable {
    case full
    case random(RandomBatchConfig)

    public enum Kind: String, ConfigChoice { case full, random }

    public init() { self = .full }

    enum CodingKeys: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        switch try decoder.container(keyedBy: CodingKeys.self).decode(Kind.self, forKey: .type) {
        case .full: self = .full
        case .random: self = .random(try decoder.singleValueContainer().decode(RandomBatchConfig.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .full: try container.encode(Kind.full, forKey: .type)
        case .random(let c): try container.encode(Kind.random, forKey: .type); try c.encode(to: encoder)
        }
    }
}

/// A batch is `fraction` of the samples (SAPE trains on 25%), or at most `size` samples, so a
/// step costs the same on any image.
public struct RandomBatchConfig: ConfigSection, Equatable {
    public var fraction: Double = 0.25
    public var size: Int? = nil
    public init() {}

    public func validate() throws {
        guard fraction > 0 && fraction <= 1 else { throw ConfigValueError("fraction", "must be in (0, 1]") }
        if let size, !(1...(1 << 30)).contains(size) { throw ConfigValueError("size", "must be between 1 and 2^30") }
    }
}
