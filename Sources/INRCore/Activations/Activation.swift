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

/// What runs with an activation's implementation: `Activation.dispatch` calls it with the
/// concrete `VectorActivation`, so the kernels get one specialisation per activation.
public protocol ActivationBody {
    associatedtype Result
    func callAsFunction<A: VectorActivation>(_ activation: A) -> Result
}

/// The activations a network spec can name; `dispatch` is the one switch from a case to its
/// implementation. A new activation: its `VectorActivation` file beside this one, its case
/// here and in `dispatch`, and its kind (name and format code) in INRNetwork's
/// `NetworkSpec.ActivationKind`.
public enum Activation: Hashable, Sendable {
    case identity
    case relu
    case gelu
    /// `sin(ω0·z)` (SIREN, Sitzmann et al. 2020).
    case sine(omega0: Float)

    /// `body` called with this activation's implementation.
    @inlinable @inline(__always)
    public func dispatch<Body: ActivationBody>(_ body: Body) -> Body.Result {
        switch self {
        case .identity: body(Identity())
        case .relu: body(ReLU())
        case .gelu: body(GELU())
        case .sine(let omega0): body(Sine(omega0: omega0))
        }
    }

    /// `(f(z), f'(z))` in Double, for gradient checks.
    public func reference(_ z: Double) -> (value: Double, derivative: Double) {
        dispatch(Reference(z: z))
    }

    /// True when `f'` is the constant 1, so backward needs no stored derivative.
    public var isIdentity: Bool { self == .identity }
}

/// `Activation.reference` through `dispatch`.
private struct Reference: ActivationBody {
    let z: Double

    func callAsFunction<A: VectorActivation>(_ activation: A) -> (value: Double, derivative: Double) {
        activation.reference(z)
    }
}
