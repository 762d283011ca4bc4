import INRCore

/// Seeded mini-batches without replacement: the samples are shuffled once per epoch
/// (Fisher–Yates) and handed out in consecutive slices; the remainder of an epoch too short
/// for a batch is dropped, so every batch has exactly `batchSize` samples.
public struct RandomBatchSampler: Sampler {
    public let count: Int
    public let batchSize: Int
    private var generator: SeededGenerator
    private var permutation: [Int32]
    private var position: Int

    public init(count: Int, batchSize: Int, seed: UInt64) {
        precondition(count > 0 && count <= Int(Int32.max), "sample count out of range")
        precondition(batchSize > 0 && batchSize <= count, "a batch must hold 1 to count samples")
        self.count = count
        self.batchSize = batchSize
        generator = SeededGenerator(seed: seed, stream: "batches")
        permutation = (0..<Int32(count)).map { $0 }
        position = count  // shuffle before the first batch
    }

    public mutating func nextBatch() -> Batch {
        if position + batchSize > count {
            for i in stride(from: count - 1, to: 0, by: -1) {
                permutation.swapAt(i, generator.nextIndex(below: i + 1))
            }
            position = 0
        }
        defer { position += batchSize }
        return .indices(Array(permutation[position..<(position + batchSize)]))
    }
}
