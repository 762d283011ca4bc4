/// `f(z) = max(z, 0)`; `f'(0) = 0` as in PyTorch.
public struct ReLU: VectorActivation {
    @inlinable public init() {}

    @inlinable @inline(__always)
    public func value<M: MultiplyAdd>(_: M.Type, _ z: Vector) -> Vector {
        Vector(bits: z.bits & z.positiveMask)
    }

    @inlinable @inline(__always)
    public func valueAndDerivative<M: MultiplyAdd>(_: M.Type, _ z: Vector) -> (value: Vector, derivative: Vector) {
        let mask = z.positiveMask
        return (Vector(bits: z.bits & mask), Vector(bits: Vector(repeating: 1).bits & mask))
    }

    public func reference(_ z: Double) -> (value: Double, derivative: Double) {
        z > 0 ? (z, 1) : (0, 0)
    }
}
