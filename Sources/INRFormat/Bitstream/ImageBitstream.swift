import INRCoding
import INRCore
import INRNetwork
import INRModel

/// What an image file holds: everything a decoder needs, nothing it does not.
public struct CompressedImage: Hashable, Sendable {
    public var width: Int
    public var height: Int
    public var channels: Int
    public var bitDepth: Int
    public var encoding: EncodingModel
    public var parameters: QuantizedParameters
    /// A lossless file's coded bits; nil for a lossy file (the network's output is the image).
    public var lossless: LosslessCode?

    public init(
        width: Int, height: Int, channels: Int, bitDepth: Int, encoding: EncodingModel, parameters: QuantizedParameters,
        lossless: LosslessCode? = nil
    ) {
        self.width = width
        self.height = height
        self.channels = channels
        self.bitDepth = bitDepth
        self.encoding = encoding
        self.parameters = parameters
        self.lossless = lossless
    }
}

/// The lossless part of a file: how the network's outputs are read, and every bit of the
/// image range-coded with their probabilities (`BitPlaneCoder`).
public struct LosslessCode: Hashable, Sendable {
    public var head: BitPlaneHead
    /// CRC-32 of the samples (`Image.sampleBytes`); decoding checks it.
    public var checksum: UInt32
    public var bits: [UInt8]

    public init(head: BitPlaneHead, checksum: UInt32, bits: [UInt8]) {
        self.head = head
        self.checksum = checksum
        self.bits = bits
    }
}

/// The `.inr` file format, version 1 (specified in docs/bitstream.md):
///
///     "INRC" · version (1 byte) · sections
///     section = tag (4 ASCII bytes) · length (varint) · payload · CRC-32 of tag + payload (u32 LE)
///     HEAD  media kind, width, height, channels, bit depth [lossless: head, CRC-32 of samples]
///     NETW  hidden widths, activations, ω0s        (input width from ENCO, output from HEAD)
///     ENCO  encoding type and parameters, seeds, SAPE's mask (range-coded cell counts)
///     QUAN  granularity, bits, one half-float step per group
///     WGHT  the quantised parameters: range-coded with adaptive models, or packed
///     BITS  lossless only: the image's bits, range-coded with the network's probabilities
///
/// Reading checks every size against the limits before allocating, and every section's CRC.
public enum ImageBitstream {
    public static let magic = Array("INRC".utf8)
    public static let version: UInt8 = 1
    static let sectionOrder = ["HEAD", "NETW", "ENCO", "QUAN", "WGHT"]
    static let maximumSide = 1 << 20

    /// HEAD's first byte.
    public enum MediaKind: UInt8, Sendable {
        /// The network renders the image (lossy).
        case image = 1
        /// The network's bit probabilities code the image's bits (BITS).
        case losslessImage = 2
        /// A clip: one network per group of frames (`VideoBitstream`).
        case video = 3

        var sections: [String] {
            switch self {
            case .image: ImageBitstream.sectionOrder
            case .losslessImage: ImageBitstream.sectionOrder + ["BITS"]
            case .video: ["HEAD", "NETW", "ENCO", "QUAN", "GRPS"]
            }
        }
    }

    // MARK: Writing

    /// One section: tag, length, payload, CRC-32 of tag and payload.
    static func section(_ tag: String, _ payload: [UInt8]) -> [UInt8] {
        var writer = ByteWriter()
        writer.append(Array(tag.utf8))
        writer.append(varint: payload.count)
        writer.append(payload)
        writer.append(CRC32.checksum(Array(tag.utf8) + payload))
        return writer.bytes
    }

    public static func bytes(_ image: CompressedImage) -> [UInt8] {
        var file = magic + [version]
        func section(_ tag: String, _ payload: [UInt8]) { file += Self.section(tag, payload) }
        var head = ByteWriter()
        head.append(byte: (image.lossless == nil ? MediaKind.image : .losslessImage).rawValue)
        head.append(varint: image.width)
        head.append(varint: image.height)
        head.append(byte: UInt8(image.channels))
        head.append(byte: UInt8(image.bitDepth))
        if let lossless = image.lossless {
            head.append(byte: lossless.head.layout == .bitInput ? 0 : 1)
            head.append(byte: contextCode(lossless.head.context))
            head.append(byte: UInt8(lossless.head.contextSize))
            head.append(lossless.checksum)
        }
        section("HEAD", head.bytes)
        section("NETW", networkBytes(image.parameters.spec))
        section("ENCO", encodingBytes(image.encoding))
        section("QUAN", quantizationBytes(image.parameters.quantization, stepSizes: image.parameters.stepSizes))
        section("WGHT", symbolBytes(image.parameters))
        if let lossless = image.lossless { section("BITS", lossless.bits) }
        return file
    }

