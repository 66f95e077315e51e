// `seer bench speed` (BENCHMARKS.md §5): one AdamW training step of the standard config (2
// layers, d = 128, 4 heads, FFN 4d for GPT, batch 16, point tokens, next-value MSE on noisy
// sines) for each net at each T, every (net, T) in a fresh process so peak memory is its own;
// beside it PyTorch's GPT from ../shared/bench/torch_reference.py, measured in the same run.
// `--scaling` holds B·T = 65,536 tokens and doubles T from 256 to 65,536.
import CBLAS
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerNN
import SeerTasks
import SeerTensor

/// One (net, T) measurement, from a child process (Seer) or the PyTorch script.
public struct SpeedFigure: Codable {
    var model: String
    var seq: Int
    var batch: Int
    var parameters: Int?
    var steps: Int?
    var stepsPerSecond: Double?
    var msPerStep: Double?
    var tokensPerSecond: Double?
    var gflops: Double?
    var peakRSSMiB: Double?
    /// Peak tensor bytes during a step above those live before it (Seer only).
    var activationMiB: Double?
    var lossFirst: Double?
    var lossLast: Double?
    /// Why there is no figure (out of memory, failed), if there is none.
    var failure: String?
}

public struct SpeedBenchResult: Codable {
    var threads: Int
    var batch: Int
    var width: Int
    var mode: String
    /// Where the nets trained ("cpu", "cuda:0"); the of-sgemm column is the CPU's rate either way.
    var device: String
    var sgemmGFLOPs: Double
    var torch: String?
    var figures: [SpeedFigure]
    var ratios: [SpeedRatio]

    public var text: String {
        var table = TextTable(["net", "T", "B", "params", "steps/s", "ms/step", "tokens/s", "GFLOP/s", "of sgemm",
                               "peak RSS MiB", "activations MiB", "loss"])
        for f in figures {
            if let failure = f.failure {
                table.add([f.model, String(f.seq), String(f.batch), f.parameters.map(String.init) ?? "—", failure, "", "", "", "", "", "", ""])
                continue
            }
            table.add([f.model, String(f.seq), String(f.batch), f.parameters.map(String.init) ?? "—",
                       formatNumber(f.stepsPerSecond), formatNumber(f.msPerStep), formatNumber(f.tokensPerSecond.map { $0.rounded() }),
                       formatNumber(f.gflops), f.gflops.map { String(format: "%.2f", $0 / sgemmGFLOPs) } ?? "—",
                       formatNumber(f.peakRSSMiB), formatNumber(f.activationMiB),
                       f.lossFirst.map { String(format: "%.3f→%.3f", $0, f.lossLast ?? .nan) } ?? "—"])
        }
        var ratioTable = TextTable(["comparison", "T", "ratio", "target", "met"])
        for r in ratios {
            ratioTable.add([r.name, String(r.seq), formatNumber(r.ratio), r.target.map { String(format: "≥ %.1f", $0) } ?? "—",
                            r.target.map { r.ratio >= $0 ? "yes" : "NO" } ?? ""])
        }
        return "Training-step benchmark (\(mode); on \(device); \(threads) threads; \(mode.hasPrefix("scaling") ? "B = 65,536 / T" : "batch \(batch)"); d = \(width); "
            + "raw sgemm \(String(format: "%.1f", sgemmGFLOPs)) GFLOP/s\(torch.map { "; torch \($0)" } ?? "; no torch (skipped or not installed)"))\n"
            + table.render(indent: "  ") + "\n\n" + ratioTable.render(indent: "  ")
    }
}

public struct SpeedRatio: Codable {
    var name: String
    var seq: Int
    var ratio: Double
    var target: Double?
}

public struct SpeedBenchmark {
    public var models: [String]
    public var seqs: [Int]
    public var batch: Int
    public var width: Int
    public var heads: Int
    public var layers: Int
    public var threads: Int
    public var minTime: Double
    public var torch: Bool
    public var scaling: Bool
    public var maxStepSeconds: Double
    public var log: Bool
    /// Where both Seer's nets and PyTorch's GPT train.
    public var device = Device.cpu

    public init(models: [String], seqs: [Int], batch: Int, width: Int, heads: Int, layers: Int, threads: Int, minTime: Double, torch: Bool, scaling: Bool, maxStepSeconds: Double, log: Bool) {
        self.models = models
        self.seqs = seqs
        self.batch = batch
        self.width = width
        self.heads = heads
        self.layers = layers
        self.threads = threads
        self.minTime = minTime
        self.torch = torch
        self.scaling = scaling
        self.maxStepSeconds = maxStepSeconds
        self.log = log
    }

    static let scalingTokens = 65_536

