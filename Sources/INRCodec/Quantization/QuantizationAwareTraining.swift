import Foundation
import INRNetwork
import INRFormat
import INRTraining

/// Quantisation-aware fine-tuning: the network computes with quantised weights (fixed step
/// sizes, chosen once by `UniformQuantizer` when fine-tuning starts) and the gradient goes
/// straight through to the float weights. With `rateWeight` > 0 the loss also pays for an
/// estimate of the bits the weights will take, as NIRVANA and SHACIRA add a rate term:
///
///     R(w) = Σ log2(1 + |w - r|/Δ)      (≈ the Exp-Golomb magnitude bits of round(w/Δ) - r/Δ)
///     loss = MSE + rateWeight · R / pixels
///
/// r is 0, or with `reference` the weights the integers are coded against (a video group's
/// predecessor, whose residual is what the bitstream stores).
public struct QuantizationAwareTraining: WeightTransform {
    public let quantizer: UniformQuantizer
    public let stepSizes: [Float16]
    public let rateWeight: Float
    public let pixelCount: Int
    /// The weights the rate is measured from (nil: zero).
    public let reference: [Float]?

    public init(quantizer: UniformQuantizer, stepSizes: [Float16], rateWeight: Float = 0, pixelCount: Int, reference: [Float]? = nil) {
        self.quantizer = quantizer
        self.stepSizes = stepSizes
        self.rateWeight = rateWeight
        self.pixelCount = pixelCount
        self.reference = reference
    }

    public func transform(_ parameters: Parameters) -> Parameters {
        quantizer.quantize(parameters, stepSizes: stepSizes).dequantized()
    }

    public func addRegularizerGradient(_ parameters: Parameters, to gradient: inout [Float]) {
        guard rateWeight > 0 else { return }
        let scale = rateWeight / Float(pixelCount) / Float(M_LN2)
        for ((range, _), step) in zip(quantizer.spec.groups(of: parameters.layout), stepSizes) {
            let delta = Float(step)
            guard delta > 0 else { continue }
            if let reference {
                for i in range { gradient[i] += Self.rateGradient(parameters.values[i] - reference[i], delta: delta, scale: scale) }
            } else {
                for i in range { gradient[i] += Self.rateGradient(parameters.values[i], delta: delta, scale: scale) }
            }
        }
    }

    /// d/dw of scale · log2(1 + |w|/Δ) · ln 2.
    @inline(__always)
    static func rateGradient(_ w: Float, delta: Float, scale: Float) -> Float {
        scale * (w > 0 ? 1 : w < 0 ? -1 : 0) / (delta + abs(w))
    }

    /// R(w) in bits, the rate term's estimate.
    public func estimatedBits(_ parameters: Parameters) -> Double {
        var bits = 0.0
        for ((range, _), step) in zip(quantizer.spec.groups(of: parameters.layout), stepSizes) where step > 0 {
            for i in range { bits += log2(1 + Double(abs(parameters.values[i] - (reference?[i] ?? 0))) / Double(step)) }
        }
        return bits
    }
}
