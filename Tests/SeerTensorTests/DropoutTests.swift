// Tests for the dropout kernel pair. Dropout is not smooth in anything but x, and for a fixed
// seed it is the linear map x ↦ mask ⊙ x, so beyond the usual gradient check the tests pin the
// mask itself: reproducible from (seed, index) through CounterRandom, kept fraction ≈ 1 − p,
// kept elements scaled by exactly 1/(1 − p), and a backward that is exactly mask ⊙ g.
import Testing
@testable import SeerTensor

struct DropoutTests {
    /// The mask the op promises: 1/(1−p) where CounterRandom.uniform(seed, i) ≥ p, else 0.
    func expectedMask(count: Int, probability: Float, seed: UInt64) -> [Float] {
        let keep = 1 / (1 - probability)
        return (0..<count).map { CounterRandom.uniform(seed: seed, index: UInt64($0)) >= probability ? keep : 0 }
    }

    @Test func forwardIsTheSeededMaskTimesX() {
        var rng = SplitMix64(seed: 91)
        let count = 100_000, p: Float = 0.3, seed: UInt64 = 0xDEC0DE
        let x = Tensor(rng.values(count, in: 0.5...2).map { Float($0) }, shape: [100, 1000])
        let y = x.dropout(probability: p, seed: seed).array
        let mask = expectedMask(count: count, probability: p, seed: seed)
        let xs = x.array
        var mismatches = 0, kept = 0
        for i in 0..<count {
            if y[i] != xs[i] * mask[i] { mismatches += 1 }
            if y[i] != 0 { kept += 1 }
        }
        #expect(mismatches == 0, "dropout output differs from x ⊙ mask(seed, index) at \(mismatches) elements")
        // 100 000 Bernoulli(0.7) draws: σ of the kept fraction ≈ 0.0014, so ±0.01 is ≈ 7σ.
        let fraction = Double(kept) / Double(count)
        #expect(abs(fraction - 0.7) < 0.01, "kept fraction \(fraction), expected ≈ 0.7")
        // Kept elements are scaled by exactly the Float32 1/(1 − p).
        let scale = 1 / (1 - p)
        #expect((0..<count).allSatisfy { y[$0] == 0 || y[$0] == xs[$0] * scale })
    }

    @Test func maskDependsOnlyOnSeedAndIndex() {
        // Same seed: same mask whatever the tensor's shape or values; another seed: another mask.
        let p: Float = 0.5
        let ones = Tensor.filled([64, 64], with: 1)
        let a = ones.dropout(probability: p, seed: 7).array
        let b = Tensor.filled([4096], with: 1).dropout(probability: p, seed: 7).array
        let c = ones.dropout(probability: p, seed: 8).array
        #expect(a == b)
        #expect(a != c)
        // A prefix of a longer tensor sees the same mask (the mask is per index, not per shape).
        let prefix = Tensor.filled([100], with: 1).dropout(probability: p, seed: 7).array
        #expect(prefix == Array(a.prefix(100)))
    }

    @Test(arguments: [Float(0.1), 0.5, 0.9])
    func keptFractionTracksProbability(probability: Float) {
        let count = 50_000
        let y = Tensor.filled([count], with: 1).dropout(probability: probability, seed: 1234).array
        let fraction = Double(y.filter { $0 != 0 }.count) / Double(count)
        // σ ≤ √(0.25/50 000) ≈ 0.0022; allow ±0.015 (≈ 7σ).
        #expect(abs(fraction - Double(1 - probability)) < 0.015, "p = \(probability): kept fraction \(fraction)")
    }

    @Test func backwardIsMaskTimesGradient() throws {
        var rng = SplitMix64(seed: 92)
        let count = 3000, p: Float = 0.25, seed: UInt64 = 99
        let tape = Tape()
        let x = tape.watch(Tensor(rng.values(count).map { Float($0) }, shape: [30, 100]))
        let y = x.dropout(probability: p, seed: seed)
        let g = rng.values(count).map { Float($0) }
        tape.backward(weightedSum([y], weights: g, on: tape))
        let mask = expectedMask(count: count, probability: p, seed: seed)
        let gradient = try #require(tape.gradient(of: x))
        #expect(gradient == zip(mask, g).map { $0 * $1 })
    }

    @Test func gradientCheckAgainstTheMaskedReference() {
        var rng = SplitMix64(seed: 93)
        let p: Float = 0.4, seed: UInt64 = 5
        let x = Operand.random([6, 7], &rng)
        let mask = expectedMask(count: 42, probability: p, seed: seed).map { Double($0) }
        checkOp("dropout p=0.4", [x], seed: 93, seer: { $0[0].dropout(probability: p, seed: seed) },
                reference: { v in v[0].indices.map { v[0][$0] * mask[$0] } })
    }

    @Test func zeroProbabilityIsTheIdentity() {
        var rng = SplitMix64(seed: 94)
        let x = Operand.random([3, 4], &rng)
        checkOp("dropout p=0", [x], seed: 94, seer: { $0[0].dropout(probability: 0, seed: 1) }, reference: { $0[0] })
    }
}
