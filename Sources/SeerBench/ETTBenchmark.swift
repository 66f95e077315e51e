// `seer bench ett` (BENCHMARKS.md §1, data README §1): multivariate "M" long-horizon forecasting
// on ETTh1 — every column z-scored with train-row statistics (population std), train/val/test
// rows 8640/2880/2880 (val and test windows reach back L rows into the previous part), every
// test window with stride 1 (no drop_last), MSE and MAE on the normalised scale over windows ×
// steps × channels. Each model trains channel-independently on the train windows with early
// stopping on the validation windows, and is printed beside the published rows.
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerNN
import SeerTasks
import SeerTensor

public struct ETTRow: Codable {
    var model: String
    var lookback: Int
    var horizon: Int
    var mse: Double
    var mae: Double
    var testWindows: Int
    var epochs: Int
    /// The epoch whose weights were kept (0: the starting weights — with --linear-skip, the
    /// least-squares linear forecaster).
    var keptEpoch: Int
    var trainSeconds: Double
    var parameters: Int
}

public struct ETTBenchResult: Codable {
    var file: String
    var split: [Int]
    /// How the nets trained: most epochs, learning rate, width and the rest.
    var epochs: Int
    var learningRate: Float
    var width: Int
    var training: ETTNetTraining
    var rows: [ETTRow]

    /// Published MSE/MAE (BENCHMARKS.md §1) by model name and look-back, per horizon 96/192/336/720.
    static let published: [(name: String, lookback: Int, values: [(Double, Double)])] = [
        ("repeat-last", 0, [(1.295, 0.713), (1.325, 0.733), (1.323, 0.744), (1.339, 0.756)]),
        ("iTransformer", 96, [(0.386, 0.405), (0.441, 0.436), (0.487, 0.458), (0.503, 0.491)]),
        ("RLinear", 96, [(0.386, 0.395), (0.437, 0.424), (0.479, 0.446), (0.481, 0.470)]),
        ("TimesNet", 96, [(0.384, 0.402), (0.436, 0.429), (0.491, 0.469), (0.521, 0.500)]),
        ("DLinear", 336, [(0.375, 0.399), (0.405, 0.416), (0.439, 0.443), (0.472, 0.490)]),
        ("PatchTST/42", 336, [(0.375, 0.399), (0.414, 0.421), (0.431, 0.436), (0.449, 0.466)]),
        ("PatchTST/64", 512, [(0.370, 0.400), (0.413, 0.429), (0.422, 0.440), (0.447, 0.468)]),
    ]

    public var text: String {
        let horizons = Array(Set(rows.map(\.horizon))).sorted()
        var table = TextTable(["model", "L"] + horizons.map { "H=\($0) MSE/MAE" } + ["avg MSE", "train s", "epochs run/kept"])
        var keys: [(String, Int)] = []
        for r in rows where !keys.contains(where: { $0 == (r.model, r.lookback) }) { keys.append((r.model, r.lookback)) }
        for (model, lookback) in keys {
            let mine = rows.filter { $0.model == model && $0.lookback == lookback }
            let cells = horizons.map { h in mine.first { $0.horizon == h }.map { String(format: "%.3f/%.3f", $0.mse, $0.mae) } ?? "—" }
            let average = mine.count == horizons.count ? String(format: "%.3f", mine.map(\.mse).reduce(0, +) / Double(mine.count)) : "—"
            table.add(["seer " + model, String(lookback)] + cells + [average, String(format: "%.0f", mine.map(\.trainSeconds).reduce(0, +)),
                                                                       mine.map { "\($0.epochs)/\($0.keptEpoch)" }.joined(separator: ",")])
        }
        let index = [96: 0, 192: 1, 336: 2, 720: 3]
        for p in ETTBenchResult.published {
            let cells = horizons.map { h in index[h].map { String(format: "%.3f/%.3f", p.values[$0].0, p.values[$0].1) } ?? "—" }
            let shown = horizons.compactMap { index[$0] }  // the average over the horizons in the table
            let average = shown.map { p.values[$0].0 }.reduce(0, +) / Double(max(1, shown.count))
            table.add(["published " + p.name, p.lookback == 0 ? "—" : String(p.lookback)] + cells + [String(format: "%.3f", average), "", ""])
        }
        let t = training
        return "ETT protocol (M, z-scored by train rows, all test windows) on \(file), split \(split.map(String.init).joined(separator: "/"))\n"
            + "nets: patches \(t.patchLength)/\(t.patchStride), width \(width), \(t.layers) blocks, dropout \(t.dropout), head dropout \(t.headDropout)\(t.linearSkip ? ", linear skip" : ""), "
            + "lr \(learningRate) (\(t.schedule)), batch \(t.batchSize) windows, ≤ \(epochs) epochs, patience \(t.patience)\(t.averaging.map { ", weight average \($0)" } ?? "")\n"
            + table.render(indent: "  ")
    }
}

