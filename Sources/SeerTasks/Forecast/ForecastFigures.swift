// Pictures of forecasts: one panel per sequence (the first `maxPanels`), history grey, actuals
// blue, forecasts red, interval bands shaded (wider levels lighter), dates on the x axis when
// the series has timestamps; and the HTML report that wraps a forecast's inputs, model, scores
// and figure.
import SeerData
import SeerEval
import SeerModels

/// How much history a forecast or backtest plot draws before the forecasts.
public enum PlotHistory: Equatable, Sendable {
    /// The last max(5·H, 200) steps (Nixtla's `max_insample_length` idea): on a long series the
    /// H forecast steps stay a readable part of the picture.
    case recent
    /// The last n steps.
    case last(Int)
    /// Every step.
    case all

    /// Parses `all` or a positive step count.
    public init?(parsing text: String) {
        if text == "all" {
            self = .all
        } else if let n = Int(text), n >= 1 {
            self = .last(n)
        } else {
            return nil
        }
    }

    /// Steps of history to draw before the first forecast step.
    public func steps(horizon: Int) -> Int {
        switch self {
        case .recent: return max(5 * horizon, 200)
        case .last(let n): return n
        case .all: return .max
        }
    }
}

/// The SVG figures and the HTML report of forecasts and backtests.
public enum ForecastFigures {
    public static let maxPanels = 8

    /// x values of sequence `s`'s steps (epoch seconds when timestamped, else indices).
    static func xs(_ data: ForecastData, _ s: Int, steps: Range<Int>) -> [Double] {
        steps.map { step in data.timestamp(s, step: step).map(Double.init) ?? Double(step) }
    }

    static func panel(_ data: ForecastData, _ s: Int, title: String) -> LinePlot {
        var plot = LinePlot(title: title, series: [])
        plot.height = 280
        if data.sequences[s].timestamps != nil { plot.xLabel = LinePlot.dateLabel }
        return plot
    }

    /// The forecast of every sequence after (the recent part of) its history.
    public static func forecast(_ data: ForecastData, _ result: ForecastResult, history: PlotHistory = .recent) -> String {
        var plots: [LinePlot] = []
        for s in data.sequences.indices.prefix(maxPanels) {
            let n = data.sequences[s].values.count, h = result.horizon
            let first = max(0, n - history.steps(horizon: h))
            let rows = Array(result.rows[(s * h)..<((s + 1) * h)])
            var plot = panel(data, s, title: "\(data.sequences[s].id): \(result.model), \(h) steps")
            let future = xs(data, s, steps: n..<(n + h))
            // Bands from the widest level in, so narrower ones shade on top.
            for (i, level) in result.levels.enumerated().reversed() {
                plot.bands.append(LinePlot.Band(name: "\(level) % interval", color: LinePlot.predictionColor,
                                                opacity: 0.12 + 0.1 * Double(result.levels.count - 1 - i),
                                                x: future, lower: rows.map { Double($0.bounds[2 * i]) }, upper: rows.map { Double($0.bounds[2 * i + 1]) }))
            }
            plot.series.append(LinePlot.Series(name: "history", color: LinePlot.historyColor, x: xs(data, s, steps: first..<n),
                                               y: data.sequences[s].values[first...].map(Double.init)))
            // The forecast line starts at the last observed value, so it joins the history.
            plot.series.append(LinePlot.Series(name: "forecast", color: LinePlot.predictionColor,
                                               x: xs(data, s, steps: (n - 1)..<n) + future,
                                               y: [Double(data.sequences[s].values[n - 1])] + rows.map { Double($0.value) }, width: 2))
            plots.append(plot)
        }
        return LinePlot.stacked(plots)
    }

