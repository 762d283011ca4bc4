import Foundation

/// `f(z) = sin(ω0·z)`, the SIREN activation (Sitzmann et al., "Implicit Neural Representations
/// with Periodic Activation Functions", NeurIPS 2020, §3.2). `f'(z) = ω0·cos(ω0·z)`.
public struct Sine: VectorActivation {
    public var omega0: Float

    @inlinable public init(omega0: Float) { self.omega0 = omega0 }

    @inlinable @inline(__always)
    public func value<M: MultiplyAdd>(_: M.Type, _ z: Vector) -> Vector {
        VectorMath<M>.sinCos(z * Vector(repeating: omega0)).sin
    }

    @inlinable @inline(__always)
    public func valueAndDerivative<M: MultiplyAdd>(_: M.Type, _ z: Vector) -> (value: Vector, derivative: Vector) {
        let (s, c) = VectorMath<M>.sinCos(z * Vector(repeating: omega0))
        return (s, c * Vector(repeating: omega0))
    }

    public func reference(_ z: Double) -> (value: Double, derivative: Double) {
        let w = Double(omega0)
        return (sin(w * z), w * cos(w * z))
    }
}
