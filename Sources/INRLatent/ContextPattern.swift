/// The causal neighbourhoods of the ARM: offsets (row, column) of latents of the same grid
/// decoded before the current one in raster order, nearest first (Cool-chic's pattern's shape);
/// those outside the grid count as 0.
///
///     column:  −2 −1  0 +1 +2
///     row −2:         5               the first 8; 16 adds rows −2 and −1 at ±1…±3,
///     row −1:   6  2  1  3  7         row 0 at −3 and row −3 at 0
///     row  0:   4  0  x
public enum ContextPattern {
    public static let sizes = [8, 16]
    /// How far any offset reaches: rows above, columns either side.
    public static let reach = 3

    static let all: [(row: Int, column: Int)] = [
        (0, -1), (-1, 0), (-1, -1), (-1, 1), (0, -2), (-2, 0), (-1, -2), (-1, 2),
        (-2, -1), (-2, 1), (0, -3), (-2, -2), (-2, 2), (-1, -3), (-1, 3), (-3, 0),
    ]

    /// The first `size` offsets.
    public static func offsets(_ size: Int) -> [(row: Int, column: Int)] { Array(all.prefix(size)) }
}

/// The zero-padded plane a band's latents sit in while their contexts are read, by the coder and
/// by the training pass alike: `ContextPattern.reach` zero rows above the band and zero columns
/// either side, so a context is one load per slot at a fixed distance, and a neighbour outside
/// the band or the grid reads 0.
public struct PaddedBand: Sendable {
    /// The band's latents: its grid's width, and its rows.
    public let width: Int, rows: Int

    public init(width: Int, rows: Int) {
        self.width = width
        self.rows = rows
    }

    /// Floats from one row of the plane to the next.
    public var stride: Int { width + 2 * ContextPattern.reach }
    /// Floats of the plane.
    public var count: Int { (rows + ContextPattern.reach) * stride }
    /// Where the band's first latent sits; latent (y, x) at `origin + y · stride + x`.
    public var origin: Int { ContextPattern.reach * (stride + 1) }

    /// Each offset's distance in the plane from the latent whose context it is.
    public func distances(_ offsets: [(row: Int, column: Int)]) -> [Int] { offsets.map { $0.row * stride + $0.column } }
}
