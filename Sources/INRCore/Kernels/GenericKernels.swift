/// The kernel bodies, generic over multiply-add. A tier module wraps one instantiation in a
/// `KernelSet`; because every method is `@inlinable`, the instantiation is compiled with that
/// module's target CPU.
public struct GenericKernels<M: MultiplyAdd>: Sendable {
    @inlinable public init() {}

    @inlinable
    public func denseForward(
        input: MatrixView, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>,
        activation: Activation, output: MatrixView, derivative: MatrixView?
    ) {
        // One specialisation per activation: the dispatch runs once per tile and layer.
        activation.dispatch(DenseLayer(input: input, weights: weights, bias: bias, output: output, derivative: derivative))
    }

    @inlinable
    public func denseInputGradient(
        outputGradient: MatrixView, transposedWeights: UnsafePointer<Float>,
        scale: MatrixView?, inputGradient: MatrixView
    ) {
        let columns = paddedWidth(inputGradient.columns)
        GEMM<M>.product(
            a: outputGradient.base, lda: outputGradient.stride, rows: outputGradient.rows,
            depth: outputGradient.columns, b: transposedWeights, ldb: columns, columns: columns,
            epilogue: ScaleEpilogue(output: inputGradient, scale: scale))
    }

    @inlinable
    public func denseParameterGradient(
        input: MatrixView, outputGradient: MatrixView,
        weightGradient: UnsafeMutablePointer<Float>, biasGradient: UnsafeMutablePointer<Float>
    ) {
        let columns = paddedWidth(outputGradient.columns)
        GEMM<M>.accumulateTransposedProduct(
            x: input.base, ldx: input.stride, rows: input.rows, depth: input.columns,
            d: outputGradient.base, ldd: outputGradient.stride, columns: columns,
            into: weightGradient, ldc: columns)
        var column = 0
        while column < columns {
            var sum = Vector()
            var p = outputGradient.base + column
            for _ in 0..<outputGradient.rows {
                sum += Vector(loading: p)
                p += outputGradient.stride
            }
            (sum + Vector(loading: biasGradient + column)).store(to: biasGradient + column)
            column += vectorWidth
        }
    }

    @inlinable
    public func activate(_ values: MatrixView, bias: UnsafePointer<Float>, activation: Activation, derivative: MatrixView?) {
        activation.dispatch(InPlaceActivation(values: values, bias: bias, derivative: derivative))
    }

    @inlinable
    public func multiply(_ values: MatrixView, by scale: MatrixView) {
        let columns = paddedWidth(values.columns)
        for row in 0..<values.rows {
            var column = 0
            while column < columns {
                let p = values.row(row) + column
                (Vector(loading: p) * Vector(loading: scale.row(row) + column)).store(to: p)
                column += vectorWidth
            }
        }
    }

    @inlinable
    public func sinCos(
        _ x: UnsafePointer<Float>, count: Int,
        sine: UnsafeMutablePointer<Float>, cosine: UnsafeMutablePointer<Float>
    ) {
        var i = 0
        while i + vectorWidth <= count {
            let (s, c) = VectorMath<M>.sinCos(Vector(loading: x + i))
            s.store(to: sine + i)
            c.store(to: cosine + i)
            i += vectorWidth
        }
        if i < count {
            var tail = Vector()
            for lane in 0..<(count - i) { tail[lane] = x[i + lane] }
            let (s, c) = VectorMath<M>.sinCos(tail)
            for lane in 0..<(count - i) {
                sine[i + lane] = s[lane]
                cosine[i + lane] = c[lane]
            }
        }
    }

    @inlinable
    public func softRound(
        _ y: UnsafePointer<Float>, noise: UnsafePointer<Float>, count: Int, inverseTemperature: Float, halfOverTanh: Float,
        quantized: UnsafeMutablePointer<Float>, slope: UnsafeMutablePointer<Float>
    ) {
        // s_T and its derivative, tanh(z) = 1 − 2/(e^{2z} + 1).
        @inline(__always)
        func soft(_ y: Vector) -> (value: Vector, derivative: Vector) {
            let floor = y.rounded(.down)
            let e = VectorMath<M>.exp((y - floor - 0.5) * (2 * inverseTemperature))
            let t = 1 - 2 / (e + 1)
            return (floor + 0.5 + halfOverTanh * t, (halfOverTanh * inverseTemperature) * (1 - t * t))
        }
        var i = 0
        while i < count {
            let lanes = min(vectorWidth, count - i)
            var latent = Vector(), n = Vector()
            if lanes == vectorWidth {
                latent = Vector(loading: y + i)
                n = Vector(loading: noise + i)
            } else {
                for lane in 0..<lanes { latent[lane] = y[i + lane]; n[lane] = noise[i + lane] }
            }
            let inner = soft(latent), outer = soft(inner.value + n)
            let derivative = outer.derivative * inner.derivative
            if lanes == vectorWidth {
                outer.value.store(to: quantized + i)
                derivative.store(to: slope + i)
            } else {
                for lane in 0..<lanes { quantized[i + lane] = outer.value[lane]; slope[i + lane] = derivative[lane] }
            }
            i += lanes
        }
    }

