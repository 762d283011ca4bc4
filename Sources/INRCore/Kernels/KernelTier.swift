/// A `KernelSet` made from `GenericKernels` by naming its multiply-add.
///
/// A tier module declares one conforming struct; since the default implementations below are
/// `@inlinable`, the conformance's witnesses are specialised in that module and compiled for
/// its target CPU.
public protocol KernelTier: KernelSet {
    associatedtype Arithmetic: MultiplyAdd
}

extension KernelTier {
    @inlinable
    public func denseForward(
        input: MatrixView, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        activation: Activation, output: MatrixView, derivative: MatrixView?
    ) {
        GenericKernels<Arithmetic>().denseForward(
            input: input, weights: weights, bias: bias, activation: activation,
            output: output, derivative: derivative)
    }

    @inlinable
    public func denseInputGradient(
        outputGradient: MatrixView, transposedWeights: UnsafePointer<Float>,
        scale: MatrixView?, inputGradient: MatrixView
    ) {
        GenericKernels<Arithmetic>().denseInputGradient(
            outputGradient: outputGradient, transposedWeights: transposedWeights,
            scale: scale, inputGradient: inputGradient)
    }

    @inlinable
    public func denseParameterGradient(
        input: MatrixView, outputGradient: MatrixView,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>
    ) {
        GenericKernels<Arithmetic>().denseParameterGradient(
            input: input, outputGradient: outputGradient,
            weightGradient: weightGradient, biasGradient: biasGradient)
    }

    @inlinable
    public func activate(_ values: MatrixView, bias: UnsafePointer<Float>, activation: Activation, derivative: MatrixView?) {
        GenericKernels<Arithmetic>().activate(values, bias: bias, activation: activation, derivative: derivative)
    }

    @inlinable
    public func multiply(_ values: MatrixView, by scale: MatrixView) {
        GenericKernels<Arithmetic>().multiply(values, by: scale)
    }

    @inlinable
    public func sinCos(
        _ x: UnsafePointer<Float>, count: Int,
        sine: UnsafeMutablePointer<Float>, cosine: UnsafeMutablePointer<Float>
    ) {
        GenericKernels<Arithmetic>().sinCos(x, count: count, sine: sine, cosine: cosine)
    }

    @inlinable
    public func softRound(
        _ y: UnsafePointer<Float>, noise: UnsafePointer<Float>, count: Int, inverseTemperature: Float, halfOverTanh: Float,
        quantized: UnsafeMutablePointer<Float>, slope: UnsafeMutablePointer<Float>
    ) {
        GenericKernels<Arithmetic>().softRound(
            y, noise: noise, count: count, inverseTemperature: inverseTemperature, halfOverTanh: halfOverTanh, quantized: quantized, slope: slope)
    }

    @inlinable
    public func laplaceRate(
        values: UnsafePointer<Float>, parameters: MatrixView, weight: Float, parameterGradient: MatrixView,
        valueGradient: UnsafeMutablePointer<Float>?
    ) -> Double {
        GenericKernels<Arithmetic>().laplaceRate(
            values: values, parameters: parameters, weight: weight, parameterGradient: parameterGradient, valueGradient: valueGradient)
    }
}
