// `seer bench sine` (BENCHMARKS.md §4, the original NT experiment): a clean sine split 80/20 in
// time; nets learn next-value prediction on windows of the first 80 %; on each test window they
// are given the first half and roll the second half out on their own predictions. Reported: MSE
// of the rolled-out halves, median of several seeds, for GPT and each zoo net (NT, DiJiang with
// its FFN and with the Cffn, the continued-fraction net) at equal width and at equal parameter
// count, beside DLinear (a direct half-window forecast) and repeat-last; an SVG overlay
// per net (truth blue, prediction red).
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerNN
import SeerTasks
import SeerTensor

public struct SineRow: Codable {
    var model: String
    var comparison: String
    var width: Int?
    var parameters: Int
    var mse: Double
    var seedMSE: [Double]
    var trainSeconds: Double
    var plot: String?
}

public struct SineBenchResult: Codable {
    var length: Int
    var period: Double
    var window: Int
    var testWindows: Int
    var epochs: Int
    var seeds: [UInt64]
    var rows: [SineRow]

    public var text: String {
        var table = TextTable(["net", "comparison", "width", "params", "rollout MSE (median)", "per seed", "train s", "plot"])
        for r in rows {
            table.add([r.model, r.comparison, r.width.map(String.init) ?? "—", String(r.parameters), formatNumber(r.mse),
                       r.seedMSE.map(formatNumber).joined(separator: " "), String(format: "%.1f", r.trainSeconds), r.plot ?? "—"])
        }
        return "Sine rollout benchmark: \(length) points, period \(formatNumber(period)), windows of \(window) "
            + "(first \(window / 2) given, \(window / 2) rolled out), \(testWindows) test windows, \(epochs) epochs, seeds \(seeds)\n"
            + table.render(indent: "  ")
    }
}

public struct SineBenchmark {
    public var length = 2000
    public var period = 40.0
    public var window = 64
    public var width = 32
    public var epochs = 10
    public var seeds: [UInt64] = [1, 2, 3]
    /// Zoo nets compared with GPT (which always runs).
    public var models: [String] = SineBenchmark.knownModels
    public var output: String

    /// The zoo's nets compared with GPT (every net variant of the catalog but GPT's own and the memory modes).
    public static let knownModels = ModelVariant.names { $0.descriptor.kind == .net && $0.family != .gpt && $0.purpose == .model }
    public var log: Bool

    var series: [Float] { (0..<length).map { Float(sin(2 * Double.pi * Double($0) / period)) } }
    var split: Int { length * 8 / 10 }
    var half: Int { window / 2 }

    /// Non-overlapping test windows inside the last 20 %.
    var testStarts: [Int] { Array(stride(from: split, through: length - window, by: window)) }

    public init(length: Int = 2000, period: Double = 40.0, window: Int = 64, width: Int = 32, epochs: Int = 10, seeds: [UInt64] = [1, 2, 3], models: [String] = SineBenchmark.knownModels, output: String, log: Bool) {
        self.length = length
        self.period = period
        self.window = window
        self.width = width
        self.epochs = epochs
        self.seeds = seeds
        self.models = models
        self.output = output
        self.log = log
    }

    public func run() throws -> SineBenchResult {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        let gptConfig = GPTConfig(width: width, heads: 4, layers: 2, ffnMultiplier: 4)
        let gptParameters = net(.gpt(gptConfig), seed: 0).parameterCount
        // Equal parameter count: the width (a multiple of 4 heads) whose count is closest to GPT's.
        func equalParameterWidth(_ backbone: (Int) -> BackboneConfig) -> Int {
            stride(from: 4, through: 4 * width, by: 4)
                .map { (width: $0, gap: abs(net(backbone($0), seed: 0).parameterCount - gptParameters)) }
                .min { $0.gap < $1.gap }!.width
        }
        func backbone(_ variant: ModelVariant) -> (Int) -> BackboneConfig {
            { variant.backbone(NetShape(width: $0, layers: 2, heads: 4), tokens: window)! }
        }
        var rows: [SineRow] = []
        rows.append(try neural("gpt", "equal width = equal params", .gpt(gptConfig), width: width, plot: "gpt"))
        for variant in ModelVariant.all where models.contains(variant.name) {
            let build = backbone(variant)
            rows.append(try neural(variant.name, "equal width", build(width), width: width, plot: variant.name))
            let matched = equalParameterWidth(build)
            if matched != width {
                rows.append(try neural(variant.name, "equal params", build(matched), width: matched, plot: variant.name + "-equal-params"))
            }
        }
        rows.append(try dlinear())
        rows.append(try repeatLast())
        return SineBenchResult(length: length, period: period, window: window, testWindows: testStarts.count, epochs: epochs,
                               seeds: seeds, rows: rows)
    }

    func net(_ backbone: BackboneConfig, seed: UInt64) -> SequenceModel {
        SequenceModel(SequenceModelConfig(backbone: backbone, head: .autoregressive, lookback: window, seed: seed))
    }

