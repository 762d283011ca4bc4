import Foundation
import INRCore
import INRFormat
import INRMedia
import INRModel
import INRNetwork

/// How an image encoder sizes its network: as the config says, or from the image.
///
/// A coordinate network's file is mostly its weights, so its size must follow the image: the
/// same network is a tenth of a large photo's lossless file and more than all of a 64 × 64
/// one's, and a fixed network gives 0.30 bpp on a 768 × 512 image but 0.47 on a 500 × 500 one.
/// Both rules keep the config's depth, activations and encoding and choose the hidden width
/// (every hidden layer the same), the largest that fits the budget and that the decoder's
/// budget (`DecodeBudget`) renders (docs/rate-distortion.md and
/// docs/lossless.md give the measurements behind them):
///
///     lossless:  P(w) · (weightBits − 1)         ≤ pixels · channels · bitDepth / 12
///     rate B:    P(w) · bitsPerWeight + 8 · H(w) ≤ B · pixels
///
/// P(w) is the parameter count at width w (the encoding's own parameters included), H(w) the
/// size of the file with every weight zero (container, HEAD, NETW, ENCO, QUAN and a near-empty
/// WGHT), and
/// bitsPerWeight = weightBits − 1 what the range coder spends on a network fitted to an image
/// (kodim23 with mlp.yaml: 16,963 parameters in 14.8 KB, 6.98 bits each). With a rate,
/// `RateControl` then scales the step sizes so the written file lands on B.
public enum NetworkSizing: Sendable, Equatable {
    /// The config's widths.
    case fixed
    /// Lossless: from the image's raw size, at most the config's width.
    case lossless
    /// A target rate in bits per pixel (`--bpp`): a file within ±5% of it, never above 1.05×,
    /// or an error when the image's smallest file is larger.
    case rate(bitsPerPixel: Double)
    /// A quality, 0–100 (`--quality`): the rate `bitsPerPixel(quality:)` targets, and the
    /// smallest file this config makes where that rate is below it (a tiny image at Q near 0).
    case quality(Double)

    /// The narrowest network either rule picks.
    public static let minimumWidth = 4
    /// The widest network the rate rule picks (a 1.5 bpp 1024 × 768 image needs about 330).
    public static let maximumRateWidth = 1024
    /// The lossless rule's share of the image's raw bits that the weights may take.
    public static let losslessWeightShare = 1.0 / 12

    /// The rate `--quality Q` (0–100) targets: 0.05 · 2^(Q/20) bpp, from 0.05 to 1.6 bpp
    /// (50 ≈ 0.28, mlp.yaml's rate on Kodak; each 20 points double the bits).
    public static func bitsPerPixel(quality: Double) -> Double {
        0.05 * exp2(quality / 20)
    }

    /// The target rate, if any.
    public var bitsPerPixel: Double? {
        switch self {
        case .rate(let bitsPerPixel): bitsPerPixel
        case .quality(let quality): Self.bitsPerPixel(quality: quality)
        case .fixed, .lossless: nil
        }
    }

    /// The widths for `image` with `settings` (whose network is the config's). A rate's network
    /// also stays within `budget`, the decoder's (a large photo at a high rate gets the widest
    /// network the decoder renders, and a file below the target).
    public func hiddenWidths(for image: Image, settings: ImageEncoder.Settings, budget: DecodeBudget = .standard) -> [Int] {
        let depth = settings.network.hiddenWidths.count
        switch self {
        case .fixed:
            return settings.network.hiddenWidths
        case .lossless:
            let decodeBudget = budget, maximumWidth = settings.network.hiddenWidths.max() ?? Self.minimumWidth
            let weightBits = Double(max(1, settings.quantization.spec.weightBits - 1))
            let budget = Double(image.pixelCount * image.channels * image.bitDepth) * Self.losslessWeightShare
            let width = Self.widest(in: Self.minimumWidth...max(Self.minimumWidth, maximumWidth)) { width in
                let spec = Self.spec(width: width, depth: depth, image: image, settings: settings)
                return Self.isDecodable(spec, image: image, settings: settings, budget: decodeBudget)
                    && Double(Self.parameterCount(spec, settings: settings)) * weightBits <= budget
            }
            return Array(repeating: width, count: depth)
        case .rate, .quality:
            let decodeBudget = budget
            let bitsPerPixel = self.bitsPerPixel!
            let bitsPerWeight = Double(max(1, settings.quantization.spec.weightBits - 1))
            let budget = bitsPerPixel * Double(image.pixelCount)
            let width = Self.widest(in: Self.minimumWidth...Self.maximumRateWidth) { width in
                let spec = Self.spec(width: width, depth: depth, image: image, settings: settings)
                guard Self.isDecodable(spec, image: image, settings: settings, budget: decodeBudget) else { return false }
                let weights = Double(Self.parameterCount(spec, settings: settings)) * bitsPerWeight
                return weights + 8 * Double(Self.overheadBytes(spec, image: image, settings: settings)) <= budget
            }
            return Array(repeating: width, count: depth)
        }
    }

