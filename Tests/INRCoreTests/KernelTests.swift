import INRCore
import INRNetwork
import XCTest

/// Every kernel set this CPU runs (each tier with its own products and with OpenBLAS's) against
/// naive Double references, on shapes with odd widths and row counts.
final class KernelTests: XCTestCase {
    static var kernelSets: [any KernelSet] {
        CPUFeatures.current.supportedInstructionSets.flatMap { tier in
            KernelSelection.Products.allCases.map { KernelSelection.make(tier, products: $0) }
        }
    }

    static let shapes: [(rows: Int, depth: Int, width: Int)] = [(1, 2, 3), (5, 28, 28), (17, 64, 64), (8, 514, 70), (3, 37, 16), (12, 3, 129), (19, 16, 16), (19, 7, 40)]
    static let activations: [Activation] = [.identity, .relu, .gelu, .sine(omega0: 30), .sine(omega0: 1)]

    func testDenseForwardMatchesReference() {
        var generator = SeededGenerator(seed: 1)
        for kernels in Self.kernelSets {
            for shape in Self.shapes {
                let x = Matrix(rows: shape.rows, columns: shape.depth, generator: &generator)
                let w = Matrix(rows: shape.width, columns: shape.depth, generator: &generator, scale: 1 / Double(shape.depth).squareRoot())
                let bias = (0..<shape.width).map { _ in generator.nextUniform(-0.5, 0.5) }
                let packed = AlignedBuffer(count: shape.depth * paddedWidth(shape.width))
                let packedBias = AlignedBuffer(count: paddedWidth(shape.width))
                for o in 0..<shape.width {
                    for i in 0..<shape.depth { packed.base[i * paddedWidth(shape.width) + o] = Float(w[o, i]) }
                    packedBias.base[o] = Float(bias[o])
                }
                let input = x.buffer()
                defer { withExtendedLifetime((input, packed, packedBias)) {} }
                for activation in Self.activations {
                    let output = AlignedBuffer(count: shape.rows * paddedWidth(shape.width))
                    let derivative = AlignedBuffer(count: shape.rows * paddedWidth(shape.width))
                    kernels.denseForward(
                        input: input.matrix(rows: shape.rows, columns: shape.depth, stride: paddedWidth(shape.depth)),
                        weights: packed.base, bias: packedBias.base, activation: activation,
                        output: output.matrix(rows: shape.rows, columns: shape.width, stride: paddedWidth(shape.width)),
                        derivative: derivative.matrix(rows: shape.rows, columns: shape.width, stride: paddedWidth(shape.width)))
                    for r in 0..<shape.rows {
                        for o in 0..<shape.width {
                            var z = bias[o]
                            for i in 0..<shape.depth { z += Double(Float(x[r, i])) * Double(Float(w[o, i])) }
                            let (value, slope) = activation.reference(z)
                            let scale = activation == .sine(omega0: 30) ? 30.0 : 1.0
                            let tolerance = 2e-5 * scale * max(1, abs(z)) * Double(shape.depth).squareRoot()
                            let index = r * paddedWidth(shape.width) + o
                            XCTAssertEqual(Double(output.base[index]), value, accuracy: tolerance, "\(kernels.instructionSet) \(activation) value \(shape)")
                            XCTAssertEqual(Double(derivative.base[index]), slope, accuracy: tolerance * scale, "\(kernels.instructionSet) \(activation) slope \(shape)")
                        }
                    }
                }
            }
        }
    }

