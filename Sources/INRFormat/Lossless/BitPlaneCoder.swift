import INRCoding
import INRCore
import INRMedia
import INRNetwork
import INRModel

/// Lossless coding of an image's bits with the probabilities of a bit-plane network.
///
///     for each coding step (BitPlaneSamples.forEachCodingStep), in order:
///       bits known so far ─► queries ─► Renderer (decoding kernels) ─► logits ─► LogitProbability
///                                                                                  │ P(0)
///       the step's true bits ─────────────────────────────────────► range coder ◄─┘ ─► bytes
///
/// Every bit is coded, so the file is exact however good the network is; the network only
/// decides how many bytes the bits take (their cross-entropy, which the fit minimised).
/// With a context a step's logits depend on the bits of earlier steps: the decoder renders a
/// step once those are decoded, the encoder renders it from the image itself, which holds the
/// same bits there (and `fill` reads nothing else), so both compute the same logits bit for bit
/// (`KernelSelection.decoding()`, and each rendered row depends only on its own inputs, whatever the
/// thread count).
public struct BitPlaneCoder {
    public let head: BitPlaneHead
    public let encoding: EncodingModel
    public let parameters: Parameters
    private let renderer: Renderer

    public init(head: BitPlaneHead, encoding: EncodingModel, parameters: QuantizedParameters, threads: Int, kernels: (any KernelSet)? = nil) throws {
        self.head = head
        self.encoding = encoding
        self.parameters = parameters.dequantized()
        renderer = Renderer(spec: parameters.spec, kernels: try kernels ?? KernelSelection.decoding(), pool: WorkerPool(threadCount: threads))
    }

    /// The range code of every bit of `image`.
    public func encode(_ image: Image) -> [UInt8] {
        var coder = RangeEncoder()
        forEachStep(of: image) { samples, step, logits, image in
            let width = samples.targetWidth, channels = image.channels
            for (row, sample) in step.enumerated() {
                for column in 0..<width {
                    let (pixel, channel, plane) = samples.bit(sample: sample, column: column)
                    let bit = (image.samples[pixel * channels + channel] >> plane) & 1 == 1
                    coder.encode(bit, probabilityOfZero: LogitProbability.probabilityOfZero(logit: logits[row * width + column]))
                }
            }
        }
        return coder.finish()
    }

    /// The image whose bits `code` holds. Throws if the code ends early.
    public func decode(_ code: [UInt8], width: Int, height: Int, channels: Int, bitDepth: Int) throws(BitstreamError) -> Image {
        var decoder = RangeDecoder(code)
        guard decoder.startsWell else { throw .corrupt("BITS", "bad range code") }
        let blank = Image(
            width: width, height: height, channels: channels, bitDepth: bitDepth,
            samples: [UInt16](repeating: 0, count: width * height * channels))
        return try forEachStep(of: blank) { (samples, step, logits, image) throws(BitstreamError) in
            let width = samples.targetWidth
            for (row, sample) in step.enumerated() {
                for column in 0..<width
                where decoder.decode(probabilityOfZero: LogitProbability.probabilityOfZero(logit: logits[row * width + column])) {
                    let (pixel, channel, plane) = samples.bit(sample: sample, column: column)
                    image.samples[pixel * channels + channel] |= 1 << plane
                }
            }
            // A code that ran out is refused at once, not after rendering every step.
            guard decoder.overrun <= 4 else { throw .truncated("BITS") }
        }
    }

    /// Renders the logits of each coding step in order (`BitPlaneSamples.forEachCodingStep`) and
    /// hands them to `body` with the image, which `body` may fill in before the next step
    /// reads it; returns the image as `body` left it.
    @discardableResult
    private func forEachStep<E: Error>(
        of image: Image,
        _ body: (_ samples: BitPlaneSamples, _ step: [Int], _ logits: [Float], _ image: inout Image) throws(E) -> Void
    ) throws(E) -> Image {
        var image = image
        // Which bit an output is depends on the image's size only; the queries read its bits as
        // they are now, through a set that is gone before `body` writes (no copy per step).
        let layout = BitPlaneSamples(image: image, head: head)
        try layout.forEachCodingStep { (step) throws(E) in
            let logits = renderer.render(parameters, encoding: encoding, samples: BitPlaneSamples(image: image, head: head), indices: step)
            try body(layout, step, logits, &image)
        }
        return image
    }
}
