// Gradient checks for the sequence kernel pairs: the causal depthwise convolution (x, weight,
// bias; K = 1, 3, 4, including K > time) and causal attention in both modes (q, k, v; time 1,
// short, and 70 / 130 so the streamed mode's 64-row blocks end mid-sequence), plus the check
// that the stored and streamed modes agree. Causality itself is tested in CausalityTests.swift.
// Tolerance: tol = 1e-4 forward and backward (the bounds are in GradientCheck.swift; attention
// sums ≤ 130 O(1) terms per entry). Stored vs streamed: 1e-5·(1 + |b|), as the two differ only
// in how their Float32 sums are blocked.
import SeerBase
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SeerTensor

/// Naive causal depthwise conv: y[b,t,c] = bias[c] + Σ_j w[c,j]·x[b, t−(K−1)+j, c], x = 0 before t = 0.
func referenceCausalConv(_ x: [Double], _ w: [Double], _ bias: [Double]?, batch: Int, time: Int, channels: Int,
                         kernel: Int) -> [Double] {
    var y = [Double](repeating: 0, count: x.count)
    for b in 0..<batch {
        for t in 0..<time {
            for c in 0..<channels {
                var total = bias?[c] ?? 0
                for j in 0..<kernel {
                    let s = t - (kernel - 1) + j
                    if s >= 0 { total += w[c * kernel + j] * x[(b * time + s) * channels + c] }
                }
                y[(b * time + t) * channels + c] = total
            }
        }
    }
    return y
}

/// Naive causal attention per head: o_i = Σ_{j ≤ i} softmax_j(q_i·k_j/√d)·v_j; q, k, v: [heads, time, d].
func referenceAttention(_ q: [Double], _ k: [Double], _ v: [Double], heads: Int, time: Int, d: Int) -> [Double] {
    var o = [Double](repeating: 0, count: q.count)
    let scale = 1 / Double(d).squareRoot()
    var weights = [Double](repeating: 0, count: time)
    for h in 0..<heads {
        let base = h * time * d
        for i in 0..<time {
            var maximum = -Double.infinity
            for j in 0...i {
                var dot = 0.0
                for c in 0..<d { dot += q[base + i * d + c] * k[base + j * d + c] }
                weights[j] = dot * scale
                maximum = max(maximum, weights[j])
            }
            var total = 0.0
            for j in 0...i {
                weights[j] = exp(weights[j] - maximum)
                total += weights[j]
            }
            for j in 0...i {
                for c in 0..<d { o[base + i * d + c] += weights[j] / total * v[base + j * d + c] }
            }
        }
    }
    return o
}

struct SequenceGradientTests {
    @Test(arguments: [(6, 1), (6, 3), (6, 4), (3, 4), (1, 3)])
    func causalConv(time: Int, kernel: Int) {
        var rng = SplitMix64(seed: 101)
        let (batch, channels) = (2, 3)
        let x = Operand.random([batch, time, channels], &rng)
        let w = Operand.random([channels, kernel], &rng), bias = Operand.random([channels], &rng)
        checkOp("causalConv T=\(time) K=\(kernel)", [x, w, bias], seed: 101,
                seer: { $0[0].causalDepthwiseConv(weight: $0[1], bias: $0[2]) },
                reference: { referenceCausalConv($0[0], $0[1], $0[2], batch: batch, time: time, channels: channels, kernel: kernel) })
    }

    @Test func causalConvWithoutBias() {
        var rng = SplitMix64(seed: 102)
        let x = Operand.random([2, 5, 4], &rng), w = Operand.random([4, 3], &rng)
        checkOp("causalConv no bias", [x, w], seed: 102, seer: { $0[0].causalDepthwiseConv(weight: $0[1], bias: nil) },
                reference: { referenceCausalConv($0[0], $0[1], nil, batch: 2, time: 5, channels: 4, kernel: 3) })
    }

    @Test func causalConvConstantWeights() {
        // Only x tracked (a frozen filter): x still gets its gradient.
        var rng = SplitMix64(seed: 103)
        let x = Operand.random([1, 7, 2], &rng)
        let w = Operand.random([2, 4], &rng, differentiable: false), bias = Operand.random([2], &rng, differentiable: false)
        checkOp("causalConv constant weights", [x, w, bias], seed: 103,
                seer: { $0[0].causalDepthwiseConv(weight: $0[1], bias: $0[2]) },
                reference: { referenceCausalConv($0[0], $0[1], $0[2], batch: 1, time: 7, channels: 2, kernel: 4) })
    }