/// How `bench ett` trains the nets (DLinear and RLinear keep their authors' recipe).
public struct ETTNetTraining: Codable {
    public var layers = 2
    public var dropout: Float = 0.2
    public var headDropout: Float = 0
    public var linearSkip = false
    public var batchSize = 32
    public var patience = 5
    /// Decay per step of the weights' moving average (nil: raw weights).
    public var averaging: Float? = 0.999
    /// Learning-rate schedule of the nets: cosine (warmup + cosine decay) or halving (every epoch).
    public var schedule = TrainerConfig.Schedule.cosine
    /// Patch length and stride of the nets' tokens.
    public var patchLength = 16
    public var patchStride = 8

    public init(layers: Int = 2, dropout: Float = 0.2, headDropout: Float = 0, linearSkip: Bool = false, batchSize: Int = 32, patience: Int = 5, averaging: Float? = 0.999, schedule: TrainerConfig.Schedule = TrainerConfig.Schedule.cosine, patchLength: Int = 16, patchStride: Int = 8) {
        self.layers = layers
        self.dropout = dropout
        self.headDropout = headDropout
        self.linearSkip = linearSkip
        self.batchSize = batchSize
        self.patience = patience
        self.averaging = averaging
        self.schedule = schedule
        self.patchLength = patchLength
        self.patchStride = patchStride
    }

}

public struct ETTBenchmark {
    public var file: String
    public var split: [Int]
    public var models: [String]
    public var lookbacks: [Int]
    public var horizons: [Int]
    public var epochs: Int
    public var width: Int
    /// Learning rate of the nets (DLinear/RLinear keep their authors' 5e-3).
    public var learningRate: Float
    public var training = ETTNetTraining()
    public var log: Bool

    /// Every model variant of the catalog (the speed-only memory modes aside).
    public static let knownModels = ModelVariant.names { $0.purpose == .model && $0.descriptor.kind != .statistical }

    public init(file: String, split: [Int], models: [String], lookbacks: [Int], horizons: [Int], epochs: Int, width: Int, learningRate: Float, training: ETTNetTraining = ETTNetTraining(), log: Bool) {
        self.file = file
        self.split = split
        self.models = models
        self.lookbacks = lookbacks
        self.horizons = horizons
        self.epochs = epochs
        self.width = width
        self.learningRate = learningRate
        self.training = training
        self.log = log
    }

    public func run() throws -> ETTBenchResult {
        let loaded = try CSVLoader.load(file, options: CSVOptions(layout: .wide))
        let series = loaded.series[0]
        let (trainRows, validRows, testRows) = (split[0], split[1], split[2])
        guard series.rowCount >= trainRows + validRows + testRows else {
            throw DataError(.usage, "\(file) has \(series.rowCount) rows; the split \(split.map(String.init).joined(separator: ",")) needs \(split.reduce(0, +))")
        }
        let season = ForecastRun.defaultSeason(series.time.timestamps.flatMap { Frequency.infer($0) })
        let scaler = try StandardScaler.fit(series, rows: 0..<trainRows)
        let scaled = try scaler.transform(series)
        let channels = scaled.columnCount
        // Row-major [rows, channels] for window slicing.
        var table = [Float](repeating: 0, count: scaled.rowCount * channels)
        for (c, column) in scaled.columns.enumerated() { for (r, v) in column.values.enumerated() { table[r * channels + c] = v } }

        /// Windows whose targets lie in rows [from, to), look-backs reaching L rows back.
        func windows(_ l: Int, _ h: Int, targets from: Int, _ to: Int) -> SampleSet {
            var x: [Float] = [], y: [Float] = []
            let first = max(0, from - l)
            var s = first
            while s + l + h <= to {
                x += table[(s * channels)..<((s + l) * channels)]
                y += table[((s + l) * channels)..<((s + l + h) * channels)]
                s += 1
            }
            return SampleSet(inputs: x, inputShape: [l, channels], targets: y, targetShape: [h, channels])
        }

        var rows: [ETTRow] = []
        // Windows once per (L, H), shared by every model (the table groups rows by model).
        for l in lookbacks {
            for h in horizons {
                let train = windows(l, h, targets: 0, trainRows)
                let validation = windows(l, h, targets: trainRows, trainRows + validRows)
                let test = windows(l, h, targets: trainRows + validRows, trainRows + validRows + testRows)
                guard train.count > 0, test.count > 0 else { continue }
                for model in models {
                    let started = ContinuousClock.now
                    let (forecaster, trained, kept, parameters) = try fit(model, lookback: l, horizon: h, season: season, channels: channels, train: train,
                                                                    validation: validation)
                    let seconds = (ContinuousClock.now - started).seconds
                    let (mse, mae) = evaluate(forecaster, test)
                    rows.append(ETTRow(model: model, lookback: l, horizon: h, mse: mse, mae: mae, testWindows: test.count, epochs: trained,
                                       keptEpoch: kept, trainSeconds: seconds, parameters: parameters))
                    if log {
                        FileHandle.standardError.write(Data(String(format: "  %@ L=%d H=%d: MSE %.4f MAE %.4f (%d test windows, %d epochs, kept %d, %.0f s)\n",
                                                                   model, l, h, mse, mae, test.count, trained, kept, seconds).utf8))
                    }
                }
            }
        }
        return ETTBenchResult(file: file, split: split, epochs: epochs, learningRate: learningRate, width: width, training: training, rows: rows)
    }

