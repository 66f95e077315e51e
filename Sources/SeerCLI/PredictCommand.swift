// `seer predict --model DIR FILE`: forecast the next steps of a new history with a model
// directory written by `seer train`, with the intervals its model card calibrated — or, for a
// classifier saved by `seer classify --save`, the class of every case of a `.ts`/`.tsv`/CSV file or SQLite table
// (`case,truth,predicted,p_<class>…`; the accuracy on stderr when the file has labels).
// `--registry R --key K FILE` forecasts with a registered version (the champion by default);
// `--job JOB.yaml` forecasts every key of a retraining job with its champion from the job's
// sources, into one CSV or one SQLite table written in one transaction.
import ArgumentParser
import Seer

struct PredictCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Forecast the next steps of a history (or classify cases) with a saved model directory or a registry's champion.")

    @Option(help: "Model directory written by `seer train --save` (or `seer classify --save`).")
    var model: String?

    @OptionGroup var registered: RegistryModelOptions

    @Option(help: "A retraining job: forecast every key with its champion, from the job's sources and registry.")
    var job: String?

    @Option(help: "With --job: write the forecasts into a PostgreSQL table (postgres:// URL) in one transaction.")
    var outPostgres: String?

    @Option(help: "With --out-postgres: the table.")
    var outPostgresTable = "forecasts"

    @OptionGroup var input: InputOptions

    @OptionGroup(title: "Columns of a CSV or SQL table of cases (a classifier)") var caseColumns: CaseColumnOptions

    func validate() throws {
        guard [model != nil, registered.registry != nil, job != nil].filter({ $0 }).count == 1 else {
            throw ValidationError("give one of --model DIR, --registry R --key K, or --job JOB.yaml")
        }
        if outPostgres != nil && job == nil { throw ValidationError("--out-postgres goes with --job") }
        if job == nil { try input.requireInput() }
    }
    @OptionGroup var output: OutputOptions

    func run() throws {
        try reportingErrors {
            if let job { return try forecastChampions(job) }
            let loaded: (forecaster: Forecaster, card: ModelCard), from: String
            if let version = try registered.load() {
                (loaded, from) = ((version.forecaster, version.card), version.from)
            } else {
                let model = model!
                if Classifier.isClassifier(model) { return try classify(model) }
                loaded = try Forecaster.loadWithCard(from: model)
                from = model
            }
            let data = try input.forecastData()
            let result = try ForecastResult(loaded.forecaster, data: data, chosenBy: "loaded from \(from)", scores: [:], intervals: loaded.card.intervals)
            try output.emit(result, data: data, source: input.source.name)
        }
    }

    /// Every key of a job with its champion.
    private func forecastChampions(_ path: String) throws {
        let job = try RetrainJob.load(path)
        guard let location = registered.registry ?? job.registry.map({ ModelRegistry.isPostgresURL($0) ? $0 : job.resolve($0) }) else {
            throw DataError(.usage, "the job names no registry:", file: path)
        }
        let champions = try ChampionForecasts(job: job, registry: try ModelRegistry(location: location, store: registered.modelStore ?? job.modelStore.map(job.resolve), create: false))
        if let url = outPostgres {
            try champions.writePostgres(to: url, table: outPostgresTable)
        } else if let database = output.outSqlite {
            try champions.writeSQLite(to: database, table: output.outTable ?? "forecasts")
        } else if let out = output.out {
            try writeFileAtomically(champions.csv, to: out)
        } else {
            print(champions.csv, terminator: "")
        }
        for failure in champions.failures { printNote("\(failure.key): \(failure.error)") }
        if !output.quiet { printNote("\(champions.forecasts.count) champions forecast, \(champions.failures.count) failed") }
        if !champions.failures.isEmpty { throw ExitCode(1) }
    }

    /// The saved classifier on the cases of FILE.
    private func classify(_ model: String) throws {
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
