// `seer train … --save DIR`: train a forecaster (with its conformal widths, or the levels of its
// own intervals, when --levels is given) and keep it as a model directory whose config.json carries the model card.
import ArgumentParser
import Foundation
import Seer

struct TrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a forecaster and save it as a model directory (model.safetensors + config.json).")

    @OptionGroup var input: InputOptions
    @OptionGroup var options: ModelOptions
    @OptionGroup var levels: LevelOptions

    @Option(help: "Model directory to write (replaced atomically; a failed run leaves the old one).")
    var save: String

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        try input.requireInput()
        // Refused before any training: an ensemble has no single model directory yet.
        if options.combine > 1 { throw ValidationError("--combine makes an ensemble, which cannot be saved as one model directory yet; use it with forecast or backtest") }
    }

    func run() throws {
        try reportingErrors {
            let request = try options.request()
            let run = options.run(request, on: try input.forecastData(), progress: quiet ? nil : .automatic)
            let data = run.data
            let trained = try run.train()
            try trained.forecaster.save(to: save, card: ModelCard(trained, data: data, intervals: try levels.intervals(run, trained.forecaster)))
            if !quiet {
                let config = trained.forecaster.config
                let line = "trained \(config.model.rawValue) (\(trained.chosenBy)); look-back \(config.lookback), horizon \(config.horizon); saved \(save)\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
        }
    }
}
