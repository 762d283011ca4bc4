/// Functions that give the same bits on every machine: built from IEEE-754 double additions,
/// multiplications and divisions only (no libm, whose `exp` may round differently on another
/// CPU or library), for probability tables an encoder and a decoder must agree on exactly.
public enum DeterministicMath {
    /// e^x for |x| ≤ 40 (|x| beyond is clamped there): the Taylor series at x/1024, squared
    /// ten times; relative error about 1e-13.
    public static func exponential(_ x: Double) -> Double {
        let y = min(max(x, -40), 40) / 1024
        var term = 1.0, sum = 1.0
        for n in 1...12 {
            term = term * y / Double(n)
            sum += term
        }
        for _ in 0..<10 { sum *= sum }
        return sum
    }
}
