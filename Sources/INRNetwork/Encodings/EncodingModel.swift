import INRCore

/// The encoding of a model, as a closed set of cases: what the trainer mutates, snapshots with
/// the best weights, and what a model file stores (`{"type": "sape", ...}`).
public enum EncodingModel: Hashable, Sendable {
    case raw(RawEncoding)
    case positional(PositionalEncoding)
    case fourier(FourierEncoding)
    case sape(SAPEEncoding)
    case grid(DenseGridEncoding)

    public var encoding: any Encoding {
        switch self {
        case .raw(let e): e
        case .positional(let e): e
        case .fourier(let e): e
        case .sape(let e): e
        case .grid(let e): e
        }
    }

    public var typeName: String {
        switch self {
        case .raw: "raw"
        case .positional: "positional"
        case .fourier: "fourier"
        case .sape: "sape"
        case .grid: "grid"
        }
    }

    /// Before step `step` of `totalSteps` (only SAPE changes).
    public mutating func prepare(step: Int, totalSteps: Int) {
        guard case .sape(var sape) = self else { return }
        self = .raw(RawEncoding())  // `sape` is now the state's only owner: no copy on write
        sape.prepare(step: step, totalSteps: totalSteps)
        self = .sape(sape)
    }

    /// After a step, with each sample's loss (only SAPE's spatial controller listens).
    public mutating func observe(coordinates: UnsafePointer<Float>, losses: UnsafePointer<Float>, count: Int) {
        guard case .sape(var sape) = self else { return }
        self = .raw(RawEncoding())
        sape.observe(coordinates: coordinates, losses: losses, count: count)
        self = .sape(sape)
    }

    /// Whether `observe` needs per-sample losses.
    public var wantsSampleLosses: Bool {
        if case .sape(let sape) = self, case .spatial = sape.progression { return true }
        return false
    }
}

extension EncodingModel: Codable {
    enum CodingKeys: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        switch try c.decode(String.self, forKey: .type) {
        case "raw": self = .raw(try RawEncoding(from: decoder))
        case "positional": self = .positional(try PositionalEncoding(from: decoder))
        case "fourier": self = .fourier(try FourierEncoding(from: decoder))
        case "sape": self = .sape(try SAPEEncoding(from: decoder))
        case "grid": self = .grid(try DenseGridEncoding(from: decoder))
        case let other:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown encoding type '\(other)'")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        switch self {
        case .raw(let e): try e.encode(to: encoder)
        case .positional(let e): try e.encode(to: encoder)
        case .fourier(let e): try e.encode(to: encoder)
        case .sape(let e): try e.encode(to: encoder)
        case .grid(let e): try e.encode(to: encoder)
        }
    }
}
