import CBLAS

/// The only file that imports OpenBLAS.
///
/// OpenBLAS picks its kernels when the library loads, from `OPENBLAS_CORETYPE`; the `inr`
/// launcher sets it from `CPUFeatures.openBLASCoreType` and re-executes itself before anything
/// else runs. inr parallelises over tiles itself, so OpenBLAS runs single-threaded.
public enum BLAS {
    /// The core OpenBLAS chose at load time, e.g. "SkylakeX" or "Prescott".
    public static var coreName: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name)
    }

    /// Makes every OpenBLAS call single-threaded (call before any BLAS work).
    public static func useSingleThread() {
        openblas_set_num_threads(1)
    }

    /// `C = alpha·A·B + beta·C` on row-major matrices: A is m×k, B is k×n, C is m×n.
    public static func multiply(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }

    /// `C = alpha·Aᵀ·B + beta·C` on row-major matrices: A is k×m, B is k×n, C is m×n.
    public static func multiplyTransposedA(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        cblas_sgemm(
            CblasRowMajor, CblasTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k),
            alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}
