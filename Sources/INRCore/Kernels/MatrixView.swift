/// A row-major view of `rows × columns` floats whose rows start `stride` floats apart.
///
/// Activation buffers pad each row to `paddedWidth(columns)` floats so kernels can work in whole
/// vectors; the padding lanes hold values nobody reads.
public struct MatrixView: @unchecked Sendable {
    public var base: UnsafeMutablePointer<Float>
    public var rows: Int
    public var columns: Int
    public var stride: Int

    @inlinable
    public init(base: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int) {
        precondition(stride >= columns, "a row stride must hold the row")
        self.base = base
        self.rows = rows
        self.columns = columns
        self.stride = stride
    }

    /// The first float of `row`.
    @inlinable @inline(__always)
    public func row(_ row: Int) -> UnsafeMutablePointer<Float> { base + row * stride }

    @inlinable
    public subscript(row: Int, column: Int) -> Float {
        get { base[row * stride + column] }
        nonmutating set { base[row * stride + column] = newValue }
    }

    /// The first `rows` rows.
    @inlinable
    public func prefix(rows count: Int) -> MatrixView {
        MatrixView(base: base, rows: count, columns: columns, stride: stride)
    }

    /// The same storage seen as `columns` wide (at most the stride).
    @inlinable
    public func with(columns count: Int) -> MatrixView {
        MatrixView(base: base, rows: rows, columns: count, stride: stride)
    }
}
