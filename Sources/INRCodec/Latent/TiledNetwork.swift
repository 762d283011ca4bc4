import INRCore
import INRNetwork

/// A per-point dense network of the latent model (the synthesis, the ARM) trained with inr's
/// engine: points are gathered from planes into tiles of rows, run through `MLP` with the CPU's
/// fused kernels, and their input gradients scattered back. Work is cut into fixed chunks, each
/// with its own gradient accumulator summed in chunk order, so a step's numbers do not depend on
/// the thread count.
///
///     planes ─► gather (tile rows × inputs) ─► MLP forward ─► loss rows ─► MLP backward
///            ◄─ scatter ∂inputs ◄─────────────────────────────────────────────┘   ∇weights per chunk
final class TiledNetwork {
    static let chunk = 4096

    let spec: NetworkSpec
    let layout: ParameterLayout
    let mlp: MLP
    let packed: PackedNetwork
    let tileRows: Int
    private let workspaces: [TileWorkspace]
    private var accumulators: [GradientAccumulator] = []

    init(layers: [(inputs: Int, outputs: Int)], kernels: any KernelSet, threads: Int) {
        spec = NetworkSpec(
            inputWidth: layers[0].inputs, hiddenWidths: layers.dropLast().map(\.outputs), outputWidth: layers.last!.outputs, activation: .relu)
        layout = ParameterLayout(spec: spec)
        mlp = MLP(spec: spec, kernels: kernels)
        packed = PackedNetwork(spec: spec)
        let spec = spec, rows = TileWorkspace.tileRows(spec: spec)
        tileRows = rows
        workspaces = (0..<threads).map { _ in TileWorkspace(spec: spec, rows: rows, coordinateWidth: 1, training: true) }
    }

    /// One pass over `count` points with weights `parameters` (this network's flat slice):
    /// `gather(inputs, first)` fills the tile's input rows for points first…; `loss(outputs,
    /// gradient, first)` reads the outputs, writes ∂loss/∂outputs and returns the tile's loss;
    /// `scatter(inputGradient, first)` receives ∂loss/∂inputs. Returns the summed loss and
    /// writes the weights' gradient into `gradient` (this network's layout).
    func run(
        count: Int, parameters: ArraySlice<Float>, pool: WorkerPool, gradient: inout [Float],
        gather: (_ inputs: MatrixView, _ first: Int) -> Void,
        loss: (_ outputs: MatrixView, _ gradient: MatrixView, _ first: Int) -> Double,
        scatter: ((_ inputGradient: MatrixView, _ first: Int) -> Void)?
    ) -> Double {
        packed.pack(Parameters(spec: spec, values: Array(parameters)))
        let tasks = (count + Self.chunk - 1) / Self.chunk
        while accumulators.count < tasks { accumulators.append(GradientAccumulator(spec: spec)) }
        var losses = [Double](repeating: 0, count: tasks)
        let accumulators = self.accumulators, workspaces = self.workspaces, mlp = self.mlp, packed = self.packed, tileRows = self.tileRows
        let layerCount = spec.layers.count, outputWidth = spec.outputWidth
        losses.withUnsafeMutableBufferPointer { losses in
            let losses = losses.baseAddress!
            pool.run(tasks: tasks) { task, worker in
                let workspace = workspaces[worker], accumulator = accumulators[task]
                accumulator.zero()
                var total = 0.0
                var first = task * Self.chunk
                let end = min(first + Self.chunk, count)
                while first < end {
                    let rows = min(tileRows, end - first)
                    gather(workspace.activation(0, rows: rows), first)
                    mlp.forward(packed, workspace: workspace, rows: rows)
                    total += loss(workspace.activation(layerCount, rows: rows), workspace.gradient(0, rows: rows, columns: outputWidth), first)
                    if let scatter {
                        let inputGradient = mlp.freeInputGradient(workspace: workspace, rows: rows)
                        mlp.backward(packed, workspace: workspace, rows: rows, gradients: accumulator, inputGradient: inputGradient)
                        scatter(inputGradient, first)
                    } else {
                        mlp.backward(packed, workspace: workspace, rows: rows, gradients: accumulator)
                    }
                    first += rows
                }
                losses[task] = total
            }
        }
        for task in 1..<max(tasks, 1) { accumulators[0].add(accumulators[task]) }
        var flat = [Float](repeating: 0, count: layout.count)
        accumulators[0].write(into: &flat, layout: layout)
        gradient = flat
        return losses.reduce(0, +)
    }
}
