// The child process of `seer bench speed` (`seer bench speed-child`): one net at one sequence
// length, built from the model catalog, trained on noisy sines for a fixed time in this process,
// with its steps/s, FLOPs, peak RSS and activation memory (and, with SEER_PROFILE_STEP, each op's time).
import CBLAS
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerNN
import SeerTasks
import SeerTensor

/// The child: one net at one T, timed in this process.
public struct SpeedChild {
    /// Training FLOPs of one sequence (forward 2 per multiply-add, backward 4). GPT as
    /// torch_reference.py counts it: 6 per weight per token (positions excluded) plus
    /// 12·layers·T·d per token for attention. NT by its actual products: each pyramid level
    /// runs on half the tokens of the one below, so its weights are not used once per token.
    static func trainingFLOPs(_ net: SequenceModel, model: String, seq: Int, width d: Int, layers: Int, parameters: Int) -> Double {
        let positions = net.embedding.positions?.count ?? 0
        let family = ModelVariant.named(model)?.family
        if family == .gpt {
            return Double(seq) * (6 * Double(parameters - positions) + 12 * Double(layers * seq * d))
        }
        if family == .dijiang, let net = net.backbone as? DiJiangNet {
            // Weights once per token, plus per head and token: the fixed q/k feature projections
            // (2·d_h²), the in-chunk products (64·(m + e), causal half kept as the kernel computes
            // it whole) and the state read and update (2·d_h²), all multiply-adds.
            let dh = Double(d / net.config.heads), h = Double(net.config.heads)
            let perToken = h * (2 * dh * dh + 64 * 2 * dh + 2 * dh * dh)
            return Double(seq) * (6 * Double(parameters - positions) + 6 * Double(layers) * perToken)
        }
        if family == .cofrgenet, let net = net.backbone as? CoFrGeNet {
            // CAttnM per token: logits over all T positions (L·T) and the T×d mixing product, both
            // computed whole; the position table F is not used once per token like the weights.
            let table = net.blocks.count * net.config.fraction.ladders * (net.config.maxTokens ?? seq)
            let perToken = Double(net.config.fraction.ladders * seq + seq * d)
            return Double(seq) * (6 * Double(parameters - positions - table) + 6 * Double(layers) * perToken)
        }
        guard let nt = net.backbone as? NTNet else { return 0 }
        let frame = NTConfig.frame(tokens: seq)
        let dd = Double(d * d)
        var macs = 0.0
        for _ in nt.blocks {
            for l in 0..<frame.levels { macs += 2 * Double(frame.padded >> (l + 1)) * 3 * dd }  // up and down
            macs += Double(frame.top) * 12 * dd * Double(nt.config.topAttentionLayers)          // top mixer
            macs += Double(frame.padded) * 3 * Double(nt.config.ffnMultiplier) * dd             // output FFN
        }
        macs += Double(seq) * Double(2 * d + 1)                                                 // embedding, head
        return 6 * macs
    }

    public var model: String, seq: Int, batch: Int, width: Int, heads: Int, layers: Int, minTime: Double
    /// Where the net trains; the batch stays on the host and moves there each step, as in training.
    public var device = Device.cpu

    public init(model: String, seq: Int, batch: Int, width: Int, heads: Int, layers: Int, minTime: Double) {
        self.model = model
        self.seq = seq
        self.batch = batch
        self.width = width
        self.heads = heads
        self.layers = layers
        self.minTime = minTime
    }

    func net() -> SequenceModel {
        let backbone = ModelVariant.named(model)!.backbone(NetShape(width: width, layers: layers, heads: heads), tokens: seq)!
        return SequenceModel(SequenceModelConfig(backbone: backbone, head: .autoregressive, lookback: seq, position: .learned))
    }

