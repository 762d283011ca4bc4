/// The shape of a latent-grid image model (Cool-chic, Ladune et al. 2023; C3, Kim et al. 2024):
/// what a file's HEAD says and every stage sizes itself from.
///
///     grids ŷ_0 … ŷ_{L-1}   one channel each, ŷ_l of ⌈H/2^l⌉ × ⌈W/2^l⌉ integers
///     upsampling            each grid to H × W by ×2 steps (bicubic, or learned taps per step:
///                           `UpsamplingPyramid`)
///     synthesis             per pixel: L → hidden widths (ReLU) → channels, then
///                           `residualConvolutions` 3×3 residual convolutions over the channels
///     entropy model         per latent: a Laplace (μ, b) from the grid's scale alone
///                           (factorised) or from its causal neighbours (ARM)
///     bands                 every grid cut into bands of `bandRows` rows, each its own range
///                           code whose ARM context stays inside it: bands decode in parallel
public struct LatentSpec: Hashable, Sendable {
    /// The most grids (the coarsest of a 2^15-wide image is then 1 wide).
    public static let maximumGridCount = 16
    public static let maximumHiddenWidth = 128
    public static let maximumHiddenLayers = 4
    public static let maximumResidualConvolutions = 4

    public var width: Int
    public var height: Int
    /// Output channels: 1 (gray) or 3 (RGB).
    public var channels: Int
    /// L.
    public var gridCount: Int
    /// The synthesis network's hidden widths (ReLU after each).
    public var synthesisWidths: [Int]
    /// The entropy model of the latents.
    public var entropyModel: EntropyModelSpec
    /// Rows per band (the last band of a grid may be shorter).
    public var bandRows: Int
    /// 3×3 residual convolutions after the per-pixel layers (`ResidualConvolution`; ReLU after
    /// each but the last).
    public var residualConvolutions: Int
    /// The upsampling's filters: bicubic, or learned (4 taps per step in the file).
    public var upsampling: UpsamplingSpec

    public static let defaultBandRows = 64

    public init(
        width: Int, height: Int, channels: Int, gridCount: Int, synthesisWidths: [Int], entropyModel: EntropyModelSpec,
        bandRows: Int = defaultBandRows, residualConvolutions: Int = 0, upsampling: UpsamplingSpec = .bicubic
    ) {
        self.width = width
        self.height = height
        self.channels = channels
        self.gridCount = gridCount
        self.synthesisWidths = synthesisWidths
        self.entropyModel = entropyModel
        self.bandRows = bandRows
        self.residualConvolutions = residualConvolutions
        self.upsampling = upsampling
    }

    public var pixelCount: Int { width * height }

    /// Grid l's size: ⌈W/2^l⌉ × ⌈H/2^l⌉.
    public func gridSize(_ level: Int) -> (width: Int, height: Int) {
        ((width + (1 << level) - 1) >> level, (height + (1 << level) - 1) >> level)
    }

    /// Grid `level`'s bands: the rows of each, in order.
    public func bands(_ level: Int) -> [Range<Int>] {
        let height = gridSize(level).height
        return stride(from: 0, to: height, by: bandRows).map { $0..<min($0 + bandRows, height) }
    }

    /// The first row of the band holding row `row`.
    @inline(__always)
    public func bandStart(_ row: Int) -> Int { row / bandRows * bandRows }

    /// Where each grid starts in the flat latent buffer, and the total (the last entry).
    public var gridOffsets: [Int] {
        var offsets = [0]
        for level in 0..<gridCount {
            let size = gridSize(level)
            offsets.append(offsets[level] + size.width * size.height)
        }
        return offsets
    }

    public var latentCount: Int { gridOffsets[gridCount] }

    /// The synthesis network's layers as (inputs, outputs).
    public var synthesisLayers: [(inputs: Int, outputs: Int)] {
        let widths = [gridCount] + synthesisWidths + [channels]
        return (0..<(widths.count - 1)).map { (widths[$0], widths[$0 + 1]) }
    }

    /// The synthesis's parameters: its per-pixel layers' (`denseSynthesisParameterCount`), then
    /// each convolution's.
    public var synthesisParameterCount: Int {
        denseSynthesisParameterCount + residualConvolutions * ResidualConvolution.parameterCount(channels: channels)
    }

    /// The learned upsampling's taps: 4 for each of the L − 1 steps (none for bicubic).
    public var upsamplingParameterCount: Int {
        upsampling == .learned ? UpsamplingFilter.tapCount * max(gridCount - 1, 0) : 0
    }

    public var denseSynthesisParameterCount: Int { synthesisLayers.reduce(0) { $0 + ($1.inputs + 1) * $1.outputs } }