    public func run() throws -> SpeedBenchResult {
        var figures: [SpeedFigure] = []
        let sgemm = Parallelism.withOpenBLASThreads(threads) { Self.sgemmRate() }
        let script = Self.torchScript()
        let torchVersion = torch ? script.flatMap(Self.torchVersion) : nil
        for seq in seqs {
            let b = scaling ? max(1, Self.scalingTokens / seq) : batch
            for model in models {
                // The predictions below are the CPU's (its memory, its sgemm rate); on a GPU every
                // measurement is tried, and one that does not fit fails in its own process.
                if device == .cpu, let reason = Self.predictedOutOfMemory(model: model, seq: seq, batch: b, heads: heads, layers: layers) {
                    figures.append(SpeedFigure(model: "seer-" + model, seq: seq, batch: b, failure: reason))
                    continue
                }
                let (predicted, parameters) = predictedStep(model: model, seq: seq, batch: b, sgemm: sgemm)
                if device == .cpu && predicted > maxStepSeconds {
                    figures.append(SpeedFigure(model: "seer-" + model, seq: seq, batch: b, parameters: parameters,
                                               failure: String(format: "skipped: ~%.0f s per step predicted (cap %.0f s)", predicted, maxStepSeconds)))
                    continue
                }
                figures.append(seerFigure(model: model, seq: seq, batch: b))
                if log { FileHandle.standardError.write(Data("  measured seer-\(model) T=\(seq)\n".utf8)) }
            }
            // PyTorch's GPT does the products Seer's does: the same prediction decides.
            if let script, torchVersion != nil, device != .cpu || predictedStep(model: "gpt", seq: seq, batch: b, sgemm: sgemm).seconds <= maxStepSeconds {
                figures.append(torchFigure(script: script, seq: seq, batch: b))
                if log { FileHandle.standardError.write(Data("  measured torch-gpt T=\(seq)\n".utf8)) }
            }
        }
        return SpeedBenchResult(threads: threads, batch: batch, width: width, mode: scaling ? "scaling, B·T = 65,536" : "standard config",
                                device: device.description,
                                sgemmGFLOPs: sgemm, torch: torchVersion, figures: figures, ratios: ratios(figures))
    }

    /// Seconds a training step should take at 40 % of raw sgemm, and the net's parameter count;
    /// steps predicted past `maxStepSeconds` are reported as skipped rather than run.
    func predictedStep(model: String, seq: Int, batch: Int, sgemm: Double) -> (seconds: Double, parameters: Int) {
        let net = SpeedChild(model: model, seq: seq, batch: batch, width: width, heads: heads, layers: layers, minTime: minTime).net()
        let flops = SpeedChild.trainingFLOPs(net, model: model, seq: seq, width: width, layers: layers, parameters: net.parameterCount)
        return (flops * Double(batch) / (0.4 * sgemm * 1e9), net.parameterCount)
    }

    func ratios(_ figures: [SpeedFigure]) -> [SpeedRatio] {
        func rate(_ model: String, _ seq: Int) -> Double? { figures.first { $0.model == model && $0.seq == seq }?.stepsPerSecond }
        var out: [SpeedRatio] = []
        for seq in seqs {
            if let seer = rate("seer-gpt", seq), let torch = rate("torch-gpt", seq) {
                out.append(SpeedRatio(name: "seer-gpt / torch-gpt steps/s", seq: seq, ratio: seer / torch, target: seq <= 1024 ? 1.0 : nil))
            }
            // Each attention-free net against Seer's GPT, with the issue targets where one is set.
            for (net, targets) in Self.speedTargets {
                guard let r = rate(net, seq), let gpt = rate("seer-gpt", seq) else { continue }
                out.append(SpeedRatio(name: "\(net) / seer-gpt steps/s", seq: seq, ratio: r / gpt, target: scaling ? nil : targets[seq]))
            }
            let memory = { (model: String) in figures.first { $0.model == model && $0.seq == seq }?.activationMiB }
            for (net, _) in Self.speedTargets where seq >= 4096 {
                if let a = memory(net), let g = memory("seer-gpt") {
                    out.append(SpeedRatio(name: "\(net) / seer-gpt activation memory", seq: seq, ratio: a / g, target: nil))
                }
            }
            if let nt = rate("seer-nt", seq), let torch = rate("torch-gpt", seq) {
                out.append(SpeedRatio(name: "seer-nt / torch-gpt steps/s", seq: seq, ratio: nt / torch, target: nil))
            }
        }
        if scaling, let first = seqs.first {
            for model in Self.speedTargets.map(\.net) + ["seer-gpt"] {
                guard let base = figures.first(where: { $0.model == model && $0.seq == first && $0.failure == nil }) else { continue }
                for f in figures where f.model == model && f.seq != first && f.failure == nil {
                    if let ms = f.msPerStep, let baseMs = base.msPerStep {
                        out.append(SpeedRatio(name: "\(model) step time / T=\(first)", seq: f.seq, ratio: ms / baseMs, target: nil))
                    }
                    if let a = f.activationMiB, let baseA = base.activationMiB {
                        out.append(SpeedRatio(name: "\(model) activations / T=\(first)", seq: f.seq, ratio: a / baseA, target: nil))
                    }
                }
            }
        }
        return out
    }

