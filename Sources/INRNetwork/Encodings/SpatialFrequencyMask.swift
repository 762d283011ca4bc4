import Foundation

/// SAPE's spatially adaptive controller (Hertz et al., NeurIPS 2021, §3.2 and the authors'
/// `SpatialControllerStashed`).
///
/// A grid of `resolution²` cells covers [-1, 1]²; each cell holds how many frequency blocks it
/// has opened, and whether it still may open more:
///
///     every step:      each sample's loss → its 4 nearest cells, bilinear weights
///     every P steps:   mean loss per cell (unvisited cells: mean of visited k×k neighbours)
///     (P = max(1, ⌊steps / (2·blocks)⌋))
///                      → k×k box blur (k = 5 above 100 cells, else 3)
///                      → cells above ε open their next block; a cell at or below ε stops
///                        for good (monotone)
///     at a point:      binary cell masks (block j open where j < count) box-blurred (k×k),
///                      then bilinearly interpolated
///
/// The cell counts are the learned state: the decoder needs them to reproduce the image.
/// Departure from the authors' code, documented: their loss scatter (`t[idx] += v`) drops
/// repeated indices within a step and unvisited neighbours count as zero in the fill; here
/// every sample counts and unvisited neighbours are left out of the fill's mean (a cell with
/// none keeps opening). In the blur, such cells count as zero, as in the authors' code.
public struct SpatialFrequencyMask: FrequencyMask {
    public static let maximumResolution = 1024
    /// Largest `resolution² × blockCount`: the blurred masks are that many floats (256 MiB).
    public static let maximumMaskSize = 1 << 26

    public let blockCount: Int
    public let resolution: Int
    public let epsilon: Float
    /// Blocks open per cell, row-major (y then x).
    public private(set) var counts: [Int32]
    /// Whether each cell may still open blocks.
    public private(set) var active: [Bool]

    /// Training-only state: loss sums since the last update, the update period.
    private var lossSums: [Double]
    private var weightSums: [Double]
    private var period = 1
    /// Derived: the blurred binary masks, `resolution² × blockCount`.
    private var blurredMasks: [Float]

    public init(blockCount: Int, resolution: Int, epsilon: Float) {
        self.blockCount = blockCount
        self.resolution = resolution
        self.epsilon = epsilon
        let cells = resolution * resolution
        counts = Array(repeating: 0, count: cells)
        active = Array(repeating: true, count: cells)
        lossSums = Array(repeating: 0, count: cells)
        weightSums = Array(repeating: 0, count: cells)
        blurredMasks = []
        blurredMasks = Self.blur(counts: counts, resolution: resolution, blockCount: blockCount)
    }

    /// A finished mask with the given cell counts (what a decoder restores); no cell opens more.
    public init(blockCount: Int, resolution: Int, epsilon: Float, counts: [Int32]) {
        precondition(counts.count == resolution * resolution && counts.allSatisfy { $0 >= 0 && Int($0) <= blockCount },
                     "cell counts do not fit the grid")
        self.init(blockCount: blockCount, resolution: resolution, epsilon: epsilon)
        self.counts = counts
        active = Array(repeating: false, count: counts.count)
        blurredMasks = Self.blur(counts: counts, resolution: resolution, blockCount: blockCount)
    }

    /// Whether the sizes are within the limits (a decoder checks before allocating).
    public static func isValid(blockCount: Int, resolution: Int, epsilon: Float) -> Bool {
        (1...FourierBasis.maximumCount).contains(blockCount) && (2...maximumResolution).contains(resolution)
            && resolution * resolution * blockCount <= maximumMaskSize && epsilon.isFinite && epsilon >= 0
    }

    /// The blur window: 5×5 on grids of more than 100 cells, else 3×3 (as the authors').
    public var kernelSize: Int { Self.kernelSize(resolution: resolution) }

    static func kernelSize(resolution: Int) -> Int { resolution * resolution > 100 ? 5 : 3 }

    // MARK: Evaluation

