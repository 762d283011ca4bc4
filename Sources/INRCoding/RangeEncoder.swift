/// A binary range coder, integer-only and bit-exact (the carry "cache" scheme of LZMA's coder,
/// Igor Pavlov). Probabilities are 16-bit integers that adapt after each coded bit (see
/// `BitModel`), so encoder and decoder stay in step without floats.
///
///     state: low (33 bits), range (32 bits); a bit with P(0) = p/65536 splits range at
///     bound = (range >> 16)·p: 0 keeps [low, low+bound), 1 keeps the rest.
public struct RangeEncoder {
    private var low: UInt64 = 0
    private var range: UInt32 = 0xFFFF_FFFF
    private var cache: UInt8 = 0
    private var cacheSize = 1
    public private(set) var bytes: [UInt8] = []

    public init() {}

    /// Codes a symbol of a static distribution whose cumulative frequencies total 2^16
    /// (`FrequencyTable`): the symbol keeps [cumulative, cumulative + frequency) of the range.
    public mutating func encode(cumulative: UInt32, frequency: UInt32) {
        let step = range >> BitModel.precision
        low &+= UInt64(step &* cumulative)
        range = step &* frequency
        normalize()
    }

    /// Codes `bit` with the adaptive probability `model`, then adapts it.
    public mutating func encode(_ bit: Bool, _ model: inout BitModel) {
        encode(bit, probabilityOfZero: model.probability)
        model.update(bit)
    }

    /// Codes `bit` with P(0) = `probabilityOfZero`/65536, which must lie in 1...65535.
    public mutating func encode(_ bit: Bool, probabilityOfZero: UInt32) {
        let bound = (range >> BitModel.precision) &* probabilityOfZero
        if bit {
            low &+= UInt64(bound)
            range &-= bound
        } else {
            range = bound
        }
        normalize()
    }

    /// Codes the low `count` bits of `value`, most significant first, each with probability ½.
    public mutating func encodeDirect(_ value: UInt32, count: Int) {
        for shift in stride(from: count - 1, through: 0, by: -1) {
            range >>= 1
            if (value >> UInt32(shift)) & 1 == 1 { low &+= UInt64(range) }
            normalize()
        }
    }

    /// Flushes the state; `bytes` is then the complete code.
    public mutating func finish() -> [UInt8] {
        for _ in 0..<5 { shiftLow() }
        return bytes
    }

    private mutating func normalize() {
        while range < (1 << 24) {
            range <<= 8
            shiftLow()
        }
    }

    private mutating func shiftLow() {
        if low < 0xFF00_0000 || low >= (1 << 32) {
            let carry = UInt8(truncatingIfNeeded: low >> 32)
            var pending = cache
            repeat {
                bytes.append(pending &+ carry)
                pending = 0xFF
                cacheSize -= 1
            } while cacheSize != 0
            cache = UInt8(truncatingIfNeeded: low >> 24)
        }
        cacheSize += 1
        low = (low & 0x00FF_FFFF) << 8
    }
}

/// An adaptive probability that the next bit is 0, in units of 1/65536.
///
/// It starts at ½ and, for its first 126 bits, moves by 1/(n+2) of the distance to the bit
/// seen (the running frequency, so a context learns quickly from few samples); after that by
/// 1/128 (a window of about 128 bits). Integer arithmetic only; kept within [32, 65504] so no
/// bit ever costs more than 11 bits.
public struct BitModel: Sendable {
    static let precision: UInt32 = 16
    static let steadyShift: UInt32 = 7
    public private(set) var probability: UInt32 = 1 << 15
    private var count: UInt32 = 0

    public init() {}

    @inline(__always)
    mutating func update(_ bit: Bool) {
        if count + 2 < 1 << Self.steadyShift {
            if bit { probability -= probability / (count + 2) } else { probability += ((1 << 16) - probability) / (count + 2) }
            count += 1
        } else {
            if bit { probability -= probability >> Self.steadyShift } else { probability += ((1 << 16) - probability) >> Self.steadyShift }
        }
        probability = min(max(probability, 32), (1 << 16) - 32)
    }
}
