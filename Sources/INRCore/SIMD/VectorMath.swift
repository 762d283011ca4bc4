/// Vectorised transcendental functions for the kernels: sine and cosine together, exp and log₂.
///
/// Accuracy is a few ulp over the ranges a network sees (|x| < 10⁴ for sine, any x for exp);
/// the scalar references in the tests are Foundation's `sin`, `cos` and `exp` in Double.
public enum VectorMath<M: MultiplyAdd> {
    /// `(sin x, cos x)`.
    ///
    /// Cody–Waite reduction by π/2 in three parts (exact products for |quadrant| < 2¹³), then
    /// Cephes' minimax polynomials on [-π/4, π/4]; the quadrant selects and negates.
    @inlinable @inline(__always)
    public static func sinCos(_ x: Vector) -> (sin: Vector, cos: Vector) {
        // Round x·2/π to the nearest integer with the 1.5·2²³ trick: the integer lands in the
        // low mantissa bits of `shifted`, so the quadrant needs no float-to-int conversion.
        let magic = Vector(repeating: 12_582_912)
        let shifted = multiplyAdd(x, Vector(repeating: 0.636_619_772_367_581_3), magic)
        let quadrant = shifted - magic
        let q = shifted.bits

        var r = multiplyAdd(quadrant, Vector(repeating: -1.570_312_5), x)
        r = multiplyAdd(quadrant, Vector(repeating: -4.837_512_969_970_703_125e-4), r)
        r = multiplyAdd(quadrant, Vector(repeating: -7.549_789_948_768_648e-8), r)
        let r2 = r * r

        var sinPoly = multiplyAdd(Vector(repeating: -1.951_529_589_1e-4), r2, Vector(repeating: 8.332_160_873_6e-3))
        sinPoly = multiplyAdd(sinPoly, r2, Vector(repeating: -1.666_665_461_1e-1))
        let sinR = multiplyAdd(sinPoly * r2, r, r)

        var cosPoly = multiplyAdd(Vector(repeating: 2.443_315_711_809_948e-5), r2, Vector(repeating: -1.388_731_625_493_765e-3))
        cosPoly = multiplyAdd(cosPoly, r2, Vector(repeating: 4.166_664_568_298_827e-2))
        let cosR = multiplyAdd(cosPoly * r2, r2, multiplyAdd(Vector(repeating: -0.5), r2, Vector(repeating: 1)))

        // Odd quadrants swap sine and cosine; quadrants 2,3 negate sine, 1,2 negate cosine.
        let swap = VectorBits(repeating: 0) &- (q & 1)
        let sine = sinR.selecting(cosR, where: swap)
        let cosine = cosR.selecting(sinR, where: swap)
        let sineSign = (q & 2) &<< 30
        let cosineSign = ((q &+ 1) & 2) &<< 30
        return (Vector(bits: sine.bits ^ sineSign), Vector(bits: cosine.bits ^ cosineSign))
    }

