// Causality of every net that claims it: perturbing inputs after step t changes no output at
// ≤ t — and later inputs do change late outputs, and the last output's gradient reaches the
// first input (a net that ignores its context would pass the first check trivially).
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor

struct CausalityTests {
    static func check(_ model: SequenceModel, steps: Int, cut: Int) {
        let base = randomValues(2 * steps, seed: 11)
        let y0 = model(Tensor(base, shape: [2, steps, 1]), .inference()).array
        var changed = base
        for b in 0..<2 { for t in (cut + 1)..<steps { changed[b * steps + t] += 0.7 } }
        let y1 = model(Tensor(changed, shape: [2, steps, 1]), .inference()).array
        for b in 0..<2 {
            for t in 0...cut {
                #expect(y0[b * steps + t] == y1[b * steps + t], "output \(t) moved when inputs after \(cut) changed")
            }
            #expect(y0[b * steps + steps - 1] != y1[b * steps + steps - 1], "late output ignores its inputs")
        }
        // The last output sees the first input: its exact gradient there is not zero. (A finite
        // perturbation is not enough: in these tiny random nets the first input's effect on the
        // last output can be ~1e-7, and whether it survives Float32 rounding depends on the
        // order of additions.)
        let tape = Tape()
        let input = tape.watch(Tensor(base, shape: [2, steps, 1]))
        let y = model(input, ForwardContext(tape: tape, training: false))
        tape.backward(y.reshaped([2 * steps]).slice(axis: 0, (steps - 1)..<steps).sum())
        let gradient = tape.gradient(of: input)?.first ?? 0
        #expect(gradient != 0 && gradient.isFinite, "the last output does not see the first input (gradient \(gradient))")
    }

    @Test(arguments: [(12, 0), (12, 5), (33, 16), (33, 31)])
    func gpt(steps: Int, cut: Int) {
        Self.check(tinyGPT(lookback: steps, attention: .streamed), steps: steps, cut: cut)
        Self.check(tinyGPT(lookback: steps, attention: .stored), steps: steps, cut: cut)
    }

    @Test(arguments: [(7, 3), (16, 7), (40, 0), (40, 19), (100, 63), (100, 64), (131, 70)])
    func nt(steps: Int, cut: Int) {
        Self.check(tinyNT(lookback: steps, natt: 1), steps: steps, cut: cut)
        Self.check(tinyNT(lookback: steps, natt: 0), steps: steps, cut: cut)
    }

    @Test(arguments: [(7, 3), (40, 0), (100, 63), (100, 64), (131, 70), (131, 129)])
    func dijiang(steps: Int, cut: Int) {
        Self.check(tinyDiJiang(lookback: steps), steps: steps, cut: cut)
        Self.check(tinyDiJiang(lookback: steps, featureWeights: true), steps: steps, cut: cut)
    }

    @Test(arguments: [(7, 3), (40, 0), (40, 19), (70, 63), (70, 68)])
    func continuedFraction(steps: Int, cut: Int) {
        Self.check(tinyCoFrGeNet(lookback: steps), steps: steps, cut: cut)
        Self.check(tinyCoFrGeNet(lookback: steps, mixer: .cattnU), steps: steps, cut: cut)
        Self.check(tinyDiJiangCffn(lookback: steps), steps: steps, cut: cut)
    }
}
