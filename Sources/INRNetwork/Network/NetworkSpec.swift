import INRCore

/// Everything a decoder needs to rebuild the MLP: widths, activations, initialisation.
///
///     features ─► Linear ─► f ─► … ─► Linear ─► f ─► Linear ─► g ─► outputs
///     (inputWidth)  hiddenWidths[0]      hiddenWidths[n-1]   (outputWidth)
///
/// With `activation == .sine` the first layer uses `firstOmega0` and the others `omega0`.
public struct NetworkSpec: Codable, Hashable, Sendable {
    public enum ActivationKind: String, Codable, Hashable, Sendable, CaseIterable {
        case identity, relu, gelu, sine
    }

    public enum Initialization: String, Codable, Hashable, Sendable, CaseIterable {
        /// PyTorch's `nn.Linear`: weights and biases U(±1/√fanIn).
        case `default`
        /// SIREN (Sitzmann et al. 2020, §3.2, as in COIN): first layer U(±1/fanIn), the others
        /// U(±√(6/fanIn)/ω0); biases share their layer's bound.
        case siren
    }

    public var inputWidth: Int
    public var hiddenWidths: [Int]
    public var outputWidth: Int
    public var activation: ActivationKind
    public var omega0: Float
    public var firstOmega0: Float
    public var initialization: Initialization
    public var outputActivation: ActivationKind

    public init(
        inputWidth: Int, hiddenWidths: [Int], outputWidth: Int,
        activation: ActivationKind, omega0: Float = 30, firstOmega0: Float = 30,
        initialization: Initialization = .default, outputActivation: ActivationKind = .identity
    ) {
        self.inputWidth = inputWidth
        self.hiddenWidths = hiddenWidths
        self.outputWidth = outputWidth
        self.activation = activation
        self.omega0 = omega0
        self.firstOmega0 = firstOmega0
        self.initialization = initialization
        self.outputActivation = outputActivation
    }

    /// One linear layer and the activation after it.
    public struct Layer: Hashable, Sendable {
        public var inputWidth: Int
        public var outputWidth: Int
        public var activation: Activation
    }

    /// The layers in order, the output layer last.
    public var layers: [Layer] {
        let widths = [inputWidth] + hiddenWidths + [outputWidth]
        return (0..<(widths.count - 1)).map { index in
            let isOutput = index == widths.count - 2
            let kind = isOutput ? outputActivation : activation
            let omega = index == 0 ? firstOmega0 : omega0
            return Layer(inputWidth: widths[index], outputWidth: widths[index + 1], activation: kind.activation(omega0: omega))
        }
    }

    /// Number of floats in the flat parameter buffer.
    public var parameterCount: Int {
        layers.reduce(0) { $0 + $1.inputWidth * $1.outputWidth + $1.outputWidth }
    }
}

extension NetworkSpec.ActivationKind {
    public func activation(omega0: Float) -> Activation {
        switch self {
        case .identity: .identity
        case .relu: .relu
        case .gelu: .gelu
        case .sine: .sine(omega0: omega0)
        }
    }
}
