// `seer bench stock` (BENCHMARKS.md §4, the second numeric experiment of the original NT report;
// data README §3): the next day's close from past closes only, on daily price files (GOOG
// 2004–2013, ORCL 1995–2014). Per file, the last 20 % of the days is the test set, the 10 % before
// it validates (early stopping) and the rest trains. Every zoo net, GPT and DLinear read the last L
// closes and predict the next one, beside the random walk (tomorrow = today), which is very hard to
// beat on daily prices — the point of the experiment is to measure whether anything does. Reported
// per file and model: MAE, RMSE, directional accuracy and MAE / MAE(random walk), the figures of
// the median-MAE seed; an SVG overlay per trained model and file (truth blue, prediction red).
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerNN
import SeerTasks
import SeerTensor

/// One model's figures on one file's test days (those of its median-MAE seed).
public struct StockRow: Codable {
    var model: String
    var parameters: Int
    /// Mean absolute error of the predicted closes, in the file's price units.
    var mae: Double
    var rmse: Double
    /// Share of test days whose predicted direction from today's close (up, down or flat) was the actual one.
    var directionalAccuracy: Double
    /// MAE over the random walk's MAE on the same days (< 1: better than tomorrow = today); nil
    /// when the random walk is exact (a constant series), so there is nothing to compare with.
    var maeRatio: Double?
    var seedMAE: [Double]
    /// Epochs run and the epoch whose weights were kept (0 for the random walk).
    var epochs: Int
    var keptEpoch: Int
    var trainSeconds: Double
    var plot: String?
}

/// One file: its split, how its test days moved, and every model's row (the random walk last).
public struct StockFileResult: Codable {
    var file: String
    var column: String
    var days: Int
    /// Days of the training part (rows 0..<trainDays); its windows predict rows lookback..<trainDays.
    var trainDays: Int
    var validationDays: Int
    var testDays: Int
    /// Row (0-based) of the first test day: the test days are rows testStart..<days.
    var testStart: Int
    var testFrom: String?
    var testTo: String?
    /// Shares of test days whose close rose, and stayed exactly the same, from the day before.
    var upShare: Double
    var flatShare: Double
    /// Mean |close[t] − close[t−1]| over the test days.
    var randomWalkMAE: Double
    var rows: [StockRow]
}

public struct StockBenchResult: Codable {
    var lookback: Int
    var tokens: String
    var width: Int
    var layers: Int
    var dropout: Float
    var epochs: Int
    var patience: Int
    var seeds: [UInt64]
    var files: [StockFileResult]
    /// "model on file (MAE ratio)" for every MAE below the random walk's; empty when nothing beats it.
    var beatsRandomWalk: [String]

    /// The protocol in a few lines, one table per file, and the verdict against the random walk.
    public var text: String {
        var out = "Stock next-day close (BENCHMARKS.md §4): past closes only, the last \(lookback) → the next; per file the last 20 % "
        out += "of the days is the test set, the 10 % before it validation (early stopping), the rest training\n"
        out += "windows are % changes from their last close (today), so every day weighs the same at any price level; nets: \(tokens), "
        out += "width \(width), \(layers) blocks, dropout \(dropout), RevIN, direct head; ≤ \(epochs) epochs, patience \(patience); "
        out += "seeds \(seeds) (the median-MAE seed's figures)\n"
        out += "dir. acc.: share of test days with sign(predicted − today) = sign(actual − today), signs −1/0/+1, so the random walk "
        out += "(never calling a direction) scores the share of flat days\n"
        for f in files {
            var table = TextTable(["model", "params", "MAE", "RMSE", "dir. acc.", "MAE / RW", "per-seed MAE", "epochs run/kept", "train s", "plot"])
            for r in f.rows {
                table.add([r.model, String(r.parameters), formatNumber(r.mae), formatNumber(r.rmse), String(format: "%.3f", r.directionalAccuracy),
                           r.maeRatio.map { String(format: "%.4f", $0) } ?? "—", r.seedMAE.map(formatNumber).joined(separator: " "),
                           r.epochs > 0 ? "\(r.epochs)/\(r.keptEpoch)" : "—", String(format: "%.1f", r.trainSeconds), r.plot ?? "—"])
            }
            let range = f.testFrom.flatMap { from in f.testTo.map { ", \(from) → \($0)" } } ?? ""
            let up = String(format: "%.1f", 100 * f.upShare), flat = String(format: "%.1f", 100 * f.flatShare)
            out += "\n\(f.file) (column \(f.column)): \(f.days) days; train \(f.trainDays) (\(max(0, f.trainDays - lookback)) windows) / "
            out += "validation \(f.validationDays) / test \(f.testDays)\(range); test days up \(up) %, flat \(flat) %\n"
            out += table.render(indent: "  ") + "\n"
        }
        if beatsRandomWalk.isEmpty {
            out += "\nRandom walk (tomorrow = today): nothing beats it on MAE — every MAE / RW ratio is ≥ 1 on every file. "
                + "Daily closes are close to a random walk, so this is the expected outcome.\n"
        } else {
            out += "\nRandom walk (tomorrow = today): beaten on MAE by \(beatsRandomWalk.joined(separator: ", ")). Daily closes are close "
                + "to a random walk: a ratio just under 1 on one split is within noise until it holds over several seeds.\n"
        }
        return out
    }
}

