// The `seer` command: forecasting (forecast, train, predict, backtest), inspecting data and
// benchmarks; anomaly scoring and classification arrive with their issues. Errors are printed
// as `seer: file:line:col: …` and mapped to the exit codes of ARCHITECTURE.md, never a stack trace.
import ArgumentParser
import Seer

@main
struct SeerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seer",
        abstract: "Time-series forecasting, anomaly detection and classification with attention-free nets.",
        version: seerVersion,
        subcommands: [ForecastCommand.self, TrainCommand.self, PredictCommand.self, BacktestCommand.self, InspectCommand.self, BenchCommand.self]
    )
}

/// Seer's release version, written into model files and `--version`.
let seerVersion = "0.1.0"
