// The fused chunked kernel pair of decayed linear attention (MODELS.md §3) against a naive
// quadratic Double reference, o_t = Σ_{s ≤ t} λ^{t−s} (φq_t·φk_s) v_s with λ = σ(θ):
//   * forward at every T = 1…300 (chunks of 64, so every ragged last-chunk length 1…64 occurs);
//   * gradients of q, k, v and θ by central finite differences at T = 70 and 200 (two and four
//     chunks, ragged last), with one slowly and one quickly decaying head;
//   * T = 16384 with λ ≈ 1 (θ = 20, σ rounds to 1 in Float32) and λ ≈ 0 (θ = −30): finite
//     outputs and gradients (the decay matrix is never built from λ^{−n} or exp(±∞));
//   * causality: outputs ≤ t bit-identical when inputs after t change.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing
@testable import SeerTensor

/// Naive decayed linear attention; q, k: [batch, time, heads, m], v: [batch, time, heads, e], θ: [heads].
func referenceLinearAttention(_ q: [Double], _ k: [Double], _ v: [Double], _ theta: [Double], batch: Int, heads: Int,
                              time: Int, m: Int, e: Int) -> [Double] {
    var o = [Double](repeating: 0, count: batch * heads * time * e)
    for b in 0..<batch {
        for h in 0..<heads {
            let decay = 1 / (1 + exp(-theta[h]))
            func row(_ t: Int) -> Int { (b * time + t) * heads + h }
            for t in 0..<time {
                var weight = 1.0  // λ^{t−s}, s from t down to 0
                for s in stride(from: t, through: 0, by: -1) {
                    var dot = 0.0
                    for c in 0..<m { dot += q[row(t) * m + c] * k[row(s) * m + c] }
                    for c in 0..<e { o[row(t) * e + c] += weight * dot * v[row(s) * e + c] }
                    weight *= decay
                }
            }
        }
    }
    return o
}

@Suite("Decayed linear attention kernel pair")
struct LinearAttentionTests {
    @Test("chunked forward equals the quadratic reference at every T = 1…300")
    func forwardMatchesReference() {
        let (batch, heads, m, e) = (1, 2, 3, 2)
        let theta: [Double] = [-0.5, 3.0]
        var rng = SplitMix64(seed: 11)
        let maxTime = 300
        let q = rng.values(batch * heads * maxTime * m, in: 0...1), k = rng.values(batch * heads * maxTime * m, in: 0...1)
        let v = rng.values(batch * heads * maxTime * e)
        var worst = (ratio: 0.0, time: 0)
        for time in 1...maxTime {
            // The first `time` steps (token-major, batch 1: a prefix).
            func rows(_ x: [Double], _ w: Int) -> [Double] { Array(x[0..<(time * heads * w)]) }
            let (qt, kt, vt) = (rows(q, m), rows(k, m), rows(v, e))
            let out = Tensor.decayedLinearAttention(query: Tensor(qt.map { Float($0) }, shape: [batch, time, heads, m]),
                                                    key: Tensor(kt.map { Float($0) }, shape: [batch, time, heads, m]),
                                                    value: Tensor(vt.map { Float($0) }, shape: [batch, time, heads, e]),
                                                    decayLogit: Tensor(theta.map { Float($0) }))
            let expected = referenceLinearAttention(qt, kt, vt, theta, batch: batch, heads: heads, time: time, m: m, e: e)
            let violation = worstViolation(out.array, expected, tolerance: 1e-4)
            if violation.ratio > worst.ratio { worst = (violation.ratio, time) }
        }
        #expect(worst.ratio <= 1, "worst forward error at T = \(worst.time): \(worst.ratio)× the 1e-4·(1 + |b|) bound")
    }

    @Test("gradients of q, k, v and θ match finite differences", arguments: [70, 200])
    func gradients(time: Int) {
        let (batch, heads, m, e) = (2, 2, 3, 2)
        var rng = SplitMix64(seed: UInt64(time))
        func probe(_ count: Int) -> [Int] { (0..<24).map { _ in rng.index(below: count) } }
        let nq = batch * heads * time * m, nv = batch * heads * time * e
        var q = Operand(rng.values(nq, in: 0...1), [batch, time, heads, m]), k = Operand(rng.values(nq, in: 0...1), [batch, time, heads, m])
        var v = Operand(rng.values(nv), [batch, time, heads, e])
        q.probe = probe(nq)
        k.probe = probe(nq)
        v.probe = probe(nv)
        let theta = Operand([Double(Float(0.3)), Double(Float(5))], [heads])
        checkOp("linear attention T=\(time)", [q, k, v, theta], seed: UInt64(time), gradientTolerance: 2e-4,
                seer: { Tensor.decayedLinearAttention(query: $0[0], key: $0[1], value: $0[2], decayLogit: $0[3]) },
                reference: { referenceLinearAttention($0[0], $0[1], $0[2], $0[3], batch: batch, heads: heads, time: time, m: m, e: e) })
    }

