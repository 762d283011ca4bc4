import Foundation
import INRCore
import INRLatent
import INRNetwork

/// One training step of the latent-grid model: loss and gradients of
///
///     L = D + λ·R,  D = mean((x̂ − x)²) over the samples in [0, 1],  R = Σ bits(ŷ) / pixels
///
///     ŷ ─► LatentRenderer (upsample, synthesis) ─► x̂ ─► D ─► backward: synthesis, adjoint upsampling ─► ∂D/∂ŷ
///        (learned upsampling: each grid's steps run again forward, then back, giving ∂D/∂taps)
///        (with convolutions: the per-pixel layers forward, the convolutions forward, D, the
///        convolutions backward, then the per-pixel layers forward and backward on the engine)
///     ŷ ─► entropy model (per grid scale, or ARM on each latent's causal context) ─► (μ, s)
///        ─► Laplace rate (`LaplaceRate`; the ARM's in the kernels' `laplaceRate`) ─► R
///        ─► ∂R/∂ŷ (directly and through the ARM's context), ∂R/∂weights
///
/// The parameters are one flat buffer: the synthesis network's, the learned upsampling's taps
/// (4 per step; none for bicubic), then the entropy model's (the file's NETS holds them in
/// another order: synthesis, entropy model, taps). The networks run on inr's engine
/// (`TiledNetwork`), the ARM's rate on its vector kernels; the upsampling is a fixed-order loop
/// per grid (its tap gradients summed in grid order); work is cut into fixed chunks, so a step
/// gives the same numbers on any thread count.
public final class LatentTrainingPass {
    let spec: LatentSpec
    let renderer: LatentRenderer
    let pool: WorkerPool
    let planes: PlanarNetwork.Planes
    /// The image, planar (C × N), in [0, 1].
    let targets: [Float]
    let synthesisCount: Int
    /// Where the entropy model's parameters start (after the synthesis's and the taps).
    let entropyOffset: Int
    /// The synthesis's per-pixel layers' parameters (the convolutions' follow).
    let denseCount: Int
    let synthesisNetwork: TiledNetwork
    /// With convolutions: each one's padded input, two gradient planes (C × N), the padded
    /// gradient's scratch.
    let convolutionInputs: UnsafeMutableBufferPointer<Float>
    let convolutionGradients: UnsafeMutableBufferPointer<Float>
    let convolutionScratch: UnsafeMutableBufferPointer<Float>
    /// ∂D/∂(upsampled latents), planar (L × N), and with the ARM the context gradients (slot by
    /// slot, one value per latent): kept from step to step, as each step writes them whole
    /// (fresh ones of this size cost every step its page faults and a memset).
    let upsampledGradient: UnsafeMutableBufferPointer<Float>
    let contextGradient: UnsafeMutableBufferPointer<Float>
    let entropyNetwork: TiledNetwork?
    let contextOffsets: [(row: Int, column: Int)]
    /// The latents in zero-padded bands, where the ARM's contexts are gathered.
    let contextPlanes: ContextPlanes?
    /// The CPU's kernels (the ARM's rate runs on them too).
    let kernels: any KernelSet

    public init(spec: LatentSpec, targets: [Float], pool: WorkerPool, kernels: any KernelSet) {
        self.spec = spec
        self.kernels = kernels
        self.targets = targets
        self.pool = pool
        renderer = LatentRenderer(spec: spec, pool: pool)
        planes = renderer.makePlanes()
        synthesisCount = spec.synthesisParameterCount
        entropyOffset = synthesisCount + spec.upsamplingParameterCount
        denseCount = spec.denseSynthesisParameterCount
        let convolution = spec.convolution, convolutions = spec.residualConvolutions
        convolutionInputs = .allocate(capacity: convolutions * convolution.paddedCount)
        convolutionGradients = .allocate(capacity: convolutions > 0 ? 2 * targets.count : 0)
        convolutionScratch = .allocate(capacity: convolutions > 0 ? convolution.paddedCount : 0)
        convolutionInputs.initialize(repeating: 0)
        convolutionGradients.initialize(repeating: 0)
        convolutionScratch.initialize(repeating: 0)
        let count = spec.latentCount
        upsampledGradient = .allocate(capacity: spec.gridCount * spec.pixelCount)
        upsampledGradient.initialize(repeating: 0)
        synthesisNetwork = TiledNetwork(layers: spec.synthesisLayers, kernels: kernels, threads: pool.threadCount)
        if case .autoregressive(let context, _, _) = spec.entropyModel {
            entropyNetwork = TiledNetwork(layers: spec.entropyLayers, kernels: kernels, threads: pool.threadCount)
            contextOffsets = ContextPattern.offsets(context)
            contextPlanes = ContextPlanes(spec: spec, offsets: contextOffsets)
            contextGradient = .allocate(capacity: context * count)
        } else {
            entropyNetwork = nil
            contextOffsets = []
            contextPlanes = nil
            contextGradient = .allocate(capacity: 0)
        }
        contextGradient.initialize(repeating: 0)
    }

