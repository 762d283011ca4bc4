/// Cuts the rate by `factor` when the loss has not improved by a relative `threshold` for
/// `patience` steps, then waits `cooldown` steps (`torch.optim.lr_scheduler.ReduceLROnPlateau`,
/// mode "min", threshold mode "rel"; Strümpler et al. 2022 use factor 0.5, patience 500).
public struct PlateauSchedule: LearningRateSchedule {
    public var factor: Float
    public var patience: Int
    public var threshold: Double
    public var cooldown: Int
    public var minimum: Float

    private var scale: Float = 1
    private var bestLoss = Double.infinity
    private var badSteps = 0
    private var cooldownLeft = 0

    public init(factor: Float = 0.5, patience: Int = 500, threshold: Double = 1e-4, cooldown: Int = 0, minimum: Float = 0) {
        self.factor = factor
        self.patience = patience
        self.threshold = threshold
        self.cooldown = cooldown
        self.minimum = minimum
    }

    public mutating func learningRate(step: Int, totalSteps: Int, base: Float) -> Float {
        max(base * scale, minimum)
    }

    public mutating func observe(loss: Double) {
        if loss < bestLoss * (1 - threshold) {
            bestLoss = loss
            badSteps = 0
        } else {
            badSteps += 1
        }
        if cooldownLeft > 0 {
            cooldownLeft -= 1
            badSteps = 0
        }
        if badSteps > patience {
            scale *= factor
            cooldownLeft = cooldown
            badSteps = 0
        }
    }
}
