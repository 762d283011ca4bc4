/// The pixel order of interlaced (hierarchical) coding, diamond-square style, with spacing
/// S = 2^levels:
///
///     phase 0          pixels on the grid of spacing S
///     phase 2k+1       centres of the s-squares, s = S/2^k, h = s/2: row ≡ column ≡ h (mod s)
///     phase 2k+2       their edge midpoints: one of row, column ≡ h, the other ≡ 0 (mod s)
///
///     S = 4:   0 · 2 · 0        phases 1, 2 fill in the 4-grid, 3, 4 the 2-grid:
///              · 3 4 3 ·        every pixel of phase ≥ 1 has 4 pixels of earlier phases
///              2 4 1 4 2        at distance h: the corners (±h, ±h) of an odd phase,
///              · 3 4 3 ·        the sides (0, ±h), (±h, 0) of an even one (and 8 more
///                               a little further out, `neighbourOffsets`)
///
/// (as in FLIF's interlacing or the "HINT" pyramids of lossless coding), so all but 1/S² of the
/// pixels are coded knowing neighbours on all sides.
public struct Interlace: Hashable, Sendable {
    public let levels: Int
    public init(levels: Int) {
        precondition((1...8).contains(levels), "1 to 8 interlace levels")
        self.levels = levels
    }

    public var phaseCount: Int { 1 + 2 * levels }

    @inline(__always)
    public func phase(row: Int, column: Int) -> Int {
        let spacing = 1 << levels
        if (row | column) & (spacing - 1) == 0 { return 0 }
        for level in 0..<levels {
            let s = spacing >> level, h = s / 2
            let r = row & (s - 1), c = column & (s - 1)
            if r == h && c == h { return 1 + 2 * level }
            if (r == 0 && c == h) || (r == h && c == 0) { return 2 + 2 * level }
        }
        preconditionFailure("every pixel has a phase")
    }

    /// Earlier-phase neighbours a context reads.
    public static let neighbourCount = 12

    /// The (row, column) offsets of the earlier-phase neighbours of a pixel of `phase` ≥ 1:
    /// the 4 nearest, then the 8 next on the same lattice.
    ///
    ///     odd phase (centre):  (±h, ±h), then (±h, ±3h), (±3h, ±h)   on the s-grid
    ///     even phase (edge):   (0, ±h), (±h, 0), then (±h, ±2h), (±2h, ±h)
    public func neighbourOffset(_ index: Int, phase: Int) -> (row: Int, column: Int) {
        let h = (1 << levels) >> ((phase - 1) / 2 + 1)
        let multiples = phase % 2 == 1 ? Self.centreNeighbours : Self.edgeNeighbours
        return (multiples[2 * index] * h, multiples[2 * index + 1] * h)
    }

    /// `neighbourOffsets` in units of h, row then column.
    private static let centreNeighbours = [-1, -1, -1, 1, 1, -1, 1, 1, -3, -1, -3, 1, -1, -3, -1, 3, 1, -3, 1, 3, 3, -1, 3, 1]
    private static let edgeNeighbours = [-1, 0, 0, -1, 0, 1, 1, 0, -2, -1, -2, 1, -1, -2, -1, 2, 1, -2, 1, 2, 2, -1, 2, 1]
}