public struct StockBenchmark {
    /// Daily price CSVs with a Close column (any case), oldest day first.
    public var files: [String]
    /// Models beside the random walk (which always runs), from `knownModels`.
    public var models: [String] = StockBenchmark.knownModels
    /// Past closes each forecast reads.
    public var lookback = 64
    /// Most training epochs (DLinear: at most 10, as its authors train it).
    public var epochs = 10
    public var width = 32
    public var layers = 2
    /// The forecaster's small-data nets use 0.2 (ModelFamily's descriptors).
    public var dropout: Float = 0.2
    /// Epochs without a better validation loss before training stops.
    public var patience = 3
    public var seeds: [UInt64] = [1]
    /// Directory for the SVG overlays.
    public var output: String
    /// Progress lines on stderr.
    public var log: Bool

    /// The two files of ../shared/data/stock, relative to the package root.
    public static let defaultFiles = ["../shared/data/stock/GOOG.csv", "../shared/data/stock/orcl-1995-2014.csv"]

    /// The models `models` may name, in the order rows are printed: the catalog's nets (every zoo
    /// net and GPT, the memory modes aside), then DLinear.
    public static let knownModels = ModelVariant.names(where: { $0.purpose == .model && $0.descriptor.kind == .net })
        + ModelVariant.names(where: { $0.family == .dlinear })

    /// The name of the baseline row: tomorrow's close = today's.
    public static let randomWalk = "random-walk"

    public init(files: [String] = StockBenchmark.defaultFiles, models: [String] = StockBenchmark.knownModels, lookback: Int = 64, epochs: Int = 10,
                width: Int = 32, layers: Int = 2, dropout: Float = 0.2, patience: Int = 3, seeds: [UInt64] = [1], output: String, log: Bool) {
        self.files = files
        self.models = models
        self.lookback = lookback
        self.epochs = epochs
        self.width = width
        self.layers = layers
        self.dropout = dropout
        self.patience = patience
        self.seeds = seeds
        self.output = output
        self.log = log
    }

    /// Patches of 16 (stride 8) from a look-back of 32 on, one token per day below: the rule of
    /// Seer's forecaster, so the nets here are the ones `seer forecast` trains.
    var tokenization: Tokenization { lookback >= 32 ? .patch(length: 16, stride: 8) : .point }

    public func run() throws -> StockBenchResult {
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        var results: [StockFileResult] = []
        for file in files { results.append(try benchmark(file)) }
        var beaten: [String] = []
        for f in results {
            for r in f.rows where r.model != Self.randomWalk {
                if let ratio = r.maeRatio, ratio < 1 { beaten.append("\(r.model) on \(f.file) (\(String(format: "%.4f", ratio)))") }
            }
        }
        let tokens: String
        switch tokenization {
        case .point: tokens = "one token per day"
        case .patch(let length, let stride): tokens = "patches \(length)/\(stride)"
        }
        return StockBenchResult(lookback: lookback, tokens: tokens, width: width, layers: layers, dropout: dropout, epochs: epochs,
                                patience: patience, seeds: seeds, files: results, beatsRandomWalk: beaten)
    }

    /// The close column of `path` (its name as written), oldest day first, and the days' timestamps
    /// when the file has dates.
    func load(_ path: String) throws -> (closes: [Float], column: String, timestamps: [Int64]?) {
        // Rows sorted by date: next-day prediction means nothing on rows out of order.
        let loaded = try CSVLoader.load(path, options: CSVOptions(layout: .wide, order: .sort))
        let series = loaded.series[0]
        guard let index = series.columns.firstIndex(where: { $0.name.trimmingCharacters(in: .whitespaces).lowercased() == "close" }) else {
            throw DataError(.badInput, "no Close column (columns: \(series.columnNames.joined(separator: ", "))); the stock benchmark "
                            + "reads the daily closing price", file: path)
        }
        let closes = series.columns[index].values
        // Windows are measured relative to today's close, so every close must be a positive number.
        if let row = closes.firstIndex(where: { !($0 > 0) }) {
            throw DataError(.badInput, closes[row].isNaN ? "missing close price (every day needs one)"
                                : "close price \(closes[row]) is not positive (changes are measured relative to today's close)",
                            at: series.location(ofRow: row, column: index))
        }
        return (closes, series.columns[index].name, series.time.timestamps)
    }

