/// The instruction-set tiers a kernel set is compiled for.
public enum InstructionSet: String, CaseIterable, Sendable, Comparable {
    /// Baseline x86-64 (SSE2), no FMA: runs anywhere.
    case portable
    /// Haswell and later: AVX2 + FMA.
    case avx2
    /// Skylake-SP and later: AVX-512 F/CD/BW/DQ/VL.
    case avx512

    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The hot loops of fitting, compiled once per instruction-set tier.
///
/// Shapes follow the network's sample-major layout: a tile of `rows` samples, each a row of
/// features padded to a multiple of 16 floats. Packed weights are `in × paddedWidth(out)`
/// (forward) and `out × paddedWidth(in)` (backward), row-major.
public protocol KernelSet: Sendable {
    var instructionSet: InstructionSet { get }

    /// `output = f(input · weights + bias)`; `derivative = f'(·)` when given.
    ///
    /// Depth is `input.columns`; `weights` and `bias` hold `paddedWidth(output.columns)` floats
    /// per row.
    func denseForward(
        input: MatrixView, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        activation: Activation, output: MatrixView, derivative: MatrixView?)

    /// `inputGradient = (outputGradient · Wᵀ) ⊙ scale` with `transposedWeights` = Wᵀ packed
    /// `outputGradient.columns × paddedWidth(inputGradient.columns)`.
    func denseInputGradient(
        outputGradient: MatrixView, transposedWeights: UnsafePointer<Float>,
        scale: MatrixView?, inputGradient: MatrixView)

    /// `weightGradient += inputᵀ · outputGradient` (`input.columns × paddedWidth(out)`) and
    /// `biasGradient += Σ_rows outputGradient`.
    func denseParameterGradient(
        input: MatrixView, outputGradient: MatrixView,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>)

    /// `values = f(values + bias)` in place, row by row; `derivative = f'(·)` when given.
    func activate(_ values: MatrixView, bias: UnsafePointer<Float>, activation: Activation, derivative: MatrixView?)

    /// `values ⊙= scale`, row by row over the padded width.
    func multiply(_ values: MatrixView, by scale: MatrixView)

    /// `sine[i] = sin(x[i])`, `cosine[i] = cos(x[i])` for `i < count`.
    func sinCos(
        _ x: UnsafePointer<Float>, count: Int,
        sine: UnsafeMutablePointer<Float>, cosine: UnsafeMutablePointer<Float>)

    /// The latent codec's training proxy (C3's soft-rounding, `SoftRounding` in INRCodec) for
    /// `i < count`: `quantized[i] = s_T(s_T(y[i]) + noise[i])` and `slope[i]` its derivative in
    /// y[i], with s_T(y) = ⌊y⌋ + ½ + `halfOverTanh`·tanh((y − ⌊y⌋ − ½)/T) and
    /// `inverseTemperature` = 1/T.
    func softRound(
        _ y: UnsafePointer<Float>, noise: UnsafePointer<Float>, count: Int, inverseTemperature: Float, halfOverTanh: Float,
        quantized: UnsafeMutablePointer<Float>, slope: UnsafeMutablePointer<Float>)

    /// The latent codec's training rate (`LaplaceRate` in INRLatent) of `values[r]` under the
    /// Laplace of mean `parameters[r, 0]` and log-scale `parameters[r, 1]` (clamped to
    /// [−4.6, 5]), for every row r: the bits −log₂ max(P, 2⁻¹⁶) of the unit bin's probability P
    /// are summed and returned; `weight` × their derivatives go to `parameterGradient[r, 0]`
    /// and `[r, 1]` (overwritten) and are added to `valueGradient[r]` when given (zero where P
    /// is clamped, and in the log-scale where it is).
    func laplaceRate(
        values: UnsafePointer<Float>, parameters: MatrixView, weight: Float, parameterGradient: MatrixView,
        valueGradient: UnsafeMutablePointer<Float>?) -> Double
}