    /// The attention-free nets compared with Seer's GPT, and their steps/s targets by T
    /// (issue 5: NT; issue 6: DiJiang with the GPT's FFN, and with the continued-fraction FFN).
    static let speedTargets: [(net: String, targets: [Int: Double])] = [
        ("seer-nt", [1024: 2, 4096: 3]), ("seer-nt-recompute", [:]),
        ("seer-dijiang", [1024: 1.3, 4096: 2.5]), ("seer-dijiang-cffn", [1024: 2]), ("seer-cofrgenet", [:]),
    ]

    /// Every net `--models` accepts.
    public static let knownModels = ModelVariant.names { $0.descriptor.kind == .net }

    /// Stored attention keeps B·H·T² floats per layer, CAttnM three B·T² tensors (logits, masked,
    /// weights); refuse configs that cannot fit in RAM.
    static func predictedOutOfMemory(model: String, seq: Int, batch: Int, heads: Int, layers: Int) -> String? {
        guard let variant = ModelVariant.named(model) else { return nil }
        let perLayer: Int
        if variant.options.storedAttention {
            perLayer = heads
        } else if variant.family == .cofrgenet {
            perLayer = 3
        } else {
            return nil
        }
        let bytes = Double(batch * perLayer * layers) * Double(seq) * Double(seq) * 4
        let memory = Double(ProcessInfo.processInfo.physicalMemory)
        return bytes > 0.7 * memory ? String(format: "out of memory: T×T weights need %.0f GiB", bytes / 1_073_741_824) : nil
    }

    func seerFigure(model: String, seq: Int, batch: Int) -> SpeedFigure {
        let arguments = ["bench", "speed-child", "--model", model, "--seq", String(seq), "--batch", String(batch), "--width", String(width),
                         "--heads", String(heads), "--layers", String(layers), "--threads", String(threads), "--min-time", String(minTime),
                         "--device", device.description]
        do {
            let output = try runProcess(currentExecutablePath(), arguments)
            return try JSONDecoder().decode(SpeedFigure.self, from: Data(output.utf8))
        } catch {
            return SpeedFigure(model: "seer-" + model, seq: seq, batch: batch, failure: "failed: \(error)")
        }
    }

    func torchFigure(script: String, seq: Int, batch: Int) -> SpeedFigure {
        struct TorchOutput: Decodable {
            var params: Int, steps: Int, steps_per_s: Double, ms_per_step: Double, tokens_per_s: Double
            var approx_gflops: Double, peak_rss_mib: Double, loss_first: Double, loss_last: Double
        }
        do {
            let output = try runProcess("/usr/bin/env", ["python3", script, "--one", "gpt", String(seq), "--threads=\(threads)",
                                                         "--batch=\(batch)", "--d=\(width)", "--heads=\(heads)", "--layers=\(layers)",
                                                         "--min-time=\(minTime)", "--device=\(device == .cpu ? "cpu" : "cuda")"])
            let line = output.split(separator: "\n").last.map(String.init) ?? ""
            let r = try JSONDecoder().decode(TorchOutput.self, from: Data(line.utf8))
            return SpeedFigure(model: "torch-gpt", seq: seq, batch: batch, parameters: r.params, steps: r.steps, stepsPerSecond: r.steps_per_s,
                               msPerStep: r.ms_per_step, tokensPerSecond: r.tokens_per_s, gflops: r.approx_gflops, peakRSSMiB: r.peak_rss_mib,
                               lossFirst: r.loss_first, lossLast: r.loss_last)
        } catch {
            return SpeedFigure(model: "torch-gpt", seq: seq, batch: batch, failure: "failed: \(error)")
        }
    }

    static func torchScript() -> String? {
        ["../shared/bench/torch_reference.py", "shared/bench/torch_reference.py"].first { FileManager.default.fileExists(atPath: $0) }
    }

    static func torchVersion(_ script: String) -> String? {
        (try? runProcess("/usr/bin/env", ["python3", "-c", "import torch; print(torch.__version__)"]))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Raw cblas_sgemm GFLOP/s on 2048³ (median of 5), the machine limit of BENCHMARKS §5.
    static func sgemmRate() -> Double {
        let n = 2048
        let a = [Float](repeating: 0.5, count: n * n), b = a
        var c = [Float](repeating: 0, count: n * n)
        var samples: [Double] = []
        let clock = ContinuousClock()
        for _ in 0..<6 {
            let start = clock.now
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(n), Int32(n), 1, a, Int32(n), b, Int32(n), 0, &c, Int32(n))
            samples.append((clock.now - start).seconds)
        }
        let median = samples.dropFirst().sorted()[2]
        return 2 * Double(n * n * n) / median / 1e9
    }
}
