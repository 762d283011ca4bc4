import INRCore
import INRLatent

/// The latents laid out for the ARM's training passes as the coder lays them out: each band of
/// each grid in its own `PaddedBand` plane, one after the other. A latent's context is then
/// `context` loads at fixed distances from its place (one distance per slot and grid), and a
/// neighbour outside its band or grid reads a pad's 0, as the coder's contexts do.
///
///     latents (grid by grid, raster) ─► fill ─► padded bands ─► gather: row[k] = plane[p + Δ_k]
///
/// The pads are zeroed once; `fill` rewrites only the interiors.
public final class ContextPlanes {
    let context: Int
    /// Each latent's place in `plane`.
    let positions: [Int32]
    /// Δ of slot k for grid l at `distances[l · context + k]`.
    let distances: [Int]
    /// Where each grid's latents start, and the total (`LatentSpec.gridOffsets`).
    let gridOffsets: [Int]
    /// The bands: their first latent, their plane, and where that plane's origin lies in `plane`.
    let bands: [(offset: Int, padded: PaddedBand, start: Int)]
    let plane: UnsafeMutableBufferPointer<Float>

    /// `offsets`: causal neighbours within `ContextPattern.reach` (rows above, or to the left on
    /// the same row), as `ContextPattern.offsets` gives them.
    public init(spec: LatentSpec, offsets: [(row: Int, column: Int)]) {
        let pad = ContextPattern.reach
        precondition(
            offsets.allSatisfy { -pad <= $0.row && $0.row <= 0 && abs($0.column) <= pad && ($0.row < 0 || $0.column < 0) },
            "a context offset reaches past the planes' padding or is not causal")
        context = offsets.count
        gridOffsets = spec.gridOffsets
        var bands: [(offset: Int, padded: PaddedBand, start: Int)] = []
        var positions = [Int32](repeating: 0, count: spec.latentCount)
        var distances: [Int] = []
        var size = 0
        for band in LatentCoder.bands(spec) {
            let width = spec.gridSize(band.level).width, plane = PaddedBand(width: width, rows: band.rows.count)
            let start = size + plane.origin
            for y in 0..<plane.rows {
                for x in 0..<width { positions[band.offset + y * width + x] = Int32(start + y * plane.stride + x) }
            }
            bands.append((band.offset, plane, start))
            size += plane.count
        }
        for level in 0..<spec.gridCount {
            distances += PaddedBand(width: spec.gridSize(level).width, rows: 1).distances(offsets)
        }
        precondition(size < Int(Int32.max), "latent planes too large")
        self.positions = positions
        self.distances = distances
        self.bands = bands
        plane = .allocate(capacity: size)
        plane.initialize(repeating: 0)
    }

    deinit { plane.deallocate() }

    /// Copies `latents` into the bands' interiors, a band per task.
    public func fill(_ latents: UnsafePointer<Float>, pool: WorkerPool) {
        let bands = self.bands, plane = self.plane.baseAddress!
        pool.run(tasks: bands.count) { task, _ in
            let band = bands[task]
            let padded = band.padded
            for y in 0..<padded.rows {
                (plane + band.start + y * padded.stride).update(from: latents + band.offset + y * padded.width, count: padded.width)
            }
        }
    }

    /// The contexts of latents `first…` into `rows`' rows (slot k in column k).
    public func gather(into rows: MatrixView, first: Int) {
        let plane = UnsafePointer(self.plane.baseAddress!), context = self.context
        positions.withUnsafeBufferPointer { positions in
            distances.withUnsafeBufferPointer { distances in
                let end = first + rows.rows
                var latent = first, level = 0
                while gridOffsets[level + 1] <= latent { level += 1 }
                while latent < end {
                    let stop = min(end, gridOffsets[level + 1])
                    let distance = distances.baseAddress! + level * context
                    while latent < stop {
                        let row = rows.row(latent - first), place = plane + Int(positions[latent])
                        for slot in 0..<context { row[slot] = place[distance[slot]] }
                        latent += 1
                    }
                    level += 1
                }
            }
        }
    }
}
