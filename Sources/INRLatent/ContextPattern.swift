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
