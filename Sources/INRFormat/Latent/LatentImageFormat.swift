import Foundation
import INRCoding
import INRCore
import INRLatent
import INRMedia

/// Media kind 6, a latent-grid image (Cool-chic class; docs/bitstream.md, docs/latent.md),
/// container version 4:
///
///     HEAD  kind (u8) · width, height (varints) · channels · bit depth · grid count L (u8)
///           · synthesis hidden layer count, then each width (u8) · upsampling (u8: 0 bicubic, 1 learned)
///           · entropy model (u8: 0 factorised; 1 ARM, then context, width, layers (u8))
///           · rows per band (varint) · residual 3×3 convolutions of the synthesis (u8)
///     NETS  synthesis step exponent, entropy step exponent (u8), learned upsampling's (u8) · one
///           range code: the synthesis integers, the entropy model's, the learned upsampling's
///           taps (`IntegerModel`, one adaptive model per module)
///     LATS  per band of each grid, grid after grid: its stream's length (varint) and its range
///           code (`LatentCoder`)
///
///     bytes ─► read ─► NETS ─► weights ─► EntropyModel ─► LATS: bands decoded in parallel
///           ─► LatentRenderer: upsample (UpsamplingPyramid) ─► synthesis ─► Image
public enum LatentImageFormat: ImageMediaFormat {
    public static let kind: UInt8 = 6
    public static let name = "latent image"
    public static let formatVersion: UInt8 = 4
    public static let networkTag = "NETS"
    public static let latentsTag = "LATS"
    public static let sections = [networkTag, latentsTag]

    /// What a file holds.
    public struct LatentImage: Hashable, Sendable {
        public var spec: LatentSpec
        public var bitDepth: Int
        public var synthesis: QuantizedModule
        public var entropy: QuantizedModule
        /// The learned upsampling's taps (4 per step, step 1 first); nil for bicubic.
        public var upsampling: QuantizedModule?
        /// One range code per band, grid after grid.
        public var streams: [[UInt8]]

        public init(
            spec: LatentSpec, bitDepth: Int, synthesis: QuantizedModule, entropy: QuantizedModule, upsampling: QuantizedModule? = nil, streams: [[UInt8]]
        ) {
            self.spec = spec
            self.bitDepth = bitDepth
            self.synthesis = synthesis
            self.entropy = entropy
            self.upsampling = upsampling
            self.streams = streams
        }

        public var entropyModel: EntropyModel { EntropyModel(spec: spec, parameters: entropy.weights) }

        /// The upsampling's filters (bicubic, or the stored taps).
        public var pyramid: UpsamplingPyramid { UpsamplingPyramid(spec: spec, taps: upsampling?.weights ?? []) }

        /// The modules NETS holds, in order.
        var modules: [QuantizedModule] { [synthesis, entropy] + (upsampling.map { [$0] } ?? []) }
    }

    /// How long each stage of a decoding took.
    public struct Timings: Sendable {
        public var entropyDecoding = 0.0
        public var upsampling = 0.0
        public var synthesis = 0.0
    }

    public static func bytes(_ image: LatentImage) -> [UInt8] {
        let spec = image.spec
        precondition((image.upsampling != nil) == (spec.upsampling == .learned), "learned taps exactly when HEAD says learned")
        var head = ByteWriter()
        head.append(byte: kind)
        head.append(varint: spec.width)
        head.append(varint: spec.height)
        head.append(byte: UInt8(spec.channels))
        head.append(byte: UInt8(image.bitDepth))
        head.append(byte: UInt8(spec.gridCount))
        head.append(byte: UInt8(spec.synthesisWidths.count))
        for width in spec.synthesisWidths { head.append(byte: UInt8(width)) }
        head.append(byte: spec.upsampling.rawValue)
        switch spec.entropyModel {
        case .factorized: head.append(byte: 0)
        case .autoregressive(let context, let width, let layers):
            head.append(byte: 1)
            head.append([UInt8(context), UInt8(width), UInt8(layers)])
        }
        head.append(varint: spec.bandRows)
        head.append(byte: UInt8(spec.residualConvolutions))
        var networks = ByteWriter()
        networks.append(image.modules.map { UInt8($0.exponent) })
        var coder = RangeEncoder()
        for module in image.modules {
            var model = IntegerModel()
            for symbol in module.symbols { model.encode(symbol, into: &coder) }
        }
        networks.append(coder.finish())
        var latents = ByteWriter()
        for stream in image.streams {
            latents.append(varint: stream.count)
            latents.append(stream)
        }
        return Container(sections: [
            Container.Section(Container.headTag, head.bytes), Container.Section(networkTag, networks.bytes), Container.Section(latentsTag, latents.bytes),
        ]).bytes
    }