    static let contexts = BitPlaneHead.Context.allCases

    static func contextCode(_ context: BitPlaneHead.Context) -> UInt8 {
        switch context {
        case .none: 0
        case .pixel: 1
        case .neighbourhood: 2
        case .interlaced: 3
        }
    }

    static func networkBytes(_ spec: NetworkSpec) -> [UInt8] {
        var w = ByteWriter()
        w.append(varint: spec.hiddenWidths.count)
        for width in spec.hiddenWidths { w.append(varint: width) }
        w.append(byte: activationCode(spec.activation))
        w.append(byte: activationCode(spec.outputActivation))
        w.append(spec.omega0)
        w.append(spec.firstOmega0)
        return w.bytes
    }

    static func encodingBytes(_ encoding: EncodingModel) -> [UInt8] {
        var w = ByteWriter()
        switch encoding {
        case .raw:
            w.append(byte: 0)
        case .positional(let e):
            w.append(byte: 1)
            w.append(varint: e.frequencyCount)
            w.append(e.base)
            w.append(byte: e.includeInput ? 1 : 0)
        case .fourier(let e):
            w.append(byte: 2)
            w.append(varint: e.basis.count)
            w.append(e.basis.sigma)
            w.append(e.basis.seed)
            w.append(byte: e.includeInput ? 1 : 0)
        case .grid:
            preconditionFailure("the bitstream has no payload for a dense grid yet (the encoders refuse it: UnsupportedEncodingError)")
        case .sape(let e):
            w.append(byte: 3)
            w.append(varint: e.basis.count)
            w.append(e.basis.sigma)
            w.append(e.basis.seed)
            switch e.progression {
            case .global(let mask):
                w.append(byte: 0)
                w.append(varint: mask.openBlocks)
                w.append(mask.fadeIn)
            case .spatial(let mask):
                w.append(byte: 1)
                w.append(varint: mask.resolution)
                w.append(mask.epsilon)
                // Counts as differences from the left neighbour (the upper one in column 0).
                var coder = RangeEncoder(), model = IntegerModel()
                for (cell, count) in mask.counts.enumerated() {
                    let neighbour = previousCount(mask.counts, cell, resolution: mask.resolution)
                    model.encode(count - neighbour, into: &coder)
                }
                w.append(coder.finish())
            }
        }
        return w.bytes
    }

    /// The integers, range-coded with one adaptive model for all weights and one for all
    /// biases (method 0), or packed at their fixed width (method 1), whichever is smaller. With
    /// `previous` (a video group's predecessor) the differences from it, range-coded the same
    /// way (method 2), when that is smaller still.
    static func symbolBytes(_ parameters: QuantizedParameters, previous: [Int32]? = nil) -> [UInt8] {
        let tensors = ParameterLayout(spec: parameters.spec).tensors
        func adaptive(_ reference: [Int32]?) -> [UInt8] {
            var coder = RangeEncoder()
            var weights = IntegerModel(), biases = IntegerModel()
            for tensor in tensors {
                for i in tensor.range {
                    let value = parameters.symbols[i] - (reference?[i] ?? 0)
                    if tensor.kind == .weight {
                        weights.encode(value, into: &coder)
                    } else {
                        biases.encode(value, into: &coder)
                    }
                }
            }
            return coder.finish()
        }
        var packed = RangeEncoder()
        for tensor in tensors {
            let level = parameters.quantization.maximumLevel(tensor.kind)
            let bits = parameters.quantization.bits(tensor.kind)
            for i in tensor.range { packed.encodeDirect(UInt32(parameters.symbols[i] + level), count: bits) }
        }
        var candidates = [[0] + adaptive(nil), [1] + packed.finish()]
        if let previous { candidates.append([2] + adaptive(previous)) }
        return candidates.min { $0.count < $1.count }!
    }