    @Test("joint features [batch, time, 2·heads, m] read in place match the reference, forward and gradients")
    func jointFeatures() {
        let (batch, heads, time, m, e) = (2, 3, 70, 4, 3)
        var rng = SplitMix64(seed: 41)
        let features = Operand(rng.values(batch * time * 2 * heads * m, in: 0...1), [batch, time, 2 * heads, m])
        var v = Operand(rng.values(batch * time * heads * e), [batch, time, heads, e])
        v.probe = (0..<20).map { _ in rng.index(below: batch * time * heads * e) }
        let theta = Operand([0.2, 1.5, 4].map { Double(Float($0)) }, [heads])
        // Reference through the separate layout: split the joint rows into φq and φk.
        func split(_ f: [Double]) -> (q: [Double], k: [Double]) {
            var q: [Double] = [], k: [Double] = []
            for row in 0..<(batch * time) {
                let base = row * 2 * heads * m
                q += f[base..<(base + heads * m)]
                k += f[(base + heads * m)..<(base + 2 * heads * m)]
            }
            return (q, k)
        }
        var probed = features
        probed.probe = (0..<30).map { _ in rng.index(below: features.values.count) }
        checkOp("joint linear attention", [probed, v, theta], seed: 3, gradientTolerance: 2e-4,
                seer: { Tensor.decayedLinearAttention(features: $0[0], value: $0[1], decayLogit: $0[2]) },
                reference: {
                    let (q, k) = split($0[0])
                    return referenceLinearAttention(q, k, $0[1], $0[2], batch: batch, heads: heads, time: time, m: m, e: e)
                })
    }

    @Test("feature logits: the softmax inside the kernel pair matches the reference, forward and gradients")
    func featureLogits() {
        let (batch, heads, time, m, e) = (2, 3, 70, 4, 3)
        var rng = SplitMix64(seed: 43)
        var logits = Operand(rng.values(batch * time * 2 * heads * m, in: -2...2), [batch, time, 2 * heads, m])
        logits.probe = (0..<30).map { _ in rng.index(below: batch * time * 2 * heads * m) }
        var v = Operand(rng.values(batch * time * heads * e), [batch, time, heads, e])
        v.probe = (0..<20).map { _ in rng.index(below: batch * time * heads * e) }
        let theta = Operand([0.2, 1.5, 4].map { Double(Float($0)) }, [heads])
        checkOp("linear attention from feature logits", [logits, v, theta], seed: 5, gradientTolerance: 2e-4,
                seer: { Tensor.decayedLinearAttention(featureLogits: $0[0], value: $0[1], decayLogit: $0[2]) },
                reference: { x in
                    // softmax per row of m in Double, then split into φq and φk rows.
                    var q: [Double] = [], k: [Double] = []
                    for row in 0..<(batch * time * 2 * heads) {
                        let z = Array(x[0][(row * m)..<((row + 1) * m)]), top = z.max()!
                        let exps = z.map { Foundation.exp($0 - top) }, total = exps.reduce(0, +)
                        if (row % (2 * heads)) < heads { q += exps.map { $0 / total } } else { k += exps.map { $0 / total } }
                    }
                    return referenceLinearAttention(q, k, x[1], x[2], batch: batch, heads: heads, time: time, m: m, e: e)
                })
    }

