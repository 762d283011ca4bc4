import INRCore
import INRNetwork
import XCTest

/// The one gradient contract every differentiable piece of the engine must meet: its analytic
/// gradient (what backward computes) matches central finite differences of its forward pass.
///
/// Each case is a scalar function L(p) = Σ r·output(p) of a parameter vector p (activation
/// inputs, layer weights, network weights, encoding coordinates) with a fixed random r, and the
/// gradient the engine computes for it. New layers, activations and encodings join `cases`.
final class GradientContractTests: XCTestCase {
    struct Case {
        var name: String
        var point: [Double]
        var value: ([Double]) -> Double
        var gradient: ([Double]) -> [Double]
        var step: Double = 1e-3
        var checked: Int = 24
    }

    func testEveryCaseMatchesFiniteDifferences() {
        for tier in CPUFeatures.current.supportedInstructionSets {
            let kernels = KernelSelection.make(tier, products: .own)
            for testCase in Self.activationCases(kernels) + Self.layerCases(kernels) + Self.networkCases(kernels) + Self.encodingCases(kernels) {
                check(testCase, label: "\(tier.rawValue): \(testCase.name)")
            }
        }
    }

    func check(_ testCase: Case, label: String) {
        let analytic = testCase.gradient(testCase.point)
        XCTAssertEqual(analytic.count, testCase.point.count, label)
        let scale = max(analytic.map(abs).max() ?? 1, 1e-3)
        var generator = SeededGenerator(seed: 99)
        let indices = testCase.point.count <= testCase.checked
            ? Array(0..<testCase.point.count)
            : (0..<testCase.checked).map { _ in generator.nextIndex(below: testCase.point.count) }
        for i in indices {
            var plus = testCase.point, minus = testCase.point
            plus[i] += testCase.step
            minus[i] -= testCase.step
            let numeric = (testCase.value(plus) - testCase.value(minus)) / (2 * testCase.step)
            // Float forward passes: a relative error of 2% plus a noise floor of 1% of the
            // largest component.
            XCTAssertEqual(analytic[i], numeric, accuracy: 0.02 * abs(numeric) + 0.01 * scale, "\(label) [\(i)]")
        }
    }

    // MARK: Activations: L(z) = Σ r_i f(z_i)

    /// Every activation kind, sine at two frequencies.
    static let activations: [(kind: NetworkSpec.ActivationKind, omega0: Float)] = NetworkSpec.ActivationKind.allCases.flatMap { kind in
        let omegas: [Float] = kind == .sine ? [1, 30] : [30]
        return omegas.map { (kind, $0) }
    }

    static func activationCases(_ kernels: any KernelSet) -> [Case] {
        activations.map { kind, omega0 in
            let activation = kind.activation(omega0: omega0)
            let count = 40
            var generator = SeededGenerator(seed: 10)
            let omega = if case .sine(let w) = activation { Double(w) } else { 1.0 }
            let z = (0..<count).map { _ in generator.nextUniform(-2, 2) / omega }
            let r = (0..<count).map { _ in generator.nextUniform(-1, 1) }
            func run(_ z: [Double]) -> (values: [Float], derivative: [Float]) {
                let stride = paddedWidth(count)
                let values = AlignedBuffer(count: stride), derivative = AlignedBuffer(count: stride), bias = AlignedBuffer(count: stride)
                for i in 0..<count { values.base[i] = Float(z[i]) }
                kernels.activate(values.matrix(rows: 1, columns: count, stride: stride), bias: bias.base, activation: activation,
                                 derivative: derivative.matrix(rows: 1, columns: count, stride: stride))
                return (Array(UnsafeBufferPointer(start: values.base, count: count)), Array(UnsafeBufferPointer(start: derivative.base, count: count)))
            }
            return Case(
                name: "activation \(activation)", point: z,
                value: { z in zip(run(z).values, r).map { Double($0) * $1 }.reduce(0, +) },
                gradient: { z in zip(run(z).derivative, r).map { Double($0) * $1 } },
                step: 1e-3 / omega)
        }
    }

    // MARK: Layers and networks: L(θ) = Σ r · y(x; θ), and L(x) for the input

    static func layerCases(_ kernels: any KernelSet) -> [Case] {
        activations.flatMap { kind, omega -> [Case] in
            let activation = kind.activation(omega0: omega)
            // One linear layer and its activation: the output layer carries the activation.
            let spec = NetworkSpec(inputWidth: 7, hiddenWidths: [], outputWidth: 5, activation: .identity,
                                   omega0: omega, firstOmega0: omega, initialization: .siren, outputActivation: kind)
            return networkCases(spec, name: "layer Linear+\(activation)", kernels: kernels, step: 1e-3)
        }
    }

