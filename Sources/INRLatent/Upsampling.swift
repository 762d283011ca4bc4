/// Upsampling of a grid by 2 in each direction, separable, with a 4-tap filter per output phase;
/// edges replicate. The default is bicubic interpolation (Keys' cubic, a = −0.75, at the
/// half-pixel centres of PyTorch's `align_corners=False`):
///
///     output 2k   = (−9·x[k−2] + 67·x[k−1] + 225·x[k] − 27·x[k+1]) / 256
///     output 2k+1 = (−27·x[k−1] + 225·x[k] + 67·x[k+1] − 9·x[k+2]) / 256   (mirrored taps)
///
/// The two phases together are a symmetric 8-tap transposed convolution of stride 2, the shape
/// of Cool-chic 3+'s learned upsampling filters (Leguay et al. 2024), whose four free taps are
/// `taps`. A grid of level l reaches the image's size by l such steps, each cropped to the
/// next level's size (⌈W/2^(l−1)⌉ ≤ 2·⌈W/2^l⌉). Every sum is taken in a fixed order with no
/// fused multiply-add, so the decoder's samples are the same on every x86-64 CPU.
///
///     forward   x ─► row pass (height × outWidth) ─► column pass (outHeight × outWidth)
///     backward  g ─► column adjoint ─► row adjoint ─► ∂/∂x     (and ∂/∂taps from both passes)
public struct UpsamplingFilter: Hashable, Sendable {
    /// The even phase's taps, applied to x[k−2], x[k−1], x[k], x[k+1].
    public var taps: [Float]

    public static let bicubic = UpsamplingFilter(taps: [-9 / 256, 67 / 256, 225 / 256, -27 / 256])
    /// Taps per filter (a learned upsampling stores this many per step).
    public static let tapCount = 4