    /// The convolutions' geometry.
    public var convolution: ResidualConvolution { ResidualConvolution(channels: channels, width: width, height: height) }

    /// The ARM's layers as (inputs, outputs): context → hidden (ReLU) … → μ and log b. Empty
    /// for the factorised model.
    public var entropyLayers: [(inputs: Int, outputs: Int)] {
        guard case .autoregressive(let context, let width, let layers) = entropyModel else { return [] }
        let widths = [context] + [Int](repeating: width, count: layers) + [2]
        return (0..<(widths.count - 1)).map { (widths[$0], widths[$0 + 1]) }
    }

    /// The factorised model's parameters: one log-scale per grid (none with an ARM).
    public var entropyParameterCount: Int {
        switch entropyModel {
        case .factorized: gridCount
        case .autoregressive: entropyLayers.reduce(0) { $0 + ($1.inputs + 1) * $1.outputs }
        }
    }

    /// Multiply-adds of decoding the image: every upsampling step (4 per sample of its row pass
    /// and of its column pass), the synthesis per pixel (its convolutions' 9·C·C each) and the
    /// entropy model per latent.
    public var decoderMultiplyAdds: Int {
        var upsampling = 0
        for level in 1..<max(gridCount, 1) {
            for step in stride(from: level, to: 0, by: -1) {
                let from = gridSize(step), to = gridSize(step - 1)
                upsampling += 4 * to.width * (from.height + to.height)
            }
        }
        let synthesis = synthesisLayers.reduce(0) { $0 + $1.inputs * $1.outputs }
            + residualConvolutions * ResidualConvolution.multiplyAddsPerPixel(channels: channels)
        return upsampling + synthesis * pixelCount + entropyModel.multiplyAddsPerLatent * latentCount
    }

    /// `decoderMultiplyAdds` per pixel, rounded up.
    public var decoderMultiplyAddsPerPixel: Int { (decoderMultiplyAdds + pixelCount - 1) / pixelCount }

    /// Refuses shapes beyond the format's limits.
    public func validate() throws(LatentError) {
        guard channels == 1 || channels == 3 else { throw LatentError("\(channels) channels (1 or 3)") }
        guard (1...Self.maximumGridCount).contains(gridCount) else { throw LatentError("\(gridCount) grids (1 to \(Self.maximumGridCount))") }
        guard width >= 1, height >= 1, width <= 1 << 15, height <= 1 << 15 else { throw LatentError("a \(width)×\(height) image") }
        guard (1...(1 << 15)).contains(bandRows) else { throw LatentError("bands of \(bandRows) rows (1 to 32768)") }
        guard synthesisWidths.count <= Self.maximumHiddenLayers, synthesisWidths.allSatisfy({ (1...Self.maximumHiddenWidth).contains($0) }) else {
            throw LatentError("synthesis widths \(synthesisWidths) (at most \(Self.maximumHiddenLayers) layers of 1 to \(Self.maximumHiddenWidth))")
        }
        guard (0...Self.maximumResidualConvolutions).contains(residualConvolutions) else {
            throw LatentError("\(residualConvolutions) residual convolutions (0 to \(Self.maximumResidualConvolutions))")
        }
        try entropyModel.validate()
    }
}

/// The upsampling's filters (HEAD's filter byte).
public enum UpsamplingSpec: UInt8, Hashable, Sendable, CaseIterable {
    /// Every step bicubic (Keys' cubic, a = −0.75).
    case bicubic = 0
    /// Each step its own symmetric 8-tap filter (4 free taps), trained from bicubic (Cool-chic 3+).
    case learned = 1
}

/// How latents are modelled.
public enum EntropyModelSpec: Hashable, Sendable {
    /// One Laplace scale per grid, centred on 0.
    case factorized
    /// An MLP over `context` causal neighbours in the same grid (`ContextPattern`), `layers`
    /// hidden layers of `width` (ReLU), giving μ and log b.
    case autoregressive(context: Int, width: Int, layers: Int)

    public var multiplyAddsPerLatent: Int {
        switch self {
        case .factorized: 0
        case .autoregressive(let context, let width, let layers): context * width + (layers - 1) * width * width + width * 2
        }
    }

    /// The ARM's hidden widths and layer counts a file may hold.
    public static let armWidths = 1...64
    public static let armLayerCounts = 1...4

    public func validate() throws(LatentError) {
        if case .autoregressive(let context, let width, let layers) = self {
            guard ContextPattern.sizes.contains(context) else { throw LatentError("an ARM context of \(context) (one of \(ContextPattern.sizes))") }
            guard Self.armWidths.contains(width), Self.armLayerCounts.contains(layers) else {
                throw LatentError("an ARM of \(layers) layers of \(width) (1–4 of 1–64)")
            }
        }
    }
}

public struct LatentError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
