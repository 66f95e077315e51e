// The kernel list. A backend implements every forward/backward pair below for its device;
// the differentiable ops (Ops/) call them and record the backward on the tape. Backward
// kernels ADD into the gradient buffers they are given (nil: that gradient is not wanted).
// Shapes are given as flat dimensions; comments name them.

/// Element-wise binary operations with broadcasting over leading axes.
public enum BinaryOp: Sendable { case add, sub, mul, div }

/// Element-wise activations.
public enum UnaryOp: Sendable { case gelu, silu, tanh, sigmoid, relu }

/// Regression losses (mean over all elements).
public enum RegressionLoss: Sendable, Equatable { case mse, mae, huber(delta: Float) }

/// Implements every kernel pair for one device.
public protocol Backend: Sendable {
    var device: Device { get }

    /// Throws when earlier work on this device failed (kernels cannot throw, so a device backend
    /// keeps its first failure and skips what follows); training calls it after every step.
    func checkHealth() throws

    // MARK: memory — every storage an op, a gradient or an optimiser keeps comes from here, so
    // a device backend owns its memory; host arrays cross only through upload/download.
    /// Uninitialised storage for `count` floats.
    func allocate(_ count: Int) -> TensorStorage
    /// Zero-filled storage for `count` floats.
    func zeros(_ count: Int) -> TensorStorage
    /// destination[i] = source[i] (equal counts; either may be a view).
    func copy(_ source: TensorStorage, into destination: TensorStorage)
    /// destination[i] = value.
    func fill(_ destination: TensorStorage, with value: Float)
    /// destination[i] = values[i], from host memory.
    func upload(_ values: [Float], into destination: TensorStorage)
    /// The contents, in host memory.
    func download(_ source: TensorStorage) -> [Float]

    // MARK: training state — gradient accumulation, norms and clipping, optimiser steps and
    // weight averages over flat buffers (a parameter group's values, gradients and moments)
    /// into[i] += g[i] (or −= when `negated`).
    func accumulate(_ g: TensorStorage, into: TensorStorage, negated: Bool)
    /// Σ x[i]², accumulated in Double.
    func sumOfSquares(_ x: TensorStorage) -> Double
    /// x[i] *= factor, in place.
    func scaleInPlace(_ x: TensorStorage, by factor: Float)
    /// True when every x[i] is finite.
    func allFinite(_ x: TensorStorage) -> Bool
    /// One Adam step: m ← β1·m + (1−β1)·g', v ← β2·v + (1−β2)·g'², w ← w − lr/(1−β1^t) · m / (√v/√(1−β2^t) + ε),
    /// with g' = g + λ·mask·w (Adam) or w first decayed by lr·λ·mask·w (AdamW, `decoupled`).
    func adamStep(_ state: AdamState, learningRate: Float, step t: Int)
    /// One SGD step: v ← μ·v + g + λ·mask·w, w ← w − lr·v.
    func sgdStep(values: TensorStorage, gradients: TensorStorage, decayMask: TensorStorage, velocity: TensorStorage,
                 learningRate: Float, momentum: Float, weightDecay: Float)
    /// average[i] ← decay·average[i] + (1 − decay)·values[i] (Polyak / EMA weights).
    func movingAverage(_ average: TensorStorage, toward values: TensorStorage, decay: Float)

    // MARK: matmul — C[b] = op(A[b]) · op(B[b])
    // A: [batch, m, k] ([batch, k, m] when transA); B: [batchB, k, n] ([batchB, n, k] when
    // transB) with batchB = batch, or 1 when B is shared; C: [batch, m, n].
    func matmulForward(_ a: TensorStorage, _ b: TensorStorage, _ c: TensorStorage,
                       batch: Int, m: Int, n: Int, k: Int, transA: Bool, transB: Bool, sharedB: Bool)
    func matmulBackward(_ a: TensorStorage, _ b: TensorStorage, gradC: TensorStorage,
                        gradA: TensorStorage?, gradB: TensorStorage?,
                        batch: Int, m: Int, n: Int, k: Int, transA: Bool, transB: Bool, sharedB: Bool)

