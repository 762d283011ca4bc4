/// The latents' probability model at coding time: for each latent, the (μ, s) of its Laplace,
/// computed by the encoder and the decoder with this one function.
///
///     factorised:      (0, s_l), s_l the grid's log-scale
///     autoregressive:  the ARM's MLP over `ContextPattern` neighbours in the same band of the
///                      same grid, already decoded in raster order (0 outside the band)
///
/// The ARM runs one latent at a time in plain IEEE-754 single precision, each sum in one fixed
/// order and no fused multiply-add, so a file's probabilities, hence its latents, are the same
/// on every x86-64 CPU and thread count.
public struct EntropyModel: Sendable {
    public let spec: LatentSpec
    /// The factorised model's log-scales (one per grid), or the ARM's flat weights.
    public let parameters: [Float]
    let layers: [(inputs: Int, outputs: Int)]
    let offsets: [(row: Int, column: Int)]
    /// The ARM's layers with each weight matrix transposed (inputs × outputs), then the biases:
    /// the evaluation runs along the outputs, each output's sum still in input order.
    let transposed: [Float]

    public init(spec: LatentSpec, parameters: [Float]) {
        precondition(parameters.count == spec.entropyParameterCount)
        self.spec = spec
        self.parameters = parameters
        layers = spec.entropyLayers
        if case .autoregressive(let context, _, _) = spec.entropyModel { offsets = ContextPattern.offsets(context) } else { offsets = [] }
        var transposed: [Float] = []
        var offset = 0
        for layer in layers {
            for i in 0..<layer.inputs { for j in 0..<layer.outputs { transposed.append(parameters[offset + j * layer.inputs + i]) } }
            transposed += parameters[(offset + layer.inputs * layer.outputs)..<(offset + (layer.inputs + 1) * layer.outputs)]
            offset += (layer.inputs + 1) * layer.outputs
        }
        self.transposed = transposed
    }

    /// Evaluates one band of grid `level` (`height` rows of the grid's width) in raster order,
    /// `visit` seeing each index in the band and its (μ, s) before the latent is read (`band`
    /// holds those decoded so far; `visit` may write the current one). Context outside the band
    /// counts as 0.
    public func walk(
        level: Int, height: Int, band: UnsafeMutablePointer<Float>, _ visit: (_ index: Int, _ mean: Float, _ logScale: Float) -> Bool
    ) -> Bool {
        let width = spec.gridSize(level).width
        guard !layers.isEmpty else {
            let s = parameters[level]
            for index in 0..<(width * height) where !visit(index, 0, s) { return false }
            return true
        }
        let widest = layers.map(\.outputs).max()! + layers[0].inputs
        return withUnsafeTemporaryAllocation(of: Float.self, capacity: 2 * widest) { scratch -> Bool in
            let a = scratch.baseAddress!, b = a + widest
            for y in 0..<height {
                for x in 0..<width {
                    for (i, offset) in offsets.enumerated() {
                        let row = y + offset.row, column = x + offset.column
                        a[i] = row >= 0 && column >= 0 && column < width ? band[row * width + column] : 0
                    }
                    let (mean, logScale) = evaluate(a, b)
                    if !visit(y * width + x, mean, logScale) { return false }
                }
            }
            return true
        }
    }

    /// The MLP on the context in `a` (`b` scratch): returns (μ, s). Four outputs at a time in
    /// SIMD lanes: each lane does exactly the scalar sequence (its bias, then + w·x per input in
    /// order, each product and sum rounded), so the lanes change the speed, not the bits.
    @inline(__always)
    func evaluate(_ a: UnsafeMutablePointer<Float>, _ b: UnsafeMutablePointer<Float>) -> (Float, Float) {
        var input = a, output = b
        var offset = 0
        transposed.withUnsafeBufferPointer { p in
            for (index, layer) in layers.enumerated() {
                let weights = p.baseAddress! + offset, biases = weights + layer.inputs * layer.outputs
                offset += (layer.inputs + 1) * layer.outputs
                let outputs = layer.outputs, isHidden = index < layers.count - 1
                var j = 0
                while j + 4 <= outputs {
                    var sum = UnsafeRawPointer(biases + j).loadUnaligned(as: SIMD4<Float>.self)
                    for i in 0..<layer.inputs {
                        let w = UnsafeRawPointer(weights + i * outputs + j).loadUnaligned(as: SIMD4<Float>.self)
                        sum = sum + w * SIMD4(repeating: input[i])
                    }
                    if isHidden { sum = sum.replacing(with: 0, where: sum .<= 0) }  // max(x, 0), signed zeros and NaN alike
                    UnsafeMutableRawPointer(output + j).storeBytes(of: sum, as: SIMD4<Float>.self)
                    j += 4
                }
                while j < outputs {
                    var sum = biases[j]
                    for i in 0..<layer.inputs { sum = sum + weights[i * outputs + j] * input[i] }
                    output[j] = isHidden ? max(sum, 0) : sum
                    j += 1
                }
                swap(&input, &output)
            }
        }
        return (input[0], input[1])
    }
}