    /// Windows predicting the closes of rows `targets` from the `lookback` closes before each, all
    /// as % change from the window's last close: 100·(close/today − 1). Prices run from 2 to 800
    /// across these files; in raw units the loss would weigh a day by its price squared, and
    /// DLinear (no RevIN) would extrapolate to price levels it never saw. The nets' RevIN then
    /// normalises each window again, as in Seer's forecaster.
    func windows(_ closes: [Float], targets: Range<Int>) -> SampleSet {
        var x: [Float] = [], y: [Float] = []
        x.reserveCapacity(targets.count * lookback)
        y.reserveCapacity(targets.count)
        for t in targets {
            let today = Double(closes[t - 1])
            for i in (t - lookback)..<t { x.append(Float(100 * (Double(closes[i]) / today - 1))) }
            y.append(Float(100 * (Double(closes[t]) / today - 1)))
        }
        return SampleSet(inputs: x, inputShape: [lookback, 1], targets: y, targetShape: [1, 1])
    }

    func benchmark(_ path: String) throws -> StockFileResult {
        let (closes, column, timestamps) = try load(path)
        let name = URL(fileURLWithPath: path).lastPathComponent
        let days = closes.count
        // The last 20 % of the days (rounded up to a whole day) is the test set; the last eighth of
        // the rest (10 % of the file) validates; windows reach back `lookback` days into the part
        // before, as in the ETT protocol, so no test day is lost to its look-back.
        let testStart = days * 8 / 10
        let validationStart = testStart - testStart / 8
        guard validationStart - lookback >= 16, testStart > validationStart else {
            throw DataError(.usage, "\(days) days are too few for a look-back of \(lookback): the training part (\(validationStart) days) "
                            + "needs at least \(lookback + 16)", file: path)
        }
        let train = windows(closes, targets: lookback..<validationStart)
        let validation = windows(closes, targets: validationStart..<testStart)
        let test = windows(closes, targets: testStart..<days)
        let todays = (testStart..<days).map { Double(closes[$0 - 1]) }
        let actual = (testStart..<days).map { Double(closes[$0]) }
        let walk = Self.score(todays, actual: actual, todays: todays)
        let dates = timestamps.map { t in (LinePlot.dateLabel(Double(t[testStart])), LinePlot.dateLabel(Double(t[days - 1]))) }
        if log {
            FileHandle.standardError.write(Data("stock: \(name), \(days) days, \(days - testStart) test days; random walk MAE \(formatNumber(walk.mae))\n".utf8))
        }
        // The plots' x axis: the test days' dates when the file has them, else their row numbers.
        let x = (testStart..<days).map { row in timestamps.map { Double($0[row]) } ?? Double(row) }
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent

        var rows: [StockRow] = []
        for model in Self.knownModels where models.contains(model) {
            var runs: [(scores: StockScores, predicted: [Double], epochs: Int, kept: Int, seconds: Double)] = []
            var parameters = 0
            for seed in seeds {
                let started = ContinuousClock.now
                let fitted = try fit(model, seed: seed, train: train, validation: validation)
                let seconds = (ContinuousClock.now - started).seconds
                parameters = fitted.parameters
                let predicted = predict(fitted.model, test, todays: todays)
                let scores = Self.score(predicted, actual: actual, todays: todays)
                runs.append((scores, predicted, fitted.epochs, fitted.kept, seconds))
                if log {
                    let line = "  \(name) \(model) seed \(seed): MAE \(formatNumber(scores.mae)) (random walk \(formatNumber(walk.mae))), "
                        + "dir. acc. \(String(format: "%.3f", scores.direction)), \(fitted.epochs) epochs, \(String(format: "%.0f", seconds)) s\n"
                    FileHandle.standardError.write(Data(line.utf8))
                }
            }
            let order = runs.indices.sorted { runs[$0].scores.mae < runs[$1].scores.mae }
            let median = runs[order[order.count / 2]]
            let file = "\(output)/stock-\(stem)-\(model).svg"
            var chart = LinePlot(title: "\(name) next-day close, \(model): MAE \(formatNumber(median.scores.mae)) "
                                 + "(random walk \(formatNumber(walk.mae))), median seed", series: [
                .init(name: "truth", color: LinePlot.truthColor, x: x, y: actual),
                .init(name: model, color: LinePlot.predictionColor, x: x, y: median.predicted, width: 1),
            ])
            if timestamps != nil { chart.xLabel = LinePlot.dateLabel }
            try Data(chart.svg().utf8).write(to: URL(fileURLWithPath: file), options: .atomic)
            rows.append(StockRow(model: model, parameters: parameters, mae: median.scores.mae, rmse: median.scores.rmse,
                                 directionalAccuracy: median.scores.direction, maeRatio: walk.mae > 0 ? median.scores.mae / walk.mae : nil,
                                 seedMAE: runs.map(\.scores.mae), epochs: median.epochs, keptEpoch: median.kept,
                                 trainSeconds: runs.map(\.seconds).reduce(0, +) / Double(runs.count), plot: file))
        }
        rows.append(StockRow(model: Self.randomWalk, parameters: 0, mae: walk.mae, rmse: walk.rmse, directionalAccuracy: walk.direction,
                             maeRatio: walk.mae > 0 ? 1 : nil, seedMAE: [walk.mae], epochs: 0, keptEpoch: 0, trainSeconds: 0, plot: nil))
        let moves = zip(actual, todays).map { $0 - $1 }
        return StockFileResult(file: path, column: column, days: days, trainDays: validationStart, validationDays: testStart - validationStart,
                               testDays: days - testStart, testStart: testStart, testFrom: dates?.0, testTo: dates?.1,
                               upShare: Double(moves.filter { $0 > 0 }.count) / Double(moves.count),
                               flatShare: Double(moves.filter { $0 == 0 }.count) / Double(moves.count),
                               randomWalkMAE: walk.mae, rows: rows)
    }

