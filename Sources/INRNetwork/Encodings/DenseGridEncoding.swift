import INRCoding
import INRCore

/// A multi-resolution dense grid of learned features (the dense levels of Instant-NGP, Müller
/// et al. 2022, without the hash): the encoding's parameters are the grid values.
///
///     (x, y) ∈ [-1, 1]² ──► level 0 (coarsest): n_0 × n_0 nodes × F ─ bilinear ─┐
///                       ──► …                                                  ├─► [x, y]? [F × L]
///                       ──► level L-1 (finest): n × n nodes × F ── bilinear ──┘
///
/// Level l has `n_l = max(2, resolution >> (L-1-l))` nodes per side, the finest `resolution`:
/// full, ½, ¼ … of it. Nodes sit at u = (x + 1)/2 · (n_l - 1), so the outer nodes are the image
/// edges whatever its aspect ratio (the grid is square in coordinates, like `PixelGrid`). A
/// level's tensor is `[n_l][n_l][F]` (row y, column x, feature), levels coarsest first.
/// Features start as U(±1e-4) from the config seed (stream `grid-features`), as Instant-NGP.
public struct DenseGridEncoding: Encoding, Hashable {
    public static let maximumLevels = 16
    public static let maximumFeatures = 64
    public static let maximumResolution = 4096
    public static let maximumParameterCount = 1 << 24

    /// L, the number of grids.
    public var levels: Int
    /// F, features per node.
    public var features: Int
    /// Nodes per side of the finest level.
    public var resolution: Int
    /// Whether (x, y) come first in the features.
    public var includeInput: Bool
    public var learningRateMultiplier: Float

    public init(levels: Int, features: Int, resolution: Int, includeInput: Bool = true, learningRateMultiplier: Float = 1) {
        self.levels = levels
        self.features = features
        self.resolution = resolution
        self.includeInput = includeInput
        self.learningRateMultiplier = learningRateMultiplier
    }

    public var inputWidth: Int { 2 }
    public var outputWidth: Int { (includeInput ? 2 : 0) + levels * features }

    /// Nodes per side of level `level` (0 is the coarsest).
    public func nodes(ofLevel level: Int) -> Int { max(2, resolution >> (levels - 1 - level)) }

    public var parameterShapes: [[Int]] { (0..<levels).map { [nodes(ofLevel: $0), nodes(ofLevel: $0), features] } }

    public func initialParameters(seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed, stream: "grid-features")
        return (0..<parameterCount).map { _ in Float(generator.nextUniform(-1e-4, 1e-4)) }
    }

    public func encode(_ coordinates: MatrixView, parameters: UnsafeBufferPointer<Float>, into features: MatrixView, kernels: any KernelSet) {
        let width = self.features
        forEachCell(coordinates) { row, level, cell in
            let grid = parameters.baseAddress! + cell.corner
            let output = features.row(row) + (includeInput ? 2 : 0) + level * width
            for f in 0..<width {
                output[f] = cell.weights.0 * grid[f] + cell.weights.1 * grid[cell.right + f]
                    + cell.weights.2 * grid[cell.down + f] + cell.weights.3 * grid[cell.down + cell.right + f]
            }
        }
        for row in 0..<coordinates.rows where includeInput {
            features[row, 0] = coordinates[row, 0]
            features[row, 1] = coordinates[row, 1]
        }
    }

    /// ∂features/∂grid: each feature's gradient goes to its 4 corners with the bilinear weights.
    public func addParameterGradient(
        _ coordinates: MatrixView, featureGradient: MatrixView, into gradient: UnsafeMutableBufferPointer<Float>
    ) {
        let width = features
        forEachCell(coordinates) { row, level, cell in
            let grid = gradient.baseAddress! + cell.corner
            let input = featureGradient.row(row) + (includeInput ? 2 : 0) + level * width
            for f in 0..<width {
                grid[f] += cell.weights.0 * input[f]
                grid[cell.right + f] += cell.weights.1 * input[f]
                grid[cell.down + f] += cell.weights.2 * input[f]
                grid[cell.down + cell.right + f] += cell.weights.3 * input[f]
            }
        }
    }

    public func coordinateGradient(
        _ coordinates: MatrixView, parameters: UnsafeBufferPointer<Float>, featureGradient: MatrixView, into gradient: MatrixView
    ) {
        for row in 0..<coordinates.rows {
            gradient[row, 0] = includeInput ? featureGradient[row, 0] : 0
            gradient[row, 1] = includeInput ? featureGradient[row, 1] : 0
        }
        let width = features
        forEachCell(coordinates) { row, level, cell in
            let g = parameters.baseAddress! + cell.corner
            let input = featureGradient.row(row) + (includeInput ? 2 : 0) + level * width
            let (fx, fy) = cell.fraction
            var dx: Float = 0, dy: Float = 0
            for f in 0..<width {
                let g00 = g[f], g10 = g[cell.right + f], g01 = g[cell.down + f], g11 = g[cell.down + cell.right + f]
                dx += input[f] * ((1 - fy) * (g10 - g00) + fy * (g11 - g01))
                dy += input[f] * ((1 - fx) * (g01 - g00) + fx * (g11 - g10))
            }
            gradient[row, 0] += cell.scale * dx
            gradient[row, 1] += cell.scale * dy
        }
    }

    /// A point's cell in one level: the flat index of its lower corner, the offsets of the
    /// corners to its right and below, the bilinear weights (00, 10, 01, 11) and du/dx.
    struct Cell {
        var corner: Int
        var right: Int
        var down: Int
        var fraction: (Float, Float)
        var weights: (Float, Float, Float, Float)
        var scale: Float
    }

    /// Calls `body` with every row's cell in every level, row by row.
    private func forEachCell(_ coordinates: MatrixView, _ body: (_ row: Int, _ level: Int, _ cell: Cell) -> Void) {
        for row in 0..<coordinates.rows {
            let x = coordinates[row, 0], y = coordinates[row, 1]
            var offset = 0
            for level in 0..<levels {
                let n = nodes(ofLevel: level)
                let scale = Float(n - 1) / 2
                let u = (x + 1) * scale, v = (y + 1) * scale
                let i = min(max(Int(u.rounded(.down)), 0), n - 2), j = min(max(Int(v.rounded(.down)), 0), n - 2)
                let fx = u - Float(i), fy = v - Float(j)
                let cell = Cell(
                    corner: offset + (j * n + i) * features, right: features, down: n * features, fraction: (fx, fy),
                    weights: ((1 - fx) * (1 - fy), fx * (1 - fy), (1 - fx) * fy, fx * fy), scale: scale)
                body(row, level, cell)
                offset += n * n * features
            }
        }
    }
}