    /// Next-value windows from the training part: inputs x[s..<s+W], targets x[s+1...s+W].
    func nextValueSamples() -> SampleSet {
        let x = series
        var inputs: [Float] = [], targets: [Float] = []
        for s in 0...(split - window - 1) {
            inputs += x[s..<(s + window)]
            targets += x[(s + 1)...(s + window)]
        }
        return SampleSet(inputs: inputs, inputShape: [window, 1], targets: targets, targetShape: [window, 1])
    }

    func trainer(seed: UInt64, lr: Float, batch: Int) -> Trainer {
        var config = TrainerConfig(epochs: epochs, batchSize: batch, learningRate: lr, seed: seed)
        config.patience = nil
        return Trainer(config, observer: nil)
    }

    /// Rolled-out second halves [windows × half] from `forecast` given the first halves.
    func evaluate(_ forecast: (Tensor) -> Tensor) -> (mse: Double, predictions: [[Float]]) {
        let x = series
        var context: [Float] = [], truth: [Float] = []
        for s in testStarts {
            context += x[s..<(s + half)]
            truth += x[(s + half)..<(s + window)]
        }
        let predicted = forecast(Tensor(context, shape: [testStarts.count, half, 1])).array
        let predictions = (0..<testStarts.count).map { Array(predicted[($0 * half)..<(($0 + 1) * half)]) }
        return (Metrics.mse(truth, predicted), predictions)
    }

    func neural(_ name: String, _ comparison: String, _ backbone: BackboneConfig, width: Int, plot: String) throws -> SineRow {
        let samples = nextValueSamples()
        var results: [(mse: Double, predictions: [[Float]], seconds: Double)] = []
        var parameters = 0
        for seed in seeds {
            let model = net(backbone, seed: seed)
            parameters = model.parameterCount
            let started = ContinuousClock.now
            try trainer(seed: seed, lr: 3e-3, batch: 32).fit(model, train: samples)
            let seconds = (ContinuousClock.now - started).seconds
            let scored = evaluate { model.rollout($0, steps: half) }
            results.append((scored.mse, scored.predictions, seconds))
            if log { FileHandle.standardError.write(Data("  \(name) (\(comparison)) seed \(seed): rollout MSE \(formatNumber(scored.mse))\n".utf8)) }
        }
        return try row(name, comparison, plot: plot, width: width, parameters: parameters, results)
    }

    func dlinear() throws -> SineRow {
        // Direct: the first half of a window → its second half, trained on the training part.
        let x = series
        var inputs: [Float] = [], targets: [Float] = []
        for s in 0...(split - window) {
            inputs += x[s..<(s + half)]
            targets += x[(s + half)..<(s + window)]
        }
        let samples = SampleSet(inputs: inputs, inputShape: [half, 1], targets: targets, targetShape: [half, 1])
        var results: [(mse: Double, predictions: [[Float]], seconds: Double)] = []
        var parameters = 0
        for seed in seeds {
            let model = LinearForecaster(LinearConfig(kind: .dlinear, lookback: half, horizon: half, movingAverage: 9, seed: seed))
            parameters = model.parameterCount
            let started = ContinuousClock.now
            try trainer(seed: seed, lr: 5e-3, batch: 32).fit(model, train: samples)
            let seconds = (ContinuousClock.now - started).seconds
            let scored = evaluate { model.forecast($0, .inference()) }
            results.append((scored.mse, scored.predictions, seconds))
        }
        return try row("dlinear", "direct, \(half) → \(half)", plot: "dlinear", width: nil, parameters: parameters, results)
    }

    func repeatLast() throws -> SineRow {
        let scored = evaluate { RepeatLast(horizon: half).forecast($0, .inference()) }
        return try row("repeat-last", "naive", plot: "repeat-last", width: nil, parameters: 0, [(scored.mse, scored.predictions, 0)])
    }

    /// The median seed's row, with its overlay plot.
    func row(_ name: String, _ comparison: String, plot slug: String, width: Int?, parameters: Int,
             _ results: [(mse: Double, predictions: [[Float]], seconds: Double)]) throws -> SineRow {
        let order = results.indices.sorted { results[$0].mse < results[$1].mse }
        let median = results[order[order.count / 2]]
        let file = "\(output)/sine-\(slug).svg"
        try plot(name: "\(name) (\(comparison))", mse: median.mse, predictions: median.predictions, path: file)
        return SineRow(model: name, comparison: comparison, width: width, parameters: parameters, mse: median.mse,
                       seedMSE: results.map(\.mse), trainSeconds: results.map(\.seconds).reduce(0, +) / Double(results.count), plot: file)
    }

    func plot(name: String, mse: Double, predictions: [[Float]], path: String) throws {
        let x = series
        let region = split..<length
        var px: [Double] = [], py: [Double] = []
        for (i, s) in testStarts.enumerated() {
            for (j, v) in predictions[i].enumerated() { px.append(Double(s + half + j)); py.append(Double(v)) }
            px.append(.nan)
            py.append(.nan)
        }
        let chart = LinePlot(title: "Sine rollout, \(name): MSE \(formatNumber(mse)) (median seed)", series: [
            .init(name: "truth", color: LinePlot.truthColor, x: region.map(Double.init), y: region.map { Double(x[$0]) }),
            .init(name: "rolled out", color: LinePlot.predictionColor, x: px, y: py, width: 2),
        ])
        try Data(chart.svg().utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
