/// Reads what `ByteWriter` wrote, never past the end: every read checks the remaining length
/// and throws `BitstreamError` instead.
public struct ByteReader {
    public let bytes: ArraySlice<UInt8>
    public private(set) var position: Int
    let context: String

    public init(_ bytes: ArraySlice<UInt8>, context: String) {
        self.bytes = bytes
        position = bytes.startIndex
        self.context = context
    }

    public var remaining: Int { bytes.endIndex - position }
    public var isAtEnd: Bool { position == bytes.endIndex }

    public mutating func byte() throws(BitstreamError) -> UInt8 {
        guard position < bytes.endIndex else { throw .truncated(context) }
        defer { position += 1 }
        return bytes[position]
    }

    public mutating func bytes(_ count: Int) throws(BitstreamError) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw .truncated(context) }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    /// A LEB128 varint of at most 63 bits.
    public mutating func varint() throws(BitstreamError) -> Int {
        var value: UInt64 = 0
        for shift in stride(from: 0, to: 63, by: 7) {
            let b = try byte()
            value |= UInt64(b & 0x7F) << UInt64(shift)
            if b & 0x80 == 0 {
                guard value <= UInt64(Int.max) else { break }
                return Int(value)
            }
        }
        throw .corrupt(context, "varint too long")
    }

    /// A varint that must lie in `range`.
    public mutating func varint(in range: ClosedRange<Int>, _ what: String) throws(BitstreamError) -> Int {
        let value = try varint()
        guard range.contains(value) else { throw .corrupt(context, "\(what) \(value) outside \(range.lowerBound)...\(range.upperBound)") }
        return value
    }

    public mutating func uint32() throws(BitstreamError) -> UInt32 {
        let b = try bytes(4)
        return b.enumerated().reduce(0) { $0 | UInt32($1.element) << UInt32(8 * $1.offset) }
    }

    public mutating func uint64() throws(BitstreamError) -> UInt64 {
        let b = try bytes(8)
        return b.enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) }
    }

    /// A finite float.
    public mutating func float(_ what: String) throws(BitstreamError) -> Float {
        let value = Float(bitPattern: try uint32())
        guard value.isFinite else { throw .corrupt(context, "\(what) is not finite") }
        return value
    }

    public mutating func float16() throws(BitstreamError) -> Float16 {
        let b = try bytes(2)
        return Float16(bitPattern: UInt16(b[b.startIndex]) | UInt16(b[b.startIndex + 1]) << 8)
    }
}

/// Why a file could not be decoded.
public enum BitstreamError: Error, CustomStringConvertible, Equatable {
    case notINR
    case unsupportedVersion(Int, supported: Int)
    case truncated(String)
    case corrupt(String, String)
    case checksum(String)
    /// A well-formed file that asks for more work than the decoder's budget (`DecodeBudget`).
    case overBudget(String)

    public var description: String {
        switch self {
        case .notINR: "not an inr file (bad magic)"
        case .unsupportedVersion(let v, let supported): "format version \(v) is not supported by this build (it reads versions 1 to \(supported))"
        case .truncated(let where_): "truncated (\(where_))"
        case .corrupt(let where_, let what): "corrupt \(where_): \(what)"
        case .checksum(let where_): "checksum mismatch in section \(where_): the file is damaged"
        case .overBudget(let what): what
        }
    }
}
