// Thin, typed entry points into OpenBLAS used by the CPU kernels. Kept in one place so every
// matmul in Seer goes through the same (row-major) calling convention.
import CBLAS

/// Row-major single-precision GEMM: C = alpha · op(A) · op(B) + beta · C.
/// Shapes: op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides as stored.
@inlinable
public func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
