import INRModel
import INRNetwork

/// Changes the weights the network computes with while the optimiser keeps updating the
/// originals: quantisation-aware training with the straight-through estimator (Bengio et al.
/// 2013) is a transform that rounds every weight to its quantiser level. The gradient computed
/// with the transformed weights is applied to the originals unchanged.
public protocol WeightTransform: Sendable {
    /// The weights the forward and backward passes use.
    func transform(_ parameters: Parameters) -> Parameters
    /// Adds the gradient of a regulariser on the original weights (e.g. a rate proxy), if any.
    func addRegularizerGradient(_ parameters: Parameters, to gradient: inout [Float])
}
