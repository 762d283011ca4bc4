import INRCoding

/// How a latent is range-coded from its model's (μ, s), identically in encoder and decoder:
///
///     c = round(μ)                 (μ clamped to ±2^15, NaN → 0)
///     f = round(16·(μ − c))        the centre's sixteenth, −8…8
///     k = round(8·(s + 4.6))       the scale's eighth of a natural-log unit, 0…77
///     symbol of r = ŷ − c:  r ∈ [−R, R] → r + R + 1;  below → 0;  above → 2R + 2,
///                           an escape followed by |r| − R − 1 as Exp-Golomb bypass bits
///
/// One frequency table per (k, f), built once from `DeterministicMath.exponential`, so the
/// integers are the same on every machine. Only float comparisons, roundings and one
/// multiplication precede the lookup: equal (μ, s) floats give equal tables everywhere.
public enum LaplaceCoding {
    /// R: residuals beyond ±32 of the centre are escapes.
    public static let reach = 32
    static let fractionSteps = 16
    static let scaleSteps: Float = 8
    static let scaleCount = 78
    /// The largest |ŷ| a file holds.
    public static let maximumMagnitude: Int32 = 1 << 15

    /// Tables by k · 17 + (f + 8).
    static let tables: [FrequencyTable] = (0..<scaleCount).flatMap { k in
        (-fractionSteps / 2...fractionSteps / 2).map { f in table(logScale: Double(k) / Double(scaleSteps) + Double(LaplaceRate.logScaleRange.lowerBound), offset: Double(f) / Double(fractionSteps)) }
    }

    /// The table of a Laplace of scale e^logScale centred at `offset` (|offset| ≤ ½).
    static func table(logScale: Double, offset: Double) -> FrequencyTable {
        let inverse = DeterministicMath.exponential(-logScale)
        func cdf(_ x: Double) -> Double {
            let z = (x - offset) * inverse
            return z < 0 ? 0.5 * DeterministicMath.exponential(z) : 1 - 0.5 * DeterministicMath.exponential(-z)
        }
        var probabilities = [cdf(Double(-reach) - 0.5)]
        for r in -reach...reach { probabilities.append(cdf(Double(r) + 0.5) - cdf(Double(r) - 0.5)) }
        probabilities.append(1 - cdf(Double(reach) + 0.5))
        return FrequencyTable(probabilities: probabilities)
    }

    /// The centre c and the table of a latent whose model gave (μ, s).
    @inline(__always)
    public static func quantize(mean: Float, logScale: Float) -> (center: Int32, table: Int) {
        let m = mean.isNaN ? 0 : min(max(mean, -Float(maximumMagnitude)), Float(maximumMagnitude))
        let center = m.rounded()
        let f = Int(((m - center) * Float(fractionSteps)).rounded())
        let s = logScale.isNaN ? 0 : min(max(logScale, LaplaceRate.logScaleRange.lowerBound), LaplaceRate.logScaleRange.upperBound)
        let k = min(max(Int(((s - LaplaceRate.logScaleRange.lowerBound) * scaleSteps).rounded()), 0), scaleCount - 1)
        return (Int32(center), k * (fractionSteps + 1) + f + fractionSteps / 2)
    }

    public static func encode(_ value: Int32, mean: Float, logScale: Float, into coder: inout RangeEncoder) {
        let (center, index) = quantize(mean: mean, logScale: logScale)
        let table = tables[index]
        let r = Int(value) - Int(center)
        let symbol = r < -reach ? 0 : r > reach ? 2 * reach + 2 : r + reach + 1
        coder.encode(cumulative: table.cumulative[symbol], frequency: table.frequency(symbol))
        if symbol == 0 || symbol == 2 * reach + 2 {
            let m = UInt32(abs(r) - reach - 1) + 1
            let n = 31 - m.leadingZeroBitCount
            coder.encodeDirect(UInt32(n), count: 5)
            coder.encodeDirect(m & ((1 << UInt32(n)) - 1), count: n)
        }
    }

    /// The next latent, or nil for a stream that cannot be one (an escape beyond the range).
    public static func decode(mean: Float, logScale: Float, from coder: inout RangeDecoder) -> Int32? {
        let (center, index) = quantize(mean: mean, logScale: logScale)
        let symbol = coder.decode(tables[index])
        var r = symbol - reach - 1
        if symbol == 0 || symbol == 2 * reach + 2 {
            let n = Int(coder.decodeDirect(count: 5))
            guard n <= 17 else { return nil }
            let m = Int((1 << UInt32(n)) | coder.decodeDirect(count: n)) - 1
            r = (symbol == 0 ? -1 : 1) * (m + reach + 1)
        }
        let value = Int(center) + r
        guard abs(value) <= Int(maximumMagnitude) else { return nil }
        return Int32(value)
    }
}
