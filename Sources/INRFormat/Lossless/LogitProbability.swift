import INRCoding

/// Turns a network's logit into the integer probability the range coder uses, identically on
/// every machine:
///
///     q    = round(32·z), clamped to ±512          (z in steps of 1/32, up to ±16)
///     P(0) = round(65536 / (1 + e^(q/32))), clamped to [16, 65520]
///
/// The table is built once from basic IEEE-754 double operations only (no libm, whose `exp`
/// may round differently elsewhere), so encoder and decoder agree bit for bit given the same
/// logit. The clamp bounds a wrong guess at 12 bits and a certain bit at 0.00035 bits.
public enum LogitProbability {
    static let resolution: Float = 32
    static let limit = 512
    static let lowest: UInt32 = 16
    static let highest: UInt32 = 65536 - 16

    static let table: [UInt32] = (-limit...limit).map { q in
        let p = 65536 / (1 + DeterministicMath.exponential(Double(q) / Double(resolution)))
        return min(max(UInt32(p.rounded()), lowest), highest)
    }

    /// P(bit = 0) in units of 1/65536 for a logit z (P(1) = σ(z)); a NaN counts as 0.
    @inline(__always)
    public static func probabilityOfZero(logit: Float) -> UInt32 {
        let scaled = logit * resolution
        let q = scaled.isNaN ? 0 : Int(min(max(scaled, -Float(limit)), Float(limit)).rounded())
        return table[q + limit]
    }
}