    public init(taps: [Float]) {
        precondition(taps.count == Self.tapCount)
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

    /// The output pairs (2k, 2k + 1) of a row whose eight taps all fall inside it, unclamped:
    /// k in 2 ..< W − 2, cut where the row is cropped (empty for rows under 5 samples). The
    /// row loops run these pairs without `tapsOfOutput`'s clamps and the outputs around them
    /// with it, in the same order and with the same sums, so both give the same bits.
    @inline(__always)
    static func interiorPairs(inputCount: Int, outputCount: Int) -> Range<Int> {
        2..<max(2, min(inputCount - 2, outputCount / 2))
    }

    /// A row's outputs in order: those before `pairs` one by one (`edge`), the pairs (`pair(k)`
    /// for outputs 2k and 2k + 1), then those after one by one.
    @inline(__always)
    static func forEachOutput(pairs: Range<Int>, outputCount: Int, edge: (Int) -> Void, pair: (Int) -> Void) {
        let before = min(2 * pairs.lowerBound, outputCount)
        for o in 0..<before { edge(o) }
        for k in pairs { pair(k) }
        for o in max(min(2 * pairs.upperBound, outputCount), before)..<outputCount { edge(o) }
    }

    /// `input` (width × height, row-major) upsampled by 2 and cropped to outWidth × outHeight.
    public func upsample(_ input: [Float], width: Int, height: Int, outWidth: Int, outHeight: Int) -> [Float] {
        precondition(outWidth <= 2 * width && outHeight <= 2 * height && input.count == width * height)
        return columnPass(rowPass(input, width: width, height: height, outWidth: outWidth), height: height, outWidth: outWidth, outHeight: outHeight)
    }

    /// The adjoint of `upsample`: the gradient of its input from the gradient of its output.
    public func upsampleAdjoint(_ gradient: [Float], width: Int, height: Int, outWidth: Int, outHeight: Int) -> [Float] {
        rowAdjoint(columnAdjoint(gradient, height: height, outWidth: outWidth, outHeight: outHeight), width: width, height: height, outWidth: outWidth)
    }

    /// `upsampleAdjoint` and the gradient of Σ g · upsample(x) with respect to the four taps:
    /// the column pass's share (g against the row pass's samples) plus the row pass's (the
    /// column adjoint of g against the input). An odd output's taps are mirrored, so its tap t
    /// adds to tap 3 − t. Sums run in a fixed order (each row's dot products in `Float` lanes,
    /// the rows added in `Double`), whatever the thread count.
    public func backward(
        _ input: [Float], _ gradient: [Float], width: Int, height: Int, outWidth: Int, outHeight: Int
    ) -> (input: [Float], taps: [Double]) {
        precondition(input.count == width * height && gradient.count == outWidth * outHeight)
        var sums = [Double](repeating: 0, count: Self.tapCount)
        func add(_ dots: (Float, Float, Float, Float), odd: Bool) {
            let values = [dots.0, dots.1, dots.2, dots.3]
            for t in 0..<4 { sums[odd ? 3 - t : t] += Double(values[t]) }
        }
        let rows = rowPass(input, width: width, height: height, outWidth: outWidth)
        rows.withUnsafeBufferPointer { r in
            gradient.withUnsafeBufferPointer { g in
                let r = r.baseAddress!
                for y in 0..<outHeight {
                    let ((i0, i1, i2, i3), _) = tapsOfOutput(y, inputCount: height)
                    add(Self.dots(g.baseAddress! + y * outWidth, r + i0 * outWidth, r + i1 * outWidth, r + i2 * outWidth, r + i3 * outWidth, count: outWidth),
                        odd: y & 1 == 1)
                }
            }
        }
        let back = columnAdjoint(gradient, height: height, outWidth: outWidth, outHeight: outHeight)
        back.withUnsafeBufferPointer { b in
            input.withUnsafeBufferPointer { x in
                let pairs = Self.interiorPairs(inputCount: width, outputCount: outWidth)
                for y in 0..<height {
                    let source = b.baseAddress! + y * outWidth, row = x.baseAddress! + y * width
                    var even: (Float, Float, Float, Float) = (0, 0, 0, 0), odd = even
                    Self.forEachOutput(pairs: pairs, outputCount: outWidth, edge: { o in
                        let ((i0, i1, i2, i3), _) = tapsOfOutput(o, inputCount: width)
                        let v = source[o]
                        if o & 1 == 0 {
                            even.0 += v * row[i0]; even.1 += v * row[i1]; even.2 += v * row[i2]; even.3 += v * row[i3]
                        } else {
                            odd.0 += v * row[i0]; odd.1 += v * row[i1]; odd.2 += v * row[i2]; odd.3 += v * row[i3]
                        }
                    }, pair: { k in
                        let v = source[2 * k], w = source[2 * k + 1]
                        even.0 += v * row[k - 2]; even.1 += v * row[k - 1]; even.2 += v * row[k]; even.3 += v * row[k + 1]
                        odd.0 += w * row[k - 1]; odd.1 += w * row[k]; odd.2 += w * row[k + 1]; odd.3 += w * row[k + 2]
                    })
                    add(even, odd: false)
                    add(odd, odd: true)
                }
            }
        }
        return (rowAdjoint(back, width: width, height: height, outWidth: outWidth), sums)
    }

    /// Each row filtered along x: height × outWidth.
    func rowPass(_ input: [Float], width: Int, height: Int, outWidth: Int) -> [Float] {
        var rows = [Float](repeating: 0, count: height * outWidth)
        input.withUnsafeBufferPointer { x in
            rows.withUnsafeMutableBufferPointer { r in
                let pairs = Self.interiorPairs(inputCount: width, outputCount: outWidth)
                let (t0, t1, t2, t3) = (taps[0], taps[1], taps[2], taps[3])
                for y in 0..<height {
                    let row = x.baseAddress! + y * width, out = r.baseAddress! + y * outWidth
                    Self.forEachOutput(pairs: pairs, outputCount: outWidth, edge: { o in
                        let ((i0, i1, i2, i3), (w0, w1, w2, w3)) = tapsOfOutput(o, inputCount: width)
                        out[o] = w0 * row[i0] + w1 * row[i1] + w2 * row[i2] + w3 * row[i3]
                    }, pair: { k in
                        let a = row[k - 2], b = row[k - 1], c = row[k], d = row[k + 1], e = row[k + 2]
                        out[2 * k] = t0 * a + t1 * b + t2 * c + t3 * d
                        out[2 * k + 1] = t3 * b + t2 * c + t1 * d + t0 * e
                    })
                }
            }
        }
        return rows
    }

    /// The row pass's samples filtered along y, whole rows at a time: outHeight × outWidth.
    func columnPass(_ rows: [Float], height: Int, outWidth: Int, outHeight: Int) -> [Float] {
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

    /// The column pass's adjoint: height × outWidth from outHeight × outWidth.
    func columnAdjoint(_ gradient: [Float], height: Int, outWidth: Int, outHeight: Int) -> [Float] {
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
        return rows
    }

    /// The row pass's adjoint: width × height from height × outWidth.
    func rowAdjoint(_ rows: [Float], width: Int, height: Int, outWidth: Int) -> [Float] {
        var input = [Float](repeating: 0, count: height * width)
        rows.withUnsafeBufferPointer { r in
            input.withUnsafeMutableBufferPointer { x in
                // Inputs 3 ..< W − 3 (cut where the row is cropped) take their eight products,
                // from outputs 2j − 3 … 2j + 4, in the order the scatter below would add them; the
                // scatter adds the others' from the outputs that reach them (0 ..< 9 and from
                // 2·end − 3 on).
                let inner = 3..<max(3, min(width - 3, (outWidth - 3) / 2))
                let (t0, t1, t2, t3) = (taps[0], taps[1], taps[2], taps[3])
                let before = min(9, outWidth), after = max(min(2 * inner.upperBound - 3, outWidth), before)
                for y in 0..<height {
                    let source = r.baseAddress! + y * outWidth, row = x.baseAddress! + y * width
                    func scatter(_ o: Int) {
                        let ((i0, i1, i2, i3), (w0, w1, w2, w3)) = tapsOfOutput(o, inputCount: width)
                        let v = source[o]
                        if !inner.contains(i0) { row[i0] += w0 * v }
                        if !inner.contains(i1) { row[i1] += w1 * v }
                        if !inner.contains(i2) { row[i2] += w2 * v }
                        if !inner.contains(i3) { row[i3] += w3 * v }
                    }
                    for o in 0..<before { scatter(o) }
                    for o in after..<outWidth { scatter(o) }
                    for j in inner {
                        let v = source + 2 * j
                        row[j] = 0 + t0 * v[-3] + t3 * v[-2] + t1 * v[-1] + t2 * v[0] + t2 * v[1] + t1 * v[2] + t3 * v[3] + t0 * v[4]
                    }
                }
            }
        }
        return input
    }

    /// Four dot products of `g` with `a`, `b`, `c`, `d` over `count` floats, 16 lanes each.
    @inline(__always)
    static func dots(
        _ g: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ c: UnsafePointer<Float>, _ d: UnsafePointer<Float>, count: Int
    ) -> (Float, Float, Float, Float) {
        typealias Lanes = SIMD16<Float>
        var (sa, sb, sc, sd) = (Lanes(), Lanes(), Lanes(), Lanes())
        var x = 0
        func load(_ p: UnsafePointer<Float>) -> Lanes { UnsafeRawPointer(p + x).loadUnaligned(as: Lanes.self) }
        while x + Lanes.scalarCount <= count {
            let v = load(g)
            sa += v * load(a); sb += v * load(b); sc += v * load(c); sd += v * load(d)
            x += Lanes.scalarCount
        }
        var tail: (Float, Float, Float, Float) = (0, 0, 0, 0)
        while x < count {
            let v = g[x]
            tail.0 += v * a[x]; tail.1 += v * b[x]; tail.2 += v * c[x]; tail.3 += v * d[x]
            x += 1
        }
        return (sa.sum() + tail.0, sb.sum() + tail.1, sc.sum() + tail.2, sd.sum() + tail.3)
    }
}