    deinit {
        convolutionInputs.deallocate()
        convolutionGradients.deallocate()
        convolutionScratch.deallocate()
        upsampledGradient.deallocate()
        contextGradient.deallocate()
    }

    public struct Result {
        public var loss: Float
        public var meanSquaredError: Float
        /// R in bits per pixel.
        public var bitsPerPixel: Float
        public var latentGradient: [Float]
        public var parameterGradient: [Float]
    }

    /// Forward only, as the decoder renders: the MSE of `latents` with the synthesis weights
    /// `synthesis` and the upsampling's `taps`, outputs clamped to [0, 1] (the rounding to
    /// samples aside).
    public func render(_ latents: [Float], synthesis: [Float], taps: [Float]) -> Float {
        renderer.upsample(latents, with: UpsamplingPyramid(spec: spec, taps: taps), into: planes)
        renderer.synthesize(synthesis, planes)
        var sum: Double = 0
        let out = planes.outputs
        for i in 0..<targets.count { let d = Double(min(max(out[i], 0), 1) - targets[i]); sum += d * d }
        return Float(sum / Double(targets.count))
    }

    /// Seconds spent in each part of the steps so far (`step` adds to them).
    public struct Times: Sendable {
        /// The grids upsampled to full size, and back (the adjoint).
        public var upsampling = 0.0
        /// The synthesis network's forward and backward passes, with D.
        public var synthesis = 0.0
        /// The entropy model's passes (the ARM's forward and backward, gathers) with R.
        public var entropy = 0.0
    }

    public private(set) var times = Times()

