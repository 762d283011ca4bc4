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
