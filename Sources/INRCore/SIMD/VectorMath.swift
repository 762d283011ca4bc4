/// Vectorised transcendental functions for the kernels: sine and cosine together, and exp.
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

    /// `e^x`, saturating to 0 below -87.3 and to `Float.greatestFiniteMagnitude`-ish above 88.7.
    ///
    /// Reduction x = n·ln 2 + r, |r| ≤ ln2/2, Cephes' degree-6 polynomial for e^r, and 2ⁿ built
    /// in the exponent bits.
    @inlinable @inline(__always)
    public static func exp(_ x: Vector) -> Vector {
        let clamped = pointwiseMax(pointwiseMin(x, Vector(repeating: 88.376_26)), Vector(repeating: -87.336_54))
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

    @inlinable @inline(__always)
    static func multiplyAdd(_ a: Vector, _ b: Vector, _ c: Vector) -> Vector {
        M.multiplyAdd(a, b, c)
    }
}
