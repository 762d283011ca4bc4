import Foundation

/// GELU in its tanh form (Hendrycks & Gimpel 2016, eq. for the fast approximation):
/// `f(z) = z/2 · (1 + tanh(√(2/π)·(z + 0.044715·z³)))`, PyTorch's `approximate="tanh"`.
public struct GELU: VectorActivation {
    @inlinable public init() {}

    @usableFromInline static let sqrtTwoOverPi: Float = 0.797_884_560_802_865_4
    @usableFromInline static let cubic: Float = 0.044_715

    @inlinable @inline(__always)
    public func value<M: MultiplyAdd>(_ m: M.Type, _ z: Vector) -> Vector {
        valueAndDerivative(m, z).value
    }

    @inlinable @inline(__always)
    public func valueAndDerivative<M: MultiplyAdd>(_: M.Type, _ z: Vector) -> (value: Vector, derivative: Vector) {
        let z2 = z * z
        let inner = M.multiplyAdd(Vector(repeating: Self.cubic) * z2, z, z) * Vector(repeating: Self.sqrtTwoOverPi)
        // tanh(u) = 1 - 2 / (e^{2u} + 1), saturating cleanly at ±1.
        let e = VectorMath<M>.exp(inner + inner)
        let t = Vector(repeating: 1) - Vector(repeating: 2) / (e + Vector(repeating: 1))
        let half = Vector(repeating: 0.5)
        let onePlusT = Vector(repeating: 1) + t
        let value = half * z * onePlusT
        // d/dz: ½(1+t) + ½z(1-t²)·√(2/π)(1 + 3·0.044715·z²)
        let dInner = M.multiplyAdd(Vector(repeating: 3 * Self.cubic), z2, Vector(repeating: 1))
            * Vector(repeating: Self.sqrtTwoOverPi)
        let sech2 = Vector(repeating: 1) - t * t
        let derivative = M.multiplyAdd(half * z * sech2, dInner, half * onePlusT)
        return (value, derivative)
    }

    public func reference(_ z: Double) -> (value: Double, derivative: Double) {
        let a = Double(Self.sqrtTwoOverPi), c = Double(Self.cubic)
        let t = tanh(a * (z + c * z * z * z))
        return (0.5 * z * (1 + t), 0.5 * (1 + t) + 0.5 * z * (1 - t * t) * a * (1 + 3 * c * z * z))
    }
}
