import ArgumentParser
import Foundation
import INRCodec
import INRCoding
import INRFormat
import INRMedia
import INRModel
import INRNetwork

struct InspectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print the header of an .inr file: format, image, network, encoding, quantisation, sections.")

    @Argument(help: "The compressed file.")
    var file: String

    @Option(help: "Also write the quantised integers here, tensor by tensor (JSON; Tools/coding_comparison.py reads it).")
    var symbols: String?

    func run() throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw MediaError(path: file, reason: "cannot read the file") }
        let bytes = [UInt8](data)
        if (try? ImageBitstream.mediaKind(bytes)) == .video { return try inspectVideo(bytes) }
        let image: CompressedImage
        let sections: [(tag: String, payload: ArraySlice<UInt8>)]
        do {
            sections = try ImageBitstream.sections(bytes)
            image = try ImageBitstream.read(bytes)
        } catch {
            throw MediaError(path: file, reason: "\(error)")
        }
        let spec = image.parameters.spec, quantization = image.parameters.quantization
        print("\(file): inr format version \(ImageBitstream.version), \(bytes.count) bytes")
        print("media      \(image.lossless == nil ? "image" : "lossless image") \(image.width)×\(image.height), "
            + "\(image.channels) channel(s), \(image.bitDepth)-bit, "
            + String(format: "%.4f bpp", Double(bytes.count * 8) / Double(image.width * image.height)))
        if let lossless = image.lossless {
            let head = lossless.head
            let size = head.context == .neighbourhood ? " r = \(head.contextSize)" : head.context == .interlaced ? ", \(head.contextSize) levels" : ""
            print("lossless   bit planes, \(head.layout.rawValue), context \(head.context.rawValue)\(size); "
                + "coded bits \(lossless.bits.count) B; samples CRC-32 " + String(format: "%08x", lossless.checksum))
        }
        printNetwork(spec, encoding: image.encoding, quantization: quantization, stepCount: image.parameters.stepSizes.count)
        print("sections   " + sections.map { "\($0.tag) \($0.payload.count) B" }.joined(separator: ", "))
        if let symbols { try writeSymbols(image.parameters, to: symbols) }
    }

    private func printNetwork(_ spec: NetworkSpec, encoding: EncodingModel, quantization: QuantizationSpec, stepCount: Int) {
        print("network    \(spec.inputWidth) → " + spec.hiddenWidths.map(String.init).joined(separator: " → ")
            + " → \(spec.outputWidth), \(spec.activation.rawValue)"
            + (spec.activation == .sine ? " (ω0 \(spec.omega0), first \(spec.firstOmega0))" : "")
            + ", \(spec.parameterCount) parameters")
        print("encoding   " + describe(encoding))
        print("quantised  weights \(quantization.weightBits) bits, biases \(quantization.biasBits) bits, "
            + "one step per \(quantization.granularity == .layer ? "tensor" : "output channel") (\(stepCount) steps)")
    }

    /// A video file: the clip, the groups and each group's coded size and method.
    private func inspectVideo(_ bytes: [UInt8]) throws {
        guard symbols == nil else { throw ValidationError("--symbols is for image files") }
        let video: CompressedVideo
        let sections: [(tag: String, payload: ArraySlice<UInt8>)]
        do {
            sections = try ImageBitstream.sections(bytes)
            video = try VideoBitstream.read(bytes)
        } catch {
            throw MediaError(path: file, reason: "\(error)")
        }
        print("\(file): inr format version \(ImageBitstream.version), \(bytes.count) bytes")
        print("media      video \(video.width)×\(video.height), \(video.frameCount) frames at \(video.frameRate) fps, \(video.bitDepth)-bit 4:2:0, "
            + String(format: "%.4f bpp", Double(bytes.count * 8) / Double(video.width * video.height * video.frameCount)))
        print("groups     \(video.groups.count) of \(video.patches.groupSize) frames, \(video.patches.patchSize)×\(video.patches.patchSize) patches "
            + "(\(video.patches.columns)×\(video.patches.rows) positions)")
        printNetwork(video.spec, encoding: video.encoding, quantization: video.quantization, stepCount: video.stepSizes.count)
        let stored = try VideoBitstream.groupCodes(sections[4].payload)  // read above, so well-formed
        print("group code " + stored.enumerated().map { index, code in
            "\(index): \(code.count) B " + (code.first == 2 ? "(differences)" : "(whole)")
        }.joined(separator: ", "))
        print("sections   " + sections.map { "\($0.tag) \($0.payload.count) B" }.joined(separator: ", "))
    }

    /// The integers per tensor, with their bit widths and the size of the WGHT section.
    private func writeSymbols(_ parameters: QuantizedParameters, to path: String) throws {
        struct Tensor: Encodable {
            var layer: Int
            var kind: String
            var bits: Int
            var symbols: [Int32]
        }
        let tensors = ParameterLayout(spec: parameters.spec).tensors.map { tensor in
            Tensor(layer: tensor.layer, kind: tensor.kind == .weight ? "weight" : "bias",
                   bits: parameters.quantization.bits(tensor.kind),
                   symbols: Array(parameters.symbols[tensor.range]))
        }
        try createFolders(for: [path])
        try writeJSON(tensors, to: path)
    }

    private func describe(_ encoding: EncodingModel) -> String {
        switch encoding {
        case .raw: return "raw (x, y)"
        case .positional(let e): return "positional, \(e.frequencyCount) frequencies, base \(e.base)" + (e.includeInput ? ", with (x, y)" : "")
        case .fourier(let e): return "Fourier, \(e.basis.count) features, σ \(e.basis.sigma), seed \(e.basis.seed)" + (e.includeInput ? ", with (x, y)" : "")
        case .grid(let e):
            return "dense grid, \(e.levels) levels × \(e.features) features, finest \(e.resolution)²" + (e.includeInput ? ", with (x, y)" : "")
        case .sape(let e):
            let mask: String
            switch e.progression {
            case .spatial(let m): mask = "spatial \(m.resolution)² grid, ε \(m.epsilon), \(m.counts.reduce(0) { $0 + Int($1) }) blocks open in all"
            case .global(let m): mask = "global, \(m.openBlocks) blocks open"
            }
            return "SAPE, \(e.basis.count) frequencies, σ \(e.basis.sigma), seed \(e.basis.seed), \(mask)"
        }
    }
}