    /// Reads `symbolBytes`: `layout.count` integers, each within its tensor's levels.
    static func readSymbols(
        _ payload: ArraySlice<UInt8>, layout: ParameterLayout, quantization: QuantizationSpec, context: String, previous: [Int32]? = nil
    ) throws(BitstreamError) -> [Int32] {
        var reader = ByteReader(payload, context: context)
        let method = try reader.byte()
        guard method <= 1 || (method == 2 && previous != nil) else { throw .corrupt(context, "unknown coding method \(method)") }
        let reference = method == 2 ? previous : nil
        var decoder = RangeDecoder(Array(try reader.bytes(reader.remaining)))
        guard decoder.startsWell else { throw .corrupt(context, "bad range code") }
        var symbols = [Int32](repeating: 0, count: layout.count)
        var weights = IntegerModel(), biases = IntegerModel()
        for tensor in layout.tensors {
            let limit = quantization.maximumLevel(tensor.kind)
            let bits = quantization.bits(tensor.kind)
            for i in tensor.range {
                let symbol: Int32
                if method == 1 {
                    symbol = Int32(decoder.decodeDirect(count: bits)) - limit
                } else {
                    let value = tensor.kind == .weight ? weights.decode(from: &decoder) : biases.decode(from: &decoder)
                    let (sum, overflow) = value.addingReportingOverflow(reference?[i] ?? 0)
                    guard !overflow else { throw .corrupt(context, "integer out of range") }
                    symbol = sum
                }
                guard abs(symbol) <= limit else { throw .corrupt(context, "integer \(symbol) beyond ±\(limit)") }
                symbols[i] = symbol
            }
        }
        guard decoder.overrun <= 4 else { throw .truncated(context) }
        return symbols
    }

    /// The SAPE cell count a cell is coded against: its left neighbour, the upper one in
    /// column 0, 0 for the first cell.
    static func previousCount(_ counts: [Int32], _ cell: Int, resolution: Int) -> Int32 {
        cell % resolution != 0 ? counts[cell - 1] : cell >= resolution ? counts[cell - resolution] : 0
    }

    static func activationCode(_ kind: NetworkSpec.ActivationKind) -> UInt8 {
        switch kind {
        case .identity: 0
        case .relu: 1
        case .gelu: 2
        case .sine: 3
        }
    }

    // MARK: Reading

    /// The sections of a file, checked (magic, version, lengths, CRCs), by tag.
    public static func sections(_ bytes: [UInt8]) throws(BitstreamError) -> [(tag: String, payload: ArraySlice<UInt8>)] {
        guard bytes.count >= 5, Array(bytes[0..<4]) == magic else { throw .notINR }
        guard bytes[4] == version else { throw .unsupportedVersion(Int(bytes[4]), supported: Int(version)) }
        var reader = ByteReader(bytes[5...], context: "section list")
        var sections: [(String, ArraySlice<UInt8>)] = []
        while !reader.isAtEnd {
            let tagBytes = try reader.bytes(4)
            let tag = String(decoding: tagBytes, as: UTF8.self)
            let length = try reader.varint()
            guard length <= reader.remaining else { throw .truncated("section \(tag)") }
            let payload = try reader.bytes(length)
            let stored = try reader.uint32()
            guard CRC32.checksum(Array(tagBytes) + Array(payload)) == stored else { throw .checksum(tag) }
            sections.append((tag, payload))
        }
        guard let first = sections.first, first.0 == "HEAD", let kindByte = first.1.first else {
            throw .corrupt("section list", "the file does not start with a HEAD section")
        }
        guard let kind = MediaKind(rawValue: kindByte) else {
            throw .corrupt("HEAD", "media kind \(kindByte) is not an image, a lossless image or a video (this build reads kinds 1 to 3)")
        }
        guard sections.map(\.0) == kind.sections else {
            throw .corrupt("section list", "expected sections \(kind.sections.joined(separator: ", ")), found \(sections.map(\.0).joined(separator: ", "))")
        }
        return sections
    }

    /// What a file holds (image, lossless image or video), its sections checked.
    public static func mediaKind(_ bytes: [UInt8]) throws(BitstreamError) -> MediaKind {
        MediaKind(rawValue: try sections(bytes)[0].payload.first!)!  // checked by `sections`
    }