    static func networkCases(_ kernels: any KernelSet) -> [Case] {
        let siren = NetworkSpec(inputWidth: 2, hiddenWidths: [28, 28, 28], outputWidth: 3, activation: .sine,
                                omega0: 30, firstOmega0: 20, initialization: .siren)
        let relu = NetworkSpec(inputWidth: 34, hiddenWidths: [40, 17], outputWidth: 3, activation: .relu)
        let gelu = NetworkSpec(inputWidth: 9, hiddenWidths: [70, 70], outputWidth: 4, activation: .gelu)
        return networkCases(siren, name: "SIREN MLP", kernels: kernels, step: 2e-5)
            + networkCases(relu, name: "ReLU MLP", kernels: kernels, step: 1e-3)
            + networkCases(gelu, name: "GELU MLP", kernels: kernels, step: 1e-3)
    }

    /// Two cases per spec: the parameters, and the input features.
    static func networkCases(_ spec: NetworkSpec, name: String, kernels: any KernelSet, step: Double) -> [Case] {
        let rows = 6
        var generator = SeededGenerator(seed: 11)
        let input = (0..<(rows * spec.inputWidth)).map { _ in generator.nextUniform(-1, 1) }
        let r = (0..<(rows * spec.outputWidth)).map { _ in generator.nextUniform(-1, 1) }
        let initial = Parameters(spec: spec, seed: 5).values.map(Double.init)
        let mlp = MLP(spec: spec, kernels: kernels)

        func run(_ theta: [Double], _ x: [Double]) -> (value: Double, parameters: [Double], input: [Double]) {
            let workspace = TileWorkspace(spec: spec, rows: rows, coordinateWidth: 2, training: true)
            let packed = PackedNetwork(spec: spec)
            packed.pack(Parameters(spec: spec, values: theta.map(Float.init)))
            let features = workspace.activation(0, rows: rows)
            for row in 0..<rows { for c in 0..<spec.inputWidth { features[row, c] = Float(x[row * spec.inputWidth + c]) } }
            mlp.forward(packed, workspace: workspace, rows: rows)
            let output = workspace.activation(spec.layers.count, rows: rows)
            let seed = workspace.gradient(0, rows: rows, columns: spec.outputWidth)
            var value = 0.0
            for row in 0..<rows {
                for c in 0..<spec.outputWidth {
                    value += Double(output[row, c]) * r[row * spec.outputWidth + c]
                    seed[row, c] = Float(r[row * spec.outputWidth + c])
                }
            }
            let gradients = GradientAccumulator(spec: spec)
            let inputGradient = AlignedBuffer(count: rows * paddedWidth(spec.inputWidth))
            mlp.backward(packed, workspace: workspace, rows: rows, gradients: gradients,
                         inputGradient: inputGradient.matrix(rows: rows, columns: spec.inputWidth, stride: paddedWidth(spec.inputWidth)))
            var flat = [Float](repeating: 0, count: spec.parameterCount)
            gradients.write(into: &flat, layout: ParameterLayout(spec: spec))
            var dx = [Double](repeating: 0, count: x.count)
            for row in 0..<rows { for c in 0..<spec.inputWidth { dx[row * spec.inputWidth + c] = Double(inputGradient.base[row * paddedWidth(spec.inputWidth) + c]) } }
            return (value, flat.map(Double.init), dx)
        }
        return [
            Case(name: "\(name) parameters", point: initial, value: { run($0, input).value }, gradient: { run($0, input).parameters }, step: step),
            Case(name: "\(name) input", point: input, value: { run(initial, $0).value }, gradient: { run(initial, $0).input }, step: step),
        ]
    }

    // MARK: Encodings: L(x) = Σ r · features(x)

    static func encodingCases(_ kernels: any KernelSet) -> [Case] {
        let encodings = EncodingModel.examples.map { ($0.encoding.summary, $0.encoding) }
        return encodings.map { name, encoding in
            let parameters = gridValues(count: encoding.parameterCount)
            let rows = 5
            var generator = SeededGenerator(seed: 13)
            let x = (0..<(2 * rows)).map { _ in generator.nextUniform(-0.9, 0.9) }
            let r = (0..<(rows * encoding.outputWidth)).map { _ in generator.nextUniform(-1, 1) }
            let stride = paddedWidth(encoding.outputWidth)
            func features(_ x: [Double]) -> Double {
                let coordinates = AlignedBuffer(count: rows * 16), output = AlignedBuffer(count: rows * stride)
                for i in 0..<(2 * rows) { coordinates.base[(i / 2) * 16 + i % 2] = Float(x[i]) }
                parameters.withUnsafeBufferPointer { parameters in
                    encoding.encode(coordinates.matrix(rows: rows, columns: 2, stride: 16), parameters: parameters,
                                    into: output.matrix(rows: rows, columns: encoding.outputWidth, stride: stride), kernels: kernels)
                }
                var value = 0.0
                for row in 0..<rows { for c in 0..<encoding.outputWidth { value += Double(output.base[row * stride + c]) * r[row * encoding.outputWidth + c] } }
                return value
            }
            func gradient(_ x: [Double]) -> [Double] {
                let coordinates = AlignedBuffer(count: rows * 16), seed = AlignedBuffer(count: rows * stride), result = AlignedBuffer(count: rows * 16)
                for i in 0..<(2 * rows) { coordinates.base[(i / 2) * 16 + i % 2] = Float(x[i]) }
                for row in 0..<rows { for c in 0..<encoding.outputWidth { seed.base[row * stride + c] = Float(r[row * encoding.outputWidth + c]) } }
                parameters.withUnsafeBufferPointer { parameters in
                    encoding.coordinateGradient(coordinates.matrix(rows: rows, columns: 2, stride: 16), parameters: parameters,
                                                featureGradient: seed.matrix(rows: rows, columns: encoding.outputWidth, stride: stride),
                                                into: result.matrix(rows: rows, columns: 2, stride: 16))
                }
                return (0..<(2 * rows)).map { Double(result.base[($0 / 2) * 16 + $0 % 2]) }
            }
            return Case(name: "encoding \(name)", point: x, value: features, gradient: gradient, step: 2e-4)
        } + EncodingModel.examples.filter { $0.encoding.parameterCount > 0 }.map { parameterCase($0.encoding, kernels: kernels) }
    }

