/// The latents' probability model at coding time: for each latent, the (μ, s) of its Laplace,
/// computed by the encoder and the decoder with this one function.
///
///     factorised:      (0, s_l), s_l the grid's log-scale
///     autoregressive:  the ARM's MLP over `ContextPattern` neighbours in the same band of the
///                      same grid, already decoded in raster order (0 outside the band)
///
/// The ARM runs in plain IEEE-754 single precision, each sum in one fixed order and no fused
/// multiply-add, so a file's probabilities, hence its latents, are the same on every x86-64 CPU
/// and thread count, however the bands are grouped.
public struct EntropyModel: Sendable {
    public let spec: LatentSpec
    /// The factorised model's log-scales (one per grid), or the ARM's flat weights.
    public let parameters: [Float]
    let layers: [(inputs: Int, outputs: Int)]
    let offsets: [(row: Int, column: Int)]
    /// The ARM's weights, each repeated in the four lanes of a SIMD register (lane l evaluates
    /// band l of a group). Per layer: the biases; then for each four outputs, input by input,
    /// those outputs' weights; then, input by input, the weight of each remaining output.
    let broadcast: [SIMD4<Float>]

    public init(spec: LatentSpec, parameters: [Float]) {
        precondition(parameters.count == spec.entropyParameterCount)
        self.spec = spec
        self.parameters = parameters
        layers = spec.entropyLayers
        if case .autoregressive(let context, _, _) = spec.entropyModel { offsets = ContextPattern.offsets(context) } else { offsets = [] }
        var broadcast: [SIMD4<Float>] = []
        var offset = 0
        for layer in layers {
            let weights = offset, biases = offset + layer.inputs * layer.outputs, grouped = layer.outputs / 4 * 4
            broadcast += (0..<layer.outputs).map { SIMD4(repeating: parameters[biases + $0]) }
            for group in stride(from: 0, to: grouped, by: 4) {
                for i in 0..<layer.inputs { for j in group..<(group + 4) { broadcast.append(SIMD4(repeating: parameters[weights + j * layer.inputs + i])) } }
            }
            for j in grouped..<layer.outputs {
                for i in 0..<layer.inputs { broadcast.append(SIMD4(repeating: parameters[weights + j * layer.inputs + i])) }
            }
            offset += (layer.inputs + 1) * layer.outputs
        }
        self.broadcast = broadcast
    }

    /// Bands walked side by side: latent t of this many bands at once.
    public static let lanes = 4

    /// Floats of a lane's padded plane: enough for the largest of `bands`.
    static func planeSize(_ spec: LatentSpec, _ bands: [(level: Int, height: Int)]) -> Int {
        bands.map { PaddedBand(width: spec.gridSize($0.level).width, rows: $0.height).count }.max() ?? 0
    }

    /// The floats one thread's `walk` holds for the ARM (its lanes' planes; none when factorised),
    /// which the decoder's budget counts.
    public static func walkFloats(_ spec: LatentSpec) -> Int {
        guard case .autoregressive = spec.entropyModel else { return 0 }
        return lanes * planeSize(spec, LatentCoder.bands(spec).map { ($0.level, $0.rows.count) })
    }

    /// One lane of `walk`: its band (−1 when idle) and where the walk is in it.
    struct Lane {
        var band = -1, width = 0, count = 0, index = 0, column = 0, cursor = 0
    }

