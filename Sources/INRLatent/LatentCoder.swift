import Foundation
import INRCoding
import INRCore

/// The latents ↔ bytes: each band of each grid its own range code (the ARM's context never
/// leaves a band, so bands decode in parallel), every latent coded with `LaplaceCoding` from the
/// `EntropyModel`'s (μ, s).
///
///     latents (Int32, grid after grid, raster order) ─► per band: walk → encode ─► streams
public enum LatentCoder {
    /// Every (grid, band) in stream order, with where its latents start in the flat buffer.
    public static func bands(_ spec: LatentSpec) -> [(level: Int, rows: Range<Int>, offset: Int)] {
        let offsets = spec.gridOffsets
        return (0..<spec.gridCount).flatMap { level in
            spec.bands(level).map { (level, $0, offsets[level] + $0.lowerBound * spec.gridSize(level).width) }
        }
    }

    /// The order bands are handed to the coding threads' lanes: the largest first (indices
    /// into `bands(spec)`). Any order gives the same streams.
    public static func order(_ spec: LatentSpec) -> [Int] {
        let bands = bands(spec)
        func size(_ b: Int) -> Int { bands[b].rows.count * spec.gridSize(bands[b].level).width }
        return bands.indices.sorted { (size($0), $1) > (size($1), $0) }
    }

    /// Hands out bands in `order`, each once, to any thread.
    final class Queue: @unchecked Sendable {
        private let order: [Int]
        private var position = 0
        private let lock = NSLock()

        init(_ order: [Int]) { self.order = order }

        func claim() -> Int? {
            lock.lock()
            defer { lock.unlock() }
            guard position < order.count else { return nil }
            position += 1
            return order[position - 1]
        }

        /// No band is handed out after this (a damaged band stops every thread).
        func close() {
            lock.lock()
            position = order.count
            lock.unlock()
        }
    }

    /// One stream per band, grid after grid (each thread walks four bands at a time).
    public static func encode(_ latents: [Int32], model: EntropyModel, pool: WorkerPool) -> [[UInt8]] {
        let spec = model.spec, bands = bands(spec), shapes = bands.map { ($0.level, $0.rows.count) }
        precondition(latents.count == spec.latentCount)
        var streams = [[UInt8]](repeating: [], count: bands.count)
        let queue = Queue(order(spec)), lock = NSLock()
        pool.run(tasks: pool.threadCount) { _, _ in
            var coders = [RangeEncoder?](repeating: nil, count: bands.count)
            _ = model.walk(shapes, claim: {
                guard let b = queue.claim() else { return nil }
                coders[b] = RangeEncoder()
                return b
            }) { b, index, mean, logScale in
                let value = latents[bands[b].offset + index]
                LaplaceCoding.encode(value, mean: mean, logScale: logScale, into: &coders[b]!)
                return Float(value)
            } done: { b, _ in
                let stream = coders[b]!.finish()
                coders[b] = nil
                lock.lock()
                streams[b] = stream
                lock.unlock()
            }
        }
        return streams
    }

    /// Every band's latents (flat, grid after grid) from its stream, each thread walking four
    /// bands at a time; an error for a stream that does not decode to them (one that does not
    /// start as a range code, holds an escape out of range, or reads far past its end).
    public static func decode(_ streams: [[UInt8]], model: EntropyModel, pool: WorkerPool) throws(LatentError) -> [Int32] {
        let spec = model.spec, bands = bands(spec), shapes = bands.map { ($0.level, $0.rows.count) }
        precondition(streams.count == bands.count)
        var latents = [Int32](repeating: 0, count: spec.latentCount)
        let queue = Queue(order(spec)), lock = NSLock()
        var failure: LatentError?
        latents.withUnsafeMutableBufferPointer { latents in
            let latents = latents.baseAddress!
            pool.run(tasks: pool.threadCount) { _, _ in
                var decoders = [RangeDecoder?](repeating: nil, count: bands.count)
                var damaged: LatentError?
                let complete = model.walk(shapes, claim: {
                    guard damaged == nil, let b = queue.claim() else { return nil }
                    decoders[b] = RangeDecoder(streams[b])
                    guard decoders[b]!.startsWell else {
                        damaged = LatentError("band \(b) (grid \(bands[b].level)) does not start as a range code")
                        return nil
                    }
                    return b
                }) { b, _, mean, logScale in
                    guard let value = LaplaceCoding.decode(mean: mean, logScale: logScale, from: &decoders[b]!), decoders[b]!.overrun <= 8 else {
                        damaged = LatentError("band \(b) (grid \(bands[b].level)) is damaged (its code ends early or holds an impossible latent)")
                        return nil
                    }
                    return Float(value)
                } done: { b, values in
                    decoders[b] = nil
                    for (i, value) in values.enumerated() { latents[bands[b].offset + i] = Int32(value) }
                }
                if !complete || damaged != nil {
                    queue.close()
                    lock.lock()
                    failure = failure ?? damaged ?? LatentError("a band is damaged")
                    lock.unlock()
                }
            }
        }
        if let failure { throw failure }
        return latents
    }
}
