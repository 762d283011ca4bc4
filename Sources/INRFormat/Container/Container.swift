import INRCoding
import INRCore

/// The `.inr` container (docs/bitstream.md): the framing every media kind shares.
///
///     "INRC" · version (1 byte) · sections
///
/// The version byte is the lowest that holds the file's media kind (`MediaFormat.formatVersion`):
/// 1 for kinds 1–4, 2 for kind 5 (segmented video), 4 for kind 6 (latent image; its version-3
/// files, before the synthesis's convolutions, are refused), so a file of an older kind is byte for byte
/// what older builds wrote and read, and an older build refuses a segmented video by its version.
///     section = tag (4 ASCII bytes) · length (varint) · payload · CRC-32 of tag + payload (u32 LE)
///
///     bytes ─► Container(reading:) ─► magic, version, framing, every CRC once; HEAD first, its
///              │                      media kind registered (`MediaFormats`), the kind's sections
///              ▼                      in order
///           Container ─► format() ─► the kind's `MediaFormat` reads the payloads: decode, inspect
///
///     a kind's writer ─► Container(sections:) ─► bytes
///
/// HEAD's first byte is the media kind; the rest of HEAD and the other sections belong to the
/// kind (Sources/INRFormat/Sections: one file per section type).
public struct Container: Hashable, Sendable {
    public static let magic = Array("INRC".utf8)
    /// The newest version this build reads and writes; it reads every version from 1 (a kind's
    /// files older than its `formatVersion` are refused by name).
    public static let version: UInt8 = 4
    /// The first section's tag; its payload starts with the media kind.
    public static let headTag = "HEAD"
    /// The largest file the reader takes (256 MiB, some ten times a minute of 1080p video at
    /// 0.05 bpp): a longer file is refused from its size, a device or a pipe that does not end
    /// after this many bytes.
    public static let maximumSize = 1 << 28

    /// A tag (4 ASCII letters) and its payload.
    public struct Section: Hashable, Sendable {
        public var tag: String
        public var payload: ArraySlice<UInt8>

        public init(_ tag: String, _ payload: ArraySlice<UInt8>) {
            self.tag = tag
            self.payload = payload
        }

        public init(_ tag: String, _ payload: [UInt8]) { self.init(tag, payload[...]) }
    }

    public let sections: [Section]
    /// The file's size in bytes: as read, or as `bytes` will write it.
    public let size: Int
    /// The version byte: as read, or the lowest that holds the media kind.
    public let version: UInt8

    /// Sections to write, HEAD first.
    public init(sections: [Section]) {
        self.sections = sections
        version = sections.first?.payload.first.flatMap(MediaFormats.format(kind:))?.formatVersion ?? 1
        size = sections.reduce(Self.magic.count + 1) { size, section in
            let count = section.payload.count
            return size + 8 + count + (max(count.bitWidth - count.leadingZeroBitCount, 1) + 6) / 7  // tag, CRC, payload, varint
        }
    }

    /// Reads a file, checking the magic, the version, every length and CRC, the media kind and
    /// that the sections are the kind's, in order. Nothing else reads the bytes again.
    public init(reading bytes: [UInt8]) throws(BitstreamError) {
        guard bytes.count >= 5, Array(bytes[0..<4]) == Self.magic else { throw .notINR }
        guard (1...Self.version).contains(bytes[4]) else { throw .unsupportedVersion(Int(bytes[4]), supported: Int(Self.version)) }
        version = bytes[4]
        var reader = ByteReader(bytes[5...], context: "section list")
        var sections: [Section] = []
        while !reader.isAtEnd {
            let tagBytes = try reader.bytes(4)
            let tag = String(decoding: tagBytes, as: UTF8.self)
            let length = try reader.varint()
            guard length <= reader.remaining else { throw .truncated("section \(tag)") }
            let payload = try reader.bytes(length)
            let stored = try reader.uint32()
            guard CRC32.checksum(Array(tagBytes) + Array(payload)) == stored else { throw .checksum(tag) }
            sections.append(Section(tag, payload))
        }
        self.sections = sections
        size = bytes.count
        let format = try format()
        guard format.formatVersion <= version else {
            throw .corrupt("HEAD", "media kind \(format.kind) (\(format.name)) needs format version \(format.formatVersion); the file says \(version)")
        }
        let expected = [Self.headTag] + format.sections, found = sections.map(\.tag)
        guard found == expected else {
            throw .corrupt("section list", "expected sections \(expected.joined(separator: ", ")), found \(found.joined(separator: ", "))")
        }
    }

    /// The file.
    public var bytes: [UInt8] {
        var writer = ByteWriter()
        writer.append(Self.magic + [version])
        for section in sections {
            let tag = Array(section.tag.utf8), payload = Array(section.payload)
            writer.append(tag)
            writer.append(varint: payload.count)
            writer.append(payload)
            writer.append(CRC32.checksum(tag + payload))
        }
        return writer.bytes
    }

    /// The payload of the section `tag`; empty when there is none (a reader then finds it short).
    public func payload(_ tag: String) -> ArraySlice<UInt8> {
        sections.first { $0.tag == tag }?.payload ?? []
    }

    /// The registered format of HEAD's media kind.
    public func format() throws(BitstreamError) -> any MediaFormat.Type {
        guard let head = sections.first, head.tag == Self.headTag, let kind = head.payload.first else {
            throw .corrupt("section list", "the file does not start with a HEAD section")
        }
        guard let format = MediaFormats.format(kind: kind) else { throw .corrupt("HEAD", MediaFormats.unknownKind(kind)) }
        return format
    }
}
