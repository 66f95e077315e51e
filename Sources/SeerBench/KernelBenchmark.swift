// `seer bench kernels`: the tensor core against the machine's own limits. Matrix products
// (forward + both backward products, through Seer's kernels) as a fraction of raw cblas_sgemm
// on the same shapes; element-wise and normalisation kernels in GB/s of memory traffic (bytes
// read + written) against a memcpy moving the same traffic. Medians of repeated timings.
import CBLAS
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerNN
import SeerTasks
import SeerTensor

public struct KernelFigure: Codable {
    var kernel: String
    var shape: String
    var medianSeconds: Double
    /// GFLOP/s for products, GB/s for memory-bound kernels.
    var rate: Double
    var unit: String
    var peerName: String
    var peerRate: Double
    var ratio: Double
    var target: Double
}

public struct KernelBenchResult: Codable {
    var threads: Int
    var figures: [KernelFigure]

    public var text: String {
        var table = TextTable(["kernel", "shape", "median ms", "rate", "peer", "peer rate", "ratio", "target"])
        for f in figures {
            table.add([f.kernel, f.shape, String(format: "%.3f", f.medianSeconds * 1000), String(format: "%.1f %@", f.rate, f.unit),
                       f.peerName, String(format: "%.1f %@", f.peerRate, f.unit), String(format: "%.2f", f.ratio),
                       String(format: "≥ %.1f", f.target)])
        }
        return "Kernel benchmark (\(threads) threads; medians)\n" + table.render(indent: "  ")
    }
}

public struct KernelBenchmark {
    public var repeats: Int
    /// Token rows for the products (batch × time of the standard config at T = 256).
    public var rows: Int
    /// Token rows for the memory-bound kernels: cache-resident and training-sized (B·T = 16×1024).
    public var memoryRows: [Int]

    /// Runs of `body` per timing so one timing lasts at least 20 ms (after a warm-up call).

    public init(repeats: Int, rows: Int, memoryRows: [Int]) {
        self.repeats = repeats
        self.rows = rows
        self.memoryRows = memoryRows
    }

    func calibrate(_ body: () -> Void) -> Int {
        body()
        var inner = 1
        while sample(body, inner) * Double(inner) <= 0.02 && inner < 1 << 16 { inner *= 2 }
        return inner
    }

    /// Seconds per call of `body`, over `inner` back-to-back calls.
    func sample(_ body: () -> Void, _ inner: Int) -> Double {
        let start = ContinuousClock.now
        for _ in 0..<inner { body() }
        return (ContinuousClock.now - start).seconds / Double(inner)
    }

    /// Median seconds of `body` over `repeats` timings, each long enough to be measurable.
    func time(_ body: () -> Void) -> Double {
        let inner = calibrate(body)
        return (0..<repeats).map { _ in sample(body, inner) }.sorted()[repeats / 2]
    }

    /// Medians of `a` and `b` timed alternately, sample by sample, so a kernel and its peer see
    /// the same state of a shared, noisy machine (their ratio is what the benchmark reports).
    func timePair(_ a: () -> Void, _ b: () -> Void) -> (Double, Double) {
        let innerA = calibrate(a), innerB = calibrate(b)
        var samplesA: [Double] = [], samplesB: [Double] = []
        for _ in 0..<repeats {
            samplesA.append(sample(a, innerA))
            samplesB.append(sample(b, innerB))
        }
        return (samplesA.sorted()[repeats / 2], samplesB.sorted()[repeats / 2])
    }

    func random(_ count: Int, seed: UInt64) -> TensorStorage {
        var rng = SeededGenerator(seed: seed)
        let storage = TensorStorage(count: count)
        for i in 0..<count { storage.pointer[i] = rng.uniform(-1, 1) }
        return storage
    }