    /// Flat indices of every head and channel at the given time steps of a [heads, time, d] tensor.
    static func probe(times: [Int], heads: Int, time: Int, d: Int) -> [Int] {
        let steps = Set(times.filter { $0 >= 0 && $0 < time }).sorted()
        return (0..<heads).flatMap { h in steps.flatMap { t in (0..<d).map { (h * time + t) * d + $0 } } }
    }

    /// Gradient-checks attention for `leading + [time, d]` in `mode` and returns what it saw.
    /// For long sequences the finite differences probe the time steps around each 64-row block
    /// edge plus a few others (all heads and channels there): probing every step of every case
    /// takes ~7 s in a debug build, and stored vs streamed below compares every element anyway.
    @discardableResult
    func checkAttention(leading: [Int], time: Int, d: Int, mode: AttentionMode, seed: UInt64,
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) -> OpCheck {
        var rng = SplitMix64(seed: seed)
        let shape = Shape(leading + [time, d]), heads = leading.reduce(1, *)
        let times = time <= 16 ? nil : [0, 1, time / 3, 62, 63, 64, 65, 127, 128, time - 2, time - 1]
        let probe = times.map { Self.probe(times: $0, heads: heads, time: time, d: d) }
        // Values in ±1.5 give scores of a few units, so some attention rows are peaked.
        let operands = (0..<3).map { _ in Operand(rng.values(shape.count, in: -1.5...1.5), shape, probe: probe) }
        return checkOp("attention \(mode) \(shape)", operands, seed: seed,
                       seer: { Tensor.causalAttention(query: $0[0], key: $0[1], value: $0[2], mode: mode) },
                       reference: { referenceAttention($0[0], $0[1], $0[2], heads: heads, time: time, d: d) },
                       sourceLocation: sourceLocation)
    }

    /// Leading axes and d per sequence length: small heads and d keep the Double reference cheap.
    static let attentionCases: [(time: Int, leading: [Int], d: Int)] = [
        (1, [2, 2], 3), (5, [1, 2], 3), (17, [2], 4), (64, [1], 2), (70, [2], 3), (130, [2], 2),
    ]

    @Test(arguments: AttentionMode.allCases, attentionCases.map(\.time))
    func causalAttention(mode: AttentionMode, time: Int) {
        let c = Self.attentionCases.first { $0.time == time }!
        checkAttention(leading: c.leading, time: time, d: c.d, mode: mode, seed: 110 + UInt64(time))
    }

    @Test(arguments: AttentionMode.allCases)
    func attentionWithOnlyQueryTracked(mode: AttentionMode) {
        // Keys and values as constants: the op hands the kernel scratch buffers for their
        // gradients, and the query's gradient must not change.
        var rng = SplitMix64(seed: 190)
        let shape: Shape = [2, 9, 3]
        let q = Operand(rng.values(54, in: -1.5...1.5), shape)
        let k = Operand(rng.values(54, in: -1.5...1.5), shape, differentiable: false)
        let v = Operand(rng.values(54, in: -1.5...1.5), shape, differentiable: false)
        checkOp("attention \(mode) constant k, v", [q, k, v], seed: 190,
                seer: { Tensor.causalAttention(query: $0[0], key: $0[1], value: $0[2], mode: mode) },
                reference: { referenceAttention($0[0], $0[1], $0[2], heads: 2, time: 9, d: 3) })
    }

    /// Without finite differences the mode comparison is cheap, so it adds an exact two-block
    /// length (128) and a four-block one (200) to the gradient-checked lengths.
    @Test(arguments: attentionCases.map(\.time) + [128, 200])
    func storedAndStreamedAgree(time: Int) {
        let c = Self.attentionCases.first { $0.time == time } ?? (time, [2, 2], 4)
        var rng = SplitMix64(seed: 200 + UInt64(time))
        let shape = Shape(c.leading + [time, c.d])
        let values = (0..<3).map { _ in Tensor(rng.values(shape.count, in: -1.5...1.5).map { Float($0) }, shape: shape) }
        let weights = rng.values(shape.count).map { Float($0) }
        var results: [[[Float]]] = []
        for mode in [AttentionMode.stored, .streamed] {
            let tape = Tape()
            let inputs = values.map { tape.watch($0) }
            let o = Tensor.causalAttention(query: inputs[0], key: inputs[1], value: inputs[2], mode: mode)
            tape.backward(weightedSum([o], weights: weights, on: tape))
            results.append([o.array] + inputs.map { tape.gradient(of: $0) ?? [] })
        }
        for (slot, name) in ["output", "dQ", "dK", "dV"].enumerated() {
            let stored = results[0][slot].map { Double($0) }, streamed = results[1][slot]
            #expect(streamed.count == shape.count && stored.count == shape.count, "\(name): missing values")
            guard streamed.count == stored.count else { continue }
            let worst = worstViolation(streamed, stored, tolerance: 1e-5)
            #expect(worst.ratio <= 1, "T=\(time) \(name)[\(worst.index)]: streamed and stored modes differ")
        }
    }