    /// C = op(A)·op(B) + β·C on row-major blocks inside the storages, each starting at its offset
    /// with its own row stride (ld): column blocks of wider tensors are used in place.
    func stridedMatmul(transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                       _ a: TensorStorage, aOffset: Int, lda: Int, _ b: TensorStorage, bOffset: Int, ldb: Int,
                       beta: Float, _ c: TensorStorage, cOffset: Int, ldc: Int)
    /// out[r, j] = bias[j] + residual[r·residualStride + residualOffset + j], either term absent = 0
    /// (out: [rows, n]) — the starting value of a product accumulated with β = 1.
    func fillRows(_ out: TensorStorage, rows: Int, n: Int, bias: TensorStorage?, residual: TensorStorage?,
                  residualOffset: Int, residualStride: Int)

    // MARK: binary — out[o, i] = a[o, i] ∘ b[o, i] (b: [outer, inner]) or a[o, i] ∘ b[i] (b broadcast: [inner])
    func binaryForward(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, _ out: TensorStorage,
                       outer: Int, inner: Int, broadcastB: Bool)
    func binaryBackward(_ op: BinaryOp, _ a: TensorStorage, _ b: TensorStorage, gradOut: TensorStorage,
                        gradA: TensorStorage?, gradB: TensorStorage?, outer: Int, inner: Int, broadcastB: Bool)
    /// into[i] ±= Σ_o g[o, i]  (g: [outer, inner], into: [inner]) — the gradient of a broadcast operand.
    func reduceLeading(_ g: TensorStorage, into: TensorStorage, outer: Int, inner: Int, negated: Bool)

    // MARK: scale — out = x · s   (x, out: [count])
    func scaleForward(_ x: TensorStorage, _ s: Float, _ out: TensorStorage)
    func scaleBackward(_ s: Float, gradOut: TensorStorage, gradX: TensorStorage)

    // MARK: reduce — out[o, i] = scale · Σ_d x[o, d, i]   (x: [outer, dim, inner], out: [outer, inner])
    func reduceSumForward(_ x: TensorStorage, _ out: TensorStorage, outer: Int, dim: Int, inner: Int, scale: Float)
    func reduceSumBackward(gradOut: TensorStorage, gradX: TensorStorage, outer: Int, dim: Int, inner: Int, scale: Float)

