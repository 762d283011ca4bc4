/// A per-parameter update rule with explicit state, applied to a flat parameter buffer.
public protocol Optimizer: Sendable {
    /// Moves `parameters` against `gradient`, each group with step size `learningRate` times its
    /// multiplier; the groups cover the buffer in order.
    mutating func update(_ parameters: inout [Float], gradient: [Float], learningRate: Float, groups: [ParameterGroup])
}

extension Optimizer {
    /// One group, multiplier 1, over the whole buffer.
    public mutating func update(_ parameters: inout [Float], gradient: [Float], learningRate: Float) {
        update(&parameters, gradient: gradient, learningRate: learningRate, groups: [ParameterGroup(name: "all", range: 0..<parameters.count)])
    }
}
