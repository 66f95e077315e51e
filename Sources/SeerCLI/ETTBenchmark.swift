// `seer bench ett` (BENCHMARKS.md §1, data README §1): multivariate "M" long-horizon forecasting
// on ETTh1 — every column z-scored with train-row statistics (population std), train/val/test
// rows 8640/2880/2880 (val and test windows reach back L rows into the previous part), every
// test window with stride 1 (no drop_last), MSE and MAE on the normalised scale over windows ×
// steps × channels. Each model trains channel-independently on the train windows with early
// stopping on the validation windows, and is printed beside the published rows.
import ArgumentParser
import Foundation
import Seer

struct ETTRow: Codable {
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

struct ETTBenchResult: Codable {
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

    var text: String {
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
struct ETTNetTraining: Codable {
    var layers = 2
    var dropout: Float = 0.2
    var headDropout: Float = 0
    var linearSkip = false
    var batchSize = 32
    var patience = 5
    /// Decay per step of the weights' moving average (nil: raw weights).
    var averaging: Float? = 0.999
    /// Learning-rate schedule of the nets: cosine (warmup + cosine decay) or halving (every epoch).
    var schedule = TrainerConfig.Schedule.cosine
    /// Patch length and stride of the nets' tokens.
    var patchLength = 16
    var patchStride = 8
}

struct ETTBenchmark {
    var file: String
    var split: [Int]
    var models: [String]
    var lookbacks: [Int]
    var horizons: [Int]
    var epochs: Int
    var width: Int
    /// Learning rate of the nets (DLinear/RLinear keep their authors' 5e-3).
    var learningRate: Float
    var training = ETTNetTraining()
    var log: Bool

    static let knownModels = ["naive", "dlinear", "rlinear", "nt", "dijiang", "dijiang-cffn", "cofrgenet", "gpt"]

    func run() throws -> ETTBenchResult {
        let loaded = try CSVLoader.load(file, options: CSVOptions(layout: .wide))
        let series = loaded.series[0]
        let (trainRows, validRows, testRows) = (split[0], split[1], split[2])
        guard series.rowCount >= trainRows + validRows + testRows else {
            throw UsageFailure("\(file) has \(series.rowCount) rows; --split \(split.map(String.init).joined(separator: ",")) needs \(split.reduce(0, +))")
        }
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
                    let (forecaster, trained, kept, parameters) = try fit(model, lookback: l, horizon: h, channels: channels, train: train,
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
    func fit(_ name: String, lookback l: Int, horizon h: Int, channels: Int, train: SampleSet, validation: SampleSet)
        throws -> (model: any Forecasting, epochs: Int, kept: Int, parameters: Int) {
        let net: any Trainable & Forecasting
        var config = TrainerConfig(epochs: epochs, batchSize: training.batchSize, learningRate: learningRate, seed: 1)
        config.patience = training.patience
        config.averaging = training.averaging
        config.schedule = training.schedule
        switch name {
        case "naive":
            return (RepeatLast(lookback: l, horizon: h), 0, 0, 0)
        case "dlinear", "rlinear":
            // As their authors train them: ≤ 10 epochs (fewer when --epochs says so), lr 5e-3, batch 32,
            // patience 3, raw weights; DLinear's scripts halve the rate every epoch (their "type1").
            net = LinearForecaster(LinearConfig(kind: name == "dlinear" ? .dlinear : .rlinear, lookback: l, horizon: h, channels: channels, seed: 1))
            config = TrainerConfig(epochs: min(10, epochs), batchSize: 32, learningRate: 5e-3, schedule: name == "dlinear" ? .halving : .cosine,
                                   patience: 3, seed: 1)
        default:
            let tokens = Tokenization.patch(length: training.patchLength, stride: training.patchStride)
            let family = ModelFamily(rawValue: name == "dijiang-cffn" ? "dijiang" : name)!
            let backbone = BackboneConfig.smallData(family, width: width, layers: training.layers, dropout: training.dropout,
                                                    tokens: tokens.tokenCount(steps: l), continuedFractionFFN: name == "dijiang-cffn")!
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

struct ETTBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ett",
        abstract: "ETTh1 long-horizon protocol (BENCHMARKS.md §1): M setting, all test windows, beside the published rows.")

    @Option(help: "A CSV of the ETT layout (date + 7 columns).")
    var file = "../shared/data/ett/ETTh1.csv"

    @Option(help: "Train, validation and test rows.")
    var split = "8640,2880,2880"

    @Option(help: "Models, comma-separated: \(ETTBenchmark.knownModels.joined(separator: ", ")).")
    var models = "naive,dlinear,rlinear,nt,dijiang"

    @Option(help: "Look-backs, comma-separated.")
    var lookback = "96,336"

    @Option(help: "Horizons, comma-separated.")
    var horizon = "96,192,336,720"

    @Option(help: "Most training epochs of the nets (DLinear and RLinear: at most 10; early stopping on the validation windows).")
    var epochs = 10

    @Option(help: "Width of the neural nets.")
    var width = 32

    @Option(help: "Learning rate of the neural nets (DLinear and RLinear train at their authors' 5e-3).")
    var learningRate: Float = 1e-3

    @Option(help: "Blocks of the neural nets.")
    var layers = 2

    @Option(help: "Dropout inside the neural nets.")
    var dropout: Float = 0.2

    @Option(help: "Dropout on the flattened tokens entering the nets' direct head.")
    var headDropout: Float = 0

    @Flag(help: "Give the nets a linear look-back → horizon skip that starts at its least-squares fit, the head at zero (residual learning over a linear forecaster).")
    var linearSkip = false

    @Option(help: "Mini-batch size in windows (a window of C channels is C rows for the channel-independent nets).")
    var batchSize = 32

    @Option(help: "Epochs without a better validation loss before training stops.")
    var patience = 5

    @Option(help: "Patch length and stride of the nets' tokens.")
    var patch = "16,8"

    @Option(help: "Learning-rate schedule of the nets: cosine (5 % warmup, then cosine decay) or halving (halved every epoch).")
    var schedule = "cosine"

    @Option(help: "Validate and keep an exponential moving average of the weights with this decay per step (0: the raw weights).")
    var averaging: Float = 0.999

    @Option(help: "Directory for ett.csv and ett.json.")
    var output = "bench-results"

    @Flag(help: "Print one JSON document instead of a table.")
    var json = false

    func run() throws {
        try reportingErrors {
            func integers(_ text: String, _ name: String) throws -> [Int] {
                let values = text.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
                guard !values.isEmpty, values.allSatisfy({ ($0 ?? 0) > 0 }) else { throw UsageFailure("\(name) takes positive whole numbers, comma-separated, not '\(text)'") }
                return values.map { $0! }
            }
            let splitRows = try integers(split, "--split")
            guard splitRows.count == 3 else { throw UsageFailure("--split takes three row counts: train,validation,test") }
            let lookbacks = try integers(lookback, "--lookback"), patchSizes = try integers(patch, "--patch")
            guard patchSizes.count == 2, patchSizes[1] <= patchSizes[0], lookbacks.allSatisfy({ $0 >= patchSizes[0] }) else {
                throw UsageFailure("--patch takes length,stride with stride ≤ length ≤ every look-back, not '\(patch)'")
            }
            guard let netSchedule = TrainerConfig.Schedule(rawValue: schedule), netSchedule != .constant else {
                throw UsageFailure("--schedule is cosine or halving, not '\(schedule)'")
            }
            guard averaging >= 0 && averaging < 1 else { throw UsageFailure("--averaging takes a decay in [0, 1), not \(averaging)") }
            let list = models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard list.allSatisfy(ETTBenchmark.knownModels.contains) else {
                throw UsageFailure("--models takes a comma-separated subset of \(ETTBenchmark.knownModels.joined(separator: ", ")), not '\(models)'")
            }
            guard FileManager.default.fileExists(atPath: file) else {
                throw DataError(.missingInput, "no such file (the ETT data lives in ../shared/data/ett; give --file)", at: SourceLocation(file: file))
            }
            let result = try ETTBenchmark(file: file, split: splitRows, models: list, lookbacks: lookbacks,
                                          horizons: try integers(horizon, "--horizon"), epochs: epochs, width: width,
                                          learningRate: learningRate,
                                          training: ETTNetTraining(layers: layers, dropout: dropout, headDropout: headDropout,
                                                                   linearSkip: linearSkip, batchSize: batchSize, patience: patience,
                                                                   averaging: averaging > 0 ? averaging : nil,
                                                                   schedule: netSchedule, patchLength: patchSizes[0], patchStride: patchSizes[1]),
                                          log: !json).run()
            try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
            var csv = "model,lookback,horizon,mse,mae,test_windows,epochs,kept_epoch,train_seconds,parameters\n"
            for r in result.rows {
                csv += "\(r.model),\(r.lookback),\(r.horizon),\(r.mse),\(r.mae),\(r.testWindows),\(r.epochs),\(r.keptEpoch),\(r.trainSeconds),\(r.parameters)\n"
            }
            try writeFileAtomically(csv, to: output + "/ett.csv")
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try writeFileAtomically(String(decoding: try encoder.encode(result), as: UTF8.self), to: output + "/ett.json")
            if json { try printJSON(result) } else { print(result.text) }
        }
    }
}