    /// The loss and its gradients for the (proxy-quantised) `latents`. With `latentGradient`
    /// false (the latents frozen) the step skips the context gradients and, unless the
    /// upsampling is learned, the adjoint upsampling (the ARM, and then the synthesis, compute
    /// no input gradient), and `Result.latentGradient` is empty.
    public func step(_ latents: [Float], _ parameters: [Float], lambda: Float, latentGradient wantsLatentGradient: Bool = true) -> Result {
        let pixels = spec.pixelCount, samples = targets.count, channels = spec.channels, grids = spec.gridCount
        var clock = Date()
        func lap(_ part: WritableKeyPath<Times, Double>) {
            let now = Date()
            times[keyPath: part] += now.timeIntervalSince(clock)
            clock = now
        }
        let learned = spec.upsampling == .learned, taps = Array(parameters[synthesisCount..<entropyOffset])
        let pyramid = UpsamplingPyramid(spec: spec, taps: taps)
        renderer.upsample(latents, with: pyramid, into: planes)
        lap(\.upsampling)
        // The synthesis, tile by tile: D and ∂D/∂(upsampled latents), planar.
        var gradient = [Float](repeating: 0, count: parameters.count)
        var synthesisGradient: [Float] = []
        let scale = 2 / Float(samples)
        let inputGradient = upsampledGradient.baseAddress!  // the scatter writes all of it
        let upsampled = UnsafePointer(planes.inputs)
        // With convolutions, D and ∂D/∂(the per-pixel layers' outputs) come first.
        let convolved: (squaredError: Double, gradient: UnsafePointer<Float>)? =
            spec.residualConvolutions > 0 ? convolve(parameters, scale: scale, gradient: &gradient) : nil
        let squaredError = targets.withUnsafeBufferPointer { targets in
            let targets = targets.baseAddress!
            return synthesisNetwork.run(
                count: pixels, parameters: parameters[0..<denseCount], pool: pool, gradient: &synthesisGradient,
                gather: { inputs, first in
                    for r in 0..<inputs.rows {
                        let row = inputs.row(r)
                        for l in 0..<grids { row[l] = upsampled[l * pixels + first + r] }
                    }
                },
                loss: { outputs, gradient, first in
                    if let convolved {
                        for r in 0..<outputs.rows {
                            let g = gradient.row(r)
                            for c in 0..<channels { g[c] = convolved.gradient[c * pixels + first + r] }
                        }
                        return 0
                    }
                    var sum = 0.0
                    for r in 0..<outputs.rows {
                        let out = outputs.row(r), g = gradient.row(r)
                        for c in 0..<channels {
                            let d = out[c] - targets[c * pixels + first + r]
                            sum += Double(d * d)
                            g[c] = scale * d
                        }
                    }
                    return sum
                },
                scatter: wantsLatentGradient || learned ? { inputGradient_, first in
                    for r in 0..<inputGradient_.rows {
                        let row = inputGradient_.row(r)
                        for l in 0..<grids { inputGradient[l * pixels + first + r] = row[l] }
                    }
                } : nil)
        }
        gradient.replaceSubrange(0..<denseCount, with: synthesisGradient)
        let mse = Float((convolved?.squaredError ?? squaredError) / Double(samples))
        lap(\.synthesis)

        // Back through the upsampling, grid by grid (with learned taps, each grid's tap
        // gradients apart, added in grid order).
        let offsets = spec.gridOffsets
        var latentGradient = [Float](repeating: 0, count: wantsLatentGradient ? spec.latentCount : 0)
        var tapGradients = [[Double]](repeating: [], count: learned ? grids : 0)
        if wantsLatentGradient || learned { latentGradient.withUnsafeMutableBufferPointer { lg in
            let lg = wantsLatentGradient ? lg.baseAddress : nil
            tapGradients.withUnsafeMutableBufferPointer { tapGradients in
                pool.run(tasks: grids) { level, _ in
                    let full = Array(UnsafeBufferPointer(start: inputGradient + level * pixels, count: pixels))
                    let back: [Float]
                    if learned {
                        let result = pyramid.backward(Array(latents[offsets[level]..<offsets[level + 1]]), full, level: level, spec: spec)
                        back = result.grid
                        tapGradients[level] = result.taps
                    } else {
                        back = pyramid.fromFullSize(full, level: level, spec: spec)
                    }
                    if let lg { back.withUnsafeBufferPointer { (lg + offsets[level]).update(from: $0.baseAddress!, count: $0.count) } }
                }
            }
        } }
        for t in 0..<(entropyOffset - synthesisCount) {
            gradient[synthesisCount + t] = Float(tapGradients.reduce(0.0) { $0 + $1[t] })
        }

        lap(\.upsampling)
        let bits = rate(latents, parameters, weight: lambda / Float(pixels), latentGradient: &latentGradient, gradient: &gradient)
        lap(\.entropy)
        let bpp = bits / Float(pixels)
        return Result(loss: mse + lambda * bpp, meanSquaredError: mse, bitsPerPixel: bpp, latentGradient: latentGradient, parameterGradient: gradient)
    }

    /// The synthesis's per-pixel layers forward (the decoder's `PlanarNetwork`), its
    /// convolutions forward, D, and the convolutions backward: returns Σ squared errors and
    /// ∂D/∂(the per-pixel layers' outputs) (C planes), and adds the convolutions' parameter
    /// gradients to `gradient`.
    func convolve(_ parameters: [Float], scale: Float, gradient: inout [Float]) -> (squaredError: Double, gradient: UnsafePointer<Float>) {
        let convolution = spec.convolution, count = spec.residualConvolutions, size = convolution.parameterCount
        let padded = convolution.paddedCount, samples = targets.count
        renderer.synthesizePerPixel(parameters, planes)
        let inputs = convolutionInputs.baseAddress!, outputs = planes.outputs
        renderer.convolve(parameters, planes, paddedInputs: inputs, keepingInputs: true)
        var outputGradient = convolutionGradients.baseAddress!, inputGradient = outputGradient + samples
        var squaredError = 0.0
        for i in 0..<samples {
            let d = outputs[i] - targets[i]
            squaredError += Double(d * d)
            outputGradient[i] = scale * d
        }
        parameters.withUnsafeBufferPointer { p in
            gradient.withUnsafeMutableBufferPointer { g in
                for layer in (0..<count).reversed() {
                    convolution.backward(
                        p.baseAddress! + denseCount + layer * size, padded: inputs + layer * padded,
                        paddedOutput: layer < count - 1 ? UnsafePointer(inputs + (layer + 1) * padded) : nil, outputGradient: outputGradient,
                        inputGradient: inputGradient, parameterGradient: g.baseAddress! + denseCount + layer * size,
                        scratch: convolutionScratch.baseAddress!, pool: pool)
                    swap(&outputGradient, &inputGradient)
                }
            }
        }
        return (squaredError, UnsafePointer(outputGradient))
    }

