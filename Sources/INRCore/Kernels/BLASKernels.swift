/// Dense products through OpenBLAS's `sgemm`, everything else through a tier's kernels.
///
/// Measured on the 2-core AVX-512 build machine (docs/performance.md): inr's own register-
/// blocked kernels beat OpenBLAS 0.3.21 on every tile shape a fit uses (168 vs 124-147 GFLOP/s
/// forward), so the AVX2 and AVX-512 tiers keep their own; on a CPU without AVX2 OpenBLAS's
/// kernels beat the portable tier's SSE code (31 vs 23 GFLOP/s), so that is where it is used.
public struct BLASKernels: KernelSet {
    public let base: any KernelSet

    /// inr runs its own threads over tiles: OpenBLAS must not start more inside each call.
    public init(base: any KernelSet) {
        self.base = base
        BLAS.useSingleThread()
    }

    public var instructionSet: InstructionSet { base.instructionSet }

    public func denseForward(
        input: MatrixView, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        activation: Activation, output: MatrixView, derivative: MatrixView?
    ) {
        let columns = paddedWidth(output.columns)
        BLAS.multiply(
            m: input.rows, n: columns, k: input.columns, a: input.base, lda: input.stride,
            b: weights, ldb: columns, c: output.base, ldc: output.stride)
        base.activate(output, bias: bias, activation: activation, derivative: derivative)
    }

    public func denseInputGradient(
        outputGradient: MatrixView, transposedWeights: UnsafePointer<Float>,
        scale: MatrixView?, inputGradient: MatrixView
    ) {
        let columns = paddedWidth(inputGradient.columns)
        BLAS.multiply(
            m: outputGradient.rows, n: columns, k: outputGradient.columns, a: outputGradient.base,
            lda: outputGradient.stride, b: transposedWeights, ldb: columns, c: inputGradient.base, ldc: inputGradient.stride)
        if let scale { base.multiply(inputGradient, by: scale) }
    }

    public func denseParameterGradient(
        input: MatrixView, outputGradient: MatrixView,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>
    ) {
        let columns = paddedWidth(outputGradient.columns)
        BLAS.multiplyTransposedA(
            m: input.columns, n: columns, k: input.rows, a: input.base, lda: input.stride,
            b: outputGradient.base, ldb: outputGradient.stride, beta: 1, c: weightGradient, ldc: columns)
        for row in 0..<outputGradient.rows {
            let gradient = outputGradient.row(row)
            for column in 0..<columns { biasGradient[column] += gradient[column] }
        }
    }

    public func activate(_ values: MatrixView, bias: UnsafePointer<Float>, activation: Activation, derivative: MatrixView?) {
        base.activate(values, bias: bias, activation: activation, derivative: derivative)
    }

    public func multiply(_ values: MatrixView, by scale: MatrixView) { base.multiply(values, by: scale) }

    public func sinCos(
        _ x: UnsafePointer<Float>, count: Int,
        sine: UnsafeMutablePointer<Float>, cosine: UnsafeMutablePointer<Float>
    ) {
        base.sinCos(x, count: count, sine: sine, cosine: cosine)
    }

    public func softRound(
        _ y: UnsafePointer<Float>, noise: UnsafePointer<Float>, count: Int, inverseTemperature: Float, halfOverTanh: Float,
        quantized: UnsafeMutablePointer<Float>, slope: UnsafeMutablePointer<Float>
    ) {
        base.softRound(y, noise: noise, count: count, inverseTemperature: inverseTemperature, halfOverTanh: halfOverTanh, quantized: quantized, slope: slope)
    }

    public func laplaceRate(
        values: UnsafePointer<Float>, parameters: MatrixView, weight: Float, parameterGradient: MatrixView,
        valueGradient: UnsafeMutablePointer<Float>?
    ) -> Double {
        base.laplaceRate(values: values, parameters: parameters, weight: weight, parameterGradient: parameterGradient, valueGradient: valueGradient)
    }
}