    func testDenseInputGradientMatchesReference() {
        var generator = SeededGenerator(seed: 2)
        for kernels in Self.kernelSets {
            for shape in Self.shapes {
                // dx[r][i] = (Σ_o dz[r][o] W[o][i]) · s[r][i]
                let dz = Matrix(rows: shape.rows, columns: shape.width, generator: &generator)
                let w = Matrix(rows: shape.width, columns: shape.depth, generator: &generator)
                let s = Matrix(rows: shape.rows, columns: shape.depth, generator: &generator)
                let packed = AlignedBuffer(count: shape.width * paddedWidth(shape.depth))
                for o in 0..<shape.width {
                    for i in 0..<shape.depth { packed.base[o * paddedWidth(shape.depth) + i] = Float(w[o, i]) }
                }
                let outputGradient = dz.buffer()
                for useScale in [false, true] {
                    let result = AlignedBuffer(count: shape.rows * paddedWidth(shape.depth))
                    let scale = s.buffer()
                    defer { withExtendedLifetime((outputGradient, scale)) {} }
                    kernels.denseInputGradient(
                        outputGradient: outputGradient.matrix(rows: shape.rows, columns: shape.width, stride: paddedWidth(shape.width)),
                        transposedWeights: packed.base,
                        scale: useScale ? scale.matrix(rows: shape.rows, columns: shape.depth, stride: paddedWidth(shape.depth)) : nil,
                        inputGradient: result.matrix(rows: shape.rows, columns: shape.depth, stride: paddedWidth(shape.depth)))
                    for r in 0..<shape.rows {
                        for i in 0..<shape.depth {
                            var sum = 0.0
                            for o in 0..<shape.width { sum += Double(Float(dz[r, o])) * Double(Float(w[o, i])) }
                            if useScale { sum *= Double(Float(s[r, i])) }
                            XCTAssertEqual(Double(result.base[r * paddedWidth(shape.depth) + i]), sum, accuracy: 1e-5 * Double(shape.width), "\(kernels.instructionSet) \(shape)")
                        }
                    }
                }
            }
        }
    }

    func testDenseParameterGradientAccumulates() {
        var generator = SeededGenerator(seed: 3)
        for kernels in Self.kernelSets {
            for shape in Self.shapes {
                let x = Matrix(rows: shape.rows, columns: shape.depth, generator: &generator)
                let dz = Matrix(rows: shape.rows, columns: shape.width, generator: &generator)
                let weightGradient = AlignedBuffer(count: shape.depth * paddedWidth(shape.width))
                let biasGradient = AlignedBuffer(count: paddedWidth(shape.width))
                let input = x.buffer(), gradient = dz.buffer()
                defer { withExtendedLifetime((input, gradient)) {} }
                for _ in 0..<2 {
                    kernels.denseParameterGradient(
                        input: input.matrix(rows: shape.rows, columns: shape.depth, stride: paddedWidth(shape.depth)),
                        outputGradient: gradient.matrix(rows: shape.rows, columns: shape.width, stride: paddedWidth(shape.width)),
                        weightGradient: weightGradient.base, biasGradient: biasGradient.base)
                }
                for o in 0..<shape.width {
                    var biasSum = 0.0
                    for r in 0..<shape.rows { biasSum += Double(Float(dz[r, o])) }
                    XCTAssertEqual(Double(biasGradient.base[o]), 2 * biasSum, accuracy: 1e-5 * Double(shape.rows), "\(kernels.instructionSet) bias \(shape)")
                    for i in 0..<shape.depth {
                        var sum = 0.0
                        for r in 0..<shape.rows { sum += Double(Float(x[r, i])) * Double(Float(dz[r, o])) }
                        XCTAssertEqual(Double(weightGradient.base[i * paddedWidth(shape.width) + o]), 2 * sum, accuracy: 1e-5 * Double(shape.rows), "\(kernels.instructionSet) weight \(shape)")
                    }
                }
            }
        }
    }

