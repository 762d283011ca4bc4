import INRCore

/// Forward and backward passes of a dense network over one tile of samples.
///
///     forward:  a(l+1) = f_l(a(l) · W_lᵀ + b_l)          (derivative f_l' kept when training)
///     backward: dz_L = ∂loss/∂a(L) ⊙ f_L'
///               ∇W_l += dz_lᵀ · a(l),  ∇b_l += Σ dz_l
///               dz_(l-1) = (dz_l · W_l) ⊙ f_(l-1)'      (fused into one kernel call)
///
/// The passes read packed weights and write into a `TileWorkspace`; they hold no state.
public struct MLP: Sendable {
    public let spec: NetworkSpec
    public let layers: [NetworkSpec.Layer]
    public let kernels: any KernelSet

    public init(spec: NetworkSpec, kernels: any KernelSet) {
        self.spec = spec
        layers = spec.layers
        self.kernels = kernels
    }

    /// Runs the network on `workspace.activation(0)`'s first `rows` rows; the result is
    /// `workspace.activation(layers.count)`. `storeDerivatives` keeps f' for `backward`.
    public func forward(_ network: PackedNetwork, workspace: TileWorkspace, rows: Int, storeDerivatives: Bool = true) {
        for (index, layer) in layers.enumerated() {
            kernels.denseForward(
                input: workspace.activation(index, rows: rows),
                weights: network.forward(index), bias: network.bias(index),
                activation: layer.activation,
                output: workspace.activation(index + 1, rows: rows),
                derivative: storeDerivatives ? workspace.derivative(index + 1, rows: rows) : nil)
        }
    }

    /// The gradient buffer `backward` leaves free at its input layer (`rows × inputWidth`): where
    /// `inputGradient` can go during fitting, for an encoding with parameters.
    public func freeInputGradient(workspace: TileWorkspace, rows: Int) -> MatrixView {
        workspace.gradient(layers.count % 2, rows: rows, columns: spec.inputWidth)
    }

    /// Back-propagates `workspace.gradient(0)`, which the loss has filled with ∂loss/∂output,
    /// adding parameter gradients to `gradients`. With `inputGradient`, also writes
    /// ∂loss/∂features there (the encoding's gradient checks need it; fitting does not).
    public func backward(
        _ network: PackedNetwork, workspace: TileWorkspace, rows: Int,
        gradients: GradientAccumulator, inputGradient: MatrixView? = nil
    ) {
        var current = 0
        var outputGradient = workspace.gradient(0, rows: rows, columns: layers.last!.outputWidth)
        if let derivative = workspace.derivative(layers.count, rows: rows) {
            kernels.multiply(outputGradient, by: derivative)
        }
        for (index, layer) in layers.enumerated().reversed() {
            kernels.denseParameterGradient(
                input: workspace.activation(index, rows: rows), outputGradient: outputGradient,
                weightGradient: gradients.weights(index), biasGradient: gradients.bias(index))
            if index > 0 {
                current = 1 - current
                let next = workspace.gradient(current, rows: rows, columns: layer.inputWidth)
                kernels.denseInputGradient(
                    outputGradient: outputGradient, transposedWeights: network.backward(index),
                    scale: workspace.derivative(index, rows: rows), inputGradient: next)
                outputGradient = next
            } else if let inputGradient {
                kernels.denseInputGradient(
                    outputGradient: outputGradient, transposedWeights: network.backward(0),
                    scale: nil, inputGradient: inputGradient)
            }
        }
    }
}
