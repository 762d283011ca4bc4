import INRCore

/// A 3×3 convolution over the C output planes with a residual connection: the synthesis's last
/// layers, after its per-pixel ones (Cool-chic, Ladune et al. 2023, §3.3; Leguay et al. 2023):
///
///     z_c(p) = x_c(p) + s_c(p),   s_c(p) = b_c + Σ_{c'} Σ_{dy, dx ∈ −1…1} w[c][c'][dy][dx] · x_{c'}(p + (dy, dx))
///     y_c(p) = ReLU(z_c(p)), or z_c(p) for the synthesis's last layer
///
/// with the edges replicated (a neighbour outside the image reads the nearest pixel inside).
/// Parameters of a layer: C·C·9 weights, index (c·C + c')·9 + 3(dy+1) + (dx+1), then C biases;
/// all zero at the start, so a new layer is the identity.
///
/// Every pass works on a padded copy of its input (one replicated pixel around each plane), row
/// by row: each pixel's sum runs in one fixed order (bias, then c', dy, dx), one rounding per
/// product and per sum, no fused multiply-add, so the decoder's pixels do not depend on the CPU
/// or the thread count; the weight gradient is summed over fixed blocks of rows in block order.
public struct ResidualConvolution: Sendable {
    public let channels: Int
    public let width: Int
    public let height: Int

    /// Rows per task of the weight gradient (its partial sums are per block, added in order).
    static let blockRows = 16

    public init(channels: Int, width: Int, height: Int) {
        self.channels = channels
        self.width = width
        self.height = height
    }

    public static func parameterCount(channels: Int) -> Int { channels * channels * 9 + channels }
    public static func multiplyAddsPerPixel(channels: Int) -> Int { channels * channels * 9 }

    public var parameterCount: Int { Self.parameterCount(channels: channels) }
    var paddedWidth: Int { width + 2 }
    var paddedPlane: Int { (height + 2) * (width + 2) }
    /// Floats of a padded copy of the C planes.
    public var paddedCount: Int { channels * paddedPlane }

    /// `padded` = the C planes (W × H each) inside a one-pixel border that repeats their edges.
    public func pad(_ planes: UnsafePointer<Float>, into padded: UnsafeMutablePointer<Float>) {
        let plane = width * height
        for c in 0..<channels {
            let source = planes + c * plane, target = padded + c * paddedPlane
            for row in 0..<(height + 2) {
                let from = source + min(max(row - 1, 0), height - 1) * width, to = target + row * paddedWidth
                to[0] = from[0]
                (to + 1).update(from: from, count: width)
                to[width + 1] = from[width - 1]
            }
        }
    }

    /// `output` (C planes) = the layer on `padded` (its input, padded), ReLU when `activated`.
    /// `output` may be the planes `padded` was copied from.
    public func forward(
        _ parameters: UnsafePointer<Float>, padded: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, activated: Bool, pool: WorkerPool
    ) {
        let channels = channels, width = width, plane = width * height, paddedPlane = paddedPlane, paddedWidth = paddedWidth
        let biases = parameters + channels * channels * 9
        pool.run(tasks: height) { y, _ in
            for c in 0..<channels {
                let out = output + c * plane + y * width
                let bias = biases[c]
                for x in 0..<width { out[x] = bias }
                for source in 0..<channels {
                    let weights = parameters + (c * channels + source) * 9
                    for dy in 0..<3 {
                        let row = padded + source * paddedPlane + (y + dy) * paddedWidth
                        for dx in 0..<3 {
                            let w = weights[dy * 3 + dx], x0 = row + dx
                            for x in 0..<width { out[x] = out[x] + w * x0[x] }
                        }
                    }
                }
                let center = padded + c * paddedPlane + (y + 1) * paddedWidth + 1
                for x in 0..<width { out[x] = center[x] + out[x] }
                if activated { for x in 0..<width { out[x] = max(out[x], 0) } }
            }
        }
    }

