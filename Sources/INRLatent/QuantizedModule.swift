/// A module's weights (the synthesis network, or the entropy model) as integers with one
/// power-of-two step: w = n · 2^−e. Dequantising is exact, so every decoder has the same weights.
public struct QuantizedModule: Hashable, Sendable {
    /// Steps from 2^−1 to 2^−16.
    public static let exponents = 1...16
    /// |n| below 2^17 (`IntegerModel`'s reach).
    public static let maximumMagnitude: Int32 = (1 << 17) - 1

    public var exponent: Int
    public var symbols: [Int32]

    public init(exponent: Int, symbols: [Int32]) {
        self.exponent = exponent
        self.symbols = symbols
    }

    /// `weights` rounded to multiples of 2^−exponent (clamped to the integers' reach).
    public init(quantizing weights: [Float], exponent: Int) {
        let scale = Float(sign: .plus, exponent: exponent, significand: 1)
        let limit = Float(Self.maximumMagnitude)
        self.init(exponent: exponent, symbols: weights.map { $0.isNaN ? 0 : Int32(min(max(($0 * scale).rounded(), -limit), limit)) })
    }

    public var step: Float { Float(sign: .plus, exponent: -exponent, significand: 1) }

    public var weights: [Float] {
        let step = step
        return symbols.map { Float($0) * step }
    }
}
