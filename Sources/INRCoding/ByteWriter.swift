/// Little-endian fields and LEB128 varints appended to a byte array.
public struct ByteWriter {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    public mutating func append(byte: UInt8) { bytes.append(byte) }
    public mutating func append(_ other: [UInt8]) { bytes += other }

    public mutating func append(varint value: Int) {
        precondition(value >= 0, "varints are unsigned")
        var v = UInt64(value)
        repeat {
            let low = UInt8(v & 0x7F)
            v >>= 7
            bytes.append(v == 0 ? low : low | 0x80)
        } while v != 0
    }

    public mutating func append(_ value: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    public mutating func append(_ value: UInt64) {
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }

    public mutating func append(_ value: Float) { append(value.bitPattern) }

    public mutating func append(_ value: Float16) {
        bytes.append(UInt8(truncatingIfNeeded: value.bitPattern))
        bytes.append(UInt8(truncatingIfNeeded: value.bitPattern >> 8))
    }
}
