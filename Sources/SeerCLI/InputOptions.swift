// Options shared by every command that reads series: the input (a CSV or .ts file, or a SQLite
// table/query), the layout and column roles, and the order and missing-value policies — parsed
// into one `DataSource`.
import ArgumentParser
import Foundation
import Seer

extension CSVLayout: ExpressibleByArgument {}
extension OrderPolicy: ExpressibleByArgument {}
extension MissingPolicy: ExpressibleByArgument {}
extension EpochUnit: ExpressibleByArgument {}
extension ModelSelection: ExpressibleByArgument {}
extension ForecastCombination: ExpressibleByArgument {}

extension Device: ExpressibleByArgument {
    /// `cpu`, `cuda` or `cuda:N`, parsed once here; the run asks the backend whether it exists.
    public init?(argument: String) { self.init(parsing: argument) }
}

struct InputOptions: ParsableArguments {
    @Argument(help: "Input file: CSV (wide, long unique_id,ds,y, or NAB timestamp,value) or UCR/UEA .ts/.tsv.")
    var file: String?

    @Option(help: "Read from this SQLite database instead of a file (with --table or --query).")
    var sqlite: String?

    @Option(help: "SQLite table to read.")
    var table: String?

    @Option(help: "SQLite SELECT to read (? placeholders with --param), or with --prometheus the PromQL.")
    var query: String?

    @Option(name: .customLong("param"), help: "A value bound to the next ? of --query (repeatable).")
    var parameters: [String] = []

    @Option(help: "CSV layout: auto, wide, long or nab.")
    var layout: CSVLayout = .auto

    @Option(help: "CSV field separator: ',', ';' or tab (default: sniffed from the header).")
    var delimiter: String?

    @Option(help: "Time column ('none' for a row index; default: detected).")
    var time: String?

    @Option(help: "Series-id column of a long-format input (default: unique_id).")
    var id: String?

    @Option(help: "Value column(s) to load, comma-separated (default: every other column).")
    var target: String?

    @Option(help: "Unit of integer timestamps: s or ms (default: from their size).")
    var epochUnit: EpochUnit?

    @Option(name: .customLong("on-duplicate"), help: "Duplicate or out-of-order timestamps: error, keep or sort.")
    var order: OrderPolicy = .keep

    @Option(help: "Missing values: error, ffill, interpolate, drop or keep.")
    var missing: MissingPolicy = .keep

    @OptionGroup(title: "Prometheus") var prometheus: PrometheusOptions

    /// Every command but `detect --stream` (which reads stdin) calls this from its `validate()`.
    func requireInput() throws {
        if sqlite == nil && file == nil && prometheus.prometheus == nil {
            throw ValidationError("give an input FILE, --sqlite DB with --table or --query, or --prometheus URL with --query")
        }
    }

    mutating func validate() throws {
        if [sqlite != nil, file != nil, prometheus.prometheus != nil].filter({ $0 }).count > 1 {
            throw ValidationError("give one input: a FILE, --sqlite or --prometheus")
        }
        if prometheus.prometheus != nil && query == nil { throw ValidationError("--prometheus needs --query PROMQL") }
        if sqlite != nil && (table == nil) == (query == nil) { throw ValidationError("--sqlite needs exactly one of --table or --query") }
        if sqlite == nil && prometheus.prometheus == nil && (table != nil || query != nil) { throw ValidationError("--table and --query need --sqlite DB (or --query, --prometheus URL)") }
        if !parameters.isEmpty && query == nil { throw ValidationError("--param goes with --query") }
        if let delimiter, CSVOptions.delimiter(named: delimiter) == nil {
            throw ValidationError("--delimiter must be ',', ';' or tab (got '\(delimiter)')")
        }
    }

    var targetColumns: [String]? {
        target.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
    }

    /// The table or query named by --table / --query (with its --param values).
    var sqliteSource: SQLiteSource {
        table.map { .table(name: $0) } ?? .query(sql: query ?? "", parameters: parameters.map { SQLiteValue.text($0) })
    }

    /// The input these options name.
    var source: DataSource {
        get throws {
            if prometheus.prometheus != nil { return .prometheus(try prometheus.query(query ?? "")) }
            return fileOrSQLite
        }
    }

    private var fileOrSQLite: DataSource {
        if let sqlite {
            return .sqlite(database: sqlite, source: sqliteSource,
                           options: SQLiteReadOptions(timeColumn: time, targetColumns: targetColumns, idColumn: id,
                                                      epochUnit: epochUnit, order: order, missing: missing))
        }
        if DataSource.isClassificationFile(file!) { return .classification(path: file!) }
        return .csv(path: file!, options: CSVOptions(layout: layout, delimiter: delimiter.flatMap(CSVOptions.delimiter(named:)), timeColumn: time,
                                                     idColumn: id, targetColumns: targetColumns, epochUnit: epochUnit, order: order,
                                                     missing: missing))
    }

    /// True when the input is a UCR/UEA classification file.
    var isClassificationFile: Bool { file.map(DataSource.isClassificationFile) ?? false }

    /// The series of a CSV or SQLite input, ready to forecast (or, without the check for values
    /// no model can fit, to score for anomalies).
    /// Forecasting warns of timestamps that repeat or go back (detection warns itself, with its own words).
    func forecastData(checkingExtremes: Bool = true) throws -> ForecastData {
        let source = try self.source
        let data = try ForecastData(series: try source.loadSeries().series, source: source.name, checkingExtremes: checkingExtremes)
        if checkingExtremes {
            for warning in data.orderWarnings("taken as consecutive steps in file order; --on-duplicate error refuses them, sort orders them") {
                printWarning(warning)
            }
        }
        return data
    }
}
