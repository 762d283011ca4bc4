import INRCore

/// One worker's scratch space for a tile of samples flowing through the network.
///
///     coordinates ─► activation(0) ─► activation(1) … activation(L) ─► loss
///       rows × 2      (features)        + derivative(l) where f ≠ id
///                      ◄── gradient ping-pong buffers (backward) ◄──
public final class TileWorkspace: @unchecked Sendable {
    public let rows: Int
    public let coordinateWidth: Int
    public let layers: [NetworkSpec.Layer]
    private let buffer: AlignedBuffer
    private let activationOffsets: [Int]
    private let derivativeOffsets: [Int?]
    private let gradientOffsets: (Int, Int)
    private let coordinateOffset: Int
    private let targetOffset: Int
    private let maximumPad: Int

    /// A workspace for tiles of up to `rows` samples; `training` adds the buffers backward needs.
    public init(spec: NetworkSpec, rows: Int, coordinateWidth: Int, training: Bool) {
        self.rows = rows
        self.coordinateWidth = coordinateWidth
        layers = spec.layers
        let widths = [spec.inputWidth] + layers.map(\.outputWidth)
        maximumPad = widths.map(paddedWidth).max()!
        var total = 0
        func reserve(_ columns: Int) -> Int {
            defer { total += rows * paddedWidth(columns) }
            return total
        }
        activationOffsets = widths.map(reserve)
        derivativeOffsets = [nil] + layers.map { training && !$0.activation.isIdentity ? reserve($0.outputWidth) : nil }
        gradientOffsets = training ? (reserve(maximumPad), reserve(maximumPad)) : (0, 0)
        coordinateOffset = reserve(coordinateWidth)
        targetOffset = reserve(spec.outputWidth)
        buffer = AlignedBuffer(count: total)
    }

    /// Rows per tile that keep a workspace near `budget` floats (default 1 MiB: half a core's
    /// L2 on the machines this was tuned on), a multiple of 8 between 16 and 512.
    public static func tileRows(spec: NetworkSpec, budget: Int = 262_144) -> Int {
        let widths = [spec.inputWidth] + spec.hiddenWidths + [spec.outputWidth]
        let perRow = widths.map { 2 * paddedWidth($0) }.reduce(0, +) + 2 * widths.map(paddedWidth).max()!
        return min(512, max(16, budget / perRow / 8 * 8))
    }

    public func coordinates(rows: Int) -> MatrixView {
        buffer.matrix(rows: rows, columns: coordinateWidth, stride: paddedWidth(coordinateWidth), offset: coordinateOffset)
    }

    /// Layer `index`'s input (`0` is the encoding's output, `layers.count` the network output).
    public func activation(_ index: Int, rows: Int) -> MatrixView {
        let width = index == 0 ? layers[0].inputWidth : layers[index - 1].outputWidth
        return buffer.matrix(rows: rows, columns: width, stride: paddedWidth(width), offset: activationOffsets[index])
    }

    /// `f'(z)` of layer `index - 1` (stored next to `activation(index)`), nil for identity.
    public func derivative(_ index: Int, rows: Int) -> MatrixView? {
        guard index > 0, let offset = derivativeOffsets[index] else { return nil }
        let width = layers[index - 1].outputWidth
        return buffer.matrix(rows: rows, columns: width, stride: paddedWidth(width), offset: offset)
    }

    /// One of the two gradient buffers, seen as `columns` wide.
    public func gradient(_ which: Int, rows: Int, columns: Int) -> MatrixView {
        let offset = which == 0 ? gradientOffsets.0 : gradientOffsets.1
        return buffer.matrix(rows: rows, columns: columns, stride: paddedWidth(columns), offset: offset)
    }

    /// Targets for the tile's samples, `rows × outputWidth` with padded stride.
    public func targets(rows: Int) -> MatrixView {
        let width = layers.last!.outputWidth
        return buffer.matrix(rows: rows, columns: width, stride: paddedWidth(width), offset: targetOffset)
    }
}
