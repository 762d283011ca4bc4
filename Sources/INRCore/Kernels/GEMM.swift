/// Register-blocked matrix products on `Vector`s, generic over how multiply-add is done, so each
/// instruction-set tier instantiates the same source.
///
/// Both products keep a 4-row × (64 | 32 | 16)-column tile of accumulators in registers (as wide
/// as `M.widestGroup` allows; 8 rows of 16 columns on AVX-512, for the narrow layers):
///
///     product:            C[r][c]  = Σ_p A[r][p] · B[p][c]      (A row-major, broadcast A)
///     transposedProduct:  C[k][c] += Σ_r X[r][k] · D[r][c]      (the weight gradient Xᵀ·D)
///
/// Columns are processed in whole vectors: `columns` must be a multiple of 16 and B, D, C must
/// hold that many floats per row (padding lanes included). Rows need no padding.
public enum GEMM<M: MultiplyAdd> {
    /// Computes `A·B` and hands each finished vector to `epilogue`.
    @inlinable
    public static func product<E: Epilogue>(
        a: UnsafePointer<Float>, lda: Int, rows: Int, depth: Int,
        b: UnsafePointer<Float>, ldb: Int, columns: Int, epilogue: E
    ) {
        var column = 0
        while M.widestGroup >= 4 && column + 64 <= columns {
            productColumns(VectorGroup4.self, a, lda, rows, depth, b + column, ldb, column, epilogue)
            column += 64
        }
        while M.widestGroup >= 2 && column + 32 <= columns {
            productColumns(VectorGroup2.self, a, lda, rows, depth, b + column, ldb, column, epilogue)
            column += 32
        }
        while column + 16 <= columns {
            productColumns(VectorGroup1.self, a, lda, rows, depth, b + column, ldb, column, epilogue)
            column += 16
        }
    }

    @inlinable @inline(__always)
    static func productColumns<G: VectorGroup, E: Epilogue>(
        _: G.Type, _ a: UnsafePointer<Float>, _ lda: Int, _ rows: Int, _ depth: Int,
        _ b: UnsafePointer<Float>, _ ldb: Int, _ column: Int, _ epilogue: E
    ) {
        var row = 0
        // One-vector columns on AVX-512: 8 rows, so 8 independent multiply-add chains hide the
        // FMA latency (4 rows leave two-pipe cores half idle). Each output is still one chain
        // over p in order, so the sums are the same.
        while M.widestGroup >= 4 && G.count == 1 && row + 8 <= rows {
            let a0 = a + row * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
            let a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda
            var c0 = G(), c1 = G(), c2 = G(), c3 = G(), c4 = G(), c5 = G(), c6 = G(), c7 = G()
            var bp = b
            for p in 0..<depth {
                let bv = G(loading: bp)
                c0.accumulate(M.self, Vector(repeating: a0[p]), bv)
                c1.accumulate(M.self, Vector(repeating: a1[p]), bv)
                c2.accumulate(M.self, Vector(repeating: a2[p]), bv)
                c3.accumulate(M.self, Vector(repeating: a3[p]), bv)
                c4.accumulate(M.self, Vector(repeating: a4[p]), bv)
                c5.accumulate(M.self, Vector(repeating: a5[p]), bv)
                c6.accumulate(M.self, Vector(repeating: a6[p]), bv)
                c7.accumulate(M.self, Vector(repeating: a7[p]), bv)
                bp += ldb
            }
            c0.forEach { v, offset in epilogue.finish(v, row: row, column: column + offset) }
            c1.forEach { v, offset in epilogue.finish(v, row: row + 1, column: column + offset) }
            c2.forEach { v, offset in epilogue.finish(v, row: row + 2, column: column + offset) }
            c3.forEach { v, offset in epilogue.finish(v, row: row + 3, column: column + offset) }
            c4.forEach { v, offset in epilogue.finish(v, row: row + 4, column: column + offset) }
            c5.forEach { v, offset in epilogue.finish(v, row: row + 5, column: column + offset) }
            c6.forEach { v, offset in epilogue.finish(v, row: row + 6, column: column + offset) }
            c7.forEach { v, offset in epilogue.finish(v, row: row + 7, column: column + offset) }
            row += 8
        }
        while row + 4 <= rows {
            let a0 = a + row * lda, a1 = a0 + lda, a2 = a1 + lda, a3 = a2 + lda
            var c0 = G(), c1 = G(), c2 = G(), c3 = G()
            var bp = b
            for p in 0..<depth {
                let bv = G(loading: bp)
                c0.accumulate(M.self, Vector(repeating: a0[p]), bv)
                c1.accumulate(M.self, Vector(repeating: a1[p]), bv)
                c2.accumulate(M.self, Vector(repeating: a2[p]), bv)
                c3.accumulate(M.self, Vector(repeating: a3[p]), bv)
                bp += ldb
            }
            c0.forEach { v, offset in epilogue.finish(v, row: row, column: column + offset) }
            c1.forEach { v, offset in epilogue.finish(v, row: row + 1, column: column + offset) }
            c2.forEach { v, offset in epilogue.finish(v, row: row + 2, column: column + offset) }
            c3.forEach { v, offset in epilogue.finish(v, row: row + 3, column: column + offset) }
            row += 4
        }
        while row < rows {
            let a0 = a + row * lda
            var c0 = G()
            var bp = b
            for p in 0..<depth {
                c0.accumulate(M.self, Vector(repeating: a0[p]), G(loading: bp))
                bp += ldb
            }
            c0.forEach { v, offset in epilogue.finish(v, row: row, column: column + offset) }
            row += 1
        }
    }

