// The Backend on a CUDA device: every storage is device memory the backend allocated (owned by
// the TensorStorage, freed with it), every kernel a launch through CUDAKernels, and host memory
// is touched only by upload and download. It runs on any KernelDevice — a GPU through the driver
// (DriverDevice), or the CPU emulator in the tests, where whole training runs are compared with
// CPUBackend. Backend's kernels cannot throw, so a failed launch or allocation is kept as CUDA
// keeps its own errors: sticky. The first failure is stored, later work is skipped, reads return
// NaN, and `checkHealth()` (which training calls after each step) throws it — no silent numbers.
import SeerBase

/// A Backend whose memory and kernels are on one CUDA device.
public final class CUDABackend: Backend, @unchecked Sendable {
    public let device: Device
    public let kernels: CUDAKernels
    private let failure = Locked<(any Error)?>(nil)

    /// A backend for `device` running on `kernelDevice`; storages on `device` use it from now on.
    public init(device: Device, on kernelDevice: any KernelDevice) {
        precondition(device != .cpu, "the CPU's backend is CPUBackend")
        self.device = device
        kernels = CUDAKernels(device: kernelDevice)
        CUDABackends.register(self)
    }

    /// Throws the first kernel or memory failure since the backend was made (then every later call
    /// was skipped: the results are not to be trusted).
    public func checkHealth() throws {
        if let error = failure.withLock({ $0 }) { throw error }
    }

    /// Runs `body` unless a failure came before; keeps the first failure.
    private func run(_ body: () throws -> Void) {
        guard failure.withLock({ $0 == nil }) else { return }
        do { try body() } catch { failure.withLock { if $0 == nil { $0 = error } } }
    }

    /// `body`'s value, or `fallback` after a failure.
    private func value<T>(_ fallback: T, _ body: () throws -> T) -> T {
        var result = fallback
        run { result = try body() }
        return result
    }

    // MARK: memory

    public func allocate(_ count: Int) -> TensorStorage {
        let memory = kernels.device
        let address = value(DevicePointer(0)) { try memory.allocate(bytes: max(1, count) * 4) }
        return TensorStorage(deviceMemory: address, count: count, device: device) { if $0 != 0 { memory.free($0) } }
    }

    public func zeros(_ count: Int) -> TensorStorage {
        let storage = allocate(count)
        fill(storage, with: 0)
        return storage
    }

    public func copy(_ source: TensorStorage, into destination: TensorStorage) {
        precondition(source.count == destination.count, "copy between storages of \(source.count) and \(destination.count) floats")
        run {
            try kernels.copyAxisRange(source.address, srcDim: source.count, srcStart: 0, destination.address, dstDim: destination.count,
                                      dstStart: 0, length: source.count, outer: 1, inner: 1, accumulate: false)
        }
    }

    public func fill(_ destination: TensorStorage, with value: Float) {
        run { try kernels.device.fill(destination.address, pattern: value.bitPattern, count: destination.count) }
    }

    public func upload(_ values: [Float], into destination: TensorStorage) {
        precondition(values.count == destination.count, "\(values.count) values for a storage of \(destination.count)")
        run { try values.withUnsafeBytes { if $0.count > 0 { try kernels.device.upload($0.baseAddress!, to: destination.address, bytes: $0.count) } } }
    }

    public func download(_ source: TensorStorage) -> [Float] {
        value([Float](repeating: .nan, count: source.count)) { try kernels.device.copyFromDevice(source.address, count: source.count) }
    }

    // MARK: training state

    public func accumulate(_ g: TensorStorage, into: TensorStorage, negated: Bool) {
        run { try kernels.accumulate(g.address, into: into.address, count: g.count, negated: negated) }
    }

    public func sumOfSquares(_ x: TensorStorage) -> Double { value(.nan) { try kernels.sumOfSquares(x.address, count: x.count) } }

    public func scaleInPlace(_ x: TensorStorage, by factor: Float) { run { try kernels.scaleInPlace(x.address, count: x.count, by: factor) } }

    public func allFinite(_ x: TensorStorage) -> Bool { value(false) { try kernels.allFinite(x.address, count: x.count) } }

    public func adamStep(_ s: AdamState, learningRate: Float, step t: Int) {
        run {
            try kernels.adamStep(values: s.values.address, gradients: s.gradients.address, decayMask: s.decayMask.address,
                                 firstMoment: s.firstMoment.address, secondMoment: s.secondMoment.address, count: s.values.count,
                                 learningRate: learningRate, step: t, beta1: s.beta1, beta2: s.beta2, epsilon: s.epsilon,
                                 weightDecay: s.weightDecay, decoupled: s.decoupled)
        }
    }

