import INRNetwork

/// A model the `ModelTrainer` can fit: its parameters are named groups in one flat buffer
/// (`Parameters`), each with its own learning-rate multiplier, and a pass over a batch gives the
/// loss sums and, when training, the gradient of the mean loss.
///
///     parameters ─► lossSums(batch, backward) ─► LossSums + ∂loss/∂parameters (flat, all groups)
///                   prepare(step) before a step, observe(batch) after it (adaptive state)
///
/// Passes must be deterministic on any thread count (a fixed chunking of the batch, chunk
/// gradients summed in chunk order). The trainer owns the parameters, the optimiser, the best
/// snapshot (parameters + `state`), the L1 penalty and the weight transform.
public protocol TrainableModel: AnyObject {
    /// What changes while fitting besides the parameters (an adaptive encoding's masks): a
    /// snapshot keeps it with the weights that were measured with it.
    associatedtype State: Sendable

    /// What the model is fitted to.
    var samples: any SampleSet { get }
    var state: State { get }
    /// The parameter groups, covering the flat buffer in order.
    var groups: [ParameterGroup] { get }

    /// Before step `step` of `totalSteps`.
    func prepare(step: Int, totalSteps: Int)
    /// The loss sums of `batch` computed with `parameters`; with `backward`, the gradient of the
    /// mean loss written into every element of `gradient` (left alone otherwise).
    func lossSums(over batch: Batch, parameters: Parameters, gradient: inout [Float], backward: Bool) -> LossSums
    /// After the update of a step that trained on `batch` (forward and backward on it).
    func observe(_ batch: Batch)
    /// The outputs for every sample with `parameters` and `state`, `count × targetWidth`.
    func render(_ parameters: Parameters, state: State) -> [Float]
}