    // MARK: activations — out = f(x)   (x, out: [count])
    func unaryForward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage)
    func unaryBackward(_ op: UnaryOp, _ x: TensorStorage, _ out: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage)

    // MARK: gates — out = f(gate) ⊙ x, f = sigmoid or SiLU   (gate, x, out: [count]); the backward
    // recomputes f(gate) and adds g ⊙ x ⊙ f'(gate) into gradGate and g ⊙ f(gate) into gradX
    func gatedForward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, _ out: TensorStorage)
    func gatedBackward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, gradOut: TensorStorage, gradGate: TensorStorage?,
                       gradX: TensorStorage?)

    // MARK: softmax over the last axis, max-subtracted   (x, out: [rows, n])
    func softmaxForward(_ x: TensorStorage, _ out: TensorStorage, rows: Int, n: Int, log: Bool)
    func softmaxBackward(_ out: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage, rows: Int, n: Int, log: Bool)

    // MARK: cross-entropy — loss = Σ_r w[y_r]·(−log softmax(logits_r)[y_r]) / Σ_r w[y_r]
    // logits: [rows, classes]; targets: class index per row; weights: [classes] or nil (all 1).
    // Saves the softmax probabilities into `probabilities` ([rows, classes]) for the backward.
    func crossEntropyForward(_ logits: TensorStorage, targets: [Int32], weights: TensorStorage?,
                             probabilities: TensorStorage, rows: Int, classes: Int) -> Float
    func crossEntropyBackward(probabilities: TensorStorage, targets: [Int32], weights: TensorStorage?,
                              gradLoss: Float, gradLogits: TensorStorage, rows: Int, classes: Int)

    // MARK: regression losses — loss = mean_i ℓ(p_i − t_i)   (prediction, target: [count])
    func regressionLossForward(_ loss: RegressionLoss, _ prediction: TensorStorage, _ target: TensorStorage) -> Float
    func regressionLossBackward(_ loss: RegressionLoss, _ prediction: TensorStorage, _ target: TensorStorage, gradLoss: Float,
                                gradPrediction: TensorStorage?, gradTarget: TensorStorage?)

    // MARK: layer norm — out = (x − μ)/σ · γ + β per row   (x, out: [rows, n]; γ, β: [n]; mean, rstd: [rows])
    func layerNormForward(_ x: TensorStorage, gamma: TensorStorage, beta: TensorStorage, _ out: TensorStorage,
                          mean: TensorStorage, rstd: TensorStorage, rows: Int, n: Int, epsilon: Float)
    func layerNormBackward(_ x: TensorStorage, gamma: TensorStorage, mean: TensorStorage, rstd: TensorStorage,
                           gradOut: TensorStorage, gradX: TensorStorage?, gradGamma: TensorStorage?, gradBeta: TensorStorage?,
                           rows: Int, n: Int)

    // MARK: RMS norm — out = x / rms(x) · γ per row   (x, out: [rows, n]; γ: [n]; rstd: [rows])
    func rmsNormForward(_ x: TensorStorage, gamma: TensorStorage, _ out: TensorStorage, rstd: TensorStorage,
                        rows: Int, n: Int, epsilon: Float)
    func rmsNormBackward(_ x: TensorStorage, gamma: TensorStorage, rstd: TensorStorage, gradOut: TensorStorage,
                         gradX: TensorStorage?, gradGamma: TensorStorage?, rows: Int, n: Int)

    // MARK: normalised gate — out = f(gate) ⊙ x / rms(x) per row of n, f = sigmoid or SiLU
    // (x, gate, out: [rows, n]; rstd: [rows]); the backward recomputes f(gate) and x / rms(x)
    func normalizedGatedForward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, _ out: TensorStorage, rstd: TensorStorage,
                                rows: Int, n: Int, epsilon: Float)
    func normalizedGatedBackward(_ op: UnaryOp, gate: TensorStorage, _ x: TensorStorage, rstd: TensorStorage, gradOut: TensorStorage,
                                 gradGate: TensorStorage?, gradX: TensorStorage?, rows: Int, n: Int)

    // MARK: embedding — out[r] = table[index[r]]   (table: [vocab, d]; out: [rows, d])
    func embeddingForward(_ table: TensorStorage, indices: [Int32], _ out: TensorStorage, d: Int)
    func embeddingBackward(indices: [Int32], gradOut: TensorStorage, gradTable: TensorStorage, d: Int)

    // MARK: axis copy — dst[o, dstStart + j, i] (+)= src[o, srcStart + j, i] for j < length
    // (src: [outer, srcDim, inner], dst: [outer, dstDim, inner]); concat, split and slice are made of it.
    func copyAxisRange(_ src: TensorStorage, srcDim: Int, srcStart: Int, _ dst: TensorStorage, dstDim: Int, dstStart: Int,
                       length: Int, outer: Int, inner: Int, accumulate: Bool)

    // MARK: permute — out = x with axes reordered by `permutation`   (x: `shape`)
    func permute(_ x: TensorStorage, shape: [Int], permutation: [Int], _ out: TensorStorage, accumulate: Bool)

    // MARK: dropout — out = x · mask, mask ∈ {0, 1/(1−p)} from (seed, index)   (x, out, mask: [count])
    func dropoutForward(_ x: TensorStorage, _ out: TensorStorage, mask: TensorStorage, probability: Float, seed: UInt64)
    func dropoutBackward(mask: TensorStorage, gradOut: TensorStorage, gradX: TensorStorage)

    // MARK: causal depthwise conv1d — y[b,t,c] = bias[c] + Σ_j w[c,j]·x[b, t−(K−1)+j, c]  (zero left padding)
    // x, y: [batch, time, channels]; w: [channels, K]; bias: [channels]
    func causalConvForward(_ x: TensorStorage, weight: TensorStorage, bias: TensorStorage?, _ y: TensorStorage,
                           batch: Int, time: Int, channels: Int, kernel: Int)
    func causalConvBackward(_ x: TensorStorage, weight: TensorStorage, gradY: TensorStorage, gradX: TensorStorage?,
                            gradWeight: TensorStorage?, gradBias: TensorStorage?, batch: Int, time: Int, channels: Int, kernel: Int)

    // MARK: causal attention — O = softmax(Q Kᵀ / √d + causal mask) V per (batch·head)
    // q, k, v, o: [heads, time, d] (heads = batch × heads); logsumexp: [heads, time].
    // `probabilities` ([heads, time, time]) is filled when given (stored mode) and then used by the
    // backward; when nil the backward recomputes blocks from `logsumexp` (streamed mode).
    // (layout: where each head's rows live — `.dense(d)` is [heads, time, d] for each operand)
    func attentionForward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, _ o: TensorStorage, layout: AttentionLayout,
                          logsumexp: TensorStorage, probabilities: TensorStorage?, heads: Int, time: Int, d: Int)
    func attentionBackward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, _ o: TensorStorage, layout: AttentionLayout,
                           logsumexp: TensorStorage, probabilities: TensorStorage?, gradO: TensorStorage,
                           gradQ: TensorStorage, gradK: TensorStorage, gradV: TensorStorage, heads: Int, time: Int, d: Int)

    // MARK: decayed causal linear attention — S_t = λ S_{t−1} + φk_t v_tᵀ, o_t = S_tᵀ φq_t, λ = σ(θ)
    // Token-major: heads = batch·groups, head h = (sequence h / groups, group g = h % groups) decays
    // with θ[g]. φq of (sequence n, step t, group g) starts at q[(n·time + t)·featureStride + g·m],
    // φk at k[… + keyOffset] (q and k may be one tensor [batch, time, 2·groups, m]: stride 2·groups·m,
    // keyOffset groups·m; or two [batch, time, groups, m]: stride groups·m, offset 0); gradQ and gradK
    // use the same layout. v, o: [batch, time, groups, e]; theta: [groups]; states: [heads, ⌈time/64⌉,
    // m, e], the state entering each chunk of 64, written by the forward and read by the backward
    // (which recomputes everything else chunk by chunk).
    // With `logits` (same layout as the joint q/k), the forward first writes φ = softmax(logits)
    // per row of m into q/k, and with `throughSoftmax` the
    // backward's gradQ/gradK are the logits' gradients: ∂L/∂φ stays in a per-head scratch and
    // goes through the softmax backward there (the features are not a separate op either way).
    func linearAttentionForward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, theta: TensorStorage,
                                _ o: TensorStorage, states: TensorStorage, heads: Int, groups: Int, time: Int, m: Int, e: Int,
                                featureStride: Int, keyOffset: Int, logits: TensorStorage?)
    func linearAttentionBackward(_ q: TensorStorage, _ k: TensorStorage, _ v: TensorStorage, theta: TensorStorage,
                                 states: TensorStorage, gradO: TensorStorage, gradQ: TensorStorage, gradK: TensorStorage,
                                 gradV: TensorStorage, gradTheta: TensorStorage?, heads: Int, groups: Int, time: Int, m: Int, e: Int,
                                 featureStride: Int, keyOffset: Int, throughSoftmax: Bool)

    // MARK: continued-fraction ladders — z[r, j] = 1/(a_1 + 1/(a_2 + … + 1/a_K)) of x[r, j·K ..< (j+1)·K]
    // a_k = ε + softplus(x_k) (positive) or x_k with the last continuant clipped to ±ε (signed);
    // x: [rows, ladders·depth]; z: [rows, ladders]
    func continuedFractionForward(_ x: TensorStorage, _ z: TensorStorage, rows: Int, ladders: Int, depth: Int,
                                  positive: Bool, epsilon: Float)
    func continuedFractionBackward(_ x: TensorStorage, gradZ: TensorStorage, gradX: TensorStorage, rows: Int, ladders: Int,
                                   depth: Int, positive: Bool, epsilon: Float)
}

