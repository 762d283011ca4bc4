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

    /// `input` (width × height, row-major) upsampled by 2 and cropped to outWidth × outHeight.
    public func upsample(_ input: [Float], width: Int, height: Int, outWidth: Int, outHeight: Int) -> [Float] {
        precondition(outWidth <= 2 * width && outHeight <= 2 * height && input.count == width * height)
        let t0 = taps[0], t1 = taps[1], t2 = taps[2], t3 = taps[3]
        // Rows: height × outWidth.
        var rows = [Float](repeating: 0, count: height * outWidth)
        input.withUnsafeBufferPointer { x in
            rows.withUnsafeMutableBufferPointer { r in
                for y in 0..<height {
                    let row = x.baseAddress! + y * width, out = r.baseAddress! + y * outWidth
                    for o in 0..<outWidth {
                        let k = o >> 1
                        if o & 1 == 0 {
                            let a = row[max(k - 2, 0)], b = row[max(k - 1, 0)], c = row[min(k, width - 1)], d = row[min(k + 1, width - 1)]
                            out[o] = t0 * a + t1 * b + t2 * c + t3 * d
                        } else {
                            let a = row[max(k - 1, 0)], b = row[min(k, width - 1)], c = row[min(k + 1, width - 1)], d = row[min(k + 2, width - 1)]
                            out[o] = t3 * a + t2 * b + t1 * c + t0 * d
                        }
                    }
                }
            }
        }
        // Columns: outHeight × outWidth, whole rows at a time.
        var output = [Float](repeating: 0, count: outHeight * outWidth)
        rows.withUnsafeBufferPointer { r in
            output.withUnsafeMutableBufferPointer { o in
                for y in 0..<outHeight {
                    let k = y >> 1
                    let (i0, i1, i2, i3) = y & 1 == 0
                        ? (max(k - 2, 0), max(k - 1, 0), min(k, height - 1), min(k + 1, height - 1))
                        : (max(k - 1, 0), min(k, height - 1), min(k + 1, height - 1), min(k + 2, height - 1))
                    let (w0, w1, w2, w3) = y & 1 == 0 ? (t0, t1, t2, t3) : (t3, t2, t1, t0)
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
        let t0 = taps[0], t1 = taps[1], t2 = taps[2], t3 = taps[3]
        var rows = [Float](repeating: 0, count: height * outWidth)
        gradient.withUnsafeBufferPointer { g in
            rows.withUnsafeMutableBufferPointer { r in
                for y in 0..<outHeight {
                    let k = y >> 1
                    let (i0, i1, i2, i3) = y & 1 == 0
                        ? (max(k - 2, 0), max(k - 1, 0), min(k, height - 1), min(k + 1, height - 1))
                        : (max(k - 1, 0), min(k, height - 1), min(k + 1, height - 1), min(k + 2, height - 1))
                    let (w0, w1, w2, w3) = y & 1 == 0 ? (t0, t1, t2, t3) : (t3, t2, t1, t0)
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
                        let k = o >> 1, v = source[o]
                        if o & 1 == 0 {
                            row[max(k - 2, 0)] += t0 * v; row[max(k - 1, 0)] += t1 * v
                            row[min(k, width - 1)] += t2 * v; row[min(k + 1, width - 1)] += t3 * v
                        } else {
                            row[max(k - 1, 0)] += t3 * v; row[min(k, width - 1)] += t2 * v
                            row[min(k + 1, width - 1)] += t1 * v; row[min(k + 2, width - 1)] += t0 * v
                        }
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
