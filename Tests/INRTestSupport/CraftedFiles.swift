import INRFormat
import INRMedia
import INRModel
import INRNetwork

/// Complete `.inr` files, CRC-valid and written by the package's own writers
/// (`ImageFormat.bytes`, `VideoFormat.bytes`: `Container` framing, `StoredNetwork`'s NETW, ENCO
/// and QUAN, `WeightSection`, `GroupSection`), whose headers are legal by every limit of
/// docs/bitstream.md but declare an absurd amount of decoding work: what a hostile file can ask
/// of a decoder that only checks fields one by one. Each has a small sibling, built the same
/// way, that decodes in milliseconds, so a test can tell "refused for its cost" from "not a
/// valid file".
///
/// Every file's network reads raw (x, y) coordinates (ENCO type 0) and every integer of its
/// weights is 0, so every sample it renders is 0; what varies is how much there is to render.
public enum CraftedFiles {
    // MARK: - Images (media kind 1)

    /// A lossy image (docs/bitstream.md, "Sections": HEAD of media kind 1, NETW, ENCO, QUAN,
    /// WGHT) of `width × height` RGB 8-bit pixels whose NETW declares `hiddenLayers` sine layers of
    /// `layerWidth` units each: with the defaults 2 → 512 × 63 → 3, 16 287 747 parameters, just
    /// under NETW's 2²⁴, so about 10¹² multiply-adds (and 2·10⁹ sines) to render 256×256 pixels.
    ///
    /// WGHT is the adaptive code (method 0) of all-zero integers: each costs the coder a
    /// fraction of a bit, so the section stays a few kilobytes however large the network (6414
    /// bytes of a 6871-byte file with the defaults). It is the code `WeightSection` writes, not
    /// a shorter one: the range decoder reads zeros past the end of a code but refuses one that
    /// runs more than 4 bytes short ("The range coder"), and checks that after every tensor, so
    /// a truncated WGHT is refused ("truncated (WGHT)") before anything is rendered.
    ///
    /// Building the defaults codes 16 million integers with both of `WeightSection`'s methods
    /// (about a second in a release build, holding 64 MiB of them meanwhile).
    public static func imageWithHugeNetwork(width: Int = 256, height: Int = 256, hiddenLayers: Int = 63, layerWidth: Int = 512) -> [UInt8] {
        image(width: width, height: height, hiddenWidths: Array(repeating: layerWidth, count: hiddenLayers))
    }

    /// `imageWithHugeNetwork`'s small sibling: a 64×64 image of 2 hidden layers of 16 (371
    /// parameters, a 91-byte file) that decodes to a black PNG at once.
    public static func imageWithSmallNetwork(width: Int = 64, height: Int = 64) -> [UInt8] {
        imageWithHugeNetwork(width: width, height: height, hiddenLayers: 2, layerWidth: 16)
    }

    /// Media kind 1, 3 channels, 8 bits, raw coordinates into `hiddenWidths` sine layers (ω0 30),
    /// every integer 0 at 2 bits, one step per tensor.
    private static func image(width: Int, height: Int, hiddenWidths: [Int]) -> [UInt8] {
        let channels = 3
        let encoding = EncodingModel(RawEncoding())
        let spec = NetworkSpec(
            inputWidth: encoding.encoding.outputWidth, hiddenWidths: hiddenWidths, outputWidth: channels, activation: .sine)
        let image = CompressedImage(
            width: width, height: height, channels: channels, bitDepth: 8, encoding: encoding,
            parameters: zeroParameters(spec: spec))
        return ImageFormat.bytes(image)
    }

    // MARK: - Videos (media kind 3)

    /// A video (docs/bitstream.md, "Video files (media kind 3)") of `frames` frames of
    /// `width × height` at `bitDepth` bits, YUV 4:2:0, 24 frames/s: with the defaults
    /// 9400×9400×12 = 1 060 320 000 pixels, just under HEAD's 2³⁰. The network is the least NETW
    /// allows (no hidden layer: 2 → 6 outputs, 18 parameters) on 2×2 patches, one frame per
    /// group, so one group renders 4700² patch positions × 6 outputs = 132 540 000 floats, under
    /// the 2²⁸ of one group's rendering; GRPS holds `frames` groups of a few bytes each.
    ///
    /// The file is about 80 bytes plus 7 per frame (165 with the defaults), but decoding it
    /// renders every sample of the clip: with the defaults 1.6·10⁹ samples, 3.2 GB as the
    /// decoder's 16-bit samples, held together before a byte of output is written. `bitDepth` 16
    /// declares the same samples at twice the output size (16-bit .y4m).
    ///
    /// The shape must satisfy HEAD's limits for the file to be valid: one side at most 2¹⁴, and
    /// ⌈width/2⌉·⌈height/2⌉·6 ≤ 2²⁸ (so sides of up to about 13 000).
    public static func videoWithHugeFrames(width: Int = 9400, height: Int = 9400, frames: Int = 12, bitDepth: Int = 8) -> [UInt8] {
        let encoding = EncodingModel(RawEncoding())
        let patches = VideoPatches(width: width, height: height, patchSize: 2, groupSize: 1)
        let spec = NetworkSpec(
            inputWidth: encoding.encoding.outputWidth, hiddenWidths: [], outputWidth: patches.outputWidth, activation: .sine)
        let parameters = zeroParameters(spec: spec)
        let video = CompressedVideo(
            width: width, height: height, bitDepth: bitDepth, frameCount: frames, frameRate: Video.FrameRate(24), patches: patches,
            encoding: encoding, spec: spec, quantization: parameters.quantization, stepSizes: parameters.stepSizes,
            groups: Array(repeating: parameters.symbols, count: patches.groups(frameCount: frames).count))
        return VideoFormat.bytes(video)
    }

    /// `videoWithHugeFrames`'s small sibling: 2 frames of 64×64 (a 93-byte file) that decode
    /// at once, every sample 0.
    public static func videoWithSmallFrames(width: Int = 64, height: Int = 64, frames: Int = 2, bitDepth: Int = 8) -> [UInt8] {
        videoWithHugeFrames(width: width, height: height, frames: frames, bitDepth: bitDepth)
    }

    // MARK: - Weights

    /// Every parameter of `spec` quantised to the integer 0 (2 bits, one step of 1/64 per
    /// tensor; the steps are stored but multiply nothing).
    private static func zeroParameters(spec: NetworkSpec) -> QuantizedParameters {
        let quantization = QuantizationSpec(weightBits: 2, biasBits: 2, granularity: .layer)
        let layout = ParameterLayout(spec: spec)
        return QuantizedParameters(
            spec: spec, quantization: quantization, symbols: [Int32](repeating: 0, count: layout.count),
            stepSizes: [Float16](repeating: 1 / 64, count: quantization.groups(of: layout).count))
    }
}