    /// Walks bands (each `height` rows of grid `level`) in raster order, four side by side: the
    /// next latent of each lane's band at once, so that their ARM evaluations, which do not
    /// depend on each other, overlap in the CPU. A lane takes a band from `claim` (an index into
    /// `bands`, nil when none is left) as soon as its own ends. `next` gets the band, the
    /// latent's index in it and its (μ, s), and returns the latent's value (decoded from the
    /// band's stream, or the encoder's), or nil to stop; `done` gets each finished band's values.
    /// Context outside a band counts as 0. Returns false when `next` stopped. A band's (μ, s) do
    /// not depend on the bands beside it nor on the order they are claimed in.
    public func walk(
        _ bands: [(level: Int, height: Int)], claim: () -> Int?,
        _ next: (_ band: Int, _ index: Int, _ mean: Float, _ logScale: Float) -> Float?,
        done: (_ band: Int, _ values: [Float]) -> Void
    ) -> Bool {
        guard !layers.isEmpty else {
            while let b = claim() {
                let s = parameters[bands[b].level]
                var values = [Float](repeating: 0, count: spec.gridSize(bands[b].level).width * bands[b].height)
                for index in values.indices {
                    guard let value = next(b, index, 0, s) else { return false }
                    values[index] = value
                }
                done(b, values)
            }
            return true
        }
        // Each lane's band in its `PaddedBand` plane, so a context is `context` loads at fixed
        // distances.
        let pad = ContextPattern.reach, lanes = Self.lanes, context = offsets.count
        let planeSize = Self.planeSize(spec, bands)
        let widest = layers.map { max($0.inputs, $0.outputs) }.max()!
        let planes = UnsafeMutablePointer<Float>.allocate(capacity: lanes * planeSize)
        let scratch = UnsafeMutablePointer<SIMD4<Float>>.allocate(capacity: 2 * widest)
        let deltas = UnsafeMutablePointer<Int>.allocate(capacity: lanes * context)
        let state = UnsafeMutablePointer<Lane>.allocate(capacity: lanes)
        defer { planes.deallocate(); scratch.deallocate(); deltas.deallocate(); state.deallocate() }
        scratch.initialize(repeating: .zero, count: 2 * widest)
        deltas.initialize(repeating: 0, count: lanes * context)
        state.initialize(repeating: Lane(), count: lanes)
        let inputs = UnsafeMutableRawPointer(scratch).assumingMemoryBound(to: Float.self)  // input k of lane l at 4k + l
        func start(_ lane: Int) -> Bool {
            guard let b = claim() else {
                state[lane].band = -1
                return false
            }
            let width = spec.gridSize(bands[b].level).width, band = PaddedBand(width: width, rows: bands[b].height)
            (planes + lane * planeSize).initialize(repeating: 0, count: band.count)
            state[lane] = Lane(band: b, width: width, count: width * bands[b].height, index: 0, column: 0, cursor: band.origin)
            for (k, distance) in band.distances(offsets).enumerated() { deltas[lane * context + k] = distance }
            return true
        }
        var active = 0
        for lane in 0..<lanes where start(lane) { active += 1 }
        return broadcast.withUnsafeBufferPointer { weights in
            // The MLP of an all-zero context, evaluated once by the same code: where every
            // active lane's context is zero (most latents of a sparse grid), its (μ, s) are these
            // bits, and the evaluation is skipped.
            let zero = evaluate(scratch, scratch + widest, weights: weights.baseAddress!)
            let zeroOutput = (mean: zero[0], logScale: zero[1])
            while active > 0 {
                var bits: UInt32 = 0  // any bit set in any active lane's context
                for lane in 0..<lanes where state[lane].band >= 0 {
                    let here = planes + lane * planeSize + state[lane].cursor, d = deltas + lane * context
                    for k in 0..<context {
                        let value = here[d[k]]
                        inputs[4 * k + lane] = value
                        bits |= value.bitPattern
                    }
                }
                let out = bits != 0 ? evaluate(scratch, scratch + widest, weights: weights.baseAddress!) : nil
                let means = out?[0] ?? zeroOutput.mean, logScales = out?[1] ?? zeroOutput.logScale
                for lane in 0..<lanes where state[lane].band >= 0 {
                    let plane = planes + lane * planeSize
                    guard let value = next(state[lane].band, state[lane].index, means[lane], logScales[lane]) else { return false }
                    plane[state[lane].cursor] = value
                    state[lane].index += 1
                    state[lane].column += 1
                    state[lane].cursor += 1
                    if state[lane].column == state[lane].width { (state[lane].column, state[lane].cursor) = (0, state[lane].cursor + 2 * pad) }
                    guard state[lane].index == state[lane].count else { continue }
                    let lane_ = state[lane], band = PaddedBand(width: lane_.width, rows: lane_.count / lane_.width)
                    var values = [Float](repeating: 0, count: lane_.count)
                    for y in 0..<band.rows {
                        for x in 0..<band.width { values[y * band.width + x] = plane[band.origin + y * band.stride + x] }
                    }
                    done(lane_.band, values)
                    if !start(lane) { active -= 1 }
                }
            }
            return true
        }
    }

    /// The MLP on four contexts side by side (input k of band l in lane l of `x[k]`; `y` the same
    /// shape, scratch): returns where (μ, s) lie, lane l of the first two registers. Each lane
    /// does exactly the scalar sequence (its bias, then + w·x per input in order, each product
    /// and sum rounded, no fused multiply-add), so neither the lanes nor the grouping of bands
    /// change the bits.
    @inline(__always)
    func evaluate(
        _ x: UnsafeMutablePointer<SIMD4<Float>>, _ y: UnsafeMutablePointer<SIMD4<Float>>, weights: UnsafePointer<SIMD4<Float>>
    ) -> UnsafeMutablePointer<SIMD4<Float>> {
        var input = x, output = y, w = weights
        for (index, layer) in layers.enumerated() {
            let inputs = layer.inputs, outputs = layer.outputs, isHidden = index < layers.count - 1
            let biases = w
            w += outputs
            var j = 0
            while j + 4 <= outputs {
                var s0 = biases[j], s1 = biases[j + 1], s2 = biases[j + 2], s3 = biases[j + 3]
                for i in 0..<inputs {
                    let v = input[i]
                    s0 = s0 + w[0] * v
                    s1 = s1 + w[1] * v
                    s2 = s2 + w[2] * v
                    s3 = s3 + w[3] * v
                    w += 4
                }
                if isHidden {  // max(x, 0), signed zeros and NaN alike
                    s0 = s0.replacing(with: 0, where: s0 .<= 0)
                    s1 = s1.replacing(with: 0, where: s1 .<= 0)
                    s2 = s2.replacing(with: 0, where: s2 .<= 0)
                    s3 = s3.replacing(with: 0, where: s3 .<= 0)
                }
                (output[j], output[j + 1], output[j + 2], output[j + 3]) = (s0, s1, s2, s3)
                j += 4
            }
            while j < outputs {
                var sum = biases[j]
                for i in 0..<inputs { sum = sum + w[i] * input[i] }
                w += inputs
                if isHidden { sum = sum.replacing(with: 0, where: sum .<= 0) }
                output[j] = sum
                j += 1
            }
            swap(&input, &output)
        }
        return input
    }
}
