// Where a job's data comes from, chosen in one place: a CSV file, a SQLite table or query, a
// Prometheus range query, or a UCR/UEA classification file. Commands, tasks and the registry
// describe an input as a `DataSource` and load it here, so the readers' options and the name
// used in messages and reports are decided once.
import SeerBase

/// An input of series or classification cases.
public enum DataSource: Sendable {
    /// A CSV file (wide, long `unique_id,ds,y`, or NAB `timestamp,value`).
    case csv(path: String, options: CSVOptions)
    /// A SQLite table or read-only query.
    case sqlite(database: String, source: SQLiteSource, options: SQLiteReadOptions)
    /// A UCR/UEA `.ts` or `.tsv` classification file.
    case classification(path: String)
    /// A Prometheus range query (every series it returns).
    case prometheus(PrometheusQuery)

    /// True for file names the classification reader takes (`.ts`, `.tsv`).
    public static func isClassificationFile(_ path: String) -> Bool {
        path.hasSuffix(".ts") || path.hasSuffix(".tsv")
    }

    /// The input as messages and reports name it: the file, or `DB:table` / `DB:query`.
    public var name: String {
        switch self {
        case .csv(let path, _), .classification(let path): return path
        case .sqlite(let database, .table(let table), _): return "\(database):\(table)"
        case .sqlite(let database, .query(let sql, _), _): return "\(database):\(sql)"
        case .prometheus(let query): return query.name
        }
    }

    /// Profiles of every series of a CSV or SQLite input (`loaded.series` is empty when streamed).
    /// A CSV of at least `streamingFrom` bytes, read with the default order and missing-value
    /// policies, is profiled as it streams by, in memory independent of its size; anything
    /// else is loaded first.
    public func profileSeries(streamingFrom threshold: Int = 64 << 20) throws -> (loaded: LoadedSeries, profiles: [SeriesProfile]) {
        if case .csv(let path, let options) = self, options.order == .keep, options.missing == .keep,
           let size = try? DurableFiles.fileSize(path), size >= threshold {
            let result = try CSVLoader.profile(path, options: options)
            let loaded = LoadedSeries(source: path, format: "csv", layout: result.layout.rawValue,
                                      delimiter: result.delimiter == 0x09 ? "tab" : String(UnicodeScalar(result.delimiter)),
                                      timeColumn: result.timeColumn, series: [], notes: result.notes)
            return (loaded, result.profiles)
        }
        let loaded = try loadSeries()
        return (loaded, loaded.series.map { $0.profile() })
    }

    /// The series of a CSV or SQLite input, with what the reader decided on the way.
    public func loadSeries() throws -> LoadedSeries {
        switch self {
        case .csv(let path, let options):
            let loaded = try CSVLoader.load(path, options: options)
            return LoadedSeries(source: path, format: "csv", layout: loaded.layout.rawValue,
                                delimiter: loaded.delimiter == 0x09 ? "tab" : String(UnicodeScalar(loaded.delimiter)),
                                timeColumn: loaded.timeColumn, series: Array(loaded.series), notes: loaded.notes)
        case .sqlite(let database, let source, let options):
            let loaded = try SQLiteSeriesReader.read(database, from: source, options: options)
            return LoadedSeries(source: loaded.source, format: "sqlite", layout: nil, delimiter: nil, timeColumn: loaded.timeColumn,
                                series: Array(loaded.series), notes: loaded.notes)
        case .prometheus(let query):
            return LoadedSeries(source: query.name, format: "prometheus", layout: nil, delimiter: nil, timeColumn: "timestamp",
                                series: try PrometheusSource.load(query), notes: [])
        case .classification(let path):
            throw DataError(.usage, "is a classification file (cases with labels); this needs a CSV or SQLite series", file: path)
        }
    }

    /// The labelled cases of a classification file.
    public func loadCases() throws -> ClassificationDataset {
        guard case .classification(let path) = self else {
            throw DataError(.usage, "holds series, not labelled classification cases (.ts or .tsv)", file: name)
        }
        return try UCRReader.load(path)
    }
}

/// Series read from a CSV file or SQLite table, and how they were read.
public struct LoadedSeries: Sendable {
    /// The input as named in messages (`file` or `DB:table`).
    public var source: String
    /// `csv` or `sqlite`.
    public var format: String
    /// The CSV layout the reader used (`wide`, `long`, `nab`); nil for SQLite.
    public var layout: String?
    /// The CSV field separator (`tab` for a tab); nil for SQLite.
    public var delimiter: String?
    /// The time column, nil when rows are indexed.
    public var timeColumn: String?
    public var series: [TimeSeries]
    /// What the reader kept, filled or reordered, for the user to know.
    public var notes: [String]
}
