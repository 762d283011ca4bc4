/// A per-parameter update rule with explicit state, applied to a flat parameter buffer.
public protocol Optimizer: Sendable {
    /// Moves `parameters` against `gradient` with step size `learningRate`.
    mutating func update(_ parameters: inout [Float], gradient: [Float], learningRate: Float)
}
