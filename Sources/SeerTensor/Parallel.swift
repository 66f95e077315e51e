// How many threads Seer's own CPU kernels use, and the one way they fan out: contiguous chunks
// of an index range over DispatchQueue.concurrentPerform. OpenBLAS gets the same thread count;
// our loops never run inside a BLAS call, so the two pools never nest.
import CBLAS
import Dispatch
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Process-wide CPU parallelism settings.
public enum Parallelism {
    private static let configured = Atomic<Int>(0)

    /// Online processors, read once: glibc's sysconf opens and parses /sys/devices/system/cpu/online
    /// on every call, and `threads` is asked on every kernel call (a third of a small net's
    /// streaming step went to those system calls).
    public static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Threads used by Seer's kernels and by OpenBLAS (default: every online processor).
    public static var threads: Int {
        let n = configured.load(ordering: .relaxed)
        return n > 0 ? n : processorCount
    }

    /// Sets the thread count for Seer's kernels, matrix products included (`--threads`).
    public static func setThreads(_ n: Int) {
        let count = max(1, n)
        configured.store(count, ordering: .relaxed)
        _ = blasConfigured
    }

    /// OpenBLAS runs one thread per call (`sgemm` shares big products across Seer's pool); set
    /// once, before the first product or thread setting.
    static let blasConfigured: Bool = {
        openblas_set_num_threads(1)
        return true
    }()

    /// Runs `body` with OpenBLAS's own threading at `n` threads (benchmark peers: raw
    /// multi-threaded cblas_sgemm), then returns it to one thread per call.
    public static func withOpenBLASThreads<T>(_ n: Int, _ body: () throws -> T) rethrows -> T {
        _ = blasConfigured
        openblas_set_num_threads(Int32(max(1, n)))
        defer { openblas_set_num_threads(1) }
        return try body()
    }

    /// Calls `body` on contiguous chunks covering `0..<count`, in parallel when the range holds
    /// at least `grain` elements per thread. Chunk boundaries depend only on `count` and the
    /// thread count, so results are reproducible for a given thread count.
    @inlinable
    public static func forEachChunk(_ count: Int, grain: Int = 1 << 14, _ body: (Range<Int>) -> Void) {
        let chunks = min(threads, count / max(1, grain))
        if chunks <= 1 {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { escaping in
            let work = UncheckedSendable(escaping)
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                work.value(c * count / chunks ..< (c + 1) * count / chunks)
            }
        }
    }
}

/// Wraps a value that is safe to share by construction (each thread touches its own chunk).
@usableFromInline
struct UncheckedSendable<Value>: @unchecked Sendable {
    @usableFromInline let value: Value
    @usableFromInline init(_ value: Value) { self.value = value }
}