    public func run() -> KernelBenchResult {
        var figures: [KernelFigure] = []
        let kernels = CPUBackend()
        // Linear layers of a d-wide model on `rows` tokens: [rows, in] · [out, in]ᵀ.
        for (inputs, outputs) in [(128, 128), (128, 512), (512, 128), (256, 256), (512, 512), (512, 2048)] {
            let n = rows
            let x = random(n * inputs, seed: 1), w = random(outputs * inputs, seed: 2), g = random(n * outputs, seed: 3)
            let y = TensorStorage(count: n * outputs), gx = TensorStorage(zeros: n * inputs), gw = TensorStorage(zeros: outputs * inputs)
            let flops = 3 * 2 * Double(n) * Double(inputs) * Double(outputs)
            // The peer is OpenBLAS sharing the product across its own threads. Each is timed in a
            // block of its own steady state (interleaving sample by sample measured the switch
            // instead: OpenBLAS's workers spin after a call and Seer's pool parks during pauses),
            // blocks alternating three times; the median of each side's three medians is reported.
            func seerProducts() {
                kernels.matmulForward(x, w, y, batch: 1, m: n, n: outputs, k: inputs, transA: false, transB: true, sharedB: true)
                kernels.matmulBackward(x, w, gradC: g, gradA: gx, gradB: gw, batch: 1, m: n, n: outputs, k: inputs,
                                       transA: false, transB: true, sharedB: true)
            }
            func blasProducts() {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(outputs), Int32(inputs), 1, x.pointer, Int32(inputs),
                            w.pointer, Int32(inputs), 0, y.pointer, Int32(outputs))
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(inputs), Int32(outputs), 1, g.pointer, Int32(outputs),
                            w.pointer, Int32(inputs), 1, gx.pointer, Int32(inputs))
                cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, Int32(outputs), Int32(inputs), Int32(n), 1, g.pointer, Int32(outputs),
                            x.pointer, Int32(inputs), 1, gw.pointer, Int32(inputs))
            }
            var seerMedians: [Double] = [], rawMedians: [Double] = []
            for _ in 0..<3 {
                seerMedians.append(time(seerProducts))
                rawMedians.append(Parallelism.withOpenBLASThreads(Parallelism.threads) { time(blasProducts) })
            }
            let seer = seerMedians.sorted()[1], raw = rawMedians.sorted()[1]
            figures.append(KernelFigure(kernel: "matmul fwd+bwd", shape: "[\(n),\(inputs)]·[\(outputs),\(inputs)]ᵀ", medianSeconds: seer,
                                        rate: flops / seer / 1e9, unit: "GFLOP/s", peerName: "cblas_sgemm ×3",
                                        peerRate: flops / raw / 1e9, ratio: raw / seer, target: 0.9))
        }
        // Memory-bound kernels on [rows, 512]: bytes read + written against memcpy of those bytes, at
        // each size in `memoryRows` (small tensors stay in cache, where compute-bound kernels lag).
        for rows in memoryRows {
            let width = 512, count = rows * width
            let a = random(count, seed: 4), b = random(count, seed: 5), out = TensorStorage(count: count), grad = random(count, seed: 6)
            let gradIn = TensorStorage(zeros: count), bias = random(width, seed: 7)
            let gamma = random(width, seed: 8), beta = random(width, seed: 9)
            let mean = TensorStorage(count: rows), rstd = TensorStorage(count: rows)
            let source = random(count * 3, seed: 10), target = TensorStorage(count: count * 3)
            // A copy moving the same traffic: memcpy of n floats reads 4n bytes and writes 4n, so a
            // kernel moving `traffic` bytes is compared with memcpy of traffic/8 floats. memcpy runs
            // on the same threads as the kernels, so the peer is the machine's copy bandwidth.
            func copy(traffic: Int) {
                Parallelism.forEachChunk(min(traffic / 8, source.count), grain: 1 << 14) { range in
                    (target.pointer + range.lowerBound).update(from: source.pointer + range.lowerBound, count: range.count)
                }
            }
            let cases: [(String, Int, () -> Void)] = [
                ("add", 3, { kernels.binaryForward(.add, a, b, out, outer: rows, inner: width, broadcastB: false) }),
                ("bias add", 2, { kernels.binaryForward(.add, a, bias, out, outer: rows, inner: width, broadcastB: true) }),
                ("mul backward", 4, { kernels.binaryBackward(.mul, a, b, gradOut: grad, gradA: gradIn, gradB: nil, outer: rows, inner: width, broadcastB: false) }),
                ("gelu", 2, { kernels.unaryForward(.gelu, a, out) }),
                ("gelu backward", 4, { kernels.unaryBackward(.gelu, a, out, gradOut: grad, gradX: gradIn) }),
                ("silu", 2, { kernels.unaryForward(.silu, a, out) }),
                ("relu", 2, { kernels.unaryForward(.relu, a, out) }),
                ("softmax", 2, { kernels.softmaxForward(a, out, rows: rows, n: width, log: false) }),
                ("layer norm", 2, { kernels.layerNormForward(a, gamma: gamma, beta: beta, out, mean: mean, rstd: rstd, rows: rows, n: width, epsilon: 1e-5) }),
                ("layer norm backward", 4, { kernels.layerNormBackward(a, gamma: gamma, mean: mean, rstd: rstd, gradOut: grad, gradX: gradIn,
                                                                      gradGamma: nil, gradBeta: nil, rows: rows, n: width) }),
                ("rms norm", 2, { kernels.rmsNormForward(a, gamma: gamma, out, rstd: rstd, rows: rows, n: width, epsilon: 1e-6) }),
            ]
            // `passes`: whole tensors read or written (e.g. add reads a and b and writes out: 3).
            for (name, passes, body) in cases {
                let bytes = passes * count * 4
                let (seconds, copySeconds) = timePair(body, { copy(traffic: bytes) })
                let rate = Double(bytes) / seconds / 1e9
                let peer = Double(min(bytes / 8, source.count) * 8) / copySeconds / 1e9
                figures.append(KernelFigure(kernel: name, shape: "[\(rows),\(width)]", medianSeconds: seconds, rate: rate, unit: "GB/s",
                                            peerName: "memcpy", peerRate: peer, ratio: rate / peer, target: 0.5))
            }
        }

        // Causal attention, forward + backward, streamed (64-row blocks, no T×T matrix) against
        // stored (T×T probabilities kept): GFLOP/s over the causal half of the products.
        for steps in [256, 1024] {
            let heads = 4 * 4, d = 32, n = heads * steps * d
            let q = random(n, seed: 11), k = random(n, seed: 12), v = random(n, seed: 13), g = random(n, seed: 14)
            let o = TensorStorage(count: n), lse = TensorStorage(count: heads * steps)
            let gq = TensorStorage(zeros: n), gk = TensorStorage(zeros: n), gv = TensorStorage(zeros: n)
            let probabilities = TensorStorage(count: heads * steps * steps)
            // Causal products: QKᵀ, PV forward; dV, dP, dQ, dK backward (plus a recompute when streamed).
            let flops = 6 * 2 * Double(heads) * Double(steps) * Double(steps) / 2 * Double(d)
            func run(_ stored: TensorStorage?) -> Double {
                time {
                    kernels.attentionForward(q, k, v, o, layout: .dense(d), logsumexp: lse, probabilities: stored, heads: heads, time: steps, d: d)
                    kernels.attentionBackward(q, k, v, o, layout: .dense(d), logsumexp: lse, probabilities: stored, gradO: g, gradQ: gq, gradK: gk, gradV: gv,
                                              heads: heads, time: steps, d: d)
                }
            }
            let storedSeconds = run(probabilities), streamedSeconds = run(nil)
            figures.append(KernelFigure(kernel: "attention fwd+bwd (streamed)", shape: "[\(heads),\(steps),\(d)]", medianSeconds: streamedSeconds,
                                        rate: flops / streamedSeconds / 1e9, unit: "GFLOP/s", peerName: "stored T×T",
                                        peerRate: flops / storedSeconds / 1e9, ratio: storedSeconds / streamedSeconds, target: 0.8))
        }
        return KernelBenchResult(threads: Parallelism.threads, figures: figures)
    }
}
