import INRCore

/// Latents → pixels: the decoder's half of the model, also the training pass's forward.
///
///     ŷ_0 … ŷ_{L−1} ─► UpsamplingFilter.toFullSize (grids in parallel) ─► L × N planes
///                   ─► synthesis PlanarNetwork (N in chunks, in parallel) ─► C × N ─► pixels
///
/// Each output sample depends only on the latents and the weights, never on the chunking or the
/// thread count.
public struct LatentRenderer {
    /// Points per task of the synthesis.
    public static let chunk = 4096

    public let spec: LatentSpec
    public let filter: UpsamplingFilter
    public let synthesis: PlanarNetwork
    let pool: WorkerPool

    public init(spec: LatentSpec, filter: UpsamplingFilter = .bicubic, pool: WorkerPool) {
        self.spec = spec
        self.filter = filter
        synthesis = PlanarNetwork(layers: spec.synthesisLayers)
        self.pool = pool
    }

    public func makeActivations() -> PlanarNetwork.Activations {
        PlanarNetwork.Activations(layers: spec.synthesisLayers, count: spec.pixelCount)
    }

    /// Fills `activations.inputs` with every grid of `latents` (flat, grid after grid)
    /// upsampled to full size.
    public func upsample(_ latents: [Float], into activations: PlanarNetwork.Activations) {
        let offsets = spec.gridOffsets, count = spec.pixelCount
        pool.run(tasks: spec.gridCount) { level, _ in
            let full = filter.toFullSize(Array(latents[offsets[level]..<offsets[level + 1]]), level: level, spec: spec)
            full.withUnsafeBufferPointer { activations.inputs.advanced(by: level * count).update(from: $0.baseAddress!, count: count) }
        }
    }

    /// Runs the synthesis over every pixel (inputs already upsampled).
    public func synthesize(_ parameters: [Float], _ activations: PlanarNetwork.Activations) {
        let count = spec.pixelCount
        parameters.withUnsafeBufferPointer { p in
            pool.run(tasks: (count + Self.chunk - 1) / Self.chunk) { task, _ in
                synthesis.forward(p.baseAddress!, activations, range: task * Self.chunk..<min((task + 1) * Self.chunk, count))
            }
        }
    }

    /// The image's samples in [0, 1]-ish floats, interleaved (pixel-major, channels inner):
    /// what `Image(normalized:)` clamps and rounds.
    public func render(latents: [Float], synthesisParameters: [Float]) -> [Float] {
        let activations = makeActivations()
        upsample(latents, into: activations)
        synthesize(synthesisParameters, activations)
        return Self.interleaved(activations.outputs, channels: spec.channels, count: spec.pixelCount)
    }

    /// Planes (C × N) → pixels (N × C).
    public static func interleaved(_ planes: UnsafePointer<Float>, channels: Int, count: Int) -> [Float] {
        var values = [Float](repeating: 0, count: channels * count)
        for c in 0..<channels {
            for p in 0..<count { values[p * channels + c] = planes[c * count + p] }
        }
        return values
    }
}