    /// A row's products do not depend on where the row falls among the register blocks (8 rows,
    /// 4 rows or one at a time; weight gradients 8, 4, 2 or 1 inputs at a time): the same input
    /// in every row gives every output row the same bits, and the same input column gives every
    /// weight-gradient row the same bits. So the blocking only reorders independent chains.
    /// (inr's own products; OpenBLAS's `sgemm` blocks its sums in its own ways.)
    func testProductBlocksGiveTheSameBitsInEveryRow() {
        var generator = SeededGenerator(seed: 5)
        for kernels in CPUFeatures.current.supportedInstructionSets.map({ KernelSelection.make($0, products: .own) }) {
            for (rows, depth, width) in [(19, 16, 16), (23, 7, 40), (13, 40, 3)] {
                let stride = paddedWidth(depth), outputStride = paddedWidth(width)
                let row = (0..<depth).map { _ in Float(generator.nextUniform(-1, 1)) }
                let input = AlignedBuffer(count: rows * stride)
                for r in 0..<rows { for i in 0..<depth { input.base[r * stride + i] = row[i] } }
                let weights = AlignedBuffer(count: depth * outputStride), bias = AlignedBuffer(count: outputStride)
                for i in 0..<(depth * outputStride) { weights.base[i] = Float(generator.nextUniform(-1, 1)) }
                let output = AlignedBuffer(count: rows * outputStride)
                kernels.denseForward(
                    input: input.matrix(rows: rows, columns: depth, stride: stride), weights: weights.base, bias: bias.base,
                    activation: .identity, output: output.matrix(rows: rows, columns: width, stride: outputStride), derivative: nil)
                let transposed = AlignedBuffer(count: width * stride), back = AlignedBuffer(count: rows * stride)
                for i in 0..<(width * stride) { transposed.base[i] = Float(generator.nextUniform(-1, 1)) }
                kernels.denseInputGradient(
                    outputGradient: output.matrix(rows: rows, columns: width, stride: outputStride),
                    transposedWeights: transposed.base, scale: nil, inputGradient: back.matrix(rows: rows, columns: depth, stride: stride))
                for r in 1..<rows {
                    for o in 0..<width {
                        XCTAssertEqual(output.base[r * outputStride + o].bitPattern, output.base[o].bitPattern, "\(kernels.instructionSet) forward row \(r)")
                    }
                    for i in 0..<depth {
                        XCTAssertEqual(back.base[r * stride + i].bitPattern, back.base[i].bitPattern, "\(kernels.instructionSet) input gradient row \(r)")
                    }
                }
                // Every input column the same: every weight-gradient row the same.
                let column = (0..<rows).map { _ in Float(generator.nextUniform(-1, 1)) }
                for r in 0..<rows { for i in 0..<depth { input.base[r * stride + i] = column[r] } }
                let weightGradient = AlignedBuffer(count: depth * outputStride), biasGradient = AlignedBuffer(count: outputStride)
                kernels.denseParameterGradient(
                    input: input.matrix(rows: rows, columns: depth, stride: stride),
                    outputGradient: output.matrix(rows: rows, columns: width, stride: outputStride),
                    weightGradient: weightGradient.base, biasGradient: biasGradient.base)
                for i in 1..<depth {
                    for o in 0..<width {
                        XCTAssertEqual(
                            weightGradient.base[i * outputStride + o].bitPattern, weightGradient.base[o].bitPattern,
                            "\(kernels.instructionSet) weight gradient row \(i)")
                    }
                }
            }
        }
    }

    /// The kernels' blend-based minimum and maximum pick what the standard library's
    /// `pointwiseMin` and `pointwiseMax` pick, NaNs and signed zeros included.
    func testMinimumAndMaximumMatchTheStandardLibrary() {
        let specials: [Float] = [0, -0.0, 1, -1, 5, -4.6, .infinity, -.infinity, .nan, 88.376_26, 1e-30, -1e-30, .greatestFiniteMagnitude]
        var pairs: [(Float, Float)] = []
        for a in specials { for b in specials { pairs.append((a, b)) } }
        for start in stride(from: 0, to: pairs.count, by: vectorWidth) {
            var a = Vector(), b = Vector()
            for lane in 0..<vectorWidth {
                let pair = pairs[(start + lane) % pairs.count]
                a[lane] = pair.0
                b[lane] = pair.1
            }
            let minimum = VectorMath<SeparateMultiplyAdd>.minimum(a, b), maximum = VectorMath<SeparateMultiplyAdd>.maximum(a, b)
            let expectedMinimum = pointwiseMin(a, b), expectedMaximum = pointwiseMax(a, b)
            for lane in 0..<vectorWidth {
                XCTAssertEqual(minimum[lane].bitPattern, expectedMinimum[lane].bitPattern, "min(\(a[lane]), \(b[lane]))")
                XCTAssertEqual(maximum[lane].bitPattern, expectedMaximum[lane].bitPattern, "max(\(a[lane]), \(b[lane]))")
            }
        }
    }

