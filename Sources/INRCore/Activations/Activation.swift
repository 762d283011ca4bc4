import Foundation

/// An elementwise activation, evaluated by the kernels on a whole `Vector` of pre-activations
/// together with its derivative (backward needs `f'(z)`; computing both at once shares the
/// expensive part, e.g. the range reduction of sine and cosine).
///
/// One implementation per file: `Identity`, `ReLU`, `GELU`, `Sine`.
public protocol VectorActivation: Sendable {
    /// `f(z)`.
    func value<M: MultiplyAdd>(_ arithmetic: M.Type, _ z: Vector) -> Vector
    /// `(f(z), f'(z))`.
    func valueAndDerivative<M: MultiplyAdd>(_ arithmetic: M.Type, _ z: Vector) -> (value: Vector, derivative: Vector)
    /// The scalar reference in Double, used by the tests.
    func reference(_ z: Double) -> (value: Double, derivative: Double)
}

/// The activations a network spec can name; `kernel` dispatches to the implementation.
public enum Activation: Hashable, Sendable {
    case identity
    case relu
    case gelu
    /// `sin(ω0·z)` (SIREN, Sitzmann et al. 2020).
    case sine(omega0: Float)

    /// `(f(z), f'(z))` in Double, for gradient checks.
    public func reference(_ z: Double) -> (value: Double, derivative: Double) {
        switch self {
        case .identity: Identity().reference(z)
        case .relu: ReLU().reference(z)
        case .gelu: GELU().reference(z)
        case .sine(let omega0): Sine(omega0: omega0).reference(z)
        }
    }

    /// True when `f'` is the constant 1, so backward needs no stored derivative.
    public var isIdentity: Bool { self == .identity }
}
