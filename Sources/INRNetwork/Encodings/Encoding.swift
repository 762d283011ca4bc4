import INRCore

/// Maps input coordinates to the features the MLP sees.
///
/// One implementation per file: `RawEncoding`, `PositionalEncoding`, `FourierEncoding`,
/// `SAPEEncoding`, `DenseGridEncoding`. Features are written sample-major into a padded matrix;
/// `encode` runs on worker threads concurrently and must not mutate.
///
/// An encoding may own trainable parameters (tiny-cuda-nn's parametric encodings, a dense
/// grid's values): a slice of the model's one flat buffer, after the network's tensors, handed to
/// every call. One without (`FixedEncoding`) keeps the defaults.
public protocol Encoding: Sendable {
    /// Coordinates per sample (2 for images).
    var inputWidth: Int { get }
    /// Features per sample.
    var outputWidth: Int { get }

    /// The shapes of the encoding's own tensors, in buffer order (none by default).
    var parameterShapes: [[Int]] { get }
    /// The learning-rate multiplier of the encoding's parameters (1 by default).
    var learningRateMultiplier: Float { get }
    /// The starting values of the encoding's parameters, drawn from `seed`.
    func initialParameters(seed: UInt64) -> [Float]
    /// Writes the features of `coordinates` (`rows × inputWidth`) into `features`
    /// (`rows × outputWidth`), computed with the encoding's `parameters` (`parameterCount` floats).
    func encode(_ coordinates: MatrixView, parameters: UnsafeBufferPointer<Float>, into features: MatrixView, kernels: any KernelSet)
    /// Writes ∂loss/∂coordinates given ∂loss/∂features. Fitting never needs it (coordinates are
    /// not learned); the gradient contract tests check every encoding with it.
    func coordinateGradient(
        _ coordinates: MatrixView, parameters: UnsafeBufferPointer<Float>, featureGradient: MatrixView, into gradient: MatrixView)
    /// Adds ∂loss/∂parameters given ∂loss/∂features to `gradient` (`parameterCount` floats).
    func addParameterGradient(
        _ coordinates: MatrixView, featureGradient: MatrixView, into gradient: UnsafeMutableBufferPointer<Float>)
}

extension Encoding {
    public var parameterShapes: [[Int]] { [] }
    public var learningRateMultiplier: Float { 1 }
    /// Floats the encoding owns in the flat buffer.
    public var parameterCount: Int { parameterShapes.reduce(0) { $0 + $1.reduce(1, *) } }

    public func initialParameters(seed: UInt64) -> [Float] { [] }

    public func addParameterGradient(
        _ coordinates: MatrixView, featureGradient: MatrixView, into gradient: UnsafeMutableBufferPointer<Float>
    ) {}
}

/// An encoding of the coordinates alone, without parameters of its own (raw, positional,
/// Fourier, SAPE): it implements these two, and the parameter-taking forms forward to them.
public protocol FixedEncoding: Encoding {
    /// `encode(_:parameters:into:kernels:)` without parameters.
    func encode(_ coordinates: MatrixView, into features: MatrixView, kernels: any KernelSet)
    /// `coordinateGradient(_:parameters:featureGradient:into:)` without parameters.
    func coordinateGradient(_ coordinates: MatrixView, featureGradient: MatrixView, into gradient: MatrixView)
}

extension FixedEncoding {
    public func encode(_ coordinates: MatrixView, parameters: UnsafeBufferPointer<Float>, into features: MatrixView, kernels: any KernelSet) {
        encode(coordinates, into: features, kernels: kernels)
    }

    public func coordinateGradient(
        _ coordinates: MatrixView, parameters: UnsafeBufferPointer<Float>, featureGradient: MatrixView, into gradient: MatrixView
    ) {
        coordinateGradient(coordinates, featureGradient: featureGradient, into: gradient)
    }
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