    @inlinable
    public func laplaceRate(
        values: UnsafePointer<Float>, parameters: MatrixView, weight: Float, parameterGradient: MatrixView,
        valueGradient: UnsafeMutablePointer<Float>?
    ) -> Double {
        let rows = parameters.rows
        var total = 0.0, first = 0
        while first < rows {
            // 16 rows: their values, and (μ, s) gathered from the rows' first two columns.
            let lanes = min(vectorWidth, rows - first)
            var v = Vector(), mean = Vector(), logScale = Vector()
            for lane in 0..<lanes {
                let row = parameters.row(first + lane)
                v[lane] = values[first + lane]
                mean[lane] = row[0]
                logScale[lane] = row[1]
            }
            let clamped = VectorMath<M>.minimum(VectorMath<M>.maximum(logScale, Vector(repeating: -4.6)), Vector(repeating: 5))
            let inverse = VectorMath<M>.exp(-clamped)
            let upper = (v + 0.5 - mean) * inverse, lower = (v - 0.5 - mean) * inverse
            let half = Vector(repeating: 0.5), zero = Vector()
            let densityUpper = half * VectorMath<M>.exp(VectorMath<M>.minimum(upper, -upper))
            let densityLower = half * VectorMath<M>.exp(VectorMath<M>.minimum(lower, -lower))
            // P by where the bin lies: right of μ, left of μ, or across it.
            var probability = Vector(repeating: 1) - densityUpper - densityLower
            probability.replace(with: densityUpper - densityLower, where: upper .<= zero)
            probability.replace(with: densityLower - densityUpper, where: lower .>= zero)
            // Clamped: P ≤ 2⁻¹⁶, or anything not a number (the scalar rate's 16 bits, no gradient).
            let valid = probability .> Vector(repeating: 1.0 / 65536)
            let clampedAway = .!valid .| (v .!= v) .| (mean .!= mean) .| (logScale .!= logScale)
            let safe = probability.replacing(with: Vector(repeating: 1), where: clampedAway)
            let bits = (-VectorMath<M>.log2(safe)).replacing(with: Vector(repeating: 16), where: clampedAway)
            let scale = (Vector(repeating: -1) / (safe * Vector(repeating: 0.693_147_18))).replacing(with: zero, where: clampedAway)
            let dValue = (scale * ((densityUpper - densityLower) * inverse)).replacing(with: zero, where: clampedAway)
            let dLogScale = (scale * (densityLower * lower - densityUpper * upper)).replacing(with: zero, where: clampedAway .| (logScale .!= clamped))
            total += lanes == vectorWidth ? Double(bits.sum()) : (0..<lanes).reduce(0.0) { $0 + Double(bits[$1]) }
            for lane in 0..<lanes {
                let g = parameterGradient.row(first + lane)
                g[0] = weight * -dValue[lane]
                g[1] = weight * dLogScale[lane]
                valueGradient?[first + lane] += weight * dValue[lane]
            }
            first += lanes
        }
        return total
    }
}

extension GenericKernels {
    /// `output = f(input · weights + bias)` (and `f'` into `derivative`): a product with the
    /// activation fused into its epilogue.
    @usableFromInline
    struct DenseLayer: ActivationBody {
        @usableFromInline let input: MatrixView
        @usableFromInline let weights: UnsafePointer<Float>
        @usableFromInline let bias: UnsafePointer<Float>
        @usableFromInline let output: MatrixView
        @usableFromInline let derivative: MatrixView?

        @inlinable
        init(input: MatrixView, weights: UnsafePointer<Float>, bias: UnsafePointer<Float>, output: MatrixView, derivative: MatrixView?) {
            self.input = input
            self.weights = weights
            self.bias = bias
            self.output = output
            self.derivative = derivative
        }

        @inlinable
        func callAsFunction<A: VectorActivation>(_ activation: A) {
            let columns = paddedWidth(output.columns)
            GEMM<M>.product(
                a: input.base, lda: input.stride, rows: input.rows, depth: input.columns,
                b: weights, ldb: columns, columns: columns,
                epilogue: ActivationEpilogue<M, A>(
                    bias: bias, activation: activation, output: output, derivative: derivative))
        }
    }

    /// `values = f(values + bias)` in place (and `f'` into `derivative`).
    @usableFromInline
    struct InPlaceActivation: ActivationBody {
        @usableFromInline let values: MatrixView
        @usableFromInline let bias: UnsafePointer<Float>
        @usableFromInline let derivative: MatrixView?

        @inlinable
        init(values: MatrixView, bias: UnsafePointer<Float>, derivative: MatrixView?) {
            self.values = values
            self.bias = bias
            self.derivative = derivative
        }

        @inlinable
        func callAsFunction<A: VectorActivation>(_ activation: A) {
            let epilogue = ActivationEpilogue<M, A>(bias: bias, activation: activation, output: values, derivative: derivative)
            let columns = paddedWidth(values.columns)
            for row in 0..<values.rows {
                var column = 0
                while column < columns {
                    epilogue.finish(Vector(loading: values.row(row) + column), row: row, column: column)
                    column += vectorWidth
                }
            }
        }
    }
}
