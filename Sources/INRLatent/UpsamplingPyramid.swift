/// The filters that bring every grid to the image's size: step s (s = 1 … L−1) upsamples
/// from grid s's size to grid s−1's, and grid l passes through steps l, l−1, … 1. So step s
/// filters every grid coarser than s−1 (Cool-chic 3+'s cascade, where each ×2 transposed
/// convolution upsamples the stack of the coarser grids, is the same map).
///
///     bicubic   every step `UpsamplingFilter.bicubic`
///     learned   step s its own four taps (`LatentSpec.upsamplingParameterCount` = 4·(L−1)),
///               trained with the rest from bicubic; the file stores them quantised
public struct UpsamplingPyramid: Hashable, Sendable {
    /// filters[s − 1] is step s's.
    public var filters: [UpsamplingFilter]

    /// The spec's filters from `taps` (4 per step, step 1 first): a learned spec's, or bicubic
    /// everywhere (then `taps` is empty).
    public init(spec: LatentSpec, taps: [Float]) {
        let steps = max(spec.gridCount - 1, 0), count = UpsamplingFilter.tapCount
        precondition(taps.count == spec.upsamplingParameterCount)
        filters = spec.upsampling == .learned
            ? (0..<steps).map { UpsamplingFilter(taps: Array(taps[($0 * count)..<(($0 + 1) * count)])) }
            : [UpsamplingFilter](repeating: .bicubic, count: steps)
    }

    /// A learned pyramid's start: bicubic taps at every step.
    public static func initialTaps(_ spec: LatentSpec) -> [Float] {
        spec.upsampling == .learned ? (1..<max(spec.gridCount, 1)).flatMap { _ in UpsamplingFilter.bicubic.taps } : []
    }

    /// Grid `level` of `spec` (its samples) upsampled to the image's size.
    public func toFullSize(_ grid: [Float], level: Int, spec: LatentSpec) -> [Float] {
        var values = grid
        for step in stride(from: level, to: 0, by: -1) {
            let from = spec.gridSize(step), to = spec.gridSize(step - 1)
            values = filters[step - 1].upsample(values, width: from.width, height: from.height, outWidth: to.width, outHeight: to.height)
        }
        return values
    }

    /// The adjoint of `toFullSize`: a full-size gradient brought back to grid `level`.
    public func fromFullSize(_ gradient: [Float], level: Int, spec: LatentSpec) -> [Float] {
        guard level > 0 else { return gradient }
        var values = gradient
        for step in 1...level {
            let from = spec.gridSize(step), to = spec.gridSize(step - 1)
            values = filters[step - 1].upsampleAdjoint(values, width: from.width, height: from.height, outWidth: to.width, outHeight: to.height)
        }
        return values
    }

    /// `fromFullSize` and each step's tap gradient (4 per step, step 1 first; zeros for the
    /// steps grid `level` does not pass): the forward steps are run again to have each step's
    /// input.
    public func backward(_ grid: [Float], _ gradient: [Float], level: Int, spec: LatentSpec) -> (grid: [Float], taps: [Double]) {
        var taps = [Double](repeating: 0, count: filters.count * UpsamplingFilter.tapCount)
        guard level > 0 else { return (gradient, taps) }
        // inputs[s − 1]: step s's input.
        var inputs = [[Float]](repeating: [], count: level)
        inputs[level - 1] = grid
        for step in stride(from: level, to: 1, by: -1) {
            let from = spec.gridSize(step), to = spec.gridSize(step - 1)
            inputs[step - 2] = filters[step - 1].upsample(inputs[step - 1], width: from.width, height: from.height, outWidth: to.width, outHeight: to.height)
        }
        var values = gradient
        for step in 1...level {
            let from = spec.gridSize(step), to = spec.gridSize(step - 1)
            let back = filters[step - 1].backward(inputs[step - 1], values, width: from.width, height: from.height, outWidth: to.width, outHeight: to.height)
            values = back.input
            for t in 0..<UpsamplingFilter.tapCount { taps[(step - 1) * UpsamplingFilter.tapCount + t] = back.taps[t] }
        }
        return (values, taps)
    }
}
