import INRCore

extension NetworkSpec {
    /// An activation as specs, configs and files name it: its name (YAML, model files,
    /// `inr inspect`) and its NETW code (docs/bitstream.md), the one place each code is given.
    ///
    /// A new activation touches three files: its `VectorActivation` in INRCore/Activations, its
    /// case in `Activation` (INRCore) with `dispatch`, and its case here with its code (never
    /// reuse one) and its `activation(omega0:)`. Tests take every case from `allCases`.
    public enum ActivationKind: String, Codable, Hashable, Sendable, CaseIterable {
        case identity, relu, gelu, sine

        /// NETW's activation byte.
        public var formatCode: UInt8 {
            switch self {
            case .identity: 0
            case .relu: 1
            case .gelu: 2
            case .sine: 3
            }
        }

        /// The kind whose NETW byte is `formatCode`, or nil for an unknown one.
        public init?(formatCode: UInt8) {
            guard let kind = Self.allCases.first(where: { $0.formatCode == formatCode }) else { return nil }
            self = kind
        }

        /// The kernels' activation; ω0 is used by `sine` only.
        public func activation(omega0: Float) -> Activation {
            switch self {
            case .identity: .identity
            case .relu: .relu
            case .gelu: .gelu
            case .sine: .sine(omega0: omega0)
            }
        }
    }
}