extension Backend {
    /// Nothing on a device where kernels cannot fail (the CPU).
    public func checkHealth() throws {}
}

/// Rows per chunk of the decayed linear attention kernels (the states they keep are per chunk).
public let linearAttentionChunkLength = 64

/// The buffers and hyper-parameters of one Adam or AdamW optimiser.
public struct AdamState: Sendable {
    public let values: TensorStorage, gradients: TensorStorage, decayMask: TensorStorage
    public let firstMoment: TensorStorage, secondMoment: TensorStorage
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    /// AdamW's decoupled decay instead of L2 in the gradient.
    public let decoupled: Bool

    public init(values: TensorStorage, gradients: TensorStorage, decayMask: TensorStorage, firstMoment: TensorStorage,
                secondMoment: TensorStorage, beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float, decoupled: Bool) {
        self.values = values
        self.gradients = gradients
        self.decayMask = decayMask
        self.firstMoment = firstMoment
        self.secondMoment = secondMoment
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupled = decoupled
    }
}

/// The backend for a device: the CPU one, or `DeviceUnavailable` for a device this build or
/// machine cannot use (the CLI exits 69) — never a crash.
public func backend(for device: Device) throws(DeviceUnavailable) -> any Backend {
    switch device {
    case .cpu: return cpuBackend
    case .cuda(let ordinal):
        if let made = CUDABackends.backend(for: device) { return made }
        try CUDAProbe.check(device)
        return try CUDABackends.driverBackend(for: device, ordinal: ordinal)
    }
}