    func testSinCosAccuracy() {
        var generator = SeededGenerator(seed: 4)
        var inputs: [Float] = [0, -0.0, .pi / 2, -.pi / 2, .pi, 3 * .pi / 2, 2 * .pi, 1e-20, 0.785398, 1000, -1000]
        for range in [1.0, 10, 100, 1000] { inputs += (0..<500).map { _ in Float(generator.nextUniform(-range, range)) } }
        let count = inputs.count
        for kernels in Self.kernelSets {
            var sine = [Float](repeating: 0, count: count), cosine = [Float](repeating: 0, count: count)
            kernels.sinCos(inputs, count: count, sine: &sine, cosine: &cosine)
            for i in 0..<count {
                XCTAssertEqual(Double(sine[i]), sin(Double(inputs[i])), accuracy: 3e-7, "\(kernels.instructionSet) sin(\(inputs[i]))")
                XCTAssertEqual(Double(cosine[i]), cos(Double(inputs[i])), accuracy: 3e-7, "\(kernels.instructionSet) cos(\(inputs[i]))")
            }
        }
    }

    /// Positional and Fourier limits keep arguments below 2¹⁷; the reduction holds there.
    func testSinCosAccuracyUpToTheArgumentLimit() {
        var generator = SeededGenerator(seed: 6)
        let inputs = (0..<2000).map { _ in Float(generator.nextUniform(-131_072, 131_072)) }
        for kernels in Self.kernelSets {
            var sine = [Float](repeating: 0, count: inputs.count), cosine = sine
            kernels.sinCos(inputs, count: inputs.count, sine: &sine, cosine: &cosine)
            let worst = (0..<inputs.count).map { max(abs(Double(sine[$0]) - sin(Double(inputs[$0]))), abs(Double(cosine[$0]) - cos(Double(inputs[$0])))) }.max()!
            XCTAssertLessThan(worst, 2e-5, "\(kernels.instructionSet)")
        }
    }

    func testReLUAtZeroHasZeroSlope() {
        for kernels in Self.kernelSets {
            let values = AlignedBuffer(count: 16), derivative = AlignedBuffer(count: 16), bias = AlignedBuffer(count: 16)
            values.base[0] = -0.0
            values.base[1] = 0
            values.base[2] = .leastNonzeroMagnitude
            values.base[3] = -.leastNonzeroMagnitude
            kernels.activate(values.matrix(rows: 1, columns: 4, stride: 16), bias: bias.base, activation: .relu,
                             derivative: derivative.matrix(rows: 1, columns: 4, stride: 16))
            XCTAssertEqual(Array(UnsafeBufferPointer(start: derivative.base, count: 4)), [0, 0, 1, 0])
            XCTAssertEqual(values.base[0].sign, .plus)
        }
    }

    func testSinCosInPlaceAndTails() {
        for kernels in Self.kernelSets {
            for count in [1, 15, 16, 17, 33] {
                let values = (0..<count).map { Float($0) * 0.37 - 3 }
                var buffer = values + [Float](repeating: 0, count: count)
                buffer.withUnsafeMutableBufferPointer { b in
                    kernels.sinCos(b.baseAddress!, count: count, sine: b.baseAddress!, cosine: b.baseAddress! + count)
                }
                for i in 0..<count {
                    XCTAssertEqual(buffer[i], sin(values[i]), accuracy: 1e-6)
                    XCTAssertEqual(buffer[count + i], cos(values[i]), accuracy: 1e-6)
                }
            }
        }
    }

