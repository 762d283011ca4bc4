import INRCore

/// The encoding of a model: any registered encoding, with the state the trainer mutates and
/// snapshots with the best weights; what a model file stores (`{"type": "sape", ...}`) and an
/// .inr file's ENCO section holds.
public struct EncodingModel: Hashable, Sendable {
    /// Every encoding a model file or an .inr file may name: a new encoding adds its type here.
    public static let registered: [any RegisteredEncoding.Type] = [
        RawEncoding.self, PositionalEncoding.self, FourierEncoding.self, SAPEEncoding.self, DenseGridEncoding.self,
    ]

    /// Each registered encoding's examples, in registry order.
    public static var examples: [EncodingModel] {
        registered.flatMap { type in type.examples.map { EncodingModel($0) } }
    }

    public private(set) var encoding: any RegisteredEncoding

    public init(_ encoding: any RegisteredEncoding) { self.encoding = encoding }

    public var typeName: String { type(of: encoding).typeName }

    /// Before step `step` of `totalSteps` (only an `AdaptiveEncoding` changes).
    public mutating func prepare(step: Int, totalSteps: Int) {
        adapt { $0.prepare(step: step, totalSteps: totalSteps) }
    }

    /// After a step, with each sample's loss (only SAPE's spatial controller listens).
    public mutating func observe(coordinates: UnsafePointer<Float>, losses: UnsafePointer<Float>, count: Int) {
        adapt { $0.observe(coordinates: coordinates, losses: losses, count: count) }
    }

    /// Whether `observe` needs per-sample losses.
    public var wantsSampleLosses: Bool { (encoding as? any AdaptiveEncoding)?.wantsSampleLosses ?? false }

    /// Runs `body` on the encoding if it adapts while fitting, as the state's only owner (no
    /// copy on write of its grids).
    private mutating func adapt(_ body: (inout any AdaptiveEncoding & RegisteredEncoding) -> Void) {
        guard var adaptive = encoding as? any AdaptiveEncoding & RegisteredEncoding else { return }
        encoding = RawEncoding()
        body(&adaptive)
        encoding = adaptive
    }

    public static func == (lhs: EncodingModel, rhs: EncodingModel) -> Bool {
        AnyHashable(lhs.encoding) == AnyHashable(rhs.encoding)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(AnyHashable(encoding))
    }
}

extension EncodingModel: Codable {
    enum CodingKeys: String, CodingKey { case type }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let name = try c.decode(String.self, forKey: .type)
        guard let type = Self.registered.first(where: { $0.typeName == name }) else {
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown encoding type '\(name)'")
        }
        self.init(try type.init(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(typeName, forKey: .type)
        try encoding.encode(to: encoder)
    }
}
