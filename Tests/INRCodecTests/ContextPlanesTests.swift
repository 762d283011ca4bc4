import INRCodec
import INRCore
import INRLatent
import XCTest

/// The ARM's training contexts (`ContextPlanes`) against the rule they implement, written out
/// plainly: slot k of latent (y, x) is latent (y + Δrow_k, x + Δcolumn_k) of the same grid when
/// that one lies in y's band and inside the grid's columns, else 0 (the coder's rule).
final class ContextPlanesTests: XCTestCase {
    func testGatherMatchesTheContextRule() {
        let pool = WorkerPool(threadCount: 2)
        for (width, height) in [(1, 6), (7, 1), (13, 9), (5, 2), (33, 20)] {
            for bandRows in [1, 2, 4, 64] {
                for context in ContextPattern.sizes {
                    let spec = LatentSpec(
                        width: width, height: height, channels: 3, gridCount: 3, synthesisWidths: [6],
                        entropyModel: .autoregressive(context: context, width: 5, layers: 1), bandRows: bandRows)
                    let offsets = ContextPattern.offsets(context), gridOffsets = spec.gridOffsets, count = spec.latentCount
                    let latents = (0..<count).map { Float($0 + 1) }  // distinct and nonzero
                    let planes = ContextPlanes(spec: spec, offsets: offsets)
                    latents.withUnsafeBufferPointer { planes.fill($0.baseAddress!, pool: pool) }
                    func expected(_ latent: Int, _ slot: Int) -> Float {
                        let level = (0..<spec.gridCount).first { gridOffsets[$0 + 1] > latent }!
                        let size = spec.gridSize(level), local = latent - gridOffsets[level]
                        let y = local / size.width, x = local % size.width
                        let row = y + offsets[slot].row, column = x + offsets[slot].column
                        guard row >= spec.bandStart(y), column >= 0, column < size.width else { return 0 }
                        return latents[gridOffsets[level] + row * size.width + column]
                    }
                    // Tiles of 5 and 37 rows: some end inside a grid, some cross one or two.
                    var mismatches = 0
                    for tile in [5, 37] {
                        let buffer = AlignedBuffer(count: tile * 16)
                        var first = 0
                        while first < count {
                            let rows = min(tile, count - first)
                            planes.gather(into: buffer.matrix(rows: rows, columns: context, stride: 16), first: first)
                            for r in 0..<rows {
                                for slot in 0..<context where buffer.base[r * 16 + slot] != expected(first + r, slot) { mismatches += 1 }
                            }
                            first += rows
                        }
                    }
                    XCTAssertEqual(mismatches, 0, "\(width)×\(height), bands of \(bandRows), context \(context)")
                }
            }
        }
    }
}
