// `seer backtest FILE --horizon H --folds K`: a rolling-origin backtest, written as
// `unique_id,cutoff,ds,y,<model>` per forecast step (CSV or JSON), with an SVG of every fold.
import ArgumentParser
import Foundation
import Seer

struct BacktestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backtest",
        abstract: "Rolling-origin backtest: refit before each of K cutoffs and forecast the H steps after it.")

    @OptionGroup var input: InputOptions
    @OptionGroup var options: ModelOptions

    @Option(help: "Folds (cutoffs), --step steps apart, the last H steps before the end.")
    var folds = 3

    @Option(help: "Steps between consecutive cutoffs (default: H, folds side by side; smaller overlaps them).")
    var step: Int?

    @Flag(inversion: .prefixedNo, help: "Refit before every cutoff (default), or fit once before the earliest.")
    var refit = true

    @Option(help: "Write the CSV here instead of stdout.")
    var out: String?

    @Option(help: "Write an SVG overlay of every fold's forecast over the history (one panel per series, up to 8).")
    var plot: String?

    @Option(help: "History drawn before the earliest cutoff in the plot: a step count or 'all' (default: the last max(5·H, 200) steps).")
    var plotHistory: String?

    @Flag(help: "Print one JSON document instead of CSV.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        try input.requireInput()
        guard folds >= 1 else { throw ValidationError("--folds must be at least 1") }
        guard (step ?? 1) >= 1 else { throw ValidationError("--step must be at least 1") }
        if let plotHistory, PlotHistory(parsing: plotHistory) == nil {
            throw ValidationError("--plot-history takes a positive number of steps or 'all', not '\(plotHistory)'")
        }
    }

    func run() throws {
        try reportingErrors {
            let request = try options.request()
            let data = try input.forecastData()
            let report = try BacktestReport(options.run(request, on: data, progress: nil), folds: folds, step: step, refit: refit,
                                            observer: quiet || json ? nil : ConsoleProgress(.automatic))
            if let plot { try writeFileAtomically(ForecastFigures.backtest(data, model: report.model, folds: report.foldResults,
                                                                              history: plotHistory.flatMap(PlotHistory.init(parsing:)) ?? .recent), to: plot) }
            if json { return try printJSON(report) }
            if let out { try writeFileAtomically(report.csv, to: out) } else { print(report.csv, terminator: "") }
            if !quiet {
                FileHandle.standardError.write(Data((report.summary + [out, plot].compactMap { $0 }.map { "\nwrote \($0)" }.joined() + "\n").utf8))
            }
        }
    }
}
