import INRCore
import INRLatent
import XCTest

/// The ×2 upsampling step (`UpsamplingFilter`) against its definition written out plainly, one
/// output at a time with every tap's index clamped to the row, bit for bit: its row loops run
/// the interior of a row without the clamps, and must give the same samples, adjoints and tap
/// gradients as the definition: rows of 1 to 23 samples, each cropped to w + 1, 2w − 1 (the
/// pyramid's odd sizes) and 2w.
final class UpsamplingTests: XCTestCase {
    /// Output o's four (clamped) input indices and weights along an axis of n samples.
    func taps(_ t: [Float], _ o: Int, _ n: Int) -> ([Int], [Float]) {
        let k = o / 2, clamp = { (i: Int) in min(max(i, 0), n - 1) }
        return o % 2 == 0
            ? ([k - 2, k - 1, k, k + 1].map(clamp), [t[0], t[1], t[2], t[3]])
            : ([k - 1, k, k + 1, k + 2].map(clamp), [t[3], t[2], t[1], t[0]])
    }

    /// Rows filtered along x, then columns along y, each output's four products added in tap order.
    func upsample(_ t: [Float], _ x: [Float], _ w: Int, _ h: Int, _ ow: Int, _ oh: Int) -> (rows: [Float], output: [Float]) {
        var rows = [Float](repeating: 0, count: h * ow), output = [Float](repeating: 0, count: oh * ow)
        for y in 0..<h {
            for o in 0..<ow {
                let (i, v) = taps(t, o, w)
                let p0: Float = v[0] * x[y * w + i[0]], p1: Float = v[1] * x[y * w + i[1]]
                let p2: Float = v[2] * x[y * w + i[2]], p3: Float = v[3] * x[y * w + i[3]]
                rows[y * ow + o] = p0 + p1 + p2 + p3
            }
        }
        for o in 0..<oh {
            let (i, v) = taps(t, o, h)
            for c in 0..<ow {
                let p0: Float = v[0] * rows[i[0] * ow + c], p1: Float = v[1] * rows[i[1] * ow + c]
                let p2: Float = v[2] * rows[i[2] * ow + c], p3: Float = v[3] * rows[i[3] * ow + c]
                output[o * ow + c] = p0 + p1 + p2 + p3
            }
        }
        return (rows, output)
    }

    /// The transpose, output by output in order, each product added to its input in tap order:
    /// the column pass's (h × ow), then the row pass's (h × w).
    func adjoint(_ t: [Float], _ g: [Float], _ w: Int, _ h: Int, _ ow: Int, _ oh: Int) -> (columns: [Float], input: [Float]) {
        var columns = [Float](repeating: 0, count: h * ow), input = [Float](repeating: 0, count: h * w)
        for o in 0..<oh {
            let (i, v) = taps(t, o, h)
            for c in 0..<ow { for q in 0..<4 { columns[i[q] * ow + c] += v[q] * g[o * ow + c] } }
        }
        for y in 0..<h {
            for o in 0..<ow {
                let (i, v) = taps(t, o, w)
                for q in 0..<4 { input[y * w + i[q]] += v[q] * columns[y * ow + o] }
            }
        }
        return (columns, input)
    }

    func testRowLoopsMatchTheDefinitionBitForBit() {
        var random = SeededGenerator(seed: 11)
        let learned: [Float] = [-0.0102, 0.2831, 0.5977, 0.0291]
        for t in [UpsamplingFilter.bicubic.taps, learned] {
            let filter = UpsamplingFilter(taps: t)
            for w in 1...23 {
                for ow in Set([max(2 * w - 1, 1), 2 * w, w + 1].filter { $0 <= 2 * w }).sorted() {
                    let (h, oh) = (w % 4 + 2, 2 * (w % 4 + 2) - w % 2)
                    let x = (0..<(w * h)).map { _ in Float(random.nextUniform(-2, 2)) }
                    let g = (0..<(ow * oh)).map { _ in Float(random.nextUniform(-1, 1)) }
                    let size = "\(w)×\(h) → \(ow)×\(oh), taps \(t)"
                    let reference = upsample(t, x, w, h, ow, oh)
                    XCTAssertEqual(filter.upsample(x, width: w, height: h, outWidth: ow, outHeight: oh).map(\.bitPattern), reference.output.map(\.bitPattern), size)
                    let back = adjoint(t, g, w, h, ow, oh)
                    XCTAssertEqual(filter.upsampleAdjoint(g, width: w, height: h, outWidth: ow, outHeight: oh).map(\.bitPattern), back.input.map(\.bitPattern), size)
                    // The taps' gradient: the column pass's share (g against the rows, 16-lane
                    // dot products a row, as the filter takes them), then the row pass's (the
                    // column adjoint against x, one Float sum a phase and tap along each row).
                    var sums = [Double](repeating: 0, count: 4)
                    for o in 0..<oh {
                        let (i, _) = taps(t, o, h)
                        for q in 0..<4 {
                            var lanes = SIMD16<Float>(), tail: Float = 0, c = 0
                            while c + 16 <= ow {
                                let gradient = SIMD16<Float>(g[(o * ow + c)..<(o * ow + c + 16)])
                                let rows = SIMD16<Float>(reference.rows[(i[q] * ow + c)..<(i[q] * ow + c + 16)])
                                lanes += gradient * rows
                                c += 16
                            }
                            while c < ow { tail += g[o * ow + c] * reference.rows[i[q] * ow + c]; c += 1 }
                            sums[o % 2 == 0 ? q : 3 - q] += Double(lanes.sum() + tail)
                        }
                    }
                    for y in 0..<h {
                        var phases = [[Float]](repeating: [0, 0, 0, 0], count: 2)
                        for o in 0..<ow {
                            let (i, _) = taps(t, o, w)
                            for q in 0..<4 { phases[o % 2][q] += back.columns[y * ow + o] * x[y * w + i[q]] }
                        }
                        for q in 0..<4 { sums[q] += Double(phases[0][q]) }
                        for q in 0..<4 { sums[3 - q] += Double(phases[1][q]) }
                    }
                    let result = filter.backward(x, g, width: w, height: h, outWidth: ow, outHeight: oh)
                    XCTAssertEqual(result.input.map(\.bitPattern), back.input.map(\.bitPattern), size)
                    XCTAssertEqual(result.taps.map(\.bitPattern), sums.map(\.bitPattern), size)
                }
            }
        }
    }
}