    /// Noisy sines of random phase and frequency, as torch_reference.py draws them.
    func batchData() -> (Tensor, Tensor) {
        var rng = SeededGenerator(seed: 0)
        var x: [Float] = [], y: [Float] = []
        for _ in 0..<batch {
            let phase = rng.uniform(0, 2 * Float.pi), frequency = 0.02 + 0.08 * rng.uniform()
            let s = (0...seq).map { sinf(frequency * Float($0) + phase) + 0.05 * rng.normal() }
            x += s.prefix(seq)
            y += s.dropFirst()
        }
        return (Tensor(x, shape: [batch, seq, 1]), Tensor(y, shape: [batch, seq, 1]))
    }

    public func run() throws -> SpeedFigure {
        let net = net()
        let kernels = try backend(for: device)
        let group = ParameterGroup(net.parameters, on: kernels)
        let optimizer = Adam.adamW(group)
        let (x, y) = batchData()
        let profile = ProcessInfo.processInfo.environment["SEER_PROFILE_STEP"] != nil
        let clock0 = ContinuousClock()
        var phases = [0.0, 0.0, 0.0]
        var opTimes: [String: Double] = [:], profiledSteps = 0
        func step() -> Float {
            let t0 = clock0.now
            let tape = Tape()
            if profile { tape.backwardProfile = [:]; tape.forwardProfile = [:] }
            let loss = net.loss(inputs: x, targets: y, ForwardContext(tape: tape, training: true))
            let t1 = clock0.now
            optimizer.zeroGradients()
            tape.backward(loss)
            if profile {
                for (k, v) in tape.backwardProfile ?? [:] { opTimes["backward " + k, default: 0] += v }
                for (k, v) in tape.forwardProfile ?? [:] { opTimes["forward " + k, default: 0] += v }
                profiledSteps += 1
            }
            let t2 = clock0.now
            optimizer.step(learningRate: 1e-3)
            let t3 = clock0.now  // loss.item below waits for the device: every step is timed whole
            if profile {
                phases[0] += (t1 - t0).seconds; phases[1] += (t2 - t1).seconds; phases[2] += (t3 - t2).seconds
            }
            return loss.item
        }
        defer {
            if profile {
                let perStep = 1000 / Double(max(1, profiledSteps))
                var lines = String(format: "ms per step over %d steps: forward %.1f backward %.1f optimiser %.1f\n", profiledSteps,
                                   phases[0] * perStep, phases[1] * perStep, phases[2] * perStep)
                for (k, v) in opTimes.sorted(by: { $0.value > $1.value }) { lines += String(format: "  %8.2f  ", v * perStep) + k + "\n" }
                FileHandle.standardError.write(Data(lines.utf8))
            }
        }
        _ = step()  // optimiser state allocated here
        let before = TensorMemory.live
        TensorMemory.resetPeak()
        _ = step()
        let activations = TensorMemory.peak - before
        let clock = ContinuousClock()
        let start = clock.now
        var steps = 0, first: Float = .nan, last: Float = .nan
        while true {
            last = step()
            if steps == 0 { first = last }
            steps += 1
            if (clock.now - start).seconds >= minTime && steps >= 3 { break }
        }
        let seconds = (clock.now - start).seconds
        try kernels.checkHealth()
        let tokens = Double(batch * seq)
        let flops = Self.trainingFLOPs(net, model: model, seq: seq, width: width, layers: layers, parameters: group.parameterCount)
            * Double(batch) * Double(steps)
        return SpeedFigure(model: "seer-" + model, seq: seq, batch: batch, parameters: group.parameterCount, steps: steps,
                           stepsPerSecond: Double(steps) / seconds, msPerStep: 1000 * seconds / Double(steps),
                           tokensPerSecond: tokens * Double(steps) / seconds, gflops: flops / seconds / 1e9,
                           peakRSSMiB: Double(peakRSSBytes()) / 1_048_576, activationMiB: Double(activations) / 1_048_576,
                           lossFirst: Double(first), lossLast: Double(last))
    }
}