    /// `C[k][c] += Σ_r X[r][k] · D[r][c]` for k < `depth`, c < `columns`.
    @inlinable
    public static func accumulateTransposedProduct(
        x: UnsafePointer<Float>, ldx: Int, rows: Int, depth: Int,
        d: UnsafePointer<Float>, ldd: Int, columns: Int,
        into c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        var column = 0
        while M.widestGroup >= 4 && column + 64 <= columns {
            transposedColumns(VectorGroup4.self, x, ldx, rows, depth, d + column, ldd, c + column, ldc)
            column += 64
        }
        while M.widestGroup >= 2 && column + 32 <= columns {
            transposedColumns(VectorGroup2.self, x, ldx, rows, depth, d + column, ldd, c + column, ldc)
            column += 32
        }
        while column + 16 <= columns {
            transposedColumns(VectorGroup1.self, x, ldx, rows, depth, d + column, ldd, c + column, ldc)
            column += 16
        }
    }

    @inlinable @inline(__always)
    static func transposedColumns<G: VectorGroup>(
        _: G.Type, _ x: UnsafePointer<Float>, _ ldx: Int, _ rows: Int, _ depth: Int,
        _ d: UnsafePointer<Float>, _ ldd: Int, _ c: UnsafeMutablePointer<Float>, _ ldc: Int
    ) {
        var k = 0
        // As in `productColumns`: 8 chains for one-vector columns on AVX-512, each output
        // still summed over the rows in order.
        while M.widestGroup >= 4 && G.count == 1 && k + 8 <= depth {
            var c0 = G(), c1 = G(), c2 = G(), c3 = G(), c4 = G(), c5 = G(), c6 = G(), c7 = G()
            var xp = x + k
            var dp = d
            for _ in 0..<rows {
                let dv = G(loading: dp)
                c0.accumulate(M.self, Vector(repeating: xp[0]), dv)
                c1.accumulate(M.self, Vector(repeating: xp[1]), dv)
                c2.accumulate(M.self, Vector(repeating: xp[2]), dv)
                c3.accumulate(M.self, Vector(repeating: xp[3]), dv)
                c4.accumulate(M.self, Vector(repeating: xp[4]), dv)
                c5.accumulate(M.self, Vector(repeating: xp[5]), dv)
                c6.accumulate(M.self, Vector(repeating: xp[6]), dv)
                c7.accumulate(M.self, Vector(repeating: xp[7]), dv)
                xp += ldx
                dp += ldd
            }
            c0.add(into: c + k * ldc)
            c1.add(into: c + (k + 1) * ldc)
            c2.add(into: c + (k + 2) * ldc)
            c3.add(into: c + (k + 3) * ldc)
            c4.add(into: c + (k + 4) * ldc)
            c5.add(into: c + (k + 5) * ldc)
            c6.add(into: c + (k + 6) * ldc)
            c7.add(into: c + (k + 7) * ldc)
            k += 8
        }
        while k + 4 <= depth {
            var c0 = G(), c1 = G(), c2 = G(), c3 = G()
            var xp = x + k
            var dp = d
            for _ in 0..<rows {
                let dv = G(loading: dp)
                c0.accumulate(M.self, Vector(repeating: xp[0]), dv)
                c1.accumulate(M.self, Vector(repeating: xp[1]), dv)
                c2.accumulate(M.self, Vector(repeating: xp[2]), dv)
                c3.accumulate(M.self, Vector(repeating: xp[3]), dv)
                xp += ldx
                dp += ldd
            }
            c0.add(into: c + k * ldc)
            c1.add(into: c + (k + 1) * ldc)
            c2.add(into: c + (k + 2) * ldc)
            c3.add(into: c + (k + 3) * ldc)
            k += 4
        }
        while k + 2 <= depth {
            var c0 = G(), c1 = G()
            var xp = x + k
            var dp = d
            for _ in 0..<rows {
                let dv = G(loading: dp)
                c0.accumulate(M.self, Vector(repeating: xp[0]), dv)
                c1.accumulate(M.self, Vector(repeating: xp[1]), dv)
                xp += ldx
                dp += ldd
            }
            c0.add(into: c + k * ldc)
            c1.add(into: c + (k + 1) * ldc)
            k += 2
        }
        while k < depth {
            var c0 = G()
            var xp = x + k
            var dp = d
            for _ in 0..<rows {
                c0.accumulate(M.self, Vector(repeating: xp[0]), G(loading: dp))
                xp += ldx
                dp += ldd
            }
            c0.add(into: c + k * ldc)
            k += 1
        }
    }
}
