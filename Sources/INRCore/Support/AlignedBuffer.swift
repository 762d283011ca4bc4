/// A fixed-size, zero-initialised, 64-byte-aligned block of floats (one cache line, one
/// AVX-512 vector), owned by a class so workspaces can hand out pointers into it.
public final class AlignedBuffer: @unchecked Sendable {
    public let count: Int
    public let base: UnsafeMutablePointer<Float>

    public init(count: Int) {
        precondition(count >= 0, "a buffer cannot have a negative size")
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
        base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
        base.initialize(repeating: 0, count: max(count, 1))
    }

    deinit { base.deallocate() }

    /// Sets every float to zero.
    public func zero() { base.update(repeating: 0, count: count) }

    /// A matrix view of `rows × columns` with rows `stride` floats apart, starting at `offset`.
    public func matrix(rows: Int, columns: Int, stride: Int, offset: Int = 0) -> MatrixView {
        precondition(offset + rows * stride <= count, "matrix view past the end of its buffer")
        return MatrixView(base: base + offset, rows: rows, columns: columns, stride: stride)
    }
}
