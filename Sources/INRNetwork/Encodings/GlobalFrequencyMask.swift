/// SAPE's non-spatial progressive encoding (Hertz et al. 2021, §3.1; `ProgressionEncoding` in
/// the authors' code): blocks open one after another over the first 75% of fitting, one every
/// `P = max(1, ⌊3·steps / (4·blocks)⌋)` steps; the block being opened fades in with
/// `α = min(1, 2·(t mod P)/P)`. Every point sees the same mask.
public struct GlobalFrequencyMask: FrequencyMask {
    public var blockCount: Int
    /// Blocks fully open.
    public private(set) var openBlocks: Int
    /// The weight of block `openBlocks`, in [0, 1].
    public private(set) var fadeIn: Float

    public init(blockCount: Int) {
        self.blockCount = blockCount
        openBlocks = 0
        fadeIn = 0
    }

    /// A mask in a given state (a decoder restores the state the weights were fitted with).
    public init(blockCount: Int, openBlocks: Int, fadeIn: Float) {
        precondition((0...blockCount).contains(openBlocks) && fadeIn >= 0 && fadeIn <= 1, "mask state out of range")
        self.blockCount = blockCount
        self.openBlocks = openBlocks
        self.fadeIn = fadeIn
    }

    public func values(at point: UnsafePointer<Float>, into mask: UnsafeMutablePointer<Float>) {
        for j in 0..<blockCount {
            mask[j] = j < openBlocks ? 1 : j == openBlocks ? fadeIn : 0
        }
    }

    public func gradients(at point: UnsafePointer<Float>, into gradients: UnsafeMutablePointer<Float>) {
        gradients.update(repeating: 0, count: 2 * blockCount)
    }

    public mutating func prepare(step: Int, totalSteps: Int) {
        let period = max(1, 3 * totalSteps / (4 * max(blockCount, 1)))
        openBlocks = min(blockCount, step / period)
        fadeIn = openBlocks < blockCount ? min(1, 2 * Float(step % period) / Float(period)) : 0
    }

    public mutating func observe(coordinates: UnsafePointer<Float>, losses: UnsafePointer<Float>, count: Int) {}
}

extension GlobalFrequencyMask {
    enum CodingKeys: String, CodingKey { case blockCount, openBlocks, fadeIn }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let blockCount = try c.decode(Int.self, forKey: .blockCount)
        let openBlocks = try c.decode(Int.self, forKey: .openBlocks)
        let fadeIn = try c.decode(Float.self, forKey: .fadeIn)
        guard (1...FourierBasis.maximumCount).contains(blockCount), (0...blockCount).contains(openBlocks), fadeIn >= 0, fadeIn <= 1 else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "global SAPE mask out of range"))
        }
        self.init(blockCount: blockCount, openBlocks: openBlocks, fadeIn: fadeIn)
    }
}
