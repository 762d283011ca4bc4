/// Every sample, every step (COIN, Strümpler et al.).
public struct FullBatchSampler: Sampler {
    public let count: Int

    public init(count: Int) { self.count = count }

    public mutating func nextBatch() -> Batch { .all(count: count) }
}