extension DenseGridEncoding: Codable {
    enum CodingKeys: String, CodingKey { case levels, features, resolution, includeInput, learningRateMultiplier }

    /// Decodes and checks the limits, so a model file cannot ask for an implausible grid.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            levels: try c.decode(Int.self, forKey: .levels), features: try c.decode(Int.self, forKey: .features),
            resolution: try c.decode(Int.self, forKey: .resolution), includeInput: try c.decode(Bool.self, forKey: .includeInput),
            learningRateMultiplier: try c.decode(Float.self, forKey: .learningRateMultiplier))
        if let (key, reason) = limitViolation {
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath, debugDescription: "dense grid: \(key) \(reason)"))
        }
    }

    /// The key that is out of range and why, if any (the config checks the same limits).
    public var limitViolation: (key: String, reason: String)? {
        if !(1...Self.maximumLevels).contains(levels) { return ("levels", "must be between 1 and \(Self.maximumLevels)") }
        if !(1...Self.maximumFeatures).contains(features) { return ("features", "must be between 1 and \(Self.maximumFeatures)") }
        if !(2...Self.maximumResolution).contains(resolution) { return ("resolution", "must be between 2 and \(Self.maximumResolution)") }
        if parameterCount > Self.maximumParameterCount {
            return ("resolution", "the levels hold \(parameterCount) values (Σ nodes² × features); at most \(Self.maximumParameterCount)")
        }
        if !(learningRateMultiplier > 0 && learningRateMultiplier.isFinite) { return ("learningRateMultiplier", "must be positive") }
        return nil
    }
}

extension DenseGridEncoding: RegisteredEncoding {
    public static let typeName = "grid"
    public static let typeCode: UInt8 = 4
    public static var examples: [DenseGridEncoding] {
        [DenseGridEncoding(levels: 3, features: 3, resolution: 9), DenseGridEncoding(levels: 2, features: 5, resolution: 7, includeInput: false)]
    }

    /// L, F and the finest resolution, whether (x, y) come first, and the rate the grid was
    /// fitted at (the decoder does not need it; it is kept so a file gives back the model). The
    /// grid values are parameters: quantised and coded with the network's (WGHT).
    public func writePayload(to writer: inout ByteWriter) {
        writer.append(varint: levels)
        writer.append(varint: features)
        writer.append(varint: resolution)
        writer.append(byte: includeInput ? 1 : 0)
        writer.append(learningRateMultiplier)
    }

    public static func read(payload reader: inout ByteReader) throws(BitstreamError) -> DenseGridEncoding {
        let levels = try reader.varint(in: 1...maximumLevels, "grid levels")
        let features = try reader.varint(in: 1...maximumFeatures, "grid features")
        let resolution = try reader.varint(in: 2...maximumResolution, "grid resolution")
        let includeInput = try reader.byte()
        guard includeInput <= 1 else { throw .corrupt("ENCO", "grid input flag \(includeInput)") }
        let grid = DenseGridEncoding(
            levels: levels, features: features, resolution: resolution, includeInput: includeInput == 1,
            learningRateMultiplier: try reader.float("grid learning-rate multiplier"))
        if let (key, reason) = grid.limitViolation { throw .corrupt("ENCO", "dense grid: \(key) \(reason)") }
        return grid
    }

    public var summary: String {
        "dense grid, \(levels) levels × \(features) features, finest \(resolution)², \(parameterCount) values"
            + (includeInput ? ", with (x, y)" : "")
    }
}