    /// The parts of a verified container of this kind (weights decoded, latents not yet).
    public static func read(_ file: Container) throws(BitstreamError) -> LatentImage {
        var head = ByteReader(file.payload(Container.headTag), context: Container.headTag)
        let kind = try head.byte()
        guard kind == Self.kind else { throw .corrupt("HEAD", MediaFormats.wrongKind(kind, expected: self)) }
        let width = try head.varint(in: 1...(1 << 15), "width")
        let height = try head.varint(in: 1...(1 << 15), "height")
        let channels = Int(try head.byte())
        let bitDepth = Int(try head.byte())
        guard bitDepth == 8 || bitDepth == 16 else { throw .corrupt("HEAD", "bit depth \(bitDepth)") }
        let gridCount = Int(try head.byte())
        let layerCount = Int(try head.byte())
        guard layerCount <= LatentSpec.maximumHiddenLayers else { throw .corrupt("HEAD", "\(layerCount) synthesis layers") }
        var widths: [Int] = []
        for _ in 0..<layerCount { widths.append(Int(try head.byte())) }
        let filter = try head.byte()
        guard let upsampling = UpsamplingSpec(rawValue: filter) else { throw .corrupt("HEAD", "upsampling \(filter) (0 bicubic, 1 learned)") }
        let entropyModel: EntropyModelSpec
        switch try head.byte() {
        case 0: entropyModel = .factorized
        case 1: entropyModel = .autoregressive(context: Int(try head.byte()), width: Int(try head.byte()), layers: Int(try head.byte()))
        case let other: throw .corrupt("HEAD", "entropy model \(other) (0 factorised, 1 ARM)")
        }
        let bandRows = try head.varint(in: 1...(1 << 15), "rows per band")
        let convolutions = Int(try head.byte())
        guard head.isAtEnd else { throw .corrupt("HEAD", "\(head.remaining) unexpected bytes") }
        let spec = LatentSpec(
            width: width, height: height, channels: channels, gridCount: gridCount, synthesisWidths: widths, entropyModel: entropyModel,
            bandRows: bandRows, residualConvolutions: convolutions, upsampling: upsampling)
        do { try spec.validate() } catch { throw .corrupt("HEAD", error.description) }

        var networks = ByteReader(file.payload(networkTag), context: networkTag)
        let counts = [spec.synthesisParameterCount, spec.entropyParameterCount] + (upsampling == .learned ? [spec.upsamplingParameterCount] : [])
        var exponents: [Int] = []
        for _ in counts { exponents.append(Int(try networks.byte())) }
        guard exponents.allSatisfy(QuantizedModule.exponents.contains) else {
            throw .corrupt(networkTag, "step exponents \(exponents.map(String.init).joined(separator: ", ")) (1 to 16)")
        }
        var decoder = RangeDecoder(Array(try networks.bytes(networks.remaining)))
        var modules: [[Int32]] = []
        for count in counts {
            var model = IntegerModel()
            modules.append((0..<count).map { _ in model.decode(from: &decoder) })
        }
        guard decoder.startsWell, decoder.overrun <= 8 else { throw .corrupt(networkTag, "the weights' range code is damaged") }

        var latents = ByteReader(file.payload(latentsTag), context: latentsTag)
        var streams: [[UInt8]] = []
        for _ in LatentCoder.bands(spec) {
            let length = try latents.varint(in: 0...latents.remaining, "a band's stream length")
            streams.append(Array(try latents.bytes(length)))
        }
        guard latents.isAtEnd else { throw .corrupt(latentsTag, "\(latents.remaining) bytes after the last band") }
        return LatentImage(
            spec: spec, bitDepth: bitDepth, synthesis: QuantizedModule(exponent: exponents[0], symbols: modules[0]),
            entropy: QuantizedModule(exponent: exponents[1], symbols: modules[1]),
            upsampling: upsampling == .learned ? QuantizedModule(exponent: exponents[2], symbols: modules[2]) : nil, streams: streams)
    }