    public static func read(_ bytes: [UInt8]) throws(BitstreamError) -> CompressedImage {
        let sections = try sections(bytes)
        var head = ByteReader(sections[0].payload, context: "HEAD")
        let kind = MediaKind(rawValue: try head.byte())!  // checked by `sections`
        guard kind != .video else { throw .corrupt("HEAD", "this is a video file (media kind 3): decode it to .y4m, .mp4 or .mkv") }
        let width = try head.varint(in: 1...maximumSide, "width")
        let height = try head.varint(in: 1...maximumSide, "height")
        guard width * height <= 1 << 30 else { throw .corrupt("HEAD", "image of \(width)×\(height) is too large") }
        let channels = Int(try head.byte())
        guard (1...4).contains(channels) else { throw .corrupt("HEAD", "\(channels) channels") }
        let bitDepth = Int(try head.byte())
        guard bitDepth == 8 || bitDepth == 16 else { throw .corrupt("HEAD", "bit depth \(bitDepth)") }
        var losslessHead: BitPlaneHead?
        var checksum: UInt32 = 0
        if kind == .losslessImage {
            let layoutCode = try head.byte(), contextCode = try head.byte(), size = Int(try head.byte())
            guard layoutCode <= 1, let context = contexts.first(where: { contextCode == self.contextCode($0) }) else {
                throw .corrupt("HEAD", "unknown bit-plane layout or context")
            }
            let layout: BitPlaneHead.Layout = layoutCode == 0 ? .bitInput : .allOutputs
            guard BitPlaneHead.isValid(layout: layout, context: context, contextSize: size) else { throw .corrupt("HEAD", "implausible bit-plane head") }
            losslessHead = BitPlaneHead(layout: layout, context: context, contextSize: size)
            checksum = try head.uint32()
        }
        guard head.isAtEnd else { throw .corrupt("HEAD", "\(head.remaining) unexpected bytes") }

        let encoding = try readEncoding(sections[2].payload)
        let spec = try readNetwork(
            sections[1].payload, inputWidth: encoding.encoding.outputWidth + (losslessHead?.extraInputWidth(channels: channels) ?? 0),
            outputWidth: losslessHead?.outputWidth(channels: channels, bitDepth: bitDepth) ?? channels)
        let (quantization, stepSizes) = try readQuantization(sections[3].payload, spec: spec)
        let layout = ParameterLayout(spec: spec)

        let symbols = try readSymbols(sections[4].payload, layout: layout, quantization: quantization, context: "WGHT")
        let parameters = QuantizedParameters(spec: spec, quantization: quantization, symbols: symbols, stepSizes: stepSizes)
        let lossless = losslessHead.map { LosslessCode(head: $0, checksum: checksum, bits: Array(sections[5].payload)) }
        return CompressedImage(
            width: width, height: height, channels: channels, bitDepth: bitDepth, encoding: encoding, parameters: parameters,
            lossless: lossless)
    }

    /// NETW: the hidden layers and activations, between the given input and output widths.
    static func readNetwork(_ payload: ArraySlice<UInt8>, inputWidth: Int, outputWidth: Int) throws(BitstreamError) -> NetworkSpec {
        var netw = ByteReader(payload, context: "NETW")
        let depth = try netw.varint(in: 0...NetworkSpec.maximumLayers - 1, "hidden layer count")
        var hidden: [Int] = []
        for _ in 0..<depth { hidden.append(try netw.varint(in: 1...NetworkSpec.maximumWidth, "layer width")) }
        let activation = try readActivation(&netw), outputActivation = try readActivation(&netw)
        let omega0 = try netw.float("ω0"), firstOmega0 = try netw.float("first ω0")
        let spec = NetworkSpec(
            inputWidth: inputWidth, hiddenWidths: hidden, outputWidth: outputWidth,
            activation: activation, omega0: omega0, firstOmega0: firstOmega0, outputActivation: outputActivation)
        do {
            try spec.validate()
        } catch {
            throw .corrupt("NETW", error.description)
        }
        return spec
    }