    /// Video (`--bpp` with a video config): every group's network has the same width, and the
    /// clip's file is about
    ///
    ///     P(w) · (firstGroupBits + laterGroupBits · (groups − 1)) ≤ B · width · height · frames
    ///
    /// group 0 coding its weights whole at about weightBits − 0.5 bits each, every later group
    /// its differences from the one before at about 1.7 bits per weight (measured with
    /// nirvana.yaml on carphone: 5.5 and 1.68; docs/video.md). The rule only picks the width:
    /// the rate lands near B, not on it (docs/video.md has how near).
    public func hiddenWidths(
        forClipWidth width: Int, height: Int, frameCount: Int, settings: VideoEncoder.Settings, budget decodeBudget: DecodeBudget = .standard
    ) -> [Int] {
        let shape = settings.image.network, encoding = settings.image.encoding.encoding
        guard let bitsPerPixel else { return shape.hiddenWidths }
        let depth = shape.hiddenWidths.count
        let patches = VideoPatches(width: width, height: height, patchSize: settings.patchSize, groupSize: settings.groupSize)
        let groups = (frameCount + settings.groupSize - 1) / settings.groupSize
        let perWeight = Double(settings.image.quantization.spec.weightBits) - 0.5 + Self.laterGroupBitsPerWeight * Double(groups - 1)
        let budget = bitsPerPixel * Double(width * height * frameCount)
        let chosen = Self.widest(in: Self.minimumWidth...Self.maximumRateWidth) { candidate in
            var sized = shape
            sized.hiddenWidths = Array(repeating: candidate, count: depth)
            let spec = sized.spec(inputWidth: encoding.outputWidth, outputWidth: patches.outputWidth)
            let parameters = ParameterLayout(spec: spec, encodingShapes: encoding.parameterShapes).count
            guard (try? VideoFormat.checkBudget(patches: patches, frameCount: frameCount, network: spec, parameters: parameters, decodeBudget)) != nil else {
                return false
            }
            return Double(parameters) * perWeight <= budget
        }
        return Array(repeating: chosen, count: depth)
    }

    /// What a later video group's differences cost per weight (carphone, nirvana.yaml: 1.68).
    public static let laterGroupBitsPerWeight = 1.7

    /// The smallest file a rate's network can make of `image`: the narrowest network's, every
    /// weight zero (nil without a rate). A target below it is refused before any fitting.
    public func smallestFileBytes(for image: Image, settings: ImageEncoder.Settings) -> Int? {
        guard bitsPerPixel != nil else { return nil }
        let narrowest = Self.spec(width: Self.minimumWidth, depth: settings.network.hiddenWidths.count, image: image, settings: settings)
        return Self.overheadBytes(narrowest, image: image, settings: settings)
    }

    /// The largest width in `range` that `fits` (widths that fit form a prefix), or its lower bound.
    static func widest(in range: ClosedRange<Int>, fits: (Int) -> Bool) -> Int {
        var (low, high) = (range.lowerBound, range.upperBound)
        guard fits(low) else { return low }
        while low < high {
            let middle = (low + high + 1) / 2
            if fits(middle) { low = middle } else { high = middle - 1 }
        }
        return low
    }

    /// Whether the decoder's `budget` renders `image` through the network `spec` (lossless:
    /// its bit-plane queries): both rules stay within it, so a 3.4-megapixel 16-bit image gets
    /// a lossless network narrower than the config's 64.
    static func isDecodable(_ spec: NetworkSpec, image: Image, settings: ImageEncoder.Settings, budget: DecodeBudget) -> Bool {
        (try? ImageFormat.checkBudget(
            width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth, bitPlanes: settings.bitPlanes,
            network: spec, budget)) != nil
    }

    /// The network's spec at `width` for `image`.
    static func spec(width: Int, depth: Int, image: Image, settings: ImageEncoder.Settings) -> NetworkSpec {
        var shape = settings.network
        shape.hiddenWidths = Array(repeating: width, count: depth)
        let head = settings.bitPlanes
        let inputWidth = settings.encoding.encoding.outputWidth + (head?.extraInputWidth(channels: image.channels) ?? 0)
        let outputWidth = head?.outputWidth(channels: image.channels, bitDepth: image.bitDepth) ?? image.channels
        return shape.spec(inputWidth: inputWidth, outputWidth: outputWidth)
    }

    /// P(w): the network's parameters and the encoding's own.
    static func parameterCount(_ spec: NetworkSpec, settings: ImageEncoder.Settings) -> Int {
        spec.parameterCount + settings.encoding.encoding.parameterCount
    }

    /// H(w): the bytes of a file of `spec` whose weights are all zero: everything but the weights' code.
    static func overheadBytes(_ spec: NetworkSpec, image: Image, settings: ImageEncoder.Settings) -> Int {
        let encodingShapes = settings.encoding.encoding.parameterShapes
        let layout = ParameterLayout(spec: spec, encodingShapes: encodingShapes)
        let groups = settings.quantization.spec.groups(of: layout).count
        let parameters = QuantizedParameters(
            spec: spec, encodingShapes: encodingShapes, quantization: settings.quantization.spec,
            symbols: [Int32](repeating: 0, count: layout.count), stepSizes: [Float16](repeating: 1, count: groups))
        return ImageFormat.bytes(
            CompressedImage(
                width: image.width, height: image.height, channels: image.channels, bitDepth: image.bitDepth,
                encoding: settings.encoding, parameters: parameters)
        ).count
    }
}