    /// Parameter values of order 1 (not a grid's 1e-4 start), so every gradient is far from zero.
    static func gridValues(count: Int) -> [Float] {
        var generator = SeededGenerator(seed: 14)
        return (0..<count).map { _ in Float(generator.nextUniform(-1, 1)) }
    }

    /// L(θ) = Σ r · features(x; θ) over an encoding's own parameters θ (a grid's values),
    /// against `addParameterGradient`.
    static func parameterCase(_ encoding: any Encoding, kernels: any KernelSet) -> Case {
        let rows = 7, width = encoding.outputWidth, stride = paddedWidth(width)
        var generator = SeededGenerator(seed: 15)
        let coordinates = AlignedBuffer(count: rows * 16), seed = AlignedBuffer(count: rows * stride)
        for row in 0..<rows { for c in 0..<2 { coordinates.base[row * 16 + c] = Float(generator.nextUniform(-1, 1)) } }
        for row in 0..<rows { for c in 0..<width { seed.base[row * stride + c] = Float(generator.nextUniform(-1, 1)) } }
        // Functions, so the closures below keep the buffers alive.
        func points() -> MatrixView { coordinates.matrix(rows: rows, columns: 2, stride: 16) }
        func r() -> MatrixView { seed.matrix(rows: rows, columns: width, stride: stride) }
        func value(_ theta: [Double]) -> Double {
            let output = AlignedBuffer(count: rows * stride)
            theta.map(Float.init).withUnsafeBufferPointer { theta in
                encoding.encode(points(), parameters: theta, into: output.matrix(rows: rows, columns: width, stride: stride), kernels: kernels)
            }
            return (0..<(rows * width)).reduce(0.0) { $0 + Double(output.base[($1 / width) * stride + $1 % width] * r()[$1 / width, $1 % width]) }
        }
        func gradient(_ theta: [Double]) -> [Double] {
            var result = [Float](repeating: 0, count: theta.count)
            result.withUnsafeMutableBufferPointer { encoding.addParameterGradient(points(), featureGradient: r(), into: $0) }
            return result.map(Double.init)
        }
        return Case(name: "encoding \((encoding as? any RegisteredEncoding)?.summary ?? "") parameters", point: gridValues(count: encoding.parameterCount).map(Double.init),
                    value: value, gradient: gradient, step: 1e-2, checked: 64)
    }

    func testEveryRegisteredEncodingHasExamples() {
        for encoding in EncodingModel.registered {
            XCTAssertFalse(encoding.examples.isEmpty, "\(encoding.typeName) has no examples: the contracts would skip it")
        }
        XCTAssertEqual(Set(EncodingModel.registered.map { $0.typeCode }).count, EncodingModel.registered.count, "one ENCO code per encoding")
        XCTAssertEqual(Set(EncodingModel.registered.map { $0.typeName }).count, EncodingModel.registered.count, "one model-file name per encoding")
        let codes = NetworkSpec.ActivationKind.allCases.map(\.formatCode)
        XCTAssertEqual(Set(codes).count, codes.count, "one NETW code per activation")
    }

    func testSpatialMaskStateIsNonTrivial() {
        // The SAPE spatial case above must exercise a mask that varies in space.
        let masks = EncodingModel.examples.compactMap { model -> SpatialFrequencyMask? in
            guard let sape = model.encoding as? SAPEEncoding, case .spatial(let mask) = sape.progression else { return nil }
            return mask
        }
        XCTAssertFalse(masks.isEmpty)
        for mask in masks { XCTAssertGreaterThan(mask.counts.max()!, mask.counts.min()!) }
    }
}
