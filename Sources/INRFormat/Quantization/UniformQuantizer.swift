import INRNetwork

/// Uniform symmetric quantisation with the step size of each group chosen to minimise the
/// squared error (clipping the largest values when that pays), not just max|w|/levels.
///
///     q = clamp(round(w / Δ), -L, L),   w' = q·Δ,   L = 2^(bits-1) - 1
///
/// Δ is searched over `candidates` fractions of max|w|/L; each candidate is rounded to a half
/// float first, since that is the Δ a decoder will use.
public struct UniformQuantizer: Sendable {
    public let spec: QuantizationSpec
    /// Clipping fractions tried: max|w|/L × (1, 0.99, …, 0.2).
    public let candidates: [Float]

    public init(spec: QuantizationSpec) {
        self.spec = spec
        candidates = (0...80).map { 1 - Float($0) / 100 }
    }

    /// The MSE-optimal step of each group.
    public func stepSizes(for parameters: Parameters) -> [Float16] {
        parameters.values.withUnsafeBufferPointer { values in
            spec.groups(of: parameters.layout).map { range, kind in
                Self.bestStep(UnsafeBufferPointer(rebasing: values[range]), levels: spec.maximumLevel(kind), candidates: candidates)
            }
        }
    }

    /// Quantises with freshly searched step sizes.
    public func quantize(_ parameters: Parameters) -> QuantizedParameters {
        quantize(parameters, stepSizes: stepSizes(for: parameters))
    }

    /// Quantises with the given step sizes (QAT fixes them while fine-tuning).
    public func quantize(_ parameters: Parameters, stepSizes: [Float16]) -> QuantizedParameters {
        var symbols = [Int32](repeating: 0, count: parameters.values.count)
        for ((range, kind), step) in zip(spec.groups(of: parameters.layout), stepSizes) {
            let levels = spec.maximumLevel(kind), delta = Float(step)
            for i in range { symbols[i] = Self.level(parameters.values[i], delta, levels) }
        }
        return QuantizedParameters(
            spec: parameters.spec, encodingShapes: parameters.layout.encodingShapes, quantization: spec, symbols: symbols, stepSizes: stepSizes)
    }

    @inline(__always)
    static func level(_ value: Float, _ delta: Float, _ levels: Int32) -> Int32 {
        guard delta > 0, value.isFinite else { return 0 }
        let q = (value / delta).rounded(.toNearestOrAwayFromZero)
        return Int32(min(max(q, -Float(levels)), Float(levels)))
    }

    static func bestStep(_ values: UnsafeBufferPointer<Float>, levels: Int32, candidates: [Float]) -> Float16 {
        let largest = values.reduce(Float(0)) { max($0, $1.isFinite ? abs($1) : 0) }
        guard largest > 0 else { return 0 }
        var best: (error: Double, step: Float16) = (.infinity, Float16(largest / Float(levels)))
        for fraction in candidates {
            let step = Float16(largest / Float(levels) * fraction)
            let delta = Float(step)
            guard delta > 0, delta.isFinite else { continue }
            var error = 0.0
            for value in values {
                let difference = Double(value - Float(level(value, delta, levels)) * delta)
                error += difference * difference
            }
            if error < best.error { best = (error, step) }
        }
        return best.step
    }
}