    /// A trained model of `name` (a net or DLinear), the epochs it ran, the epoch it kept, and its parameter count.
    func fit(_ name: String, seed: UInt64, train: SampleSet, validation: SampleSet)
        throws -> (model: any Forecasting, epochs: Int, kept: Int, parameters: Int) {
        let variant = ModelVariant.named(name)!
        let net: any Trainable & Forecasting
        var config: TrainerConfig
        if variant.descriptor.kind == .net {
            // As `bench ett` builds them: the catalog's backbone, RevIN on (the direct head's default), here one step ahead.
            let tokens = tokenization
            let backbone = variant.backbone(NetShape(width: width, layers: layers, heads: 4, dropout: dropout),
                                            tokens: tokens.tokenCount(steps: lookback))!
            net = SequenceModel(SequenceModelConfig(backbone: backbone, head: .direct(horizon: 1), lookback: lookback, tokenization: tokens,
                                                    seed: seed))
            config = TrainerConfig(epochs: epochs, batchSize: 32, learningRate: variant.descriptor.smallData?.learningRate ?? 1e-3, seed: seed)
            config.patience = patience
        } else {
            // DLinear as its authors train it: ≤ 10 epochs, lr 5e-3, batch 32, the rate halved every epoch.
            net = LinearForecaster(LinearConfig(kind: .dlinear, lookback: lookback, horizon: 1, seed: seed))
            config = TrainerConfig(epochs: min(10, epochs), batchSize: 32, learningRate: variant.descriptor.smallData?.learningRate ?? 5e-3,
                                   schedule: .halving, patience: patience, seed: seed)
        }
        let report = try Trainer(config, observer: nil).fit(net, train: train, validation: validation)
        return (net, report.epochs.count, report.bestEpoch, net.parameterCount)
    }

    /// Predicted closes of the test days: the model's % change applied to today's close, in batches.
    func predict(_ model: any Forecasting, _ test: SampleSet, todays: [Double]) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(test.count)
        var start = 0
        while start < test.count {
            let indices = Array(start..<min(test.count, start + 256))
            let (x, _) = test.batch(indices)
            let change = model.forecast(x, .inference()).array
            for (k, i) in indices.enumerated() { out.append(todays[i] * (1 + Double(change[k]) / 100)) }
            start += indices.count
        }
        return out
    }

    /// MAE, RMSE and directional accuracy of `predicted` against `actual` closes.
    ///
    /// Directional accuracy: the share of days where sign(predicted − today) = sign(actual − today),
    /// with signs −1, 0, +1 and every test day in the denominator. A zero change is its own
    /// direction: a flat day is a hit only for a flat prediction, and a flat prediction only on a
    /// flat day. So the random walk, which always predicts no change and never calls a direction,
    /// scores exactly the share of flat days rather than a free 50 %; a model that always calls
    /// "up" scores the share of up days.
    static func score(_ predicted: [Double], actual: [Double], todays: [Double]) -> StockScores {
        var absolute = 0.0, squared = 0.0, hits = 0
        for i in actual.indices {
            let e = predicted[i] - actual[i]
            absolute += abs(e)
            squared += e * e
            if direction(predicted[i] - todays[i]) == direction(actual[i] - todays[i]) { hits += 1 }
        }
        let n = Double(max(1, actual.count))
        return StockScores(mae: absolute / n, rmse: (squared / n).squareRoot(), direction: Double(hits) / n)
    }

    static func direction(_ change: Double) -> Int { change > 0 ? 1 : change < 0 ? -1 : 0 }
}

/// The three figures of one set of predictions.
struct StockScores {
    var mae: Double
    var rmse: Double
    var direction: Double
}
