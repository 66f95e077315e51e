// The continued-fraction ladder kernel pair (MODELS.md §4) against the nested fraction evaluated
// directly in Double, f = 1/(a_1 + 1/(a_2 + … + 1/a_K)):
//   * value: continuants = nested fraction for random a at depth 1–7, both forms;
//   * gradient: the one-reciprocal formula (Proposition 1) against central differences of the
//     nested fraction — the positive form on inputs anywhere in [−4, 4], the signed form on
//     ladders kept away from the clip and from poles (every |Q_k| ≥ 0.25);
//   * extremes: inputs of ±1e6 give finite outputs and gradients (continuants reach 1e42);
//   * the signed clip: Q_K = 0 gives 1/ε, not inf.
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import SeerTensor

/// The nested fraction of ladder inputs x (a_k = ε + softplus(x_k), or x_k when signed).
func referenceLadders(_ x: [Double], depth: Int, positive: Bool, epsilon: Double = 0.01) -> [Double] {
    stride(from: 0, to: x.count, by: depth).map { start in
        func a(_ k: Int) -> Double {  // k = 1 outermost
            let v = x[start + k - 1]
            return positive ? epsilon + (max(v, 0) + log1p(exp(-abs(v)))) : v
        }
        var t = a(depth)
        for k in stride(from: depth - 1, through: 1, by: -1) { t = a(k) + 1 / t }
        return 1 / t
    }
}

/// Continuants Q_1…Q_K of one signed ladder (for keeping test points away from poles).
func continuants(_ a: ArraySlice<Double>) -> [Double] {
    let values = Array(a)
    var q = [1.0, values[values.count - 1]]
    for k in stride(from: 2, through: values.count, by: 1) { q.append(values[values.count - k] * q[k - 1] + q[k - 2]) }
    return Array(q.dropFirst())
}

@Suite("Continued-fraction ladders")
struct ContinuedFractionTests {
    @Test("continuants equal the nested fraction, depth 1–7", arguments: 1...7)
    func value(depth: Int) {
        var rng = SplitMix64(seed: UInt64(depth))
        let ladders = 6, rows = 5
        let x = rng.values(rows * ladders * depth, in: -3...3)
        let positive = Tensor(x.map { Float($0) }, shape: [rows, ladders * depth]).continuedFraction(depth: depth).array
        let expected = referenceLadders(x, depth: depth, positive: true)
        #expect(worstViolation(positive, expected, tolerance: 1e-5).ratio <= 1, "positive form at depth \(depth)")
        // Signed: partial denominators of magnitude 0.5–3 with random signs, away from poles.
        var signed = rng.signedValues(rows * ladders * depth, magnitude: 0.5...3)
        for start in stride(from: 0, to: signed.count, by: depth) where continuants(signed[start..<(start + depth)]).contains(where: { abs($0) < 0.25 }) {
            for k in 0..<depth { signed[start + k] = abs(signed[start + k]) }
        }
        let out = Tensor(signed.map { Float($0) }, shape: [rows, ladders * depth]).continuedFraction(depth: depth, .signed()).array
        #expect(worstViolation(out, referenceLadders(signed, depth: depth, positive: false), tolerance: 1e-5).ratio <= 1,
                "signed form at depth \(depth)")
    }

    @Test("Proposition 1 gradient equals finite differences", arguments: [1, 2, 4, 7])
    func gradient(depth: Int) {
        var rng = SplitMix64(seed: 100 + UInt64(depth))
        let (rows, ladders) = (4, 3)
        let x = Operand(rng.values(rows * ladders * depth, in: -4...4), [rows, ladders * depth])
        checkOp("positive ladders K=\(depth)", [x], seed: UInt64(depth),
                seer: { $0[0].continuedFraction(depth: depth) },
                reference: { referenceLadders($0[0], depth: depth, positive: true) })
        var signed = rng.signedValues(rows * ladders * depth, magnitude: 0.5...3)
        for start in stride(from: 0, to: signed.count, by: depth) where continuants(signed[start..<(start + depth)]).contains(where: { abs($0) < 0.25 }) {
            for k in 0..<depth { signed[start + k] = abs(signed[start + k]) }
        }
        checkOp("signed ladders K=\(depth)", [Operand(signed, [rows, ladders * depth])], seed: UInt64(depth),
                seer: { $0[0].continuedFraction(depth: depth, .signed()) },
                reference: { referenceLadders($0[0], depth: depth, positive: false) })
    }

    @Test("inputs of ±1e6 give finite outputs and gradients", arguments: [PartialDenominators.positive(), .signed()])
    func extremes(form: PartialDenominators) {
        for depth in 1...7 {
            let values: [Float] = (0..<(8 * depth)).map { i in (i % 3 == 0 ? -1e6 : 1e6) * (i % 5 == 0 ? 1 : 0.5) }
            let tape = Tape()
            let x = tape.watch(Tensor(values, shape: [2, 4 * depth]))
            let z = x.continuedFraction(depth: depth, form)
            let outputs = z.array
            let finite = outputs.allSatisfy { $0.isFinite }
            #expect(finite, "\(form) K=\(depth): outputs \(outputs)")
            tape.backward(z.sum())
            let g = tape.gradient(of: x) ?? []
            let finiteGradient = !g.isEmpty && g.allSatisfy { $0.isFinite }
            #expect(finiteGradient, "\(form) K=\(depth): gradient \(g)")
        }
    }

    @Test func signedClipBoundsThePole() {
        // K = 1, a = 0: Q_1 = 0 is clipped to ε = 0.01, f = 100; K = 2, a = (−1, 1): Q_2 = 0 too.
        let z = Tensor([0, -1, 1], shape: [3]).continuedFraction(depth: 1, .signed()).array
        #expect(z == [100, -1, 1])
        let pair = Tensor([-1, 1], shape: [1, 2]).continuedFraction(depth: 2, .signed()).array
        #expect(pair == [100])  // Q_{K−1} = a_2 = 1 over the clipped Q_2
        // Positive form at the same inputs: a = ε + softplus(0) etc., finite and positive.
        let positive = Tensor([0, -1, 1], shape: [3]).continuedFraction(depth: 1).array
        #expect(positive.allSatisfy { $0 > 0 && $0 < 100 })
    }
}
