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

    /// One stream per band, grid after grid (the bands coded in parallel).
    public static func encode(_ latents: [Int32], model: EntropyModel, pool: WorkerPool) -> [[UInt8]] {
        let spec = model.spec, bands = bands(spec)
        precondition(latents.count == spec.latentCount)
        var streams = [[UInt8]](repeating: [], count: bands.count)
        let lock = NSLock()
        pool.run(tasks: bands.count) { index, _ in
            let stream = encode(latents, band: bands[index], model: model)
            lock.lock()
            streams[index] = stream
            lock.unlock()
        }
        return streams
    }

    static func encode(_ latents: [Int32], band: (level: Int, rows: Range<Int>, offset: Int), model: EntropyModel) -> [UInt8] {
        let count = band.rows.count * model.spec.gridSize(band.level).width
        var values = latents[band.offset..<(band.offset + count)].map(Float.init)
        var coder = RangeEncoder()
        _ = values.withUnsafeMutableBufferPointer { values in
            model.walk(level: band.level, height: band.rows.count, band: values.baseAddress!) { index, mean, logScale in
                LaplaceCoding.encode(Int32(values[index]), mean: mean, logScale: logScale, into: &coder)
                return true
            }
        }
        return coder.finish()
    }

    /// A band's latents (`rows` of grid `level`) from its stream; an error for a stream that does
    /// not decode to them (an escape out of range, or one that reads far past its end).
    public static func decode(_ stream: [UInt8], level: Int, rows: Int, model: EntropyModel) throws(LatentError) -> [Int32] {
        let width = model.spec.gridSize(level).width
        var values = [Float](repeating: 0, count: width * rows)
        var coder = RangeDecoder(stream)
        guard coder.startsWell else { throw LatentError("a band of grid \(level) does not start as a range code") }
        let complete = values.withUnsafeMutableBufferPointer { values in
            model.walk(level: level, height: rows, band: values.baseAddress!) { index, mean, logScale in
                guard let value = LaplaceCoding.decode(mean: mean, logScale: logScale, from: &coder), coder.overrun <= 8 else { return false }
                values[index] = Float(value)
                return true
            }
        }
        guard complete else { throw LatentError("a band of grid \(level) is damaged (its code ends early or holds an impossible latent)") }
        return values.map { Int32($0) }
    }
}
