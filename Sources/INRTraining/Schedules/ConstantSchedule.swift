/// The base rate throughout (COIN).
public struct ConstantSchedule: LearningRateSchedule {
    public init() {}
    public mutating func learningRate(step: Int, totalSteps: Int, base: Float) -> Float { base }
}
