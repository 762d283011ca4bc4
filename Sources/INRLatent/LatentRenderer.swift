import INRCore

/// Latents → pixels: the decoder's half of the model, also the training pass's forward.
///
///     ŷ_0 … ŷ_{L−1} ─► UpsamplingPyramid.toFullSize (grids in parallel) ─► L × N planes
///                   ─► synthesis PlanarNetwork (N in chunks, in parallel) ─► C × N
///                   ─► ResidualConvolution × K (rows in parallel) ─► C × N ─► pixels
///
/// Each output sample depends only on the latents and the weights, never on the chunking or the
/// thread count.
public struct LatentRenderer {
    /// Points per task of the synthesis.
    public static let chunk = 4096

    public let spec: LatentSpec
    public let synthesis: PlanarNetwork
    let pool: WorkerPool

    public init(spec: LatentSpec, pool: WorkerPool) {
        self.spec = spec
        synthesis = PlanarNetwork(layers: spec.synthesisLayers)
        self.pool = pool
    }

    /// The floats a decoding holds, counted together (a bound on what it holds at once): the
    /// upsampled grids and the outputs, whole, a chunk's hidden layers per thread, a padded copy
    /// of the outputs for the convolutions, and the entropy decoding's lanes per thread (what
    /// the decoder's budget counts).
    public static func floats(_ spec: LatentSpec, threads: Int) -> Int {
        (spec.gridCount + spec.channels) * spec.pixelCount + threads * EntropyModel.walkFloats(spec)
            + threads * PlanarNetwork(layers: spec.synthesisLayers).scratchCount(points: chunk)
            + (spec.residualConvolutions > 0 ? spec.convolution.paddedCount : 0)
    }

    public func makePlanes() -> PlanarNetwork.Planes {
        PlanarNetwork.Planes(inputWidth: spec.gridCount, outputWidth: spec.channels, count: spec.pixelCount)
    }

    /// Fills `planes.inputs` with every grid of `latents` (flat, grid after grid) upsampled to
    /// full size by `upsampling`.
    public func upsample(_ latents: [Float], with upsampling: UpsamplingPyramid, into planes: PlanarNetwork.Planes) {
        let offsets = spec.gridOffsets, count = spec.pixelCount
        pool.run(tasks: spec.gridCount) { level, _ in
            let full = upsampling.toFullSize(Array(latents[offsets[level]..<offsets[level + 1]]), level: level, spec: spec)
            full.withUnsafeBufferPointer { planes.inputs.advanced(by: level * count).update(from: $0.baseAddress!, count: count) }
        }
    }

    /// Runs the synthesis over every pixel (inputs already upsampled) into `planes.outputs`:
    /// its per-pixel layers, then its convolutions.
    public func synthesize(_ parameters: [Float], _ planes: PlanarNetwork.Planes) {
        synthesizePerPixel(parameters, planes)
        guard spec.residualConvolutions > 0 else { return }
        let padded = UnsafeMutablePointer<Float>.allocate(capacity: spec.convolution.paddedCount)
        defer { padded.deallocate() }
        convolve(parameters, planes, paddedInputs: padded, keepingInputs: false)
    }

    /// The synthesis's convolutions on `planes.outputs`, in place, each layer's input padded
    /// into `paddedInputs` (one `paddedCount` after another when `keepingInputs`, for the
    /// training's backward pass; the same one reused otherwise).
    public func convolve(_ parameters: [Float], _ planes: PlanarNetwork.Planes, paddedInputs: UnsafeMutablePointer<Float>, keepingInputs: Bool) {
        let convolution = spec.convolution, count = spec.residualConvolutions
        parameters.withUnsafeBufferPointer { p in
            for layer in 0..<count {
                let padded = paddedInputs + (keepingInputs ? layer * convolution.paddedCount : 0)
                convolution.pad(planes.outputs, into: padded)
                convolution.forward(
                    p.baseAddress! + spec.denseSynthesisParameterCount + layer * convolution.parameterCount, padded: padded, output: planes.outputs,
                    activated: layer < count - 1, pool: pool)
            }
        }
    }

    /// The synthesis's per-pixel layers alone (`parameters` may hold the convolutions' after).
    public func synthesizePerPixel(_ parameters: [Float], _ planes: PlanarNetwork.Planes) {
        let count = spec.pixelCount, scratch = synthesis.scratchCount(points: Self.chunk)
        parameters.withUnsafeBufferPointer { p in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: max(pool.threadCount * scratch, 1)) { buffer in
                pool.run(tasks: (count + Self.chunk - 1) / Self.chunk) { task, worker in
                    synthesis.forward(
                        p.baseAddress!, planes, range: task * Self.chunk..<min((task + 1) * Self.chunk, count),
                        scratch: buffer.baseAddress! + worker * scratch)
                }
            }
        }
    }
}