    /// `pointwiseMin(a, b)` lane for lane as the standard library has it (`Float.minimum`: `a`
    /// where a ≤ b or b is NaN, else `b`; signalling NaNs aside, which arithmetic never makes),
    /// in vector compares and a blend: the generic `pointwiseMin` is a per-lane loop that the
    /// optimiser leaves as a call in some kernels.
    @inlinable @inline(__always)
    public static func minimum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: .!(a .<= b) .& (b .== b))
    }

    /// `pointwiseMax(a, b)` likewise (`Float.maximum`: `a` where a > b or b is NaN, else `b`).
    @inlinable @inline(__always)
    public static func maximum(_ a: Vector, _ b: Vector) -> Vector {
        a.replacing(with: b, where: .!(a .> b) .& (b .== b))
    }

    /// `e^x`, saturating to 0 below -87.3 and to `Float.greatestFiniteMagnitude`-ish above 88.7.
    ///
    /// Reduction x = n·ln 2 + r, |r| ≤ ln2/2, Cephes' degree-6 polynomial for e^r, and 2ⁿ built
    /// in the exponent bits.
    @inlinable @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        let clamped = maximum(minimum(x, Vector(repeating: 88.376_26)), Vector(repeating: -87.336_54))
        let magic = Vector(repeating: 12_582_912)
        let shifted = multiplyAdd(clamped, Vector(repeating: 1.442_695_040_888_963_4), magic)
        let n = shifted - magic
        var r = multiplyAdd(n, Vector(repeating: -0.693_359_375), clamped)
        r = multiplyAdd(n, Vector(repeating: 2.121_944_4e-4), r)
        var p = multiplyAdd(Vector(repeating: 1.987_569_150_0e-4), r, Vector(repeating: 1.398_199_950_7e-3))
        p = multiplyAdd(p, r, Vector(repeating: 8.333_451_907_3e-3))
        p = multiplyAdd(p, r, Vector(repeating: 4.166_579_589_4e-2))
        p = multiplyAdd(p, r, Vector(repeating: 1.666_666_545_9e-1))
        p = multiplyAdd(p, r, Vector(repeating: 5.000_000_120_1e-1))
        let er = multiplyAdd(p, r * r, r + Vector(repeating: 1))
        // shifted's bits are 0x4B400000 + n; 2ⁿ's are (n + 127) << 23.
        let twoToN = (shifted.bits &- VectorBits(repeating: 0x4B40_0000 - 127)) &<< 23
        return er * Vector(bits: twoToN)
    }

    /// `log₂ x` for normal x > 0 (relative error about 10⁻⁷).
    ///
    /// x = m·2^e with m in [√½, √2) from the bits, ln m = f − f²/2 + f³·P(f) with f = m − 1 and
    /// Cephes' degree-8 polynomial P (its `logf`), then log₂ x = ln m · log₂ e + e.
    @inlinable @inline(__always)
    public static func log2(_ x: Vector) -> Vector {
        let bits = x.bits
        // m in [1, 2) and e = the biased exponent, as floats (2²³ + n has n in its low bits).
        var m = Vector(bits: (bits & VectorBits(repeating: 0x007F_FFFF)) | VectorBits(repeating: 0x3F80_0000))
        let biased = Vector(bits: ((bits &>> 23) & VectorBits(repeating: 0xFF)) | VectorBits(repeating: 0x4B00_0000))
        var e = biased - Vector(repeating: 8_388_608 + 127)
        let high = m .> Vector(repeating: 1.414_213_5)
        m.replace(with: m * 0.5, where: high)
        e.replace(with: e + 1, where: high)
        let f = m - 1, f2 = f * f
        var p = multiplyAdd(Vector(repeating: 7.037_683_629_2e-2), f, Vector(repeating: -1.151_461_031_0e-1))
        p = multiplyAdd(p, f, Vector(repeating: 1.167_699_874_0e-1))
        p = multiplyAdd(p, f, Vector(repeating: -1.242_014_084_6e-1))
        p = multiplyAdd(p, f, Vector(repeating: 1.424_932_278_7e-1))
        p = multiplyAdd(p, f, Vector(repeating: -1.666_805_766_5e-1))
        p = multiplyAdd(p, f, Vector(repeating: 2.000_071_476_5e-1))
        p = multiplyAdd(p, f, Vector(repeating: -2.499_999_399_3e-1))
        p = multiplyAdd(p, f, Vector(repeating: 3.333_333_117_4e-1))
        let logM = multiplyAdd(p * f2, f, multiplyAdd(Vector(repeating: -0.5), f2, f))
        return multiplyAdd(logM, Vector(repeating: 1.442_695_040_888_963_4), e)
    }

    @inlinable @inline(__always)
    static func multiplyAdd(_ a: Vector, _ b: Vector, _ c: Vector) -> Vector {
        M.multiplyAdd(a, b, c)
    }
}
