// The `seer` command: forecasting (forecast, train, predict, backtest), inspecting data and
// benchmarks. Its help says what this build does — anomaly scoring and classification join it
// with their issues, and the help with them. Errors are printed as `seer: error: file:line:col: …`
// and mapped to the exit codes of docs/ARCHITECTURE.md, never a stack trace.
import ArgumentParser
import Foundation
import Seer

@main
struct SeerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seer",
        abstract: "Time-series forecasting with attention-free sequence nets, from CSV or SQLite.",
        discussion: """
            Forecast a file in one command (`seer forecast FILE --horizon H`), keep a trained model \
            (`train` / `predict`), measure it on past cutoffs (`backtest`), look at what is in a file \
            (`inspect`), turn log lines into series (`logs`), serve scores, forecasts and Prometheus \
            metrics over HTTP (`serve`), and check the speed and accuracy claims (`bench`).

            Models (--model):
            \(ModelFamilyDescriptor.all.map { "  \($0.name.padding(toLength: 15, withPad: " ", startingAt: 0))\($0.summary)" }.joined(separator: "\n"))
              auto           the lowest held-out error of
                             \(ForecastRun.autoCandidates.map(\.rawValue).joined(separator: ", "))
            """,
        version: seerVersion,
        subcommands: [ForecastCommand.self, TrainCommand.self, PredictCommand.self, BacktestCommand.self, DetectCommand.self, ClassifyCommand.self, RetrainCommand.self, ModelsCommand.self, InspectCommand.self, LogsCommand.self, ServeCommand.self, BenchCommand.self, SelfTestCommand.self]
    )
}

/// Seer's release version, written into model files and `--version`.
let seerVersion = "0.1.0"
