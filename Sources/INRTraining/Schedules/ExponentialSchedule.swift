import Foundation

/// The base rate times `gamma^step` (`torch.optim.lr_scheduler.ExponentialLR`).
public struct ExponentialSchedule: LearningRateSchedule {
    public var gamma: Float

    public init(gamma: Float) { self.gamma = gamma }

    public mutating func learningRate(step: Int, totalSteps: Int, base: Float) -> Float {
        base * Float(pow(Double(gamma), Double(step)))
    }
}