    /// Every grid's integers (flat, grid after grid), the bands decoded in parallel.
    public static func latents(_ image: LatentImage, pool: WorkerPool) throws(BitstreamError) -> [Int32] {
        do throws(LatentError) {
            return try LatentCoder.decode(image.streams, model: image.entropyModel, pool: pool)
        } catch {
            throw .corrupt(latentsTag, error.description)
        }
    }

    /// Refuses a shape whose decoding is beyond `budget`: pixels, samples, multiply-adds, and the
    /// floats the rendering holds at once (counted as samples). The encoder checks the same
    /// before fitting.
    public static func checkBudget(_ spec: LatentSpec, threads: Int, budget: DecodeBudget) throws(BitstreamError) {
        try budget.checkImage(width: spec.width, height: spec.height)
        try budget.checkSamples(spec.pixelCount * spec.channels, what: "a \(spec.width)×\(spec.height) image")
        try budget.checkSamples(LatentRenderer.floats(spec, threads: threads), what: "the latent decoder's planes for \(spec.width)×\(spec.height) pixels")
        guard spec.decoderMultiplyAdds <= budget.multiplyAdds else {
            throw BitstreamError.corrupt("HEAD", "decoding takes \(spec.decoderMultiplyAdds) multiply-adds (\(spec.decoderMultiplyAddsPerPixel) a pixel), "
                + "beyond the budget of \(budget.multiplyAdds) (\(DecodeBudget.multiplyAddsVariable) raises it)")
        }
    }

    /// Decodes an image, timing each stage. `image` is what `read` gave (or an encoder made):
    /// its parts are checked against its spec again, since the type's fields are public.
    public static func decode(_ image: LatentImage, threads: Int, budget: DecodeBudget) throws -> (Image, Timings) {
        let spec = image.spec
        do { try spec.validate() } catch { throw BitstreamError.corrupt("HEAD", error.description) }
        guard image.synthesis.symbols.count == spec.synthesisParameterCount, image.entropy.symbols.count == spec.entropyParameterCount,
              (image.upsampling?.symbols.count ?? 0) == spec.upsamplingParameterCount, (image.upsampling != nil) == (spec.upsampling == .learned),
              image.streams.count == LatentCoder.bands(spec).count, image.modules.allSatisfy({ QuantizedModule.exponents.contains($0.exponent) }),
              image.bitDepth == 8 || image.bitDepth == 16
        else { throw BitstreamError.corrupt(networkTag, "the parts do not match HEAD's model") }
        try checkBudget(spec, threads: threads, budget: budget)
        var timings = Timings()
        let pool = WorkerPool(threadCount: threads)
        var start = Date()
        let latents = try Self.latents(image, pool: pool).map(Float.init)
        timings.entropyDecoding = Date().timeIntervalSince(start)
        let renderer = LatentRenderer(spec: spec, pool: pool)
        let planes = renderer.makePlanes()
        start = Date()
        renderer.upsample(latents, with: image.pyramid, into: planes)
        timings.upsampling = Date().timeIntervalSince(start)
        start = Date()
        renderer.synthesize(image.synthesis.weights, planes)
        // Planes to interleaved samples, as `Image(normalized:)` rounds: ⌊min(max(x, 0), 1)·peak + ½⌋.
        let channels = spec.channels, count = spec.pixelCount, peak = Float((1 << image.bitDepth) - 1), outputs = planes.outputs
        var samples = [UInt16](repeating: 0, count: channels * count)
        for c in 0..<channels {
            for p in 0..<count {
                let x = outputs[c * count + p]
                samples[p * channels + c] = x.isNaN ? 0 : UInt16(min(max(x, 0), 1) * peak + 0.5)
            }
        }
        timings.synthesis = Date().timeIntervalSince(start)
        return (Image(width: spec.width, height: spec.height, channels: channels, bitDepth: image.bitDepth, samples: samples), timings)
    }