    /// Continuous cell coordinate of `x` ∈ [-1, 1]: cell centres sit at integers, clamped to
    /// the grid, so points beyond the outer centres take the edge cells' values.
    @inline(__always)
    private func cellCoordinate(_ x: Float) -> (index: Int, fraction: Float, slope: Float) {
        let u = (x + 1) * 0.5 * Float(resolution) - 0.5
        let upper = Float(resolution - 1)
        if u <= 0 { return (0, 0, 0) }
        if u >= upper { return (max(resolution - 2, 0), resolution > 1 ? 1 : 0, 0) }
        let index = min(Int(u), resolution - 2)
        return (index, u - Float(index), 0.5 * Float(resolution))
    }

    /// The four cells around `point` (row-major indices), the fractions between them, and
    /// ∂fraction/∂coordinate (zero where the point is clamped to the edge cells).
    @inline(__always)
    private func corners(_ point: UnsafePointer<Float>) -> (c00: Int, c10: Int, c01: Int, c11: Int, fx: Float, fy: Float, sx: Float, sy: Float) {
        let (ix, fx, sx) = cellCoordinate(point[0]), (iy, fy, sy) = cellCoordinate(point[1])
        let next = resolution > 1 ? 1 : 0
        let c00 = iy * resolution + ix, c01 = c00 + next * resolution
        return (c00, c00 + next, c01, c01 + next, fx, fy, sx, sy)
    }

    public func values(at point: UnsafePointer<Float>, into mask: UnsafeMutablePointer<Float>) {
        let k = corners(point)
        let w00 = (1 - k.fx) * (1 - k.fy), w10 = k.fx * (1 - k.fy), w01 = (1 - k.fx) * k.fy, w11 = k.fx * k.fy
        blurredMasks.withUnsafeBufferPointer { grid in
            let m00 = grid.baseAddress! + k.c00 * blockCount, m10 = grid.baseAddress! + k.c10 * blockCount
            let m01 = grid.baseAddress! + k.c01 * blockCount, m11 = grid.baseAddress! + k.c11 * blockCount
            for j in 0..<blockCount {
                mask[j] = w00 * m00[j] + w10 * m10[j] + w01 * m01[j] + w11 * m11[j]
            }
        }
    }

    public func gradients(at point: UnsafePointer<Float>, into gradients: UnsafeMutablePointer<Float>) {
        let k = corners(point)
        for j in 0..<blockCount {
            let m00 = blurredMasks[k.c00 * blockCount + j], m10 = blurredMasks[k.c10 * blockCount + j]
            let m01 = blurredMasks[k.c01 * blockCount + j], m11 = blurredMasks[k.c11 * blockCount + j]
            gradients[j] = k.sx * ((m10 - m00) * (1 - k.fy) + (m11 - m01) * k.fy)
            gradients[blockCount + j] = k.sy * ((m01 - m00) * (1 - k.fx) + (m11 - m10) * k.fx)
        }
    }

    // MARK: Control

    public mutating func prepare(step: Int, totalSteps: Int) {
        period = max(1, totalSteps / (2 * max(blockCount, 1)))
        if step > 0 && step % period == 0 { update() }
    }

    public mutating func observe(coordinates: UnsafePointer<Float>, losses: UnsafePointer<Float>, count: Int) {
        for sample in 0..<count {
            let k = corners(coordinates + 2 * sample)
            let loss = Double(losses[sample])
            accumulate(loss, into: k.c00, weight: (1 - k.fx) * (1 - k.fy))
            accumulate(loss, into: k.c10, weight: k.fx * (1 - k.fy))
            accumulate(loss, into: k.c01, weight: (1 - k.fx) * k.fy)
            accumulate(loss, into: k.c11, weight: k.fx * k.fy)
        }
    }

    @inline(__always)
    private mutating func accumulate(_ loss: Double, into cell: Int, weight: Float) {
        guard weight != 0 else { return }
        lossSums[cell] += Double(weight) * loss
        weightSums[cell] += Double(weight)
    }

