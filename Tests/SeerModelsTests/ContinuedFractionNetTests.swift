// Continued-fraction pieces above the kernel (MODELS.md §4): the dyadic release schedule inside
// the Trainer, Cffn's parameter count and its behaviour on extreme inputs, and the net's
// parameter saving against GPT at equal width. Gradients, causality and save/load are in the
// shared net suites; the ladder kernel itself in SeerTensorTests.
import SeerBase
import Testing
@testable import SeerModels
import SeerNN
import SeerTensor

/// Records the ladder weights after every optimiser step.
final class LadderRecorder: TrainingObserver {
    let layers: [LadderLayer]
    var snapshots: [[[Float]]] = []  // step → layer → weight values
    init(_ layers: [LadderLayer]) { self.layers = layers }
    func trainingBegan(epochs: Int, stepsPerEpoch: Int) { snapshots.append(layers.map(\.weight.values)) }
    func stepFinished(epoch: Int, step: Int, loss: Float) { snapshots.append(layers.map(\.weight.values)) }
    func epochFinished(_ record: EpochRecord, improved: Bool) {}
    func trainingFinished(_ report: TrainingReport) {}
}

struct ContinuedFractionNetTests {
    @Test func releaseSteps() {
        #expect((1...4).map { LadderLayer.releaseStep(depth: $0, plannedSteps: 16) } == [0, 8, 12, 14])
        #expect((1...3).map { LadderLayer.releaseStep(depth: $0, plannedSteps: 10) } == [0, 5, 8])  // 7.5 → 8
    }

    @Test func dyadicScheduleReleasesEachDepthAtItsStep() throws {
        // 2 epochs × 8 steps = 16 planned steps; depth 1 from step 0, 2 from 8, 3 from 12.
        let model = tinyCoFrGeNet(lookback: 12)
        let layers = model.ladderLayers
        #expect(layers.count == 4, "a mixer and a Cffn ladder layer per block")
        let recorder = LadderRecorder(layers)
        var config = TrainerConfig(epochs: 2, batchSize: 4, learningRate: 1e-2, weightDecay: 0.1, schedule: .constant, patience: nil)
        config.seed = 3
        let samples = SampleSet(inputs: randomValues(32 * 12, seed: 1), inputShape: [12, 1],
                                targets: randomValues(32 * 12, seed: 2), targetShape: [12, 1])
        let report = try Trainer(config, observer: recorder).fit(model, train: samples)
        #expect(report.steps == 16 && recorder.snapshots.count == 17)
        let depth = 3
        for (l, layer) in layers.enumerated() {
            let inputs = layer.weight.shape[1]
            func row(_ step: Int, _ r: Int) -> [Float] { Array(recorder.snapshots[step][l][(r * inputs)..<((r + 1) * inputs)]) }
            for k in 1...depth {
                let release = LadderLayer.releaseStep(depth: k, plannedSteps: 16)
                for j in 0..<layer.config.ladders {
                    let r = j * depth + k - 1
                    // Snapshot s holds the weights after s steps; step `release` (0-based) is the first to move them.
                    for s in 0...release { #expect(row(s, r) == row(0, r), "layer \(l) depth \(k) moved before step \(release) (after \(s) steps)") }
                    #expect(row(release + 1, r) != row(0, r), "layer \(l) depth \(k) did not train from step \(release)")
                }
            }
        }
        // Without the schedule every depth trains from the first step.
        let free = SequenceModel(SequenceModelConfig(backbone: .cofrgenet(CoFrGeNetConfig(
            width: 8, layers: 1, fraction: ContinuedFractionConfig(ladders: 3, depth: 3, dyadic: false))), head: .autoregressive, lookback: 12))
        let freeRecorder = LadderRecorder(free.ladderLayers)
        try Trainer(config, observer: freeRecorder).fit(free, train: samples)
        let inputs = free.ladderLayers[0].weight.shape[1]
        let deepest = (2 * inputs)..<(3 * inputs)
        #expect(Array(freeRecorder.snapshots[1][0][deepest]) != Array(freeRecorder.snapshots[0][0][deepest]))
    }

    @Test func cffnParameterCount() {
        var rng = SeededGenerator(seed: 1)
        let cffn = ContinuedFractionFFN("cffn", width: 128, config: ContinuedFractionConfig(), rng: &rng)
        #expect(cffn.parameterCount == 2 * 128 * 128 + 8 * 4 * 129 + 128 * 8)  // 37,920
        let mlp = FeedForward("ffn", width: 128, multiplier: 4, residualScale: 1, rng: &rng)
        #expect(mlp.parameterCount == 131_712)
    }

    @Test(arguments: [PartialDenominators.positive(), .signed()])
    func extremeInputsStayFinite(form: PartialDenominators) {
        var rng = SeededGenerator(seed: 2)
        let cffn = ContinuedFractionFFN("cffn", width: 16, config: ContinuedFractionConfig(form: form), rng: &rng)
        let values: [Float] = (0..<(4 * 16)).map { i in i % 2 == 0 ? 1e6 : -1e6 }
        let tape = Tape()
        let x = tape.watch(Tensor(values, shape: [4, 16]))
        let y = cffn(x, ForwardContext(tape: tape, training: true))
        let outputs = y.array
        #expect(outputs.allSatisfy { $0.isFinite })
        tape.backward(y.sum())
        let gradients = (tape.gradient(of: x) ?? []) + cffn.parameters.flatMap(\.gradient.array)
        #expect(!gradients.isEmpty && gradients.allSatisfy { $0.isFinite })
    }

    @Test func parametersAgainstGPTAtEqualWidth() {
        var rng = SeededGenerator(seed: 3)
        let gpt = GPT(config: GPTConfig(width: 128, heads: 4, layers: 2), rng: &rng)
        let cofr = CoFrGeNet(config: CoFrGeNetConfig(width: 128, layers: 2, maxTokens: 256), rng: &rng)
        // Per block: GPT 12d² + …; CoFrGeNet: Cffn ≈ 2d² + CAttnM's Wv d² + ladders + F (L × T_max).
        #expect(cofr.parameterCount < gpt.parameterCount / 2, "CoFrGeNet \(cofr.parameterCount) vs GPT \(gpt.parameterCount)")
    }
}
