import Dispatch
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

    /// Symbols of a table: 2R + 1 residuals and two escapes.
    static let symbolCount = 2 * reach + 3

    /// The tables' running sums, `symbolCount + 1` per table, table k · 17 + (f + 8), in one
    /// buffer that lives as long as the process and is only read: coding threads share it
    /// without touching reference counts. Built on first use, the scales on every core (each
    /// table is the same whoever builds it).
    nonisolated(unsafe) static let cumulative: UnsafePointer<UInt32> = {
        let perTable = symbolCount + 1, fractions = fractionSteps + 1
        let buffer = UnsafeMutablePointer<UInt32>.allocate(capacity: scaleCount * fractions * perTable)
        nonisolated(unsafe) let target = buffer
        DispatchQueue.concurrentPerform(iterations: scaleCount) { k in
            for f in -fractionSteps / 2...fractionSteps / 2 {
                let sums = table(
                    logScale: Double(k) / Double(scaleSteps) + Double(LaplaceRate.logScaleRange.lowerBound), offset: Double(f) / Double(fractionSteps)
                ).cumulative
                (target + (k * fractions + f + fractionSteps / 2) * perTable).initialize(from: sums, count: perTable)
            }
        }
        return UnsafePointer(buffer)
    }()

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
        let center = rounded(m)
        let f = Int(rounded((m - Float(center)) * Float(fractionSteps)))
        let s = logScale.isNaN ? 0 : min(max(logScale, LaplaceRate.logScaleRange.lowerBound), LaplaceRate.logScaleRange.upperBound)
        let k = min(max(Int(rounded((s - LaplaceRate.logScaleRange.lowerBound) * scaleSteps)), 0), scaleCount - 1)
        return (center, k * (fractionSteps + 1) + f + fractionSteps / 2)
    }

    /// `x.rounded()` (to nearest, halves away from zero) for |x| ≤ 2^20, without a call into
    /// the C library: the truncation is exact, and so is x − t, so the result is the same.
    @inline(__always)
    static func rounded(_ x: Float) -> Int32 {
        let t = Int32(x)
        let d = x - Float(t)
        return t + (d >= 0.5 ? 1 : 0) - (d <= -0.5 ? 1 : 0)
    }

    public static func encode(_ value: Int32, mean: Float, logScale: Float, into coder: inout RangeEncoder) {
        let (center, index) = quantize(mean: mean, logScale: logScale)
        let table = cumulative + index * (symbolCount + 1)
        let r = Int(value) - Int(center)
        let symbol = r < -reach ? 0 : r > reach ? 2 * reach + 2 : r + reach + 1
        coder.encode(cumulative: table[symbol], frequency: table[symbol + 1] - table[symbol])
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
        let symbol = coder.decode(cumulative: cumulative + index * (symbolCount + 1), symbols: symbolCount)
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