    /// R's bits, adding `weight`·∂bits to the entropy model's gradient and to the latents'
    /// (unless `latentGradient` is empty: the latents frozen).
    func rate(_ latents: [Float], _ parameters: [Float], weight: Float, latentGradient: inout [Float], gradient: inout [Float]) -> Float {
        let count = spec.latentCount
        guard let entropyNetwork else {
            // Factorised: (0, s_l), grid by grid.
            let offsets = spec.gridOffsets
            var bits = 0.0
            for level in 0..<spec.gridCount {
                let s = parameters[entropyOffset + level]
                var scaleGradient: Float = 0
                for i in offsets[level]..<offsets[level + 1] {
                    let r = LaplaceRate.bits(value: latents[i], mean: 0, logScale: s)
                    bits += Double(r.bits)
                    if !latentGradient.isEmpty { latentGradient[i] += weight * r.value }
                    scaleGradient += weight * r.logScale
                }
                gradient[entropyOffset + level] = scaleGradient
            }
            return Float(bits)
        }
        // ARM: each latent's context gathered from the latents, (μ, s) → bits, and back.
        let context = contextOffsets.count, frozen = latentGradient.isEmpty
        var armGradient: [Float] = []
        // The scatter writes every slot of every latent.
        let cg = frozen ? nil : contextGradient.baseAddress, planes = contextPlanes!
        let bits = latents.withUnsafeBufferPointer { latents in
            latentGradient.withUnsafeMutableBufferPointer { lg in
                let latents = latents.baseAddress!, lg = frozen ? nil : lg.baseAddress
                planes.fill(latents, pool: pool)
                return entropyNetwork.run(
                    count: count, parameters: parameters[entropyOffset...], pool: pool, gradient: &armGradient,
                    gather: { inputs, first in planes.gather(into: inputs, first: first) },
                    loss: { outputs, gradient, first in
                        kernels.laplaceRate(
                            values: latents + first, parameters: outputs, weight: weight, parameterGradient: gradient,
                            valueGradient: lg.map { $0 + first })
                    },
                    scatter: frozen ? nil : { inputGradient, first in
                        // Slot by slot, so each slot's run of the tile is written contiguously.
                        let rows = inputGradient.rows, stride = inputGradient.stride, tile = inputGradient.base
                        for slot in 0..<context {
                            let out = cg! + slot * count + first
                            for r in 0..<rows { out[r] = tile[r * stride + slot] }
                        }
                    })
            }
        }
        gradient.replaceSubrange(entropyOffset..<gradient.count, with: armGradient)
        // Each latent's share of its neighbours' contexts: latent i is slot k's neighbour of
        // latent i − offset_k when that one lies in i's band (rows below i up to the band's end)
        // and grid. A gather, one task per band, so the bands run in parallel; a row at a time,
        // each slot's shares added over the row's span where they exist (contiguous, so the
        // loops vectorise), in slot order, before the row's sums join the gradient.
        guard !frozen else { return Float(bits) }
        let bands = LatentCoder.bands(spec), offsets = contextOffsets
        let shares = UnsafePointer(contextGradient.baseAddress!)
        latentGradient.withUnsafeMutableBufferPointer { lg in
            let lg = lg.baseAddress!
            pool.run(tasks: bands.count) { task, _ in
                let band = bands[task], width = spec.gridSize(band.level).width
                let base = band.offset - band.rows.lowerBound * width  // the grid's first latent
                withUnsafeTemporaryAllocation(of: Float.self, capacity: width) { sums in
                    let sums = sums.baseAddress!
                    for y in band.rows {
                        sums.update(repeating: 0, count: width)
                        for slot in 0..<offsets.count {
                            let row = y - offsets[slot].row, shift = offsets[slot].column
                            guard row < band.rows.upperBound else { continue }
                            // x − shift is the neighbour's column: x in [max(0, shift), min(width, width + shift)).
                            let first = max(0, shift), end = min(width, width + shift)
                            guard first < end else { continue }
                            let start = slot * count + base + row * width - shift
                            for x in first..<end { sums[x] += shares[start + x] }
                        }
                        let out = lg + base + y * width
                        for x in 0..<width { out[x] += sums[x] }
                    }
                }
            }
        }
        return Float(bits)
    }
}
