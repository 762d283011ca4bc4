import INRCore
import INRNetwork

/// Numbered samples whose network inputs can be written: what a network is evaluated on.
///
///     input row = (x, y) ──► encoding ──► features ┐
///               + extras (as they are) ────────────┴─► network ─► outputs
///
/// The two spatial coordinates go through the model's encoding; the `extraInputWidth` values
/// after them (a bit plane's index, already decoded bits) reach the first layer unchanged.
/// Rendering needs only this; fitting adds targets and a loss (`SampleSet` in INRTraining).
/// `fill` is called from worker threads concurrently and must not mutate.
public protocol SampleInputs: Sendable {
    var count: Int { get }
    /// Network inputs after the encoded (x, y) features.
    var extraInputWidth: Int { get }
    /// Network outputs per sample.
    var targetWidth: Int { get }

    /// Writes sample `sample`'s (x, y), extra inputs and targets (each where a buffer is given).
    func fill(
        sample: Int, coordinates: UnsafeMutablePointer<Float>,
        extras: UnsafeMutablePointer<Float>?, targets: UnsafeMutablePointer<Float>?)
}

extension SampleInputs {
    /// Loads a tile: the samples `sample(0..<rows)` become the network's inputs in `workspace`
    /// (encoded (x, y) features, then the extras) and, with `withTargets`, its targets.
    /// `encodingParameters` are the encoding's own values (empty for most encodings).
    package func load(
        rows: Int, sample: (Int) -> Int, into workspace: TileWorkspace, encoding: any Encoding,
        encodingParameters: UnsafeBufferPointer<Float>, kernels: any KernelSet, withTargets: Bool
    ) {
        let points = workspace.coordinates(rows: rows)
        let inputs = workspace.activation(0, rows: rows)
        let truth = workspace.targets(rows: rows)
        let featureWidth = encoding.outputWidth, extraWidth = extraInputWidth
        // The extras wait in scratch rows until the encoding, which may write whole vectors
        // past its own columns, is done (no scratch, so no allocation, without extras).
        var scratch = extraWidth > 0 ? [Float](repeating: 0, count: rows * extraWidth) : []
        scratch.withUnsafeMutableBufferPointer { scratch in
            for row in 0..<rows {
                fill(
                    sample: sample(row), coordinates: points.row(row),
                    extras: extraWidth > 0 ? scratch.baseAddress! + row * extraWidth : nil,
                    targets: withTargets ? truth.row(row) : nil)
            }
            encoding.encode(points, parameters: encodingParameters, into: inputs.with(columns: featureWidth), kernels: kernels)
            for row in 0..<rows where extraWidth > 0 {
                (inputs.row(row) + featureWidth).update(from: scratch.baseAddress! + row * extraWidth, count: extraWidth)
            }
        }
    }
}
