import INRCore
import INRMedia
import INRNetwork
import INRModel

/// Decoding: parse → dequantise → render the pixel grid (optionally at another size).
///
///     bytes ─► Container ─► ImageFormat.read ─► QuantizedParameters.dequantized ─► Renderer ─► Image
///                  │                  └─ lossless ─► BitPlaneCoder (bits from the network's probabilities) ─► Image
///                  └─ stored (kind 4) ─► StoredImageFormat.read ─► PNG.decode ─► Image
///
/// (the branch is the kind's `ImageMediaFormat.image`, found through `MediaFormats`)
///
/// Rendering uses `KernelSelection.decoding()` (fused multiply-add on every CPU, never OpenBLAS), and
/// each pixel depends only on its own coordinates, so a file gives the same samples on any
/// thread count and any x86-64 CPU.
public struct ImageDecoder {
    public let threads: Int
    public let kernels: any KernelSet
    /// The most work a rendering may take.
    public let budget: DecodeBudget

    public init(threads: Int, kernels: (any KernelSet)? = nil, budget: DecodeBudget = .standard) throws {
        self.threads = threads
        self.kernels = try kernels ?? KernelSelection.decoding()
        self.budget = budget
    }

    /// The image at `scale` times the stored size (bit-exact to the encoder's at scale 1). A
    /// lossless file gives back the encoded samples exactly, at its stored size only.
    public func decode(_ image: CompressedImage, scale: Double = 1) throws -> Image {
        guard scale.isFinite, scale > 0 else { throw DecodeError("scale must be positive") }
        if let lossless = image.lossless {
            guard scale == 1 else { throw DecodeError("a lossless file decodes at its stored size only (scale 1)") }
            try budget.checkImage(width: image.width, height: image.height)
            let coder = try BitPlaneCoder(
                head: lossless.head, encoding: image.encoding, parameters: image.parameters, threads: threads, kernels: kernels)
            let decoded = try coder.decode(lossless.bits, width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth)
            guard CRC32.checksum(decoded.sampleBytes) == lossless.checksum else {
                throw DecodeError("the decoded samples do not match the file's checksum: the file is damaged")
            }
            return decoded
        }
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        guard width <= ImageFormat.maximumSide, height <= ImageFormat.maximumSide else {
            throw DecodeError("a \(width)×\(height) rendering is beyond the format's \(ImageFormat.maximumSide) a side")
        }
        try budget.checkImage(width: width, height: height, what: "rendering")
        try budget.check(
            what: "a \(width)×\(height) rendering", network: image.parameters.spec, renderedSamples: width * height,
            decodedSamples: width * height * image.channels)
        let renderer = Renderer(spec: image.parameters.spec, kernels: kernels, pool: WorkerPool(threadCount: threads))
        let values = renderer.render(image.parameters.dequantized(), encoding: image.encoding, grid: PixelGrid(width: width, height: height))
        return Image(width: width, height: height, channels: image.channels, bitDepth: image.bitDepth, normalized: values)
    }

    /// The image of a file of any image kind (`ImageMediaFormat`: rendered, kind 1; bit-plane
    /// coded, 2; stored, 4), through the registry; any other kind is an error.
    public func decode(_ file: Container, scale: Double = 1) throws -> Image {
        let kind = try file.format().kind
        guard let format = MediaFormats.imageFormat(kind: kind) else { throw DecodeError(MediaFormats.notAnImage(kind)) }
        return try format.image(file, scale: scale, decoder: self)
    }

    public func decode(_ bytes: [UInt8], scale: Double = 1) throws -> Image {
        try decode(try Container(reading: bytes), scale: scale)
    }
}

public struct DecodeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
