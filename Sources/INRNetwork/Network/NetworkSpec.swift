import INRCore

/// Everything a decoder needs to rebuild the MLP: widths, activations, initialisation.
///
///     features ─► Linear ─► f ─► … ─► Linear ─► f ─► Linear ─► g ─► outputs
///     (inputWidth)  hiddenWidths[0]      hiddenWidths[n-1]   (outputWidth)
///
/// With `activation == .sine` the first layer uses `firstOmega0` and the others `omega0`.
public struct NetworkSpec: Codable, Hashable, Sendable {
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

    public static let maximumLayers = 65
    public static let maximumWidth = 1 << 15
    /// 2²⁴ floats (64 MiB): a fit keeps up to 16 gradient buffers and Adam's two moments too.
    public static let maximumParameterCount = 1 << 24

    /// Throws unless the widths, layer count, ω0s and parameter count are within the limits
    /// (checked without overflow: a model file is untrusted input).
    public func validate() throws(NetworkSpecError) {
        let widths = [inputWidth] + hiddenWidths + [outputWidth]
        guard widths.count <= Self.maximumLayers + 1 else { throw NetworkSpecError("more than \(Self.maximumLayers) layers") }
        guard widths.allSatisfy({ (1...Self.maximumWidth).contains($0) }) else { throw NetworkSpecError("a layer width is out of range") }
        guard omega0.isFinite, omega0 > 0, firstOmega0.isFinite, firstOmega0 > 0 else { throw NetworkSpecError("ω0 must be positive") }
        var total = 0
        for (fanIn, fanOut) in zip(widths, widths.dropFirst()) {
            total += (fanIn + 1) * fanOut  // at most 2¹⁵·2¹⁵ per layer: no overflow
            guard total <= Self.maximumParameterCount else {
                throw NetworkSpecError("more than \(Self.maximumParameterCount) parameters")
            }
        }
    }

    /// Number of floats in the flat parameter buffer.
    public var parameterCount: Int {
        layers.reduce(0) { $0 + $1.inputWidth * $1.outputWidth + $1.outputWidth }
    }
}

public struct NetworkSpecError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
