import INRCore
import INRNetwork

/// Forward-only evaluation of a model over a pixel grid of any size, in parallel tiles.
///
/// Each output row depends only on its own coordinates, so the result is the same on any
/// thread count. One caller at a time (it owns its worker pool's parallel region).
public final class Renderer: @unchecked Sendable {
    public let spec: NetworkSpec
    private let mlp: MLP
    private let pool: WorkerPool
    private let packed: PackedNetwork
    private let workspaces: [TileWorkspace]
    private let tileRows: Int

    public init(spec: NetworkSpec, kernels: any KernelSet, pool: WorkerPool) {
        self.spec = spec
        mlp = MLP(spec: spec, kernels: kernels)
        self.pool = pool
        packed = PackedNetwork(spec: spec)
        let tileRows = TileWorkspace.tileRows(spec: spec)
        self.tileRows = tileRows
        workspaces = (0..<pool.threadCount).map { _ in
            TileWorkspace(spec: spec, rows: tileRows, coordinateWidth: 2, training: false)
        }
    }

    /// The network's outputs at every pixel centre of `grid`: `grid.count × outputWidth`,
    /// row-major.
    public func render(_ parameters: Parameters, encoding: EncodingModel, grid: PixelGrid) -> [Float] {
        render(parameters, count: grid.count) { start, rows, workspace, encodingParameters in
            let coordinates = workspace.coordinates(rows: rows)
            for row in 0..<rows { grid.coordinates(ofPixel: start + row, into: coordinates.row(row)) }
            encoding.encoding.encode(
                coordinates, parameters: encodingParameters, into: workspace.activation(0, rows: rows), kernels: mlp.kernels)
        }
    }

    /// The network's outputs for the samples `indices` of `samples`: `indices.count ×
    /// outputWidth`. Each row depends only on its own sample, so a sample's row is the same in
    /// any selection.
    public func render<Indices: RandomAccessCollection<Int>>(
        _ parameters: Parameters, encoding: EncodingModel, samples: any SampleInputs, indices: Indices
    ) -> [Float] where Indices.Index == Int {
        render(parameters, count: indices.count) { start, rows, workspace, encodingParameters in
            samples.load(
                rows: rows, sample: { indices[indices.startIndex + start + $0] }, into: workspace, encoding: encoding.encoding,
                encodingParameters: encodingParameters, kernels: mlp.kernels, withTargets: false)
        }
    }

    /// Renders `count` rows in tiles; `load` fills a tile's inputs, given the encoding's values.
    private func render(
        _ parameters: Parameters, count: Int,
        load: (_ start: Int, _ rows: Int, _ workspace: TileWorkspace, _ encodingParameters: UnsafeBufferPointer<Float>) -> Void
    ) -> [Float] {
        packed.pack(parameters)
        let width = spec.outputWidth
        var outputs = [Float](repeating: 0, count: count * width)
        let tiles = (count + tileRows - 1) / tileRows
        let outputLayer = mlp.layers.count
        parameters.values.withUnsafeBufferPointer { values in
            let encodingParameters = UnsafeBufferPointer(rebasing: values[parameters.layout.encodingRange])
            outputs.withUnsafeMutableBufferPointer { outputs in
                let base = outputs.baseAddress!
                pool.run(tasks: tiles) { tile, worker in
                    let workspace = workspaces[worker]
                    let start = tile * tileRows, rows = min(tileRows, count - start)
                    load(start, rows, workspace, encodingParameters)
                    mlp.forward(packed, workspace: workspace, rows: rows, storeDerivatives: false)
                    let result = workspace.activation(outputLayer, rows: rows)
                    for row in 0..<rows {
                        for c in 0..<width { base[(start + row) * width + c] = result[row, c] }
                    }
                }
            }
        }
        return outputs
    }
}