    public func sgdStep(values: TensorStorage, gradients: TensorStorage, decayMask: TensorStorage, velocity: TensorStorage,
                        learningRate: Float, momentum: Float, weightDecay: Float) {
        run {
            try kernels.sgdStep(values: values.address, gradients: gradients.address, decayMask: decayMask.address, velocity: velocity.address,
                                count: values.count, learningRate: learningRate, momentum: momentum, weightDecay: weightDecay)
        }
    }

    public func movingAverage(_ average: TensorStorage, toward values: TensorStorage, decay: Float) {
        run { try kernels.movingAverage(average.address, toward: values.address, count: average.count, decay: decay) }
    }

    // MARK: matrix products

    public func matmulForward(_ a: TensorStorage, _ b: TensorStorage, _ c: TensorStorage, batch: Int, m: Int, n: Int, k: Int,
                              transA: Bool, transB: Bool, sharedB: Bool) {
        run { try kernels.matmulForward(a.address, b.address, c.address, batch: batch, m: m, n: n, k: k, transA: transA, transB: transB,
                                        sharedB: sharedB) }
    }

    public func matmulBackward(_ a: TensorStorage, _ b: TensorStorage, gradC: TensorStorage, gradA: TensorStorage?, gradB: TensorStorage?,
                               batch: Int, m: Int, n: Int, k: Int, transA: Bool, transB: Bool, sharedB: Bool) {
        run {
            try kernels.matmulBackward(a.address, b.address, gradC: gradC.address, gradA: gradA?.address, gradB: gradB?.address, batch: batch,
                                       m: m, n: n, k: k, transA: transA, transB: transB, sharedB: sharedB)
        }
    }

    public func stridedMatmul(transA: Bool, transB: Bool, m: Int, n: Int, k: Int, _ a: TensorStorage, aOffset: Int, lda: Int,
                              _ b: TensorStorage, bOffset: Int, ldb: Int, beta: Float, _ c: TensorStorage, cOffset: Int, ldc: Int) {
        run {
            try kernels.stridedMatmul(transA: transA, transB: transB, m: m, n: n, k: k, a.address, aOffset: aOffset, lda: lda, b.address,
                                      bOffset: bOffset, ldb: ldb, beta: beta, c.address, cOffset: cOffset, ldc: ldc)
        }
    }

    public func fillRows(_ out: TensorStorage, rows: Int, n: Int, bias: TensorStorage?, residual: TensorStorage?, residualOffset: Int,
                         residualStride: Int) {
        run { try kernels.fillRows(out.address, rows: rows, n: n, bias: bias?.address ?? 0, residual: residual?.address ?? 0,
                                   residualOffset: residualOffset, residualStride: residualStride) }
    }

    // MARK: element-wise

    public func binaryForward(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, _ out: TensorStorage, outer: Int, inner: Int,
                              broadcastB: Bool) {
        run { try kernels.binaryForward(op, a.address, b.address, out.address, outer: outer, inner: inner, broadcastB: broadcastB) }
    }

    public func binaryBackward(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, gradOut: TensorStorage, gradA: TensorStorage?,
                               gradB: TensorStorage?, outer: Int, inner: Int, broadcastB: Bool) {
        run {
            try kernels.binaryBackward(op, a.address, b.address, gradOut: gradOut.address, gradA: gradA?.address ?? 0,
                                       gradB: gradB?.address ?? 0, outer: outer, inner: inner, broadcastB: broadcastB)
        }
    }

    public func reduceLeading(_ g: TensorStorage, into: TensorStorage, outer: Int, inner: Int, negated: Bool) {
        run { try kernels.reduceLeading(g.address, into: into.address, outer: outer, inner: inner, negated: negated) }
    }

    public func scaleForward(_ x: TensorStorage, _ s: Float, _ out: TensorStorage) {
        run { try kernels.scaleForward(x.address, s, out.address, count: x.count) }
    }

    public func scaleBackward(_ s: Float, gradOut: TensorStorage, gradX: TensorStorage) {
        run { try kernels.scaleBackward(s, gradOut: gradOut.address, gradX: gradX.address, count: gradOut.count) }
    }

