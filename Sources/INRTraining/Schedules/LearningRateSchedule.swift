/// How the learning rate moves over a fit. One implementation per file: constant, cosine,
/// step, exponential, reduce-on-plateau.
public protocol LearningRateSchedule: Sendable {
    /// The rate for step `step` (0-based) of a fit of `totalSteps`, from the base rate.
    mutating func learningRate(step: Int, totalSteps: Int, base: Float) -> Float
    /// The loss of the step just taken; only reduce-on-plateau listens.
    mutating func observe(loss: Double)
}

extension LearningRateSchedule {
    public mutating func observe(loss: Double) {}
}
