import Foundation

/// Linear warm-up from 0 over `warmupSteps`, then half a cosine from the base rate down to
/// `minimum` at the last step (Loshchilov & Hutter 2017, without restarts).
public struct CosineSchedule: LearningRateSchedule {
    public var minimum: Float
    public var warmupSteps: Int

    public init(minimum: Float = 0, warmupSteps: Int = 0) {
        self.minimum = minimum
        self.warmupSteps = warmupSteps
    }

    public mutating func learningRate(step: Int, totalSteps: Int, base: Float) -> Float {
        if step < warmupSteps { return base * Float(step + 1) / Float(warmupSteps) }
        let span = max(totalSteps - warmupSteps - 1, 1)
        let progress = min(Double(step - warmupSteps) / Double(span), 1)
        return minimum + (base - minimum) * Float(0.5 * (1 + cos(Double.pi * progress)))
    }
}
