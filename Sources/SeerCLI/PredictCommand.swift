// `seer predict --model DIR FILE`: forecast the next steps of a new history with a model
// directory written by `seer train`, with the intervals its model card calibrated — or, for a
// classifier saved by `seer classify --save`, the class of every case of a `.ts`/`.tsv`/CSV file or SQLite table
// (`case,truth,predicted,p_<class>…`; the accuracy on stderr when the file has labels).
import ArgumentParser
import Seer

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Forecast the next steps of a history (or classify cases) with a saved model directory.")

    @Option(help: "Model directory written by `seer train --save`.")
    var model: String

    @OptionGroup var input: InputOptions

    @OptionGroup(title: "Columns of a CSV or SQL table of cases (a classifier)") var caseColumns: CaseColumnOptions

    func validate() throws { try input.requireInput() }
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            if Classifier.isClassifier(model) { return try classify() }
            let (forecaster, card) = try Forecaster.loadWithCard(from: model)
            let data = try input.forecastData()
            let result = try ForecastResult(forecaster, data: data, chosenBy: "loaded from \(model)", scores: [:], intervals: card.intervals)
            try output.emit(result, data: data, source: input.source.name)
        }
    }

    /// The saved classifier on the cases of FILE.
    private func classify() throws {
        let source: CaseSource = input.sqlite.map { .sqlite(database: $0, source: input.sqliteSource, columns: caseColumns.roles) }
            ?? .file(input.file!, columns: caseColumns.roles)
        let file = source.name
        let data = try source.load()
        let classifier = try Classifier.load(from: model)
        let predictions = try classifier.predictions(data, source: file)
        let predicted = predictions.map(\.predicted)
        let truth = data.isLabelled ? predictions.map { $0.truth! } : nil
        let csv = ClassPrediction.csv(predictions, classes: classifier.classNames)
        if let out = output.out { try writeFileAtomically(csv, to: out) } else { print(csv, terminator: "") }
        if let truth, !output.quiet {
            let right = zip(truth, predicted).filter { $0 == $1 }.count
            printNote("\(classifier.model.rawValue) from \(model): accuracy \(String(format: "%.4f", Double(right) / Double(truth.count))) (\(right)/\(truth.count)) on \(file)")
        }
    }
}
