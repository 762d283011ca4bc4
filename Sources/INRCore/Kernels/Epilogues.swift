/// What a product does with each finished vector of accumulators: the fused tail of a layer.
public protocol Epilogue {
    func finish(_ accumulator: Vector, row: Int, column: Int)
}

/// The forward tail of a dense layer: `y = f(acc + bias)`, and `f'` when backward will need it.
public struct ActivationEpilogue<M: MultiplyAdd, A: VectorActivation>: Epilogue {
    public let bias: UnsafePointer<Float>
    public let activation: A
    public let output: MatrixView
    public let derivative: MatrixView?

    @inlinable
    public init(bias: UnsafePointer<Float>, activation: A, output: MatrixView, derivative: MatrixView?) {
        self.bias = bias
        self.activation = activation
        self.output = output
        self.derivative = derivative
    }

    @inlinable @inline(__always)
    public func finish(_ accumulator: Vector, row: Int, column: Int) {
        let z = accumulator + Vector(loading: bias + column)
        if let derivative {
            let (value, slope) = activation.valueAndDerivative(M.self, z)
            value.store(to: output.row(row) + column)
            slope.store(to: derivative.row(row) + column)
        } else {
            activation.value(M.self, z).store(to: output.row(row) + column)
        }
    }
}

/// The backward tail of a dense layer: `dx = acc ⊙ f'(previous layer)` (or `acc` alone).
public struct ScaleEpilogue: Epilogue {
    public let output: MatrixView
    public let scale: MatrixView?

    @inlinable
    public init(output: MatrixView, scale: MatrixView?) {
        self.output = output
        self.scale = scale
    }

    @inlinable @inline(__always)
    public func finish(_ accumulator: Vector, row: Int, column: Int) {
        if let scale {
            (accumulator * Vector(loading: scale.row(row) + column)).store(to: output.row(row) + column)
        } else {
            accumulator.store(to: output.row(row) + column)
        }
    }
}