    public static func image(_ file: Container, scale: Double, decoder: ImageDecoder) throws -> Image {
        guard scale == 1 else { throw DecodeError("a latent image decodes at its stored size only (scale 1)") }
        return try decode(try read(file), threads: decoder.threads, budget: decoder.budget).0
    }

    public static func decode(_ file: Container, _ request: DecodeRequest) throws -> [String] {
        try ImageFormat.checkPNGOutput(request)
        guard request.scale == 1 else { throw UnsupportedRequest("--scale: a latent image decodes at its stored size only") }
        let start = Date()
        let latent = try request.decoding { try read(file) }
        let (image, timings) = try request.decoding { try decode(latent, threads: request.threads, budget: request.budget) }
        let decoded = Date()
        try request.createOutputFolder()
        try PNG.write(image, to: request.output)
        return [
            "decoded \(request.file): \(image.width)×\(image.height), \(image.channels) channel(s), \(image.bitDepth)-bit in "
                + String(format: "%.0f ms (entropy decoding %.0f, upsampling %.0f, synthesis %.0f); %d multiply-adds a pixel; wrote %@ in %.0f ms",
                         decoded.timeIntervalSince(start) * 1000, timings.entropyDecoding * 1000, timings.upsampling * 1000, timings.synthesis * 1000,
                         latent.spec.decoderMultiplyAddsPerPixel, request.output, Date().timeIntervalSince(decoded) * 1000),
            "samples sha256 \(SHA256.hex(image.sampleBytes))",
        ]
    }

    public static func describe(_ file: Container) throws -> [String] {
        let image = try read(file), spec = image.spec
        let model: String
        switch spec.entropyModel {
        case .factorized: model = "factorised Laplace (one scale per grid)"
        case .autoregressive(let context, let width, let layers): model = "ARM, \(context) neighbours, \(layers) × \(width)"
        }
        return [
            "media      \(name) \(spec.width)×\(spec.height), \(spec.channels) channel(s), \(image.bitDepth)-bit, "
                + String(format: "%.4f bpp", Double(file.size * 8) / Double(spec.pixelCount)),
            "latents    \(spec.gridCount) grids, \(spec.latentCount) latents in \(image.streams.count) bands of \(spec.bandRows) rows, \(image.streams.reduce(0) { $0 + $1.count }) B",
            "upsampling " + (image.upsampling.map { "learned, \(spec.upsamplingParameterCount) taps (\(spec.gridCount - 1) steps), step 2^-\($0.exponent)" } ?? "bicubic"),
            "synthesis  \(spec.gridCount) → \(spec.synthesisWidths.map(String.init).joined(separator: " → ")) → \(spec.channels)"
                + (spec.residualConvolutions > 0 ? ", \(spec.residualConvolutions) residual 3×3 convolution(s)" : "") + ", step 2^-\(image.synthesis.exponent)",
            "entropy    \(model), step 2^-\(image.entropy.exponent)",
            "decoder    \(spec.decoderMultiplyAddsPerPixel) multiply-adds a pixel",
        ]
    }

    public static func symbols(_ file: Container) throws -> [SymbolTensor] {
        let image = try read(file)
        return [
            SymbolTensor(layer: 0, kind: "synthesis", bits: 32, symbols: image.synthesis.symbols),
            SymbolTensor(layer: 1, kind: "entropy", bits: 32, symbols: image.entropy.symbols),
        ] + (image.upsampling.map { [SymbolTensor(layer: 2, kind: "upsampling", bits: 32, symbols: $0.symbols)] } ?? [])
    }
}