    /// q, k, v packed [batch, time, 3·width] → per head [batch·heads, time, d] (reference layout).
    static func unpack(_ qkv: [Double], batch: Int, time: Int, heads: Int, d: Int, part: Int) -> [Double] {
        let width = heads * d
        var out = [Double](repeating: 0, count: batch * heads * time * d)
        for b in 0..<batch { for h in 0..<heads { for t in 0..<time { for j in 0..<d {
            out[((b * heads + h) * time + t) * d + j] = qkv[(b * time + t) * 3 * width + part * width + h * d + j]
        } } } }
        return out
    }

    @Test(arguments: AttentionMode.allCases, [(5, 1), (70, 2)])
    func selfAttentionReadsThePackedProjectionInPlace(mode: AttentionMode, shape: (time: Int, batch: Int)) {
        // [batch, time, 3·width] in, [batch, time, width] out, heads side by side: against the
        // Double reference per head, finite differences on every row of a few time steps.
        let (time, batch, heads, d) = (shape.time, shape.batch, 2, 3)
        let width = heads * d
        var rng = SplitMix64(seed: 230 + UInt64(time))
        let times = time <= 16 ? Array(0..<time) : [0, 1, 23, 62, 63, 64, 65, time - 1]
        let probe = (0..<batch).flatMap { b in times.flatMap { t in (0..<(3 * width)).map { (b * time + t) * 3 * width + $0 } } }
        let qkv = Operand(rng.values(batch * time * 3 * width, in: -1.5...1.5), [batch, time, 3 * width], probe: probe)
        checkOp("self-attention \(mode) packed [\(batch), \(time), \(3 * width)]", [qkv], seed: 230 + UInt64(time),
                seer: { Tensor.causalSelfAttention(qkv: $0[0], heads: heads, mode: mode) },
                reference: { v in
                    let parts = (0..<3).map { Self.unpack(v[0], batch: batch, time: time, heads: heads, d: d, part: $0) }
                    let o = referenceAttention(parts[0], parts[1], parts[2], heads: batch * heads, time: time, d: d)
                    var packed = [Double](repeating: 0, count: batch * time * width)
                    for b in 0..<batch { for h in 0..<heads { for t in 0..<time { for j in 0..<d {
                        packed[(b * time + t) * width + h * d + j] = o[((b * heads + h) * time + t) * d + j]
                    } } } }
                    return packed
                })
    }

    @Test(arguments: AttentionMode.allCases, [130, 200])
    func selfAttentionEqualsSplitPermuteAttendPermute(mode: AttentionMode, time: Int) throws {
        // The packed op against the composition it replaces in GPT, outputs and the gradient of
        // the projection, at lengths of several blocks and with heads shared across threads.
        let (batch, heads, d) = (2, 4, 8)
        let width = heads * d
        var rng = SplitMix64(seed: 260 + UInt64(time))
        let values = Tensor(rng.values(batch * time * 3 * width, in: -1.5...1.5).map { Float($0) }, shape: [batch, time, 3 * width])
        let weights = rng.values(batch * time * width).map { Float($0) }
        func run(packed: Bool) throws -> [[Float]] {
            let tape = Tape()
            let qkv = tape.watch(values)
            let o: Tensor
            if packed {
                o = Tensor.causalSelfAttention(qkv: qkv, heads: heads, mode: mode)
            } else {
                let parts = qkv.split(axis: 2, sizes: [width, width, width])
                func split(_ y: Tensor) -> Tensor { y.reshaped([batch, time, heads, d]).permuted([0, 2, 1, 3]) }
                o = Tensor.causalAttention(query: split(parts[0]), key: split(parts[1]), value: split(parts[2]), mode: mode)
                    .permuted([0, 2, 1, 3]).reshaped([batch, time, width])
            }
            tape.backward(weightedSum([o], weights: weights, on: tape))
            return [o.array, try #require(tape.gradient(of: qkv))]
        }
        let (packed, composed) = (try run(packed: true), try run(packed: false))
        for (name, (a, b)) in zip(["output", "d qkv"], zip(packed, composed)) {
            let worst = worstViolation(a, b.map { Double($0) }, tolerance: 1e-5)
            #expect(worst.ratio <= 1, "T=\(time) \(name)[\(worst.index)]: packed and composed differ")
        }
    }
}
