/// How a network predicts bit planes (see `BitPlaneSamples`): stored with a model, so a
/// checkpoint or a file says what its outputs mean.
public struct BitPlaneHead: Codable, Hashable, Sendable {
    public enum Layout: String, Codable, CaseIterable, Sendable {
        /// (x, y, plane) ─► one logit per channel (Han et al.'s layout).
        case bitInput
        /// (x, y) ─► one logit per bit and channel.
        case allOutputs
    }

    public enum Context: String, Codable, CaseIterable, Sendable {
        /// Each bit from its coordinates alone.
        case none
        /// Plus what the planes above say about the pixel's own channels.
        case pixel
        /// Plus what they say about its (2r+1)² neighbourhood.
        case neighbourhood
        /// Pixels in interlaced order, each channel after the one before: a bit sees the
        /// pixel's planes above it, its earlier channels, and 12 earlier pixels around it
        /// (`Interlace`); one logit per query.
        case interlaced
    }

    public var layout: Layout
    public var context: Context
    /// r of the neighbourhood, or the interlace levels; 0 for the other contexts.
    public var contextSize: Int

    public static let maximumContextSize = 6

    public init(layout: Layout, context: Context = .none, contextSize: Int = 1) {
        precondition(Self.isValid(layout: layout, context: context, contextSize: contextSize), "implausible bit-plane head")
        self.layout = layout
        self.context = context
        self.contextSize = context == .neighbourhood || context == .interlaced ? contextSize : 0
    }

    /// Whether these go together (a file or model is untrusted input).
    public static func isValid(layout: Layout, context: Context, contextSize: Int) -> Bool {
        guard layout == .bitInput || context == .none else { return false }
        switch context {
        case .neighbourhood, .interlaced: return (1...maximumContextSize).contains(contextSize)
        case .none, .pixel: return (0...maximumContextSize).contains(contextSize)
        }
    }

    public var interlace: Interlace? { context == .interlaced ? Interlace(levels: contextSize) : nil }

    /// Network inputs after the encoded (x, y).
    public func extraInputWidth(channels: Int) -> Int {
        guard layout == .bitInput else { return 0 }
        switch context {
        case .none: return 1
        case .pixel: return 1 + channels
        case .neighbourhood: return 1 + (2 * contextSize + 1) * (2 * contextSize + 1) * channels
        case .interlaced:
            // plane, channel, phase (one-hot), middle, the pixel's channels, neighbours × (channels + present)
            return 2 + (1 + 2 * contextSize) + 1 + channels + Interlace.neighbourCount * (channels + 1)
        }
    }

    /// Network evaluations per pixel: one, one per plane, or (interlaced) one per plane and
    /// channel. `BitPlaneSamples.count` and the decoder's budget both count with it.
    public func queriesPerPixel(channels: Int, bitDepth: Int) -> Int {
        switch (layout, context) {
        case (.allOutputs, _): 1
        case (.bitInput, .interlaced): channels * bitDepth
        case (.bitInput, _): bitDepth
        }
    }

    /// Network outputs: one logit per channel, per bit and channel, or (interlaced) one.
    public func outputWidth(channels: Int, bitDepth: Int) -> Int {
        switch (layout, context) {
        case (.allOutputs, _): channels * bitDepth
        case (.bitInput, .interlaced): 1
        case (.bitInput, _): channels
        }
    }

    enum CodingKeys: String, CodingKey { case layout, context, contextSize }

    /// Validates before use: a model file is untrusted input.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let layout = try c.decode(Layout.self, forKey: .layout), context = try c.decode(Context.self, forKey: .context)
        let size = try c.decode(Int.self, forKey: .contextSize)
        guard Self.isValid(layout: layout, context: context, contextSize: size) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "implausible bit-plane head"))
        }
        self.init(layout: layout, context: context, contextSize: size)
    }
}
