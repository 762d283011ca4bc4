import Foundation

/// Adam (Kingma & Ba, ICLR 2015, Algorithm 1) with PyTorch's conventions: bias-corrected
/// moments, ε added to √v̂, and weight decay as an L2 term added to the gradient
/// (`torch.optim.Adam(weight_decay=)`, not AdamW).
public struct Adam: Optimizer {
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float
    public var weightDecay: Float
    private var firstMoment: [Float] = []
    private var secondMoment: [Float] = []
    private var stepCount = 0

    public init(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0) {
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
    }

    public mutating func update(_ parameters: inout [Float], gradient: [Float], learningRate: Float, groups: [ParameterGroup]) {
        precondition(parameters.count == gradient.count, "gradient and parameters differ in size")
        precondition(groups.first?.range.lowerBound == 0 && groups.last?.range.upperBound == parameters.count
                     && zip(groups, groups.dropFirst()).allSatisfy { $0.range.upperBound == $1.range.lowerBound },
                     "parameter groups must cover the buffer in order")
        if firstMoment.count != parameters.count {
            firstMoment = Array(repeating: 0, count: parameters.count)
            secondMoment = Array(repeating: 0, count: parameters.count)
            stepCount = 0
        }
        stepCount += 1
        let correction1 = 1 - Float(pow(Double(beta1), Double(stepCount)))
        let correction2 = Float((1 - pow(Double(beta2), Double(stepCount))).squareRoot())
        let (b1, b2, eps, decay) = (beta1, beta2, epsilon, weightDecay)
        parameters.withUnsafeMutableBufferPointer { p in
            firstMoment.withUnsafeMutableBufferPointer { m in
                secondMoment.withUnsafeMutableBufferPointer { v in
                    gradient.withUnsafeBufferPointer { g in
                        for group in groups {
                            let stepSize = learningRate * group.learningRateMultiplier / correction1
                            for i in group.range {
                                let gi = g[i] + decay * p[i]
                                m[i] = b1 * m[i] + (1 - b1) * gi
                                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                                p[i] -= stepSize * m[i] / (v[i].squareRoot() / correction2 + eps)
                            }
                        }
                    }
                }
            }
        }
    }
}
