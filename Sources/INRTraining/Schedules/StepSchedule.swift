import Foundation

/// The base rate times `gamma` for every `stepSize` steps done (`torch.optim.lr_scheduler.StepLR`).
public struct StepSchedule: LearningRateSchedule {
    public var stepSize: Int
    public var gamma: Float

    public init(stepSize: Int, gamma: Float) {
        self.stepSize = stepSize
        self.gamma = gamma
    }

    public mutating func learningRate(step: Int, totalSteps: Int, base: Float) -> Float {
        base * Float(pow(Double(gamma), Double(step / max(stepSize, 1))))
    }
}
