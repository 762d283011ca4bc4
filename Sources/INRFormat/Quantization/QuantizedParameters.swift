import INRNetwork

/// A network's parameters as integers: `symbols[i]·stepSizes[group of i]` is parameter i.
///
/// Step sizes are IEEE half floats (they travel in the bitstream as 16 bits); quantising and
/// dequantising use the rounded value, so encoder and decoder agree exactly.
public struct QuantizedParameters: Hashable, Sendable {
    public let spec: NetworkSpec
    /// The shapes of the encoding's own tensors (a dense grid's values), after the network's.
    public let encodingShapes: [[Int]]
    public let quantization: QuantizationSpec
    /// One integer per parameter, in `ParameterLayout` order.
    public var symbols: [Int32]
    /// One step per group of `quantization.groups(of:)`.
    public var stepSizes: [Float16]

    public init(spec: NetworkSpec, encodingShapes: [[Int]] = [], quantization: QuantizationSpec, symbols: [Int32], stepSizes: [Float16]) {
        self.spec = spec
        self.encodingShapes = encodingShapes
        self.quantization = quantization
        self.symbols = symbols
        self.stepSizes = stepSizes
    }

    /// Where each integer sits: the network's tensors, then the encoding's.
    public var layout: ParameterLayout { ParameterLayout(spec: spec, encodingShapes: encodingShapes) }

    /// The parameters the integers stand for.
    public func dequantized() -> Parameters {
        let layout = self.layout
        var values = [Float](repeating: 0, count: symbols.count)
        for ((range, _), step) in zip(quantization.groups(of: layout), stepSizes) {
            let delta = Float(step)
            for i in range { values[i] = Float(symbols[i]) * delta }
        }
        return Parameters(spec: spec, encodingShapes: encodingShapes, values: values)
    }
}