    public func reduceSumForward(_ x: TensorStorage, _ out: TensorStorage, outer: Int, dim: Int, inner: Int, scale: Float) {
        run { try kernels.reduceSumForward(x.address, out.address, outer: outer, dim: dim, inner: inner, scale: scale) }
    }

    public func reduceSumBackward(gradOut: TensorStorage, gradX: TensorStorage, outer: Int, dim: Int, inner: Int, scale: Float) {
        run { try kernels.reduceSumBackward(gradOut: gradOut.address, gradX: gradX.address, outer: outer, dim: dim, inner: inner, scale: scale) }
    }

    public func unaryForward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage) {
        run { try kernels.unaryForward(op, x.address, out.address, count: x.count) }
    }

    public func unaryBackward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage) {
        run { try kernels.unaryBackward(op, x.address, out.address, gradOut: gradOut.address, gradX: gradX.address, count: x.count) }
    }

    public func gatedForward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, _ out: TensorStorage) {
        run { try kernels.gatedForward(op, gate: gate.address, x.address, out.address, count: x.count) }
    }

    public func gatedBackward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, gradOut: TensorStorage, gradGate: TensorStorage?,
                              gradX: TensorStorage?) {
        run { try kernels.gatedBackward(op, gate: gate.address, x.address, gradOut: gradOut.address, gradGate: gradGate?.address ?? 0,
                                        gradX: gradX?.address ?? 0, count: x.count) }
    }

    // MARK: rows: softmax, losses, norms

    public func softmaxForward(_ x: TensorStorage, _ out: TensorStorage, rows: Int, n: Int, log: Bool) {
        run { try kernels.softmaxForward(x.address, out.address, rows: rows, n: n, log: log) }
    }

    public func softmaxBackward(_ out: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage, rows: Int, n: Int, log: Bool) {
        run { try kernels.softmaxBackward(out.address, gradOut: gradOut.address, gradX: gradX.address, rows: rows, n: n, log: log) }
    }

    public func crossEntropyForward(_ logits: TensorStorage, targets: [Int32], weights: TensorStorage?, probabilities: TensorStorage,
                                    rows: Int, classes: Int) -> Float {
        value(.nan) {
            try kernels.crossEntropyForward(logits.address, targets: targets, weights: weights?.address ?? 0, probabilities: probabilities.address,
                                            rows: rows, classes: classes)
        }
    }

    public func crossEntropyBackward(probabilities: TensorStorage, targets: [Int32], weights: TensorStorage?, gradLoss: Float,
                                     gradLogits: TensorStorage, rows: Int, classes: Int) {
        run {
            try kernels.crossEntropyBackward(probabilities: probabilities.address, targets: targets, weights: weights?.address ?? 0,
                                             gradLoss: gradLoss, gradLogits: gradLogits.address, rows: rows, classes: classes)
        }
    }

    public func regressionLossForward(_ loss: RegressionLoss, _ prediction: TensorStorage, _ target: TensorStorage) -> Float {
        value(.nan) { try kernels.regressionLossForward(loss, prediction.address, target.address, count: prediction.count) }
    }

    public func regressionLossBackward(_ loss: RegressionLoss, _ prediction: TensorStorage, _ target: TensorStorage, gradLoss: Float,
                                       gradPrediction: TensorStorage?, gradTarget: TensorStorage?) {
        run {
            try kernels.regressionLossBackward(loss, prediction.address, target.address, gradLoss: gradLoss,
                                               gradPrediction: gradPrediction?.address ?? 0, gradTarget: gradTarget?.address ?? 0,
                                               count: prediction.count)
        }
    }

    public func layerNormForward(_ x: TensorStorage, gamma: TensorStorage, beta: TensorStorage, _ out: TensorStorage, mean: TensorStorage,
                                 rstd: TensorStorage, rows: Int, n: Int, epsilon: Float) {
        run { try kernels.layerNormForward(x.address, gamma: gamma.address, beta: beta.address, out.address, mean: mean.address,
                                           rstd: rstd.address, rows: rows, n: n, epsilon: epsilon) }
    }

    public func layerNormBackward(_ x: TensorStorage, gamma: TensorStorage, mean: TensorStorage, rstd: TensorStorage, gradOut: TensorStorage,
                                  gradX: TensorStorage?, gradGamma: TensorStorage?, gradBeta: TensorStorage?, rows: Int, n: Int) {
        run {
            try kernels.layerNormBackward(x.address, gamma: gamma.address, mean: mean.address, rstd: rstd.address, gradOut: gradOut.address,
                                          gradX: gradX?.address ?? 0, gradGamma: gradGamma?.address ?? 0, gradBeta: gradBeta?.address ?? 0,
                                          rows: rows, n: n)
        }
    }

    public func rmsNormForward(_ x: TensorStorage, gamma: TensorStorage, _ out: TensorStorage, rstd: TensorStorage, rows: Int, n: Int,
                               epsilon: Float) {
        run { try kernels.rmsNormForward(x.address, gamma: gamma.address, out.address, rstd: rstd.address, rows: rows, n: n, epsilon: epsilon) }
    }

    public func rmsNormBackward(_ x: TensorStorage, gamma: TensorStorage, rstd: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage?,
                                gradGamma: TensorStorage?, rows: Int, n: Int) {
        run {
            try kernels.rmsNormBackward(x.address, gamma: gamma.address, rstd: rstd.address, gradOut: gradOut.address,
                                        gradX: gradX?.address ?? 0, gradGamma: gradGamma?.address ?? 0, rows: rows, n: n)
        }
    }

    public func normalizedGatedForward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, _ out: TensorStorage, rstd: TensorStorage,
                                       rows: Int, n: Int, epsilon: Float) {
        run { try kernels.normalizedGatedForward(op, gate: gate.address, x.address, out.address, rstd: rstd.address, rows: rows, n: n,
                                                 epsilon: epsilon) }
    }

    public func normalizedGatedBackward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, rstd: TensorStorage, gradOut: TensorStorage,
                                        gradGate: TensorStorage?, gradX: TensorStorage?, rows: Int, n: Int) {
        run {
            try kernels.normalizedGatedBackward(op, gate: gate.address, x.address, rstd: rstd.address, gradOut: gradOut.address,
                                                gradGate: gradGate?.address ?? 0, gradX: gradX?.address ?? 0, rows: rows, n: n)
        }
    }

    // MARK: layout

    public func embeddingForward(_ table: TensorStorage, indices: [Int32], _ out: TensorStorage, d: Int) {
        run { try kernels.embeddingForward(table.address, indices: indices, out.address, d: d) }
    }

    public func embeddingBackward(indices: [Int32], gradOut: TensorStorage, gradTable: TensorStorage, d: Int) {
        run { try kernels.embeddingBackward(indices: indices, gradOut: gradOut.address, gradTable: gradTable.address, d: d) }
    }

    public func copyAxisRange(_ src: TensorStorage, srcDim: Int, srcStart: Int, _ dst: TensorStorage, dstDim: Int, dstStart: Int,
                              length: Int, outer: Int, inner: Int, accumulate: Bool) {
        run { try kernels.copyAxisRange(src.address, srcDim: srcDim, srcStart: srcStart, dst.address, dstDim: dstDim, dstStart: dstStart,
                                        length: length, outer: outer, inner: inner, accumulate: accumulate) }
    }

    public func permute(_ x: TensorStorage, shape: [Int], permutation: [Int], _ out: TensorStorage, accumulate: Bool) {
        run { try kernels.permute(x.address, shape: shape, permutation: permutation, out.address, accumulate: accumulate) }
    }

    public func dropoutForward(_ x: TensorStorage, _ out: TensorStorage, mask: TensorStorage, probability: Float, seed: UInt64) {
        run { try kernels.dropoutForward(x.address, out.address, mask: mask.address, count: x.count, probability: probability, seed: seed) }
    }

    public func dropoutBackward(mask: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage) {
        run { try kernels.dropoutBackward(mask: mask.address, gradOut: gradOut.address, gradX: gradX.address, count: mask.count) }
    }

    // MARK: sequence kernels

    public func causalConvForward(_ x: TensorStorage, weight: TensorStorage, bias: TensorStorage?, _ y: TensorStorage, batch: Int, time: Int,
                                  channels: Int, kernel: Int) {
        run { try kernels.causalConvForward(x.address, weight: weight.address, bias: bias?.address ?? 0, y.address, batch: batch, time: time,
                                            channels: channels, kernel: kernel) }
    }

    public func causalConvBackward(_ x: TensorStorage, weight: TensorStorage, gradY: TensorStorage, gradX: TensorStorage?,
                                   gradWeight: TensorStorage?, gradBias: TensorStorage?, batch: Int, time: Int, channels: Int, kernel: Int) {
        run {
            try kernels.causalConvBackward(x.address, weight: weight.address, gradY: gradY.address, gradX: gradX?.address ?? 0,
                                           gradWeight: gradWeight?.address ?? 0, gradBias: gradBias?.address ?? 0, batch: batch, time: time,
                                           channels: channels, kernel: kernel)
        }
    }

    public func attentionForward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, _ o: TensorStorage, layout: AttentionLayout,
                                 logsumexp: TensorStorage, probabilities: TensorStorage?, heads: Int, time: Int, d: Int) {
        run { try kernels.attentionForward(q.address, k.address, v.address, o.address, layout: layout, logsumexp: logsumexp.address,
                                           probabilities: probabilities?.address ?? 0, heads: heads, time: time, d: d) }
    }

    public func attentionBackward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, _ o: TensorStorage, layout: AttentionLayout,
                                  logsumexp: TensorStorage, probabilities: TensorStorage?, gradO: TensorStorage, gradQ: TensorStorage,
                                  gradK: TensorStorage, gradV: TensorStorage, heads: Int, time: Int, d: Int) {
        run { try kernels.attentionBackward(q.address, k.address, v.address, o.address, layout: layout, logsumexp: logsumexp.address,
                                            gradO: gradO.address, gradQ: gradQ.address, gradK: gradK.address, gradV: gradV.address,
                                            heads: heads, time: time, d: d) }
    }

    public func linearAttentionForward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, theta: TensorStorage, _ o: TensorStorage,
                                       states: TensorStorage, heads: Int, groups: Int, time: Int, m: Int, e: Int, featureStride: Int,
                                       keyOffset: Int, logits: TensorStorage?) {
        run {
            try kernels.linearAttentionForward(q.address, k.address, v.address, theta: theta.address, o.address, states: states.address,
                                               heads: heads, groups: groups, time: time, m: m, e: e, featureStride: featureStride,
                                               keyOffset: keyOffset, logits: logits?.address ?? 0)
        }
    }

    public func linearAttentionBackward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, theta: TensorStorage,
                                        states: TensorStorage, gradO: TensorStorage, gradQ: TensorStorage, gradK: TensorStorage,
                                        gradV: TensorStorage, gradTheta: TensorStorage?, heads: Int, groups: Int, time: Int, m: Int, e: Int,
                                        featureStride: Int, keyOffset: Int, throughSoftmax: Bool) {
        run {
            try kernels.linearAttentionBackward(q.address, k.address, v.address, theta: theta.address, states: states.address,
                                                gradO: gradO.address, gradQ: gradQ.address, gradK: gradK.address, gradV: gradV.address,
                                                gradTheta: gradTheta?.address ?? 0, heads: heads, groups: groups, time: time, m: m, e: e,
                                                featureStride: featureStride, keyOffset: keyOffset, throughSoftmax: throughSoftmax)
        }
    }

    public func continuedFractionForward(_ x: TensorStorage, _ z: TensorStorage, rows: Int, ladders: Int, depth: Int, positive: Bool,
                                         epsilon: Float) {
        run { try kernels.continuedFractionForward(x.address, z.address, rows: rows, ladders: ladders, depth: depth, positive: positive,
                                                   epsilon: epsilon) }
    }

    public func continuedFractionBackward(_ x: TensorStorage, gradZ: TensorStorage, gradX: TensorStorage, rows: Int, ladders: Int, depth: Int,
                                          positive: Bool, epsilon: Float) {
        run { try kernels.continuedFractionBackward(x.address, gradZ: gradZ.address, gradX: gradX.address, rows: rows, ladders: ladders,
                                                    depth: depth, positive: positive, epsilon: epsilon) }
    }
}

/// The CUDA backends made in this process, by device: storages on a CUDA device find theirs here.
enum CUDABackends {
    private static let table = Locked<[Device: CUDABackend]>([:])

    static func register(_ backend: CUDABackend) { table.withLock { $0[backend.device] = backend } }

    static func backend(for device: Device) -> CUDABackend? { table.withLock { $0[device] } }

    /// The backend of GPU `ordinal` through the driver, made on first use (once, under a lock, so
    /// two threads asking together share one context and one set of loaded kernels).
    static func driverBackend(for device: Device, ordinal: Int) throws(DeviceUnavailable) -> CUDABackend {
        do {
            return try creation.withLock { _ in
                if let made = backend(for: device) { return made }
                return CUDABackend(device: device, on: try DriverDevice(ordinal: ordinal))
            }
        } catch let error as DeviceUnavailable {
            throw error
        } catch {
            throw DeviceUnavailable(device: device, reason: "\(error)")
        }
    }

    private static let creation = Locked<Void>(())
}
