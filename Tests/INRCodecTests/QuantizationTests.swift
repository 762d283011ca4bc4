import Foundation
import INRCodec
import INRFormat
import INRCore
import INRModel
import INRNetwork
import XCTest

final class QuantizationTests: XCTestCase {
    static let spec = NetworkSpec(inputWidth: 5, hiddenWidths: [12, 9], outputWidth: 3, activation: .relu)

    func testLevelsStepsAndGroups() {
        var parameters = Parameters(spec: Self.spec, seed: 1)
        parameters.values[3] = 40  // an outlier: clipping it pays at 4 bits
        for granularity in [QuantizationSpec.Granularity.layer, .channel] {
            for bits in [2, 4, 8, 16] {
                let spec = QuantizationSpec(weightBits: bits, biasBits: min(bits + 2, 16), granularity: granularity)
                let quantizer = UniformQuantizer(spec: spec)
                let quantized = quantizer.quantize(parameters)
                let groups = spec.groups(of: parameters.layout)
                XCTAssertEqual(quantized.stepSizes.count, groups.count)
                XCTAssertEqual(groups.count, granularity == .layer ? 6 : 12 + 9 + 3 + 3)
                XCTAssertEqual(groups.map(\.range.count).reduce(0, +), parameters.values.count)
                for ((range, kind), step) in zip(groups, quantized.stepSizes) {
                    XCTAssertTrue(step.isFinite && step > 0)
                    for i in range { XCTAssertLessThanOrEqual(abs(quantized.symbols[i]), spec.maximumLevel(kind)) }
                }
                let restored = quantized.dequantized()
                XCTAssertEqual(restored.spec, parameters.spec)
                // Re-quantising the dequantised values with the same steps is the identity.
                XCTAssertEqual(quantizer.quantize(restored, stepSizes: quantized.stepSizes).symbols, quantized.symbols)
            }
        }
    }

    /// The searched step never does worse than max|w|/levels, and clips a lone outlier.
    func testStepsMinimiseTheError() {
        var generator = SeededGenerator(seed: 4)
        var values = (0..<4000).map { _ in Float(generator.nextGaussian()) }
        values[17] = 30
        let spec = NetworkSpec(inputWidth: 4000, hiddenWidths: [], outputWidth: 1, activation: .identity)
        let parameters = Parameters(spec: spec, values: values + [0.1])
        let quantization = QuantizationSpec(weightBits: 4, biasBits: 8, granularity: .layer)
        let quantizer = UniformQuantizer(spec: quantization)
        let searched = quantizer.quantize(parameters)
        let maxAbs = quantizer.quantize(parameters, stepSizes: [Float16(30 / 7), Float16(0.1 / 127)])
        func error(_ q: QuantizedParameters) -> Double {
            zip(q.dequantized().values, parameters.values).map { Double($0 - $1) * Double($0 - $1) }.reduce(0, +)
        }
        // Gaussian values and one outlier: clipping the outlier pays many times over.
        XCTAssertLessThan(error(searched), error(maxAbs) / 4)
        XCTAssertLessThan(Float(searched.stepSizes[0]), 30 / 7 / 2)
    }

    func testFineTuningTransformAndRateProxy() {
        let parameters = Parameters(spec: Self.spec, seed: 2)
        let quantizer = UniformQuantizer(spec: QuantizationSpec(weightBits: 5, biasBits: 8, granularity: .channel))
        let stepSizes = quantizer.stepSizes(for: parameters)
        let qat = QuantizationAwareTraining(quantizer: quantizer, stepSizes: stepSizes, rateWeight: 0.5, pixelCount: 100)
        XCTAssertEqual(qat.transform(parameters), quantizer.quantize(parameters, stepSizes: stepSizes).dequantized())
        // The rate gradient is the derivative of the proxy (finite differences on a few weights).
        var gradient = [Float](repeating: 0, count: parameters.values.count)
        qat.addRegularizerGradient(parameters, to: &gradient)
        for i in [0, 7, 40] {
            var plus = parameters, minus = parameters
            plus.values[i] += 1e-3
            minus.values[i] -= 1e-3
            let numeric = 0.5 / 100 * (qat.estimatedBits(plus) - qat.estimatedBits(minus)) / 2e-3
            XCTAssertEqual(Double(gradient[i]), numeric, accuracy: abs(numeric) * 0.02 + 1e-6)
        }
    }
}
