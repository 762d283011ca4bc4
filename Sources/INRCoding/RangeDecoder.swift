/// Decodes what `RangeEncoder` wrote. Reading past the end of the code yields zero bytes and
/// sets `overrun`; callers treat a large overrun as a corrupt stream. Every loop is bounded by
/// the caller's symbol count, so a hostile stream cannot make decoding hang.
public struct RangeDecoder {
    private let bytes: [UInt8]
    private var position: Int
    private var range: UInt32 = 0xFFFF_FFFF
    private var code: UInt32 = 0
    /// Bytes read past the end of the code.
    public private(set) var overrun = 0

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        position = 1  // the encoder's first byte is always 0 (its initial cache)
        for _ in 0..<4 { code = (code << 8) | UInt32(nextByte()) }
    }

    /// The first byte must be zero for a well-formed code.
    public var startsWell: Bool { bytes.first == 0 }

    public mutating func decode(_ model: inout BitModel) -> Bool {
        let bit = decode(probabilityOfZero: model.probability)
        model.update(bit)
        return bit
    }

    /// Decodes a bit coded with P(0) = `probabilityOfZero`/65536 (in 1...65535).
    public mutating func decode(probabilityOfZero: UInt32) -> Bool {
        let bound = (range >> BitModel.precision) &* probabilityOfZero
        let bit: Bool
        if code < bound {
            range = bound
            bit = false
        } else {
            code &-= bound
            range &-= bound
            bit = true
        }
        normalize()
        return bit
    }

    /// Decodes a symbol coded by `RangeEncoder.encode(cumulative:frequency:)`: the symbol of the
    /// table (its `symbols` + 1 running sums, read in place: no copy, no reference count, so
    /// tables shared by threads stay read-only memory) whose interval holds the code (a damaged
    /// stream gives some symbol, never a trap).
    @inline(__always)
    public mutating func decode(cumulative: UnsafePointer<UInt32>, symbols: Int) -> Int {
        let step = range >> BitModel.precision
        let target = min(code / step, (1 << BitModel.precision) - 1)
        // The last s with cumulative[s] ≤ target, by halving without branches on the data.
        var low = 0, count = symbols
        while count > 1 {
            let half = count >> 1
            low = cumulative[low + half] <= target ? low + half : low
            count -= half
        }
        let start = cumulative[low]
        code &-= step &* start
        range = step &* (cumulative[low + 1] - start)
        normalize()
        return low
    }

    public mutating func decodeDirect(count: Int) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<count {
            range >>= 1
            let bit: UInt32 = code >= range ? 1 : 0
            if bit == 1 { code &-= range }
            value = (value << 1) | bit
            normalize()
        }
        return value
    }

    private mutating func normalize() {
        while range < (1 << 24) {
            range <<= 8
            code = (code << 8) | UInt32(nextByte())
        }
    }

    private mutating func nextByte() -> UInt8 {
        guard position < bytes.count else {
            overrun += 1
            return 0
        }
        defer { position += 1 }
        return bytes[position]
    }
}
