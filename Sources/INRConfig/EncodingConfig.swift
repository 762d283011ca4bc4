import INRModel
import INRNetwork

/// `encoding:` — which coordinate encoding, chosen by `type`, with that type's keys; each
/// type's section below makes its encoding. A new encoding adds its case, its `Kind` and its
/// section here.
public enum EncodingConfig: ConfigSection, Equatable {
    case raw(RawEncodingConfig)
    case positional(PositionalEncodingConfig)
    case fourier(FourierEncodingConfig)
    case sape(SAPEEncodingConfig)
    case grid(GridEncodingConfig)

    public enum Kind: String, ConfigChoice { case raw, positional, fourier, sape, grid }

    public init() { self = .raw(RawEncodingConfig()) }

    enum CodingKeys: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let type = try decoder.container(keyedBy: CodingKeys.self).decode(Kind.self, forKey: .type)
        let payload = try decoder.singleValueContainer()
        switch type {
        case .raw: self = .raw(try payload.decode(RawEncodingConfig.self))
        case .positional: self = .positional(try payload.decode(PositionalEncodingConfig.self))
        case .fourier: self = .fourier(try payload.decode(FourierEncodingConfig.self))
        case .sape: self = .sape(try payload.decode(SAPEEncodingConfig.self))
        case .grid: self = .grid(try payload.decode(GridEncodingConfig.self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .raw(let c): try container.encode(Kind.raw, forKey: .type); try c.encode(to: encoder)
        case .positional(let c): try container.encode(Kind.positional, forKey: .type); try c.encode(to: encoder)
        case .fourier(let c): try container.encode(Kind.fourier, forKey: .type); try c.encode(to: encoder)
        case .sape(let c): try container.encode(Kind.sape, forKey: .type); try c.encode(to: encoder)
        case .grid(let c): try container.encode(Kind.grid, forKey: .type); try c.encode(to: encoder)
        }
    }

    /// The encoding a fit starts from; an encoding that draws random numbers takes its own
    /// `seed`, else `seed` (the config's).
    public func makeEncoding(seed: UInt64) -> EncodingModel {
        switch self {
        case .raw(let c): EncodingModel(c.makeEncoding())
        case .positional(let c): EncodingModel(c.makeEncoding())
        case .fourier(let c): EncodingModel(c.makeEncoding(seed: c.seed ?? seed))
        case .sape(let c): EncodingModel(c.makeEncoding(seed: c.seed ?? seed))
        case .grid(let c): EncodingModel(c.makeEncoding())
        }
    }
}

/// `type: raw` — the (x, y) coordinates as they are.
public struct RawEncodingConfig: ConfigSection, Equatable {
    public init() {}

    func makeEncoding() -> RawEncoding { RawEncoding() }
}

/// `type: positional` — `sin/cos(base^i·π·x)` for i < frequencies.
public struct PositionalEncodingConfig: ConfigSection, Equatable {
    public var frequencies = 10
    public var base: Float = 2
    public var includeInput = true

    public init() {}

    public func validate() throws {
        guard (1...PositionalEncoding.maximumFrequencyCount).contains(frequencies) else {
            throw ConfigValueError("frequencies", "must be between 1 and \(PositionalEncoding.maximumFrequencyCount)")
        }
        guard base > 1 else { throw ConfigValueError("base", "must be greater than 1") }
        guard PositionalEncoding.highestFrequency(count: frequencies, base: base) <= PositionalEncoding.maximumFrequency else {
            throw ConfigValueError("frequencies", "base^(frequencies-1)·π must stay below \(Int(PositionalEncoding.maximumFrequency))")
        }
    }

    func makeEncoding() -> PositionalEncoding {
        PositionalEncoding(frequencyCount: frequencies, base: base, includeInput: includeInput)
    }
}

/// `type: fourier` — Gaussian random Fourier features, magnitudes sorted ascending.
public struct FourierEncodingConfig: ConfigSection, Equatable {
    public var features = 256
    public var sigma: Float = 10
    /// Defaults to the config's top-level seed.
    public var seed: UInt64? = nil
    public var includeInput = true

    public init() {}

    public func validate() throws {
        try validateFourierFeatures(features: features, sigma: sigma)
    }

    func makeEncoding(seed: UInt64) -> FourierEncoding {
        FourierEncoding(featureCount: features, sigma: sigma, seed: seed, includeInput: includeInput)
    }
}

/// `type: sape` — SAPE's progressive Fourier features, spatial controller or global schedule.
public struct SAPEEncodingConfig: ConfigSection, Equatable {
    public enum Progression: String, ConfigChoice { case spatial, global }

    public var features = 256
    public var sigma: Float = 20
    /// Defaults to the config's top-level seed.
    public var seed: UInt64? = nil
    public var progression: Progression = .spatial
    /// Cells per side of the controller's grid (spatial only).
    public var gridResolution = 128
    /// A cell whose blurred loss is at or below ε stops opening blocks (spatial only).
    public var epsilon: Float = 1e-3

    public init() {}

    public func validate() throws {
        try validateFourierFeatures(features: features, sigma: sigma)
        guard (2...SpatialFrequencyMask.maximumResolution).contains(gridResolution) else {
            throw ConfigValueError("gridResolution", "must be between 2 and \(SpatialFrequencyMask.maximumResolution)")
        }
        guard gridResolution * gridResolution * features <= SpatialFrequencyMask.maximumMaskSize else {
            throw ConfigValueError("gridResolution", "gridResolution² × features must stay below \(SpatialFrequencyMask.maximumMaskSize)")
        }
        guard epsilon >= 0 else { throw ConfigValueError("epsilon", "must not be negative") }
    }

    func makeEncoding(seed: UInt64) -> SAPEEncoding {
        let basis = FourierBasis(count: features, sigma: sigma, seed: seed)
        switch progression {
        case .spatial:
            return SAPEEncoding(basis: basis, progression: .spatial(SpatialFrequencyMask(blockCount: features, resolution: gridResolution, epsilon: epsilon)))
        case .global:
            return SAPEEncoding(basis: basis, progression: .global(GlobalFrequencyMask(blockCount: features)))
        }
    }
}

/// `type: grid` — a multi-resolution dense grid of learned features (`DenseGridEncoding`):
/// `levels` square grids of `features` values per node, the finest `resolution` nodes per side,
/// each coarser one half as many.
public struct GridEncodingConfig: ConfigSection, Equatable {
    public var levels = 4
    public var features = 4
    public var resolution = 256
    public var includeInput = true
    /// The grid's learning rate over the network's.
    public var learningRateMultiplier: Float = 30

    public init() {}

    func makeEncoding() -> DenseGridEncoding {
        DenseGridEncoding(
            levels: levels, features: features, resolution: resolution, includeInput: includeInput,
            learningRateMultiplier: learningRateMultiplier)
    }

    public func validate() throws {
        if let (key, reason) = makeEncoding().limitViolation { throw ConfigValueError(key, reason) }
    }
}

/// The limits `FourierBasis` accepts, for `fourier` and `sape`.
func validateFourierFeatures(features: Int, sigma: Float) throws {
    guard (1...FourierBasis.maximumCount).contains(features) else {
        throw ConfigValueError("features", "must be between 1 and \(FourierBasis.maximumCount)")
    }
    guard sigma > 0, sigma <= FourierBasis.maximumSigma else {
        throw ConfigValueError("sigma", "must be in (0, \(Int(FourierBasis.maximumSigma))]")
    }
}
