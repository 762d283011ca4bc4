/// Upsampling of a grid by 2 in each direction, separable, with a 4-tap filter per output phase;
/// edges replicate. The default is bicubic interpolation (Keys' cubic, a = −0.75, at the
/// half-pixel centres of PyTorch's `align_corners=False`):
///
///     output 2k   = (−9·x[k−2] + 67·x[k−1] + 225·x[k] − 27·x[k+1]) / 256
///     output 2k+1 = (−27·x[k−1] + 225·x[k] + 67·x[k+1] − 9·x[k+2]) / 256   (mirrored taps)
///
/// A grid of level l reaches the image's size by l such steps, each cropped to the next
/// level's size (⌈W/2^(l−1)⌉ ≤ 2·⌈W/2^l⌉). Every sum is taken in a fixed order with no fused
/// multiply-add, so the decoder's samples are the same on every x86-64 CPU.
public struct UpsamplingFilter: Hashable, Sendable {
    /// The even phase's taps, applied to x[k−2], x[k−1], x[k], x[k+1].
    public var taps: [Float]

    public static let bicubic = UpsamplingFilter(taps: [-9 / 256, 67 / 256, 225 / 256, -27 / 256])

    public init(taps: [Float]) {
        precondition(taps.count == 4)
        self.taps = taps
    }

    /// The four inputs (edge-replicated) and weights of output `o` along one axis of
    /// `inputCount` samples: the even phase's taps, or the odd phase's mirrored.
    @inline(__always)
    func tapsOfOutput(_ o: Int, inputCount: Int) -> ((Int, Int, Int, Int), (Float, Float, Float, Float)) {
        let k = o >> 1, last = inputCount - 1
        return o & 1 == 0
            ? ((max(k - 2, 0), max(k - 1, 0), min(k, last), min(k + 1, last)), (taps[0], taps[1], taps[2], taps[3]))
            : ((max(k - 1, 0), min(k, last), min(k + 1, last), min(k + 2, last)), (taps[3], taps[2], taps[1], taps[0]))
    }

    /// `input` (width × height, row-major) upsampled by 2 and cropped to outWidth × outHeight.
    public func upsample(_ input: [Float], width: Int, height: Int, outWidth: Int, outHeight: Int) -> [Float] {
        precondition(outWidth <= 2 * width && outHeight <= 2 * height && input.count == width * height)
        // Rows: height × outWidth.
        var rows = [Float](repeating: 0, count: height * outWidth)
        input.withUnsafeBufferPointer { x in
            rows.withUnsafeMutableBufferPointer { r in
                for y in 0..<height {
                    let row = x.baseAddress! + y * width, out = r.baseAddress! + y * outWidth
                    for o in 0..<outWidth {
                        let ((i0, i1, i2, i3), (w0, w1, w2, w3)) = tapsOfOutput(o, inputCount: width)
                        out[o] = w0 * row[i0] + w1 * row[i1] + w2 * row[i2] + w3 * row[i3]
                    }
                }
            }
        }
        // Columns: outHeight × outWidth, whole rows at a time.
        var output = [Float](repeating: 0, count: outHeight * outWidth)
        rows.withUnsafeBufferPointer { r in
            output.withUnsafeMutableBufferPointer { o in
                for y in 0..<outHeight {
                    let ((i0, i1, i2, i3), (w0, w1, w2, w3)) = tapsOfOutput(y, inputCount: height)
                    let a = r.baseAddress! + i0 * outWidth, b = r.baseAddress! + i1 * outWidth
                    let c = r.baseAddress! + i2 * outWidth, d = r.baseAddress! + i3 * outWidth
                    let out = o.baseAddress! + y * outWidth
                    for x in 0..<outWidth { out[x] = w0 * a[x] + w1 * b[x] + w2 * c[x] + w3 * d[x] }
                }
            }
        }
        return output
    }

    /// The adjoint of `upsample`: the gradient of its input from the gradient of its output.
    public func upsampleAdjoint(_ gradient: [Float], width: Int, height: Int, outWidth: Int, outHeight: Int) -> [Float] {
        var rows = [Float](repeating: 0, count: height * outWidth)
        gradient.withUnsafeBufferPointer { g in
            rows.withUnsafeMutableBufferPointer { r in
                for y in 0..<outHeight {
                    let ((i0, i1, i2, i3), (w0, w1, w2, w3)) = tapsOfOutput(y, inputCount: height)
                    let source = g.baseAddress! + y * outWidth
                    let a = r.baseAddress! + i0 * outWidth, b = r.baseAddress! + i1 * outWidth
                    let c = r.baseAddress! + i2 * outWidth, d = r.baseAddress! + i3 * outWidth
                    for x in 0..<outWidth {
                        let v = source[x]
                        a[x] += w0 * v; b[x] += w1 * v; c[x] += w2 * v; d[x] += w3 * v
                    }
                }
            }
        }
        var input = [Float](repeating: 0, count: height * width)
        rows.withUnsafeBufferPointer { r in
            input.withUnsafeMutableBufferPointer { x in
                for y in 0..<height {
                    let source = r.baseAddress! + y * outWidth, row = x.baseAddress! + y * width
                    for o in 0..<outWidth {
                        let ((i0, i1, i2, i3), (w0, w1, w2, w3)) = tapsOfOutput(o, inputCount: width)
                        let v = source[o]
                        row[i0] += w0 * v; row[i1] += w1 * v; row[i2] += w2 * v; row[i3] += w3 * v
                    }
                }
            }
        }
        return input
    }

    /// Grid `level` of `spec` (its samples) upsampled to the image's size.
    public func toFullSize(_ grid: [Float], level: Int, spec: LatentSpec) -> [Float] {
        var values = grid
        for step in stride(from: level, to: 0, by: -1) {
            let from = spec.gridSize(step), to = spec.gridSize(step - 1)
            values = upsample(values, width: from.width, height: from.height, outWidth: to.width, outHeight: to.height)
        }
        return values
    }

    /// The adjoint of `toFullSize`: a full-size gradient brought back to grid `level`.
    public func fromFullSize(_ gradient: [Float], level: Int, spec: LatentSpec) -> [Float] {
        guard level > 0 else { return gradient }
        var values = gradient
        for step in 1...level {
            let from = spec.gridSize(step), to = spec.gridSize(step - 1)
            values = upsampleAdjoint(values, width: from.width, height: from.height, outWidth: to.width, outHeight: to.height)
        }
        return values
    }
}
