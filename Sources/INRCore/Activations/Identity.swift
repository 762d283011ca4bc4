/// `f(z) = z`: the output layer of a regression network.
public struct Identity: VectorActivation {
    @inlinable public init() {}

    @inlinable @inline(__always)
    public func value<M: MultiplyAdd>(_: M.Type, _ z: Vector) -> Vector { z }

    @inlinable @inline(__always)
    public func valueAndDerivative<M: MultiplyAdd>(_: M.Type, _ z: Vector) -> (value: Vector, derivative: Vector) {
        (z, Vector(repeating: 1))
    }

    public func reference(_ z: Double) -> (value: Double, derivative: Double) { (z, 1) }
}