    /// A trained model of `name`, the epochs it ran, the epoch it kept, and its parameter count.
    func fit(_ name: String, lookback l: Int, horizon h: Int, season: Int, channels: Int, train: SampleSet, validation: SampleSet)
        throws -> (model: any Forecasting, epochs: Int, kept: Int, parameters: Int) {
        let net: any Trainable & Forecasting
        var config = TrainerConfig(epochs: epochs, batchSize: training.batchSize, learningRate: learningRate, seed: 1)
        config.patience = training.patience
        config.averaging = training.averaging
        config.schedule = training.schedule
        let variant = ModelVariant.named(name)!
        switch variant.descriptor.kind {
        case .statistical:
            preconditionFailure("bench ett runs windowed models only")
        case .naive:
            let baseline: any Forecasting = variant.family == .seasonalNaive ? SeasonalNaive(period: min(season, l), horizon: h)
                : RepeatLast(lookback: l, horizon: h)
            return (baseline, 0, 0, 0)
        case .linear:
            // As their authors train them: ≤ 10 epochs (fewer when --epochs says so), lr 5e-3, batch 32,
            // patience 3, raw weights; DLinear's scripts halve the rate every epoch (their "type1").
            net = LinearForecaster(LinearConfig(kind: name == "dlinear" ? .dlinear : .rlinear, lookback: l, horizon: h, channels: channels, seed: 1))
            config = TrainerConfig(epochs: min(10, epochs), batchSize: 32, learningRate: variant.descriptor.smallData?.learningRate ?? 5e-3,
                                   schedule: name == "dlinear" ? .halving : .cosine, patience: 3, seed: 1)
        case .net:
            let tokens = Tokenization.patch(length: training.patchLength, stride: training.patchStride)
            let backbone = variant.backbone(NetShape(width: width, layers: training.layers, heads: 4, dropout: training.dropout),
                                            tokens: tokens.tokenCount(steps: l))!
            let sequence = SequenceModel(SequenceModelConfig(backbone: backbone, head: .direct(horizon: h), lookback: l, channels: channels,
                                                             tokenization: tokens, headDropout: training.headDropout,
                                                             linearSkip: training.linearSkip, seed: 1))
            if training.linearSkip {
                // Start as the least-squares linear forecaster; keep it unless an epoch beats it.
                sequence.initializeSkipByLeastSquares(train)
                config.validateInitialWeights = true
            }
            net = sequence
        }
        let report = try Trainer(config, observer: log ? ConsoleProgress(.lines) : nil).fit(net, train: train, validation: validation)
        return (net, report.epochs.count, report.bestEpoch, net.parameterCount)
    }

    /// MSE and MAE over every test window × step × channel, in batches.
    func evaluate(_ model: any Forecasting, _ test: SampleSet) -> (Double, Double) {
        var squared = 0.0, absolute = 0.0, count = 0
        var start = 0
        while start < test.count {
            let indices = Array(start..<min(test.count, start + 256))
            let (x, y) = test.batch(indices)
            let predicted = model.forecast(x, .inference()).array, truth = y.array
            for i in truth.indices {
                let e = Double(predicted[i]) - Double(truth[i])
                squared += e * e
                absolute += abs(e)
            }
            count += truth.count
            start += indices.count
        }
        return (squared / Double(max(1, count)), absolute / Double(max(1, count)))
    }
}

extension ETTBenchResult {
    /// Writes ett.csv (one row per model, look-back and horizon) and ett.json (everything) into `directory`.
    public func write(to directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var csv = "model,lookback,horizon,mse,mae,test_windows,epochs,kept_epoch,train_seconds,parameters\n"
        for r in rows {
            csv += "\(r.model),\(r.lookback),\(r.horizon),\(r.mse),\(r.mae),\(r.testWindows),\(r.epochs),\(r.keptEpoch),\(r.trainSeconds),\(r.parameters)\n"
        }
        try writeFileAtomically(csv, to: directory + "/ett.csv")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writeFileAtomically(String(decoding: try encoder.encode(self), as: UTF8.self), to: directory + "/ett.json")
    }
}