    @Test("feature logits equal softmax-then-kernel at a ragged multi-chunk length, outputs and every gradient")
    func featureLogitsEqualTheSeparateSoftmax() throws {
        let (batch, heads, time, m, e) = (2, 4, 150, 8, 8)
        var rng = SplitMix64(seed: 47)
        let z = Tensor(rng.values(batch * time * 2 * heads * m, in: -3...3).map(Float.init), shape: [batch, time, 2 * heads, m])
        let v = Tensor(rng.values(batch * time * heads * e).map(Float.init), shape: [batch, time, heads, e])
        let theta = Tensor([0.5, 2, 4, 7], shape: [heads])
        let weights = Tensor(rng.values(batch * time * heads * e).map(Float.init), shape: [batch, time, heads, e])
        func run(fused: Bool) throws -> [[Float]] {
            let tape = Tape()
            let (tz, tv, tt) = (tape.watch(z), tape.watch(v), tape.watch(theta))
            let o = fused ? Tensor.decayedLinearAttention(featureLogits: tz, value: tv, decayLogit: tt)
                          : Tensor.decayedLinearAttention(features: tz.softmax(), value: tv, decayLogit: tt)
            tape.backward((o * weights).sum())
            return [o.array] + (try [tz, tv, tt].map { try #require(tape.gradient(of: $0)) })
        }
        let (fused, separate) = (try run(fused: true), try run(fused: false))
        for (name, (a, b)) in zip(["output", "dz", "dv", "dθ"], zip(fused, separate)) {
            #expect(worstViolation(a, b.map(Double.init), tolerance: 1e-5).ratio <= 1, "\(name): fused and separate softmax differ")
        }
    }

    @Test("T = 16384 with λ ≈ 1 and λ ≈ 0 stays finite, forward and backward")
    func extremeDecays() {
        let (heads, time, m, e) = (2, 16384, 4, 4)
        var rng = SplitMix64(seed: 5)
        // Softmax-like positive features that sum to 1 per row, values in [−1, 1].
        var features = rng.values(heads * time * m, in: 0.01...1)
        for row in 0..<(heads * time) {
            let total = features[(row * m)..<((row + 1) * m)].reduce(0, +)
            for c in 0..<m { features[row * m + c] /= total }
        }
        let tape = Tape()
        let q = tape.watch(Tensor(features.map { Float($0) }, shape: [1, time, heads, m]))
        let k = tape.watch(Tensor(features.reversed().map { Float($0) }, shape: [1, time, heads, m]))
        let v = tape.watch(Tensor(rng.values(heads * time * e).map { Float($0) }, shape: [1, time, heads, e]))
        let theta = tape.watch(Tensor([20, -30]))
        let out = Tensor.decayedLinearAttention(query: q, key: k, value: v, decayLogit: theta)
        let values = out.array
        let finite = values.allSatisfy { $0.isFinite }
        #expect(finite, "outputs must be finite")
        // λ ≈ 0: o_t = (φq_t·φk_t) v_t exactly (every older term underflows to 0).
        for t in [0, 1, 63, 64, 9000, time - 1] {
            let row = t * heads + 1  // head 1
            let dot = (0..<m).reduce(Float(0)) { $0 + q.array[row * m + $1] * k.array[row * m + $1] }
            let expected = dot * v.array[row * e]
            #expect(abs(values[row * e] - expected) <= 1e-5, "λ ≈ 0 head at t = \(t)")
        }
        tape.backward(weightedSum([out], weights: values.indices.map { Float(($0 % 7) - 3) / 3 }, on: tape))
        for (name, x) in [("q", q), ("k", k), ("v", v), ("θ", theta)] {
            let g = tape.gradient(of: x) ?? []
            let ok = !g.isEmpty && g.allSatisfy { $0.isFinite }
            #expect(ok, "∂L/∂\(name) must be finite")
        }
    }

    @Test("outputs up to t do not change when later inputs do")
    func causal() {
        let (heads, time, m, e) = (2, 150, 3, 3)
        var rng = SplitMix64(seed: 21)
        let q = rng.values(heads * time * m, in: 0...1), k = rng.values(heads * time * m, in: 0...1), v = rng.values(heads * time * e)
        func run(_ q: [Double], _ k: [Double], _ v: [Double]) -> [Float] {
            Tensor.decayedLinearAttention(query: Tensor(q.map { Float($0) }, shape: [1, time, heads, m]),
                                          key: Tensor(k.map { Float($0) }, shape: [1, time, heads, m]),
                                          value: Tensor(v.map { Float($0) }, shape: [1, time, heads, e]),
                                          decayLogit: Tensor([0.5, 4])).array
        }
        let base = run(q, k, v)
        for cut in [0, 63, 64, 100, time - 2] {
            var q2 = q, k2 = k, v2 = v
            for row in ((cut + 1) * heads)..<(time * heads) {
                for c in 0..<m { q2[row * m + c] += 0.5; k2[row * m + c] *= 2 }
                for c in 0..<e { v2[row * e + c] -= 1 }
            }
            let changed = run(q2, k2, v2)
            let prefix = 0..<((cut + 1) * heads * e)
            #expect(Array(base[prefix]) == Array(changed[prefix]), "outputs ≤ \(cut) changed")
            for h in 0..<heads {
                let last = ((time - 1) * heads + h) * e
                #expect(base[last] != changed[last], "head \(h): the last output ignored its inputs")
            }
        }
    }
}
