import Foundation
import INRCore

/// A network's parameters: one flat `[Float]` with the layout its spec implies, followed by its
/// encoding's parameters where the encoding has some (`ParameterLayout(spec:encodingShapes:)`).
public struct Parameters: Hashable, Sendable {
    public let spec: NetworkSpec
    public let layout: ParameterLayout
    public var values: [Float]

    public init(spec: NetworkSpec, values: [Float]) {
        self.init(spec: spec, encodingShapes: [], values: values)
    }

    /// The network's values, then the encoding's (tensors of `encodingShapes`).
    public init(spec: NetworkSpec, encodingShapes: [[Int]], values: [Float]) {
        let layout = ParameterLayout(spec: spec, encodingShapes: encodingShapes)
        precondition(values.count == layout.count, "parameter count does not match the network spec and encoding")
        self.spec = spec
        self.layout = layout
        self.values = values
    }

    /// Parameters drawn from the spec's initialisation with a seeded generator.
    public init(spec: NetworkSpec, seed: UInt64) {
        let layout = ParameterLayout(spec: spec)
        var generator = SeededGenerator(seed: seed, stream: "initialization")
        var values = [Float](repeating: 0, count: layout.count)
        for (index, layer) in spec.layers.enumerated() {
            let bound = Self.initialBound(spec: spec, layer: index, fanIn: layer.inputWidth)
            for tensor in [layout.weight(ofLayer: index), layout.bias(ofLayer: index)] {
                for i in tensor.range {
                    values[i] = Float(generator.nextUniform(-bound, bound))
                }
            }
        }
        self.init(spec: spec, values: values)
    }

    /// The network's parameters drawn from `seed`, then `encoding`'s starting values (its own
    /// stream of the same seed, so the network's values do not depend on the encoding).
    public init(spec: NetworkSpec, encoding: any Encoding, seed: UInt64) {
        let network = Parameters(spec: spec, seed: seed)
        self.init(spec: spec, encodingShapes: encoding.parameterShapes, values: network.values + encoding.initialParameters(seed: seed))
    }

    /// The half-width of the uniform distribution layer `layer` starts from.
    public static func initialBound(spec: NetworkSpec, layer: Int, fanIn: Int) -> Double {
        let fan = Double(fanIn)
        switch spec.initialization {
        case .default:
            return 1 / fan.squareRoot()
        case .siren:
            if layer == 0 { return 1 / fan }
            return (6 / fan).squareRoot() / Double(spec.omega0)
        }
    }

    /// Sum of |w| over the weights (not the biases): the L1 penalty of Strümpler et al. 2022.
    public var weightL1Norm: Double {
        var sum = 0.0
        for tensor in layout.tensors where tensor.kind == .weight {
            for i in tensor.range { sum += Double(abs(values[i])) }
        }
        return sum
    }
}
