// `seer predict --model DIR FILE`: forecast the next steps of a new history with a model
// directory written by `seer train`, with the intervals its model card calibrated.
import ArgumentParser
import Seer

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Forecast the next steps of a history with a saved model directory.")

    @Option(help: "Model directory written by `seer train --save`.")
    var model: String

    @OptionGroup var input: InputOptions

    func validate() throws { try input.requireInput() }
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            let (forecaster, card) = try Forecaster.loadWithCard(from: model)
            let data = try input.forecastData()
            let result = try ForecastResult(forecaster, data: data, chosenBy: "loaded from \(model)", scores: [:], intervals: card.intervals)
            try output.emit(result, data: data, source: input.source.name)
        }
    }
}