    /// One controller update: open a block in every active cell whose blurred loss is above ε.
    private mutating func update() {
        let cells = resolution * resolution
        var means = [Double](repeating: 0, count: cells)
        for cell in 0..<cells where weightSums[cell] > 0 { means[cell] = lossSums[cell] / weightSums[cell] }
        let radius = kernelSize / 2
        var filled = means
        var known = weightSums.map { $0 > 0 }
        for y in 0..<resolution {
            for x in 0..<resolution where weightSums[y * resolution + x] == 0 {
                var sum = 0.0, n = 0
                forEachNeighbour(x, y, radius) { neighbour in
                    if neighbour != y * resolution + x && weightSums[neighbour] > 0 {
                        sum += means[neighbour]
                        n += 1
                    }
                }
                if n > 0 {
                    filled[y * resolution + x] = sum / Double(n)
                    known[y * resolution + x] = true
                }
            }
        }
        var changed = false
        for y in 0..<resolution {
            for x in 0..<resolution {
                let cell = y * resolution + x
                guard active[cell] else { continue }
                guard known[cell] else {  // nothing seen nearby: keep opening
                    if counts[cell] < blockCount { counts[cell] += 1; changed = true }
                    continue
                }
                var sum = 0.0
                forEachNeighbour(x, y, radius) { sum += filled[$0] }
                let blurred = sum / Double(kernelSize * kernelSize)
                if blurred > Double(epsilon) {
                    if counts[cell] < blockCount { counts[cell] += 1; changed = true }
                } else {
                    active[cell] = false
                }
            }
        }
        lossSums = Array(repeating: 0, count: cells)
        weightSums = Array(repeating: 0, count: cells)
        if changed { blurredMasks = Self.blur(counts: counts, resolution: resolution, blockCount: blockCount) }
    }

    /// Calls `body` with the cells of the (2r+1)² window around (x, y), edges replicated.
    @inline(__always)
    private func forEachNeighbour(_ x: Int, _ y: Int, _ radius: Int, _ body: (Int) -> Void) {
        for dy in -radius...radius {
            let ny = min(max(y + dy, 0), resolution - 1)
            for dx in -radius...radius {
                body(ny * resolution + min(max(x + dx, 0), resolution - 1))
            }
        }
    }

    /// Blurred masks: for cell c and block j, the share of c's window whose cells have j open.
    static func blur(counts: [Int32], resolution: Int, blockCount: Int) -> [Float] {
        let kernel = kernelSize(resolution: resolution)
        let radius = kernel / 2
        let scale = 1 / Float(kernel * kernel)
        var masks = [Float](repeating: 0, count: resolution * resolution * blockCount)
        masks.withUnsafeMutableBufferPointer { masks in
            for y in 0..<resolution {
                for x in 0..<resolution {
                    let row = masks.baseAddress! + (y * resolution + x) * blockCount
                    for dy in -radius...radius {
                        let ny = min(max(y + dy, 0), resolution - 1)
                        for dx in -radius...radius {
                            let open = Int(counts[ny * resolution + min(max(x + dx, 0), resolution - 1)])
                            for j in 0..<min(open, blockCount) { row[j] += scale }
                        }
                    }
                }
            }
        }
        return masks
    }
}

extension SpatialFrequencyMask: Codable {
    enum CodingKeys: String, CodingKey { case blockCount, resolution, epsilon, counts, active }

    /// Validates before allocating anything: a model file is untrusted input.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let blockCount = try c.decode(Int.self, forKey: .blockCount)
        let resolution = try c.decode(Int.self, forKey: .resolution)
        let epsilon = try c.decode(Float.self, forKey: .epsilon)
        guard Self.isValid(blockCount: blockCount, resolution: resolution, epsilon: epsilon) else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "SAPE grid out of range"))
        }
        self.init(blockCount: blockCount, resolution: resolution, epsilon: epsilon)
        let counts = try c.decode([Int32].self, forKey: .counts)
        let active = try c.decode([Bool].self, forKey: .active)
        guard counts.count == resolution * resolution, active.count == counts.count,
            counts.allSatisfy({ $0 >= 0 && Int($0) <= blockCount })
        else {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "SAPE cell grid does not match its resolution and block count"))
        }
        self.counts = counts
        self.active = active
        blurredMasks = Self.blur(counts: counts, resolution: resolution, blockCount: blockCount)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(blockCount, forKey: .blockCount)
        try c.encode(resolution, forKey: .resolution)
        try c.encode(epsilon, forKey: .epsilon)
        try c.encode(counts, forKey: .counts)
        try c.encode(active, forKey: .active)
    }
}

extension SpatialFrequencyMask: Hashable {
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.blockCount == rhs.blockCount && lhs.resolution == rhs.resolution && lhs.epsilon == rhs.epsilon
            && lhs.counts == rhs.counts && lhs.active == rhs.active
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(resolution)
        hasher.combine(counts)
    }
}