let cpuBackend = CPUBackend()

/// The CPU's backend, which every machine has.
public var hostBackend: any Backend { cpuBackend }

/// The backend of a storage that exists: storages are only made by a backend, so its device
/// has one (a tensor on an unavailable device cannot exist).
func loadedBackend(_ device: Device) -> any Backend {
    guard let backend = try? backend(for: device) else { preconditionFailure("a storage on \(device), which has no backend") }
    return backend
}

extension TensorStorage {
    /// The backend that made this storage (and runs kernels on it).
    public var backend: any Backend { loadedBackend(device) }
}

/// Where the rows of attention's heads live. Head h is head `h % groups` of sequence `h / groups`;
/// its query row t starts at (sequence·time + t)·rowStride + (h % groups)·d, its key and value
/// rows `keyOffset` and `valueOffset` further (gradients likewise), and its output row at
/// (sequence·time + t)·outStride + (h % groups)·d. `.dense(d)`: every operand [heads, time, d];
/// `.packed(heads:width:)`: q, k, v read in place from one [batch, time, 3·width] projection and
/// the output written [batch, time, width] with the heads side by side.
public struct AttentionLayout: Sendable, Equatable {
    public var groups: Int, rowStride: Int, keyOffset: Int, valueOffset: Int, outStride: Int

    public static func dense(_ d: Int) -> AttentionLayout {
        AttentionLayout(groups: 1, rowStride: d, keyOffset: 0, valueOffset: 0, outStride: d)
    }

    public static func packed(heads: Int, width: Int) -> AttentionLayout {
        AttentionLayout(groups: heads, rowStride: 3 * width, keyOffset: width, valueOffset: 2 * width, outStride: width)
    }

    /// Offsets of head h's first query row and first output row.
    @inline(__always)
    func bases(head h: Int, time: Int, d: Int) -> (input: Int, output: Int) {
        let sequence = h / groups, group = h % groups
        return (sequence * time * rowStride + group * d, sequence * time * outStride + group * d)
    }
}
