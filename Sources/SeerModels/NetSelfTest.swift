// Every net of the zoo trained twice from the same seed on the same batches — once on the CPU,
// once on another device — and the two loss curves compared step by step: the second half of
// `seer selftest --device cuda`, after the kernel pairs. The kernels agreeing one by one does not
// show that a whole net runs on the device (a constant left on the host, a parameter never moved,
// a kernel fed the wrong stride would); a matching curve does. The tests run it on the CUDA
// emulator, so the check a GPU user runs is itself tested.
import SeerBase
import SeerNN
import SeerTensor
#if canImport(Glibc)
import Glibc
#endif

/// One net's training run on the CPU and on a device.
public struct NetTrainingCheck: Sendable {
    /// The net and what it exercises, e.g. "nt (patches of 8, RevIN affine)".
    public let name: String
    /// The training loss after each step, on the CPU and on the device.
    public let cpuLosses: [Float]
    public let deviceLosses: [Float]
    /// The largest |device − cpu| / cpu over the steps (infinity when a loss is not finite).
    public let error: Double
    public let tolerance: Double
    public var passed: Bool { error <= tolerance }
}

/// The nets' training runs, compared across devices.
public enum NetSelfTest {
    /// How big the nets and batches are: `standard` for a GPU, `tiny` for the emulator.
    public struct Scale: Sendable {
        public var lookback: Int, horizon: Int, width: Int, heads: Int, batch: Int
        public static let standard = Scale(lookback: 96, horizon: 24, width: 32, heads: 4, batch: 16)
        public static let tiny = Scale(lookback: 24, horizon: 4, width: 8, heads: 2, batch: 2)
    }

    /// A loss curve may drift from the CPU's by 1 % at any step: both devices add in different
    /// orders (cuBLAS' blocked products, parallel sums), and 50 Adam steps compound the last bits.
    /// A real fault (a wrong stride, a stale buffer) moves the curve by far more from step 1.
    public static let tolerance = 1e-2

    /// The nets checked: every backbone, with point tokens and patches, RevIN plain and affine,
    /// both GPT attention modes and both continued-fraction mixers, and the two linear baselines.
    public static func configurations(_ s: Scale) -> [(name: String, make: () -> any Trainable)] {
        func net(_ backbone: BackboneConfig, patches: Bool = false, affine: Bool = false) -> () -> any Trainable {
            let tokenization = patches ? Tokenization.patch(length: 8, stride: 4) : .point
            return {
                SequenceModel(SequenceModelConfig(backbone: backbone, head: .direct(horizon: s.horizon), lookback: s.lookback,
                                                  tokenization: tokenization, revinAffine: affine, seed: 7))
            }
        }
        let tokens = s.lookback
        return [
            ("gpt (streamed attention)", net(.gpt(GPTConfig(width: s.width, heads: s.heads, layers: 2, attention: .streamed)))),
            ("gpt (stored attention, patches)", net(.gpt(GPTConfig(width: s.width, heads: s.heads, layers: 2, attention: .stored)), patches: true)),
            ("nt", net(.nt(NTConfig(width: s.width, blocks: 2, topHeads: s.heads, maxTokens: tokens)))),
            ("nt (patches, RevIN affine)", net(.nt(NTConfig(width: s.width, blocks: 1, topHeads: s.heads, maxTokens: tokens)), patches: true, affine: true)),
            ("dijiang", net(.dijiang(DiJiangConfig(width: s.width, heads: s.heads, layers: 2, maxTokens: tokens)))),
            ("dijiang (continued-fraction FFN)", net(.dijiang(DiJiangConfig(width: s.width, heads: s.heads, layers: 1, feedForward: .continuedFraction,
                                                                            maxTokens: tokens)))),
            ("cofrgenet (cattn-m)", net(.cofrgenet(CoFrGeNetConfig(width: s.width, layers: 2, mixer: .cattnM, maxTokens: tokens)))),
            ("cofrgenet (cattn-u)", net(.cofrgenet(CoFrGeNetConfig(width: s.width, layers: 1, mixer: .cattnU, maxTokens: tokens)))),
            ("dlinear", { LinearForecaster(LinearConfig(kind: .dlinear, lookback: s.lookback, horizon: s.horizon, seed: 7)) }),
            ("rlinear", { LinearForecaster(LinearConfig(kind: .rlinear, lookback: s.lookback, horizon: s.horizon, seed: 7)) }),
        ]
    }

    /// Trains each net `steps` Adam steps on the CPU and on `device` and compares the curves.
    /// `progress` hears each net's name before it runs. Throws the device's failure, if any.
    public static func run(on device: Device, steps: Int = 50, scale: Scale = .standard,
                           progress: ((String) -> Void)? = nil) throws -> [NetTrainingCheck] {
        let data = samples(count: steps * scale.batch, scale)
        var checks: [NetTrainingCheck] = []
        for (name, make) in configurations(scale) {
            progress?(name)
            let cpu = try curve(make(), on: .cpu, steps: steps, batch: scale.batch, data)
            let other = try curve(make(), on: device, steps: steps, batch: scale.batch, data)
            let error = zip(other, cpu).map { pair -> Double in
                let (a, b) = (Double(pair.0), Double(pair.1))
                return a.isFinite && b.isFinite ? abs(a - b) / max(abs(b), 1e-12) : .infinity
            }.max() ?? .infinity
            checks.append(NetTrainingCheck(name: name, cpuLosses: cpu, deviceLosses: other, error: error, tolerance: tolerance))
        }
        return checks
    }

    /// The training loss after each step of one run: a constant rate, no early stop, no dropout,
    /// the batches in the order the seed gives (the same on every device).
    static func curve(_ model: any Trainable, on device: Device, steps: Int, batch: Int, _ data: SampleSet) throws -> [Float] {
        var config = TrainerConfig(epochs: 1, batchSize: batch, learningRate: 1e-3, schedule: .constant, clipNorm: 1, patience: nil, seed: 11)
        config.maxStepsPerEpoch = steps
        config.device = device
        let recorder = LossRecorder()
        _ = try Trainer(config, observer: recorder).fit(model, train: data)
        return recorder.losses
    }

    /// Windows of a seeded series — two seasons, a trend and noise — as (look-back, horizon) pairs.
    public static func samples(count: Int, _ s: Scale) -> SampleSet {
        var rng = SeededGenerator(seed: 3)
        let length = count + s.lookback + s.horizon
        let series = (0..<length).map { t -> Float in
            let x = Float(t)
            return 2 * sin(x * 2 * .pi / 24) + 0.7 * sin(x * 2 * .pi / 7) + 0.01 * x + 0.3 * rng.normal()
        }
        var inputs: [Float] = [], targets: [Float] = []
        for start in 0..<count {
            inputs += series[start..<(start + s.lookback)]
            targets += series[(start + s.lookback)..<(start + s.lookback + s.horizon)]
        }
        return SampleSet(inputs: inputs, inputShape: [s.lookback, 1], targets: targets, targetShape: [s.horizon, 1])
    }
}

/// Keeps every step's loss.
private final class LossRecorder: TrainingObserver {
    var losses: [Float] = []
    func trainingBegan(epochs: Int, stepsPerEpoch: Int) {}
    func stepFinished(epoch: Int, step: Int, loss: Float) { losses.append(loss) }
    func epochFinished(_ record: EpochRecord, improved: Bool) {}
    func trainingFinished(_ report: TrainingReport) {}
}
