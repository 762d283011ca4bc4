import Foundation
import INRCoding
import INRCore
import INRMedia
import INRModel
import INRNetwork

/// Media kind 1, an image the network renders (docs/bitstream.md); a lossless image (kind 2,
/// `LosslessImageFormat`) is laid out the same and adds to it.
///
///     HEAD  kind (u8) · width, height (varints) · channels · bit depth (u8)   [kind 2: its head fields]
///     NETW · ENCO · QUAN    `StoredNetwork` (input width from ENCO, output width the channels)
///     WGHT  the integers    `WeightSection`                                  [kind 2: BITS]
///
///     CompressedImage ─► container ─► Container.bytes     bytes ─► Container(reading:) ─► read ─► CompressedImage
public enum ImageFormat: ImageMediaFormat {
    public static let kind: UInt8 = 1
    public static let name = "image"
    public static let sections = StoredNetwork.tags + [WeightSection.tag]
    /// The largest width or height a file may announce.
    public static let maximumSide = 1 << 20

    public static func container(_ image: CompressedImage) -> Container {
        var head = ByteWriter()
        head.append(byte: image.lossless == nil ? kind : LosslessImageFormat.kind)
        head.append(varint: image.width)
        head.append(varint: image.height)
        head.append(byte: UInt8(image.channels))
        head.append(byte: UInt8(image.bitDepth))
        if let lossless = image.lossless { LosslessImageFormat.writeHead(lossless, to: &head) }
        let sections = [Container.Section(Container.headTag, head.bytes)] + image.network.sections
            + [Container.Section(WeightSection.tag, WeightSection.payload(image.parameters))]
        return Container(sections: sections + (image.lossless.map { [LosslessImageFormat.bitsSection($0)] } ?? []))
    }

    public static func bytes(_ image: CompressedImage) -> [UInt8] { container(image).bytes }

    /// The image a file holds, every section checked.
    public static func read(_ bytes: [UInt8], budget: DecodeBudget = .standard) throws(BitstreamError) -> CompressedImage {
        try read(Container(reading: bytes), budget: budget)
    }

    /// The image (kind 1 or 2) a verified container holds, refused before its weights are
    /// decoded if rendering it at its stored size is beyond `budget`.
    public static func read(_ file: Container, budget: DecodeBudget = .standard) throws(BitstreamError) -> CompressedImage {
        var head = ByteReader(file.payload(Container.headTag), context: Container.headTag)
        let kind = try head.byte()
        guard kind == Self.kind || kind == LosslessImageFormat.kind else { throw .corrupt("HEAD", MediaFormats.wrongKind(kind, expected: self)) }
        let width = try head.varint(in: 1...maximumSide, "width")
        let height = try head.varint(in: 1...maximumSide, "height")
        guard width * height <= 1 << 30 else { throw .corrupt("HEAD", "image of \(width)×\(height) is too large") }
        let channels = Int(try head.byte())
        guard (1...4).contains(channels) else { throw .corrupt("HEAD", "\(channels) channels") }
        let bitDepth = Int(try head.byte())
        guard bitDepth == 8 || bitDepth == 16 else { throw .corrupt("HEAD", "bit depth \(bitDepth)") }
        let lossless = kind == LosslessImageFormat.kind ? try LosslessImageFormat.read(&head, bits: file.payload(LosslessImageFormat.bitsTag)) : nil
        guard head.isAtEnd else { throw .corrupt("HEAD", "\(head.remaining) unexpected bytes") }

        let network = try StoredNetwork(
            reading: file, extraInputWidth: lossless?.head.extraInputWidth(channels: channels) ?? 0,
            outputWidth: lossless?.head.outputWidth(channels: channels, bitDepth: bitDepth) ?? channels)
        try checkBudget(width: width, height: height, channels: channels, bitDepth: bitDepth, bitPlanes: lossless?.head, network: network.spec, budget)
        let symbols = try WeightSection.read(
            file.payload(WeightSection.tag), layout: network.layout, quantization: network.quantization)
        let parameters = network.parameters(symbols)
        return CompressedImage(
            width: width, height: height, channels: channels, bitDepth: bitDepth, encoding: network.encoding, parameters: parameters,
            lossless: lossless)
    }

    /// Throws `.overBudget` when decoding an image of this shape with `network` (and, lossless,
    /// its bit-plane head's queries) is beyond `budget`: the one check of both the decoder
    /// (from the header) and the encoder (before fitting).
    public static func checkBudget(
        width: Int, height: Int, channels: Int, bitDepth: Int, bitPlanes: BitPlaneHead?, network: NetworkSpec, _ budget: DecodeBudget
    ) throws(BitstreamError) {
        try budget.checkImage(width: width, height: height)
        let queries = bitPlanes?.queriesPerPixel(channels: channels, bitDepth: bitDepth) ?? 1
        try budget.check(
            what: "a \(width)×\(height) image", network: network, renderedSamples: width * height * queries,
            decodedSamples: width * height * channels)
    }

    /// Renders the network (kind 1) or decodes the bit planes (kind 2: at scale 1 only).
    public static func image(_ file: Container, scale: Double, decoder: ImageDecoder) throws -> Image {
        try decoder.decode(try read(file, budget: decoder.budget), scale: scale)
    }

    /// An image kind's file decoded (at `request.scale`) and written as PNG: what `inr decode`
    /// does with every `ImageMediaFormat`.
    /// Refuses an image's output that is not PNG (a .png name, or a device or pipe).
    static func checkPNGOutput(_ request: DecodeRequest) throws {
        guard request.output.lowercased().hasSuffix(".png") || OutputFile.isWrittenInPlace(request.output) else {
            throw UnsupportedRequest("--output \(request.output): \(request.file) is an image, which decodes to PNG: give a .png name")
        }
    }

    static func decodeToPNG(_ file: Container, _ request: DecodeRequest) throws -> [String] {
        try checkPNGOutput(request)
        let start = Date()
        let image = try request.decoding {
            try ImageDecoder(threads: request.threads, budget: request.budget).decode(file, scale: request.scale)
        }
        let decoded = Date()
        try request.createOutputFolder()
        try PNG.write(image, to: request.output)
        return [
            "decoded \(request.file): \(image.width)×\(image.height), \(image.channels) channel(s), \(image.bitDepth)-bit in "
                + String(format: "%.0f ms; wrote %@ in %.0f ms", decoded.timeIntervalSince(start) * 1000, request.output, Date().timeIntervalSince(decoded) * 1000),
            "samples sha256 \(SHA256.hex(image.sampleBytes))",
        ]
    }

    public static func describe(_ file: Container) throws -> [String] {
        let image = try read(file, budget: .unlimited)
        let media = "media      \(image.lossless == nil ? name : LosslessImageFormat.name) \(image.width)×\(image.height), "
            + "\(image.channels) channel(s), \(image.bitDepth)-bit, "
            + String(format: "%.4f bpp", Double(file.size * 8) / Double(image.width * image.height))
        return [media] + (image.lossless.map { [LosslessImageFormat.summary($0)] } ?? []) + image.network.summary
    }

    public static func symbols(_ file: Container) throws -> [SymbolTensor] {
        WeightSection.tensors(try read(file, budget: .unlimited).parameters)
    }
}
