/// Which samples a step trains on.
public protocol Sampler: Sendable {
    /// The next batch: sample indices in the order their losses are summed.
    mutating func nextBatch() -> Batch
}

/// A step's samples: all of them in order, or a list of indices.
public enum Batch: Sendable {
    case all(count: Int)
    case indices([Int32])

    public var count: Int {
        switch self {
        case .all(let count): count
        case .indices(let indices): indices.count
        }
    }

    /// The sample at batch position `position`.
    @inline(__always)
    public func sample(at position: Int) -> Int {
        switch self {
        case .all: position
        case .indices(let indices): Int(indices[position])
        }
    }

    public var isFull: Bool {
        if case .all = self { return true }
        return false
    }
}
