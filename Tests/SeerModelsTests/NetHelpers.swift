// Shared helpers for the zoo tests: tiny configurations, seeded inputs and a whole-net
// finite-difference gradient check.
import SeerBase
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor
#if canImport(Glibc)
import Glibc
#endif

/// Seeded values in [-1, 1).
func randomValues(_ count: Int, seed: UInt64) -> [Float] {
    var rng = SeededGenerator(seed: seed)
    return (0..<count).map { _ in rng.uniform(-1, 1) }
}

func tinyGPT(seed: UInt64 = 1, lookback: Int = 12, head: HeadKind = .autoregressive, attention: AttentionMode = .streamed) -> SequenceModel {
    SequenceModel(SequenceModelConfig(backbone: .gpt(GPTConfig(width: 8, heads: 2, layers: 2, ffnMultiplier: 2, attention: attention)),
                                      head: head, lookback: lookback, seed: seed))
}

func tinyNT(seed: UInt64 = 1, lookback: Int = 40, head: HeadKind = .autoregressive, natt: Int = 1) -> SequenceModel {
    SequenceModel(SequenceModelConfig(backbone: .nt(NTConfig(width: 8, blocks: 2, topAttentionLayers: natt, topHeads: 2, maxTokens: lookback)),
                                      head: head, lookback: lookback, seed: seed))
}

func tinyDiJiang(seed: UInt64 = 1, lookback: Int = 40, head: HeadKind = .autoregressive, featureWeights: Bool = false) -> SequenceModel {
    SequenceModel(SequenceModelConfig(backbone: .dijiang(DiJiangConfig(width: 8, heads: 2, layers: 2, ffnMultiplier: 2,
                                                                       featureWeights: featureWeights)),
                                      head: head, lookback: lookback, seed: seed))
}

func tinyCoFrGeNet(seed: UInt64 = 1, lookback: Int = 40, head: HeadKind = .autoregressive, mixer: ContinuedFractionMixerKind = .cattnM,
                   form: PartialDenominators = .positive()) -> SequenceModel {
    SequenceModel(SequenceModelConfig(backbone: .cofrgenet(CoFrGeNetConfig(width: 8, layers: 2, mixer: mixer,
                                                                           fraction: ContinuedFractionConfig(ladders: 3, depth: 3, form: form))),
                                      head: head, lookback: lookback, seed: seed))
}

func tinyDiJiangCffn(seed: UInt64 = 1, lookback: Int = 40, head: HeadKind = .autoregressive) -> SequenceModel {
    SequenceModel(SequenceModelConfig(backbone: .dijiang(DiJiangConfig(width: 8, heads: 2, layers: 2, feedForward: .continuedFraction,
                                                                       fraction: ContinuedFractionConfig(ladders: 3, depth: 3))),
                                      head: head, lookback: lookback, seed: seed))
}

/// A tiny net of each kind with the given head and look-back.
func tinyNet(_ kind: String, seed: UInt64 = 1, lookback: Int, head: HeadKind) -> SequenceModel {
    switch kind {
    case "gpt": return tinyGPT(seed: seed, lookback: lookback, head: head)
    case "nt": return tinyNT(seed: seed, lookback: lookback, head: head)
    case "dijiang": return tinyDiJiang(seed: seed, lookback: lookback, head: head)
    case "dijiang-cffn": return tinyDiJiangCffn(seed: seed, lookback: lookback, head: head)
    case "cofrgenet": return tinyCoFrGeNet(seed: seed, lookback: lookback, head: head)
    case "cofrgenet-u": return tinyCoFrGeNet(seed: seed, lookback: lookback, head: head, mixer: .cattnU)
    default: preconditionFailure("no tiny \(kind)")
    }
}

/// Whole-net gradient check: L = Σ wᵢ·yᵢ (fixed random w, the sum taken in Double); the tape's
/// dL/dθ against central differences (step h) for `perTensor` entries of every parameter.
/// The net itself runs in Float32 (the engine's only precision); the per-kernel checks against
/// Double references live in SeerTensorTests.
func checkWholeNetGradients(_ name: String, parameters: [Parameter], perTensor: Int = 3, h: Float = 1e-2,
                            tolerance: Double = 3e-2, forward: (ForwardContext) -> Tensor) {
    let probe = forward(.inference())
    let weights = randomValues(probe.count, seed: 77)
    func loss() -> Double {
        let y = forward(.inference()).array
        var total = 0.0
        for i in y.indices { total += Double(weights[i]) * Double(y[i]) }
        return total
    }
    for p in parameters { p.gradient.zero() }
    let tape = Tape()
    let y = forward(ForwardContext(tape: tape, training: false))
    tape.backward((y * Tensor(weights, shape: y.shape)).sum())
    var rng = SeededGenerator(seed: 5)
    var checked = 0, worst = 0.0
    for p in parameters {
        let analytic = p.gradient.array
        let scale = max(1e-2, analytic.map { Double(abs($0)) }.max() ?? 0)
        for _ in 0..<min(perTensor, p.count) {
            let i = Int(rng.next() % UInt64(p.count))
            let original = p.value.pointer[i]
            p.value.pointer[i] = original + h
            let plus = loss()
            p.value.pointer[i] = original - h
            let minus = loss()
            p.value.pointer[i] = original
            let numeric = (plus - minus) / (2 * Double(h))
            let error = abs(numeric - Double(analytic[i])) / (scale + abs(numeric))
            worst = max(worst, error)
            #expect(error <= tolerance, "\(name): \(p.name)[\(i)] analytic \(analytic[i]) vs numeric \(numeric)")
            checked += 1
        }
    }
    #expect(checked >= parameters.count, "\(name): every parameter tensor checked")
}
