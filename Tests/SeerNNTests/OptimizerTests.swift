// Golden values for one optimiser step, schedules, clipping, flat parameter groups and the RNG.
import SeerBase
import Testing
@testable import SeerNN
import SeerTensor

struct OptimizerTests {
    func group(decays: Bool = true) -> (ParameterGroup, Parameter, Parameter) {
        let w = Parameter(name: "w", shape: [2], decays: decays, values: [1, -2])
        let b = Parameter(name: "b", shape: [1], decays: false, values: [0.5])
        let group = ParameterGroup([w, b, w])  // a repeated parameter is listed once
        w.gradient.pointer[0] = 0.1
        w.gradient.pointer[1] = -0.2
        b.gradient.pointer[0] = 0.3
        return (group, w, b)
    }

    @Test func groupIsFlatAlignedAndShared() {
        let (g, w, b) = group()
        #expect(g.parameters.count == 2 && g.parameterCount == 3)
        #expect(g.offsets == [0, 16], "each slice starts on a 64-byte boundary")
        #expect(w.value.pointer == g.values.pointer && b.value.pointer == g.values.pointer + 16)
        #expect(Int(bitPattern: g.values.pointer) % 64 == 0)
        #expect(w.values == [1, -2] && b.values == [0.5])
        #expect(g.decayMask.array[0..<2] == [1, 1] && g.decayMask.array[16] == 0)
    }

    @Test func adamWStepMatchesTheFormula() {
        let (g, w, b) = group()
        Adam.adamW(g, weightDecay: 0.1).step(learningRate: 0.01)
        // Step 1: m̂ = g, v̂ = g², update = lr·g/(|g| + ε) = ±lr; decay lr·λ·w on w only.
        let expectedW0 = Float(1) - 0.01 * 0.1 * 1 - 0.01 * (0.1 / (0.1 + 1e-8))
        #expect(abs(w.values[0] - expectedW0) < 1e-7)
        #expect(abs(w.values[1] - (-2 + 0.01 * 0.1 * 2 + 0.01)) < 1e-6)
        #expect(abs(b.values[0] - (0.5 - 0.01)) < 1e-7, "no decay on the bias")
    }

    @Test func adamL2AndSGDMomentum() {
        let (g, w, _) = group()
        let sgd = SGD(g, momentum: 0.9)
        sgd.step(learningRate: 0.1)
        sgd.step(learningRate: 0.1)
        // v1 = g, v2 = 0.9·g + g = 1.9·g; w = 1 − 0.1·(1 + 1.9)·0.1
        #expect(abs(w.values[0] - (1 - 0.1 * 2.9 * 0.1)) < 1e-6)
        let (g2, w2, _) = group()
        Adam(g2, weightDecay: 0.5).step(learningRate: 0.01)
        // L2 in the gradient: g' = 0.1 + 0.5·1 = 0.6 > 0 → step −lr
        #expect(abs(w2.values[0] - (1 - 0.01)) < 1e-6)
    }

    @Test func clippingScalesToTheMaximumNorm() {
        let (g, _, _) = group()
        let before = g.clipGradientNorm(0.1)
        #expect(abs(before - (0.01 + 0.04 + 0.09 as Float).squareRoot()) < 1e-6)
        #expect(abs(g.gradientNorm() - 0.1) < 1e-4)
        #expect(g.gradientsAreFinite)
        g.gradients.pointer[1] = .nan
        #expect(!g.gradientsAreFinite)
    }

    @Test func schedules() {
        let schedule = LearningRateSchedule.warmupCosine(peak: 1, warmup: 10, total: 110, floor: 0.1)
        #expect(schedule.rate(at: 0) == 0.1 && schedule.rate(at: 9) == 1)
        #expect(abs(schedule.rate(at: 60) - 0.55) < 1e-6, "half-way down the cosine")
        #expect(schedule.rate(at: 110) == 0.1 && schedule.rate(at: 500) == 0.1)
        #expect(LearningRateSchedule.constant(0.3).rate(at: 1234) == 0.3)
        // Halved at each epoch boundary (10 steps an epoch).
        let halving = LearningRateSchedule.halvingPerEpoch(initial: 0.008, stepsPerEpoch: 10)
        #expect([0, 9, 10, 19, 20, 35].map { halving.rate(at: $0) } == [0.008, 0.008, 0.004, 0.004, 0.002, 0.001])
    }

    @Test func seededGeneratorIsStableAndWellSpread() {
        var a = SeededGenerator(seed: 42), b = SeededGenerator(seed: 42), c = SeededGenerator(seed: 43)
        let first = (0..<4).map { _ in a.next() }
        #expect(first == (0..<4).map { _ in b.next() })
        #expect(first != (0..<4).map { _ in c.next() })
        var n = SeededGenerator(seed: 1)
        let normals = (0..<20_000).map { _ in n.normal() }
        let mean = normals.reduce(0, +) / Float(normals.count)
        let variance = normals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(normals.count)
        #expect(abs(mean) < 0.03 && abs(variance - 1) < 0.05)
        var u = SeededGenerator(seed: 2)
        #expect((0..<1000).map { _ in u.uniform() }.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    @Test func initialisersFollowTheirFans() {
        var rng = SeededGenerator(seed: 5)
        let xavier = Initializer.xavierUniform.values(count: 10_000, fanIn: 100, fanOut: 50, using: &rng)
        let bound = (6.0 / 150.0 as Float).squareRoot()
        #expect(xavier.allSatisfy { abs($0) <= bound } && xavier.contains { abs($0) > bound * 0.9 })
        let kaiming = Initializer.kaimingNormal.values(count: 10_000, fanIn: 50, fanOut: 1, using: &rng)
        let variance = kaiming.map { $0 * $0 }.reduce(0, +) / Float(kaiming.count)
        #expect(abs(variance - 2 / 50) < 0.004)
        #expect(Initializer.zeros.values(count: 3, fanIn: 1, fanOut: 1, using: &rng) == [0, 0, 0])
    }
}
