// Thin, typed entry points into OpenBLAS used by the CPU kernels. Kept in one place so every
// matmul in Seer goes through the same (row-major) calling convention.
import CBLAS

/// Row-major single-precision GEMM: C = alpha · op(A) · op(B) + beta · C.
/// Shapes: op(A) is m×k, op(B) is k×n, C is m×n; lda/ldb/ldc are the row strides as stored.
///
/// Products big enough to share are split into row (or column) blocks of C, one per thread of
/// Seer's pool, each a single-threaded OpenBLAS call: OpenBLAS's own workers spin-wait (with
/// sched_yield) for ~0.1 s after every call, which on a 2-core machine stole the cores from the
/// element-wise kernels running between products (measured: a GPT step's backward ran no faster
/// on 2 threads than on 1). Blocks are multiples of 16 rows, and each C element is still one
/// dot product in OpenBLAS's order, so results do not depend on the split.
public func sgemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    _ = Parallelism.blasConfigured
    let threads = Parallelism.threads
    let splitRows = m >= n
    let extent = splitRows ? m : n
    let chunks = min(threads, extent / 32)
    guard chunks > 1, m * n * k >= 1 << 17 else {
        sgemmCall(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb,
                  beta: beta, c: c, ldc: ldc)
        return
    }
    let blocks = (extent + 15) / 16
    Parallelism.forEachChunk(blocks, grain: 1) { range in
        let lo = range.lowerBound * 16, hi = min(extent, range.upperBound * 16)
        guard hi > lo else { return }
        if splitRows {
            sgemmCall(transA: transA, transB: transB, m: hi - lo, n: n, k: k, alpha: alpha,
                      a: transA ? a + lo : a + lo * lda, lda: lda, b: b, ldb: ldb, beta: beta, c: c + lo * ldc, ldc: ldc)
        } else {
            sgemmCall(transA: transA, transB: transB, m: m, n: hi - lo, k: k, alpha: alpha, a: a, lda: lda,
                      b: transB ? b + lo * ldb : b + lo, ldb: ldb, beta: beta, c: c + lo, ldc: ldc)
        }
    }
}

/// One OpenBLAS call (single-threaded: Seer's pool does the sharing).
@inlinable
public func sgemmCall(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    alpha: Float, a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
) {
    cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}
