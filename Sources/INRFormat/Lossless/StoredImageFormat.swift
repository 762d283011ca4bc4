import Foundation
import INRCoding
import INRCore
import INRMedia

/// Media kind 4, a stored image (docs/bitstream.md, docs/lossless.md): the lossless encoder's
/// fallback when its network's file would be larger than the image's PNG: the input file's own,
/// or its re-encoding at compression level 9, whichever is smaller. The file is that PNG stream
/// in a container, so a lossless file is never more than a few bytes above either.
///
///     HEAD  kind (u8) · width, height (varints) · channels · bit depth (u8)
///     PNGS  a PNG stream of exactly those samples (as inr reads PNG: palette and low-bit gray expanded)
///
///     Image ─► PNG.encode ─► container ─► bytes      bytes ─► Container ─► read ─► PNG.decode ─► Image
public enum StoredImageFormat: ImageMediaFormat {
    public static let kind: UInt8 = 4
    public static let name = "stored image"
    public static let streamTag = "PNGS"
    public static let sections = [streamTag]

    /// What a stored file holds: the image's shape and its PNG stream.
    public struct StoredImage: Hashable, Sendable {
        public var width: Int
        public var height: Int
        public var channels: Int
        public var bitDepth: Int
        public var png: [UInt8]
    }

    /// The chunks of a PNG stream that make its samples as inr reads them (IHDR, PLTE, tRNS,
    /// IDAT, IEND), the rest (text, EXIF, ICC profiles, gamma…) left out: what a stored file
    /// keeps of an input PNG. Nil for bytes that are not a well-framed PNG stream.
    public static func stripped(_ png: [UInt8]) -> [UInt8]? {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard png.count > 8, Array(png[0..<8]) == signature else { return nil }
        let kept: Set<String> = ["IHDR", "PLTE", "tRNS", "IDAT", "IEND"]
        var result = signature
        var offset = 8
        while offset + 12 <= png.count {
            let length = png[offset..<(offset + 4)].reduce(0) { $0 << 8 | Int($1) }
            let end = offset + 12 + length
            guard length <= png.count, end <= png.count else { return nil }
            let type = String(decoding: png[(offset + 4)..<(offset + 8)], as: UTF8.self)
            if kept.contains(type) { result += png[offset..<end] }
            offset = end
            if type == "IEND" { return result }
        }
        return nil
    }

    /// The file of `image` whose PNG stream (`PNG.encode(image)`, or an input's `stripped`) is `png`.
    public static func bytes(_ image: Image, png: [UInt8]) -> [UInt8] {
        var head = ByteWriter()
        head.append(byte: kind)
        head.append(varint: image.width)
        head.append(varint: image.height)
        head.append(byte: UInt8(image.channels))
        head.append(byte: UInt8(image.bitDepth))
        return Container(sections: [Container.Section(Container.headTag, head.bytes), Container.Section(streamTag, png)]).bytes
    }

    /// The stored image of a verified container of this kind (its PNG not yet decoded).
    public static func read(_ file: Container) throws(BitstreamError) -> StoredImage {
        var head = ByteReader(file.payload(Container.headTag), context: Container.headTag)
        let kind = try head.byte()
        guard kind == Self.kind else { throw .corrupt("HEAD", MediaFormats.wrongKind(kind, expected: self)) }
        let width = try head.varint(in: 1...ImageFormat.maximumSide, "width")
        let height = try head.varint(in: 1...ImageFormat.maximumSide, "height")
        guard width * height <= 1 << 30 else { throw .corrupt("HEAD", "image of \(width)×\(height) is too large") }
        let channels = Int(try head.byte())
        guard (1...4).contains(channels) else { throw .corrupt("HEAD", "\(channels) channels") }
        let bitDepth = Int(try head.byte())
        guard bitDepth == 8 || bitDepth == 16 else { throw .corrupt("HEAD", "bit depth \(bitDepth)") }
        guard head.isAtEnd else { throw .corrupt("HEAD", "\(head.remaining) unexpected bytes") }
        return StoredImage(width: width, height: height, channels: channels, bitDepth: bitDepth, png: Array(file.payload(streamTag)))
    }

    /// The samples, refused from HEAD beyond `budget`, and refused unless the PNG stream holds
    /// exactly the image HEAD announces.
    public static func image(_ stored: StoredImage, budget: DecodeBudget) throws -> Image {
        try budget.checkImage(width: stored.width, height: stored.height)
        let samples = stored.width * stored.height * stored.channels
        try budget.checkSamples(samples, what: "a \(stored.width)×\(stored.height) image")
        let image: Image
        do {
            image = try PNG.decode(stored.png, maximumSamples: samples, maximumPixels: stored.width * stored.height)
        } catch {
            throw BitstreamError.corrupt(streamTag, "the PNG stream does not decode: \(error)")
        }
        guard image.width == stored.width, image.height == stored.height, image.channels == stored.channels, image.bitDepth == stored.bitDepth else {
            throw BitstreamError.corrupt(
                streamTag, "the PNG stream holds a \(image.width)×\(image.height) \(image.channels)-channel \(image.bitDepth)-bit image; "
                    + "HEAD says \(stored.width)×\(stored.height) \(stored.channels)-channel \(stored.bitDepth)-bit")
        }
        return image
    }

    /// The exact samples (at the stored size only).
    public static func image(_ file: Container, scale: Double, decoder: ImageDecoder) throws -> Image {
        guard scale == 1 else { throw DecodeError("a stored image decodes at its stored size only (scale 1)") }
        return try image(try read(file), budget: decoder.budget)
    }

    public static func describe(_ file: Container) throws -> [String] {
        let stored = try read(file)
        return [
            "media      \(name) \(stored.width)×\(stored.height), \(stored.channels) channel(s), \(stored.bitDepth)-bit, "
                + String(format: "%.4f bpp", Double(file.size * 8) / Double(stored.width * stored.height)),
            "stored     PNG stream of \(stored.png.count) B (a network's file was larger)",
        ]
    }

    public static func symbols(_ file: Container) throws -> [SymbolTensor] {
        throw UnsupportedRequest("--symbols: a stored image holds no network")
    }
}
