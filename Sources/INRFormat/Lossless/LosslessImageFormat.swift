import Foundation
import INRCoding
import INRMedia
import INRModel

/// Media kind 2, a lossless image (docs/bitstream.md, docs/lossless.md): an image's layout
/// (`ImageFormat`), with the bit-plane head and the samples' checksum at the end of HEAD, and
/// BITS after WGHT: every bit of the image range-coded with the network's probabilities
/// (`BitPlaneCoder`).
///
///     HEAD  … an image's fields · layout · context · context size (u8 each) · CRC-32 of the samples (u32)
///     BITS  the range code of the bits
public enum LosslessImageFormat: ImageMediaFormat {
    public static let kind: UInt8 = 2
    public static let name = "lossless image"
    public static let bitsTag = "BITS"
    public static let sections = ImageFormat.sections + [bitsTag]

    /// HEAD's context byte of each context.
    static func contextCode(_ context: BitPlaneHead.Context) -> UInt8 {
        switch context {
        case .none: 0
        case .pixel: 1
        case .neighbourhood: 2
        case .interlaced: 3
        }
    }

    static func writeHead(_ code: LosslessCode, to head: inout ByteWriter) {
        head.append(byte: code.head.layout == .bitInput ? 0 : 1)
        head.append(byte: contextCode(code.head.context))
        head.append(byte: UInt8(code.head.contextSize))
        head.append(code.checksum)
    }

    static func bitsSection(_ code: LosslessCode) -> Container.Section { Container.Section(bitsTag, code.bits) }

    /// The head fields after an image's, with `bits` (BITS's payload).
    static func read(_ head: inout ByteReader, bits: ArraySlice<UInt8>) throws(BitstreamError) -> LosslessCode {
        let layoutCode = try head.byte(), code = try head.byte(), size = Int(try head.byte())
        guard layoutCode <= 1, let context = BitPlaneHead.Context.allCases.first(where: { contextCode($0) == code }) else {
            throw .corrupt("HEAD", "unknown bit-plane layout or context")
        }
        let layout: BitPlaneHead.Layout = layoutCode == 0 ? .bitInput : .allOutputs
        guard BitPlaneHead.isValid(layout: layout, context: context, contextSize: size) else { throw .corrupt("HEAD", "implausible bit-plane head") }
        return LosslessCode(head: BitPlaneHead(layout: layout, context: context, contextSize: size), checksum: try head.uint32(), bits: Array(bits))
    }

    /// `inr inspect`'s lossless line.
    static func summary(_ code: LosslessCode) -> String {
        let head = code.head
        let size = head.context == .neighbourhood ? " r = \(head.contextSize)" : head.context == .interlaced ? ", \(head.contextSize) levels" : ""
        return "lossless   bit planes, \(head.layout.rawValue), context \(head.context.rawValue)\(size); "
            + "coded bits \(code.bits.count) B; samples CRC-32 " + String(format: "%08x", code.checksum)
    }

    /// The exact samples (at the stored size only): `ImageFormat` reads both kinds.
    public static func image(_ file: Container, scale: Double, decoder: ImageDecoder) throws -> Image {
        try ImageFormat.image(file, scale: scale, decoder: decoder)
    }

    public static func describe(_ file: Container) throws -> [String] { try ImageFormat.describe(file) }

    public static func symbols(_ file: Container) throws -> [SymbolTensor] { try ImageFormat.symbols(file) }
}