    /// Every backtest fold of every sequence over its history: actuals of the folds in blue,
    /// each fold's forecast in red (one segment per fold).
    public static func backtest(_ data: ForecastData, model: String, folds: [BacktestFold], history: PlotHistory = .recent) -> String {
        var plots: [LinePlot] = []
        for s in data.sequences.indices.prefix(maxPanels) {
            let values = data.sequences[s].values, n = values.count
            var plot = panel(data, s, title: "\(data.sequences[s].id): \(model) backtest, \(folds.count) folds")
            let x = xs(data, s, steps: 0..<n)
            var actual = [Double](repeating: .nan, count: n), forecast: [Double] = [], forecastX: [Double] = []
            for fold in folds {
                guard let cutoff = fold.cutoffs[s] else { continue }
                for (k, value) in fold.forecasts[s].enumerated() {
                    actual[cutoff + k] = Double(values[cutoff + k])
                    forecastX.append(x[cutoff + k])
                    forecast.append(Double(value))
                }
                forecastX.append(.nan)
                forecast.append(.nan)
            }
            if let first = actual.firstIndex(where: { !$0.isNaN }), first > 0 { actual[first - 1] = Double(values[first - 1]) }
            // The recent history before the earliest cutoff, then the folds.
            let horizon = folds.first?.forecasts[s].count ?? 0
            let earliest = folds.compactMap { $0.cutoffs[s] }.min() ?? n
            let start = max(0, earliest - 1 - history.steps(horizon: horizon))
            plot.series = [
                LinePlot.Series(name: "history", color: LinePlot.historyColor, x: Array(x[start...]), y: values[start...].map(Double.init)),
                LinePlot.Series(name: "actual", color: LinePlot.truthColor, x: Array(x[start...]), y: Array(actual[start...]), width: 2),
                LinePlot.Series(name: "forecast", color: LinePlot.predictionColor, x: forecastX, y: forecast, width: 2),
            ]
            plots.append(plot)
        }
        return LinePlot.stacked(plots)
    }

    /// The HTML report of a forecast run.
    public static func report(_ data: ForecastData, _ result: ForecastResult, source: String, history: PlotHistory = .recent) -> String {
        let lengths = data.sequences.map(\.values.count)
        let inputs: [(String, String)] = [
            ("input", source),
            ("sequences", "\(data.sequences.count)" + (data.sequences.count > 1 ? " (\(data.sequences.prefix(5).map(\.id).joined(separator: ", "))\(data.sequences.count > 5 ? ", …" : ""))" : " (\(data.sequences[0].id))")),
            ("steps per sequence", lengths.min() == lengths.max() ? "\(lengths[0])" : "\(lengths.min()!)–\(lengths.max()!)"),
            ("frequency", result.frequency ?? "none (row index)"),
            ("history", data.sequences[0].timestamps.map { "\(data.timestampFormat.format($0.first!)) → \(data.timestampFormat.format($0.last!))" } ?? "steps 0–\(lengths[0] - 1)"),
        ]
        let model: [(String, String)] = [
            ("model", result.model), ("chosen by", result.chosenBy)] + result.settings.map { ($0.name, $0.value) } + [
            // A statistical model (Theta) fits the whole history; only windowed models have a look-back.
            ("look-back", ModelFamily(rawValue: result.model)?.descriptor.kind == .statistical ? "the whole history" : "\(result.lookback) steps"),
            ("horizon", "\(result.horizon) steps"),
            ("intervals", result.levels.isEmpty ? "none" : result.levels.map { "\($0) %" }.joined(separator: ", ") + ", " + (result.intervalSource ?? "")),
        ]
        let scores = result.scores.sorted { $0.value < $1.value }.map { [$0.key, formatNumber($0.value)] }
        var sections = [
            HTMLReport.Section("Inputs", [.keyValues(inputs)]),
            HTMLReport.Section("Model", [.keyValues(model)]),
        ]
        if !scores.isEmpty {
            let cross = result.scoreName.hasPrefix("cross-validated")
            sections.append(HTMLReport.Section(cross ? "Cross-validation" : "Held-out error", [
                .paragraph(cross ? "Mean absolute scaled error (MAE over the in-sample seasonal-naive MAE) of each candidate over "
                                 + "rolling-origin folds H steps apart ending at the last row; the lowest was chosen."
                                 : "Mean squared error on the last 20 % of each sequence's look-back → horizon windows, which training did not use."),
                .table(header: ["model", cross ? "MASE" : "MSE"], rows: scores),
            ]))
        }
        sections.append(HTMLReport.Section("Forecast", [
            .figure(svg: forecast(data, result, history: history), caption: "History grey, forecast red" + (result.levels.isEmpty ? "" : ", intervals shaded")
                + (data.sequences.count > maxPanels ? "; the first \(maxPanels) of \(data.sequences.count) sequences" : "") + "."),
            .table(header: ["unique_id", "ds"] + result.columnNames,
                   rows: result.rows.prefix(200).map { [$0.uniqueId, $0.ds, formatNumber(Double($0.value))] + $0.bounds.map { formatNumber(Double($0)) } }),
        ]))
        return HTMLReport(title: "Seer forecast: \(source)", sections: sections).html()
    }
}
