import INRCore

/// Maps input coordinates to the features the MLP sees.
///
/// One implementation per file: `RawEncoding`, `PositionalEncoding`, `FourierEncoding`,
/// `SAPEEncoding`. Features are written sample-major into a padded matrix; `encode` runs on
/// worker threads concurrently and must not mutate.
public protocol Encoding: Sendable {
    /// Coordinates per sample (2 for images).
    var inputWidth: Int { get }
    /// Features per sample.
    var outputWidth: Int { get }

    /// Writes the features of `coordinates` (`rows × inputWidth`) into `features`
    /// (`rows × outputWidth`).
    func encode(_ coordinates: MatrixView, into features: MatrixView, kernels: any KernelSet)

    /// Writes ∂loss/∂coordinates given ∂loss/∂features. Fitting never needs it (coordinates are
    /// not learned); the gradient contract tests check every encoding with it.
    func coordinateGradient(_ coordinates: MatrixView, featureGradient: MatrixView, into gradient: MatrixView)
}

/// An encoding that changes while fitting: SAPE's progressive frequency masks.
///
/// The trainer calls `prepare` before each step, and `observe` after it with each sample's loss
/// (mean over channels), one thread, samples in batch order, so the result is deterministic.
public protocol AdaptiveEncoding: Encoding {
    mutating func prepare(step: Int, totalSteps: Int)
    mutating func observe(coordinates: UnsafePointer<Float>, losses: UnsafePointer<Float>, count: Int)
    /// Whether `observe` needs per-sample losses (the trainer computes them only then).
    var wantsSampleLosses: Bool { get }
}

extension AdaptiveEncoding {
    public var wantsSampleLosses: Bool { false }
}
