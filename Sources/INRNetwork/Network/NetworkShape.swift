/// A network without its two ends: the hidden layers, activations and initialisation. The
/// input width follows from the encoding and the output width from what is fitted, so a codec
/// takes a shape and makes the `NetworkSpec` once it knows both.
public struct NetworkShape: Hashable, Sendable {
    public var hiddenWidths: [Int]
    public var activation: NetworkSpec.ActivationKind
    public var omega0: Float
    public var firstOmega0: Float
    public var initialization: NetworkSpec.Initialization
    public var outputActivation: NetworkSpec.ActivationKind

    public init(
        hiddenWidths: [Int], activation: NetworkSpec.ActivationKind, omega0: Float = 30, firstOmega0: Float = 30,
        initialization: NetworkSpec.Initialization = .default, outputActivation: NetworkSpec.ActivationKind = .identity
    ) {
        self.hiddenWidths = hiddenWidths
        self.activation = activation
        self.omega0 = omega0
        self.firstOmega0 = firstOmega0
        self.initialization = initialization
        self.outputActivation = outputActivation
    }

    /// The network of this shape between `inputWidth` features and `outputWidth` outputs.
    public func spec(inputWidth: Int, outputWidth: Int) -> NetworkSpec {
        NetworkSpec(
            inputWidth: inputWidth, hiddenWidths: hiddenWidths, outputWidth: outputWidth, activation: activation,
            omega0: omega0, firstOmega0: firstOmega0, initialization: initialization, outputActivation: outputActivation)
    }
}
