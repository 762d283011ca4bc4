/// A named range of a model's one flat parameter buffer with its own learning-rate multiplier
/// (PyTorch's parameter groups): a dense grid's features usually want a larger rate than the
/// network's weights.
public struct ParameterGroup: Hashable, Sendable {
    public var name: String
    public var range: Range<Int>
    /// The group's step size is the schedule's learning rate times this.
    public var learningRateMultiplier: Float

    public init(name: String, range: Range<Int>, learningRateMultiplier: Float = 1) {
        self.name = name
        self.range = range
        self.learningRateMultiplier = learningRateMultiplier
    }
}
