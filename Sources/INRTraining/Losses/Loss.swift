import INRCore

/// What a tile of predictions costs, and its gradient.
///
/// `evaluate` fills `gradient` with ∂L/∂prediction (already scaled by `gradientScale`, i.e. by
/// 1/(samples·channels) of the whole batch) and returns the tile's sums for reporting.
public protocol Loss: Sendable {
    func evaluate(
        prediction: MatrixView, target: MatrixView, gradientScale: Float,
        gradient: MatrixView, sampleLosses: UnsafeMutablePointer<Float>?, peak: Float
    ) -> LossSums
}

/// Per-tile sums that add up over a batch in a fixed order.
public struct LossSums: Sendable {
    /// Σ of the loss terms (squared errors for MSE).
    public var loss: Double = 0
    /// Σ of squared errors after rounding the prediction to the image's integer samples:
    /// the error of the PNG a decoder would write.
    public var quantizedSquaredError: Double = 0
    /// Bits whose hard decision (logit > 0) is wrong (bit-plane losses).
    public var wrongBits: Int = 0
    /// Samples × channels.
    public var count: Int = 0

    public init() {}

    public static func += (lhs: inout LossSums, rhs: LossSums) {
        lhs.loss += rhs.loss
        lhs.quantizedSquaredError += rhs.quantizedSquaredError
        lhs.wrongBits += rhs.wrongBits
        lhs.count += rhs.count
    }
}

/// The error, in sample units, of the sample a decoder writes for `prediction`: clamped to
/// [0, 1], scaled to `peak` and rounded, against the target (an exact multiple of 1/peak).
@inline(__always)
func roundedSampleError(prediction: Float, target: Float, peak: Float) -> Float {
    (min(max(prediction, 0), 1) * peak).rounded(.toNearestOrAwayFromZero) - (target * peak).rounded(.toNearestOrAwayFromZero)
}