    /// The backward pass: from ∂L/∂y (`outputGradient`, C planes; turned into ∂L/∂z in place
    /// when `paddedOutput`, the layer's y padded, i.e. the next layer's padded input, is given
    /// for its ReLU) writes ∂L/∂x into `inputGradient` and adds ∂L/∂(weights, biases) to
    /// `parameterGradient` (this layer's slice). `padded` is the layer's padded input;
    /// `scratch` holds `paddedCount` floats.
    public func backward(
        _ parameters: UnsafePointer<Float>, padded: UnsafePointer<Float>, paddedOutput: UnsafePointer<Float>?,
        outputGradient: UnsafeMutablePointer<Float>, inputGradient: UnsafeMutablePointer<Float>,
        parameterGradient: UnsafeMutablePointer<Float>, scratch: UnsafeMutablePointer<Float>, pool: WorkerPool
    ) {
        let channels = channels, width = width, height = height, plane = width * height
        let paddedPlane = paddedPlane, paddedWidth = paddedWidth, count = parameterCount
        if let paddedOutput {
            for c in 0..<channels {
                for y in 0..<height {
                    let g = outputGradient + c * plane + y * width, out = paddedOutput + c * paddedPlane + (y + 1) * paddedWidth + 1
                    for x in 0..<width where !(out[x] > 0) { g[x] = 0 }
                }
            }
        }
        let gz = UnsafePointer(outputGradient)
        // ∂L/∂w[c][c'][dy][dx] = Σ_p ∂z_c(p) · x_c'(p + (dy, dx)); ∂L/∂b_c = Σ_p ∂z_c(p). Per
        // block of rows, in doubles, then the blocks in order.
        let blocks = (height + Self.blockRows - 1) / Self.blockRows
        var partial = [Double](repeating: 0, count: blocks * count)
        partial.withUnsafeMutableBufferPointer { partial in
            let partial = partial.baseAddress!
            pool.run(tasks: blocks) { block, _ in
                let sums = partial + block * count
                for y in (block * Self.blockRows)..<min((block + 1) * Self.blockRows, height) {
                    for c in 0..<channels {
                        let g = gz + c * plane + y * width
                        sums[channels * channels * 9 + c] += Double(Self.sum(g, width))
                        for source in 0..<channels {
                            for dy in 0..<3 {
                                let row = padded + source * paddedPlane + (y + dy) * paddedWidth
                                for dx in 0..<3 { sums[(c * channels + source) * 9 + dy * 3 + dx] += Double(Self.dot(g, row + dx, width)) }
                            }
                        }
                    }
                }
            }
            for block in 0..<blocks {
                for i in 0..<count { parameterGradient[i] += Float(partial[block * count + i]) }
            }
        }
        // ∂ of the padded input, row by row: padded (i, j) fed output (i − dy, j − dx) through
        // the weight at (dy, dx), both counted from 0 here.
        pool.run(tasks: height + 2) { i, _ in
            for source in 0..<channels {
                let target = scratch + source * paddedPlane + i * paddedWidth
                for j in 0..<paddedWidth { target[j] = 0 }
                for c in 0..<channels {
                    let weights = parameters + (c * channels + source) * 9
                    for dy in 0..<3 {
                        let y = i - dy
                        guard y >= 0, y < height else { continue }
                        let g = gz + c * plane + y * width
                        for dx in 0..<3 {
                            let w = weights[dy * 3 + dx], t = target + dx
                            for x in 0..<width { t[x] = t[x] + w * g[x] }
                        }
                    }
                }
            }
        }
        // ∂L/∂x: the residual's ∂z plus the padded gradient folded back onto the pixels it
        // replicated.
        for c in 0..<channels {
            let g = gz + c * plane, out = inputGradient + c * plane, padded = UnsafePointer(scratch) + c * paddedPlane
            for y in 0..<height {
                let row = padded + (y + 1) * paddedWidth
                for x in 0..<width { out[y * width + x] = g[y * width + x] + row[x + 1] }
                out[y * width] += row[0]
                out[y * width + width - 1] += row[width + 1]
            }
            for (border, y) in [(0, 0), (height + 1, height - 1)] {
                let row = padded + border * paddedWidth
                for x in 0..<width { out[y * width + x] += row[x + 1] }
                out[y * width] += row[0]
                out[y * width + width - 1] += row[width + 1]
            }
        }
    }

    /// Σ a[i] in eight lanes, then the lanes in order.
    @inline(__always)
    static func sum(_ a: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>.zero, i = 0
        while i + 8 <= count {
            lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < count { total += a[i]; i += 1 }
        return total
    }

    /// Σ a[i]·b[i] in eight lanes, then the lanes in order.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var lanes = SIMD8<Float>.zero, i = 0
        while i + 8 <= count {
            lanes += UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self) * UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
            i += 8
        }
        var total = lanes.sum()
        while i < count { total += a[i] * b[i]; i += 1 }
        return total
    }
}