    /// QUAN: granularity, bit widths and one step per group of `spec`'s parameters.
    static func readQuantization(_ payload: ArraySlice<UInt8>, spec: NetworkSpec) throws(BitstreamError) -> (QuantizationSpec, [Float16]) {
        var quan = ByteReader(payload, context: "QUAN")
        guard let granularity = QuantizationSpec.Granularity(rawValue: try quan.byte()) else { throw .corrupt("QUAN", "unknown granularity") }
        let weightBits = Int(try quan.byte()), biasBits = Int(try quan.byte())
        guard (2...16).contains(weightBits), (2...16).contains(biasBits) else { throw .corrupt("QUAN", "bit widths out of range") }
        let quantization = QuantizationSpec(weightBits: weightBits, biasBits: biasBits, granularity: granularity)
        let groups = quantization.groups(of: ParameterLayout(spec: spec))
        guard quan.remaining == 2 * groups.count else { throw .corrupt("QUAN", "expected \(groups.count) step sizes") }
        var stepSizes: [Float16] = []
        stepSizes.reserveCapacity(groups.count)
        for _ in groups {
            let step = try quan.float16()
            guard step.isFinite, step >= 0 else { throw .corrupt("QUAN", "step size \(step)") }
            stepSizes.append(step)
        }
        return (quantization, stepSizes)
    }

    /// QUAN's payload.
    static func quantizationBytes(_ quantization: QuantizationSpec, stepSizes: [Float16]) -> [UInt8] {
        var quan = ByteWriter()
        quan.append(byte: quantization.granularity.rawValue)
        quan.append(byte: UInt8(quantization.weightBits))
        quan.append(byte: UInt8(quantization.biasBits))
        for step in stepSizes { quan.append(step) }
        return quan.bytes
    }

    static func readActivation(_ reader: inout ByteReader) throws(BitstreamError) -> NetworkSpec.ActivationKind {
        switch try reader.byte() {
        case 0: .identity
        case 1: .relu
        case 2: .gelu
        case 3: .sine
        case let code: throw .corrupt("NETW", "unknown activation \(code)")
        }
    }

    static func readEncoding(_ payload: ArraySlice<UInt8>) throws(BitstreamError) -> EncodingModel {
        var r = ByteReader(payload, context: "ENCO")
        let type = try r.byte()
        switch type {
        case 0:
            return .raw(RawEncoding())
        case 1:
            let count = try r.varint(), base = try r.float("base"), includeInput = try r.byte() == 1
            guard PositionalEncoding.isValid(inputWidth: 2, frequencyCount: count, base: base) else { throw .corrupt("ENCO", "positional encoding out of range") }
            return .positional(PositionalEncoding(frequencyCount: count, base: base, includeInput: includeInput))
        case 2, 3:
            let count = try r.varint(), sigma = try r.float("σ"), seed = try r.uint64()
            guard FourierBasis.isValid(count: count, sigma: sigma, inputWidth: 2) else { throw .corrupt("ENCO", "Fourier features out of range") }
            if type == 2 {
                return .fourier(FourierEncoding(featureCount: count, sigma: sigma, seed: seed, includeInput: try r.byte() == 1))
            }
            let basis = FourierBasis(count: count, sigma: sigma, seed: seed)
            switch try r.byte() {
            case 0:
                let open = try r.varint(in: 0...count, "open blocks"), fadeIn = try r.float("fade-in")
                guard fadeIn >= 0 && fadeIn <= 1 else { throw .corrupt("ENCO", "fade-in \(fadeIn)") }
                return .sape(SAPEEncoding(basis: basis, progression: .global(GlobalFrequencyMask(blockCount: count, openBlocks: open, fadeIn: fadeIn))))
            case 1:
                let resolution = try r.varint(), epsilon = try r.float("ε")
                guard SpatialFrequencyMask.isValid(blockCount: count, resolution: resolution, epsilon: epsilon) else {
                    throw .corrupt("ENCO", "SAPE grid out of range")
                }
                var decoder = RangeDecoder(Array(try r.bytes(r.remaining)))
                var model = IntegerModel()
                var counts = [Int32](repeating: 0, count: resolution * resolution)
                for cell in counts.indices {
                    let neighbour = previousCount(counts, cell, resolution: resolution)
                    let value = Int64(neighbour) + Int64(model.decode(from: &decoder))
                    guard (0...Int64(count)).contains(value) else { throw .corrupt("ENCO", "SAPE cell count \(value)") }
                    counts[cell] = Int32(value)
                }
                guard decoder.overrun <= 4 else { throw .truncated("ENCO") }
                return .sape(SAPEEncoding(basis: basis, progression: .spatial(
                    SpatialFrequencyMask(blockCount: count, resolution: resolution, epsilon: epsilon, counts: counts))))
            case let progression:
                throw .corrupt("ENCO", "unknown SAPE progression \(progression)")
            }
        default:
            throw .corrupt("ENCO", "unknown encoding type \(type)")
        }
    }
}