    func testActivateAndMultiplyMatchReference() {
        var generator = SeededGenerator(seed: 5)
        let rows = 3, columns = 21, stride = paddedWidth(columns)
        let z = Matrix(rows: rows, columns: columns, generator: &generator, scale: 3)
        let bias = AlignedBuffer(count: stride)
        for c in 0..<columns { bias.base[c] = Float(c) * 0.01 }
        for kernels in Self.kernelSets {
            for activation in Self.activations {
                let values = z.buffer(), derivative = AlignedBuffer(count: rows * stride)
                kernels.activate(values.matrix(rows: rows, columns: columns, stride: stride), bias: bias.base, activation: activation,
                                 derivative: derivative.matrix(rows: rows, columns: columns, stride: stride))
                for r in 0..<rows {
                    for c in 0..<columns {
                        let (value, slope) = activation.reference(Double(Float(z[r, c])) + Double(bias.base[c]))
                        XCTAssertEqual(Double(values.base[r * stride + c]), value, accuracy: 1e-4)
                        XCTAssertEqual(Double(derivative.base[r * stride + c]), slope, accuracy: 1e-3)
                    }
                }
            }
            let a = z.buffer(), b = z.buffer()
            defer { withExtendedLifetime(b) {} }
            kernels.multiply(a.matrix(rows: rows, columns: columns, stride: stride), by: b.matrix(rows: rows, columns: columns, stride: stride))
            for r in 0..<rows {
                for c in 0..<columns { XCTAssertEqual(a.base[r * stride + c], Float(z[r, c]) * Float(z[r, c])) }
            }
        }
    }

    func testBestTierIsWhatTheCPUReports() throws {
        let best = CPUFeatures.current.bestInstructionSet
        XCTAssertEqual(try KernelSelection.preferredInstructionSet(environment: [:]), best)
        XCTAssertEqual(try KernelSelection.preferredInstructionSet(environment: ["INR_ISA": "portable"]), .portable)
        XCTAssertThrowsError(try KernelSelection.preferredInstructionSet(environment: ["INR_ISA": "sse9"]))
        let none = CPUFeatures(cpuinfo: "flags : fpu sse sse2")
        XCTAssertEqual(none.bestInstructionSet, .portable)
        XCTAssertNil(none.openBLASCoreType)
        XCTAssertThrowsError(try KernelSelection.preferredInstructionSet(environment: ["INR_ISA": "avx512"], cpu: none))
        let avx2 = CPUFeatures(cpuinfo: "processor : 0\nflags : fpu sse2 avx avx2 fma\n")
        XCTAssertEqual(avx2.bestInstructionSet, .avx2)
        XCTAssertEqual(avx2.openBLASCoreType, "Haswell")
    }
}

/// A small dense matrix of Doubles for references, with seeded random entries.
struct Matrix {
    let rows: Int, columns: Int
    var values: [Double]

    init(rows: Int, columns: Int, generator: inout SeededGenerator, scale: Double = 1) {
        self.rows = rows
        self.columns = columns
        values = (0..<(rows * columns)).map { _ in generator.nextUniform(-scale, scale) }
    }

    subscript(r: Int, c: Int) -> Double { values[r * columns + c] }

    /// The matrix as Floats in a padded, aligned buffer.
    func buffer() -> AlignedBuffer {
        let stride = paddedWidth(columns)
        let buffer = AlignedBuffer(count: rows * stride)
        for r in 0..<rows {
            for c in 0..<columns { buffer.base[r * stride + c] = Float(self[r, c]) }
        }
        return buffer
    }
}
