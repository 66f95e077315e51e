// A nightly retraining job, read from a YAML or JSON file (JSON is YAML, so Yams reads both and
// every error names the file, line and column). Strict: an unknown key is refused, not ignored,
// because a misspelt `tolerence:` silently falling back to a default is how a bad night replaces
// a good model.
import Foundation
import SeerBase
import SeerData
import SeerTasks
import Yams

extension RetrainJob {
    /// The forecasting family (nil for a detect job).
    public var model: ModelFamily? {
        if case .forecast(let family) = task { return family }
        return nil
    }
}

/// Where a job's series come from.
public enum JobSource: Sendable, Equatable {
    /// CSV files matching a glob (relative to the job file), long or wide layout.
    case csv(glob: String, idColumn: String?, timeColumn: String?, valueColumn: String?)
    /// A SQLite table or read-only query.
    case sqlite(database: String, table: String?, query: String?, idColumn: String?, timeColumn: String?, valueColumn: String?)
    /// A PostgreSQL table or query (`postgres://…`), read in a read-only transaction.
    case postgres(url: String, table: String?, query: String?, idColumn: String?, timeColumn: String?, valueColumn: String?)
    /// A Prometheus range query (`http://…`): every series it returns, its label set the id;
    /// `start`/`end` as `now-30d`, epoch seconds or a date-time (read when the job runs), `step`
    /// a duration (`1h`).
    case prometheus(url: String, query: String, start: String, end: String, step: String, tokenFile: String?)
}

/// How series become models.
public enum ModelGrouping: String, Sendable, Equatable {
    /// One model per series; the series id is the model key.
    case perSeries = "per_series"
    /// One global model over every series; the job's name is the model key.
    case global
}

/// What a job trains per key.
public enum RetrainTask: Sendable, Equatable {
    /// A forecaster of this family, scored on the latest `horizon` steps against the champion.
    case forecast(ModelFamily)
    /// An anomaly detector fed every point of the key's series, registered when its scores on
    /// the latest `window` steps are finite and alarm on at most `maxAlarmRate` of them.
    case detect(DetectorModel, threshold: Double, window: Int, maxAlarmRate: Double)

    /// forecast or detect.
    public var name: String {
        if case .forecast = self { return "forecast" }
        return "detect"
    }
}

/// When a challenger replaces the champion.
public struct AcceptanceRule: Sendable, Equatable {
    /// The challenger's error on the latest window may exceed the champion's by this fraction.
    public var tolerance: Double = 0.02
    /// The score compared: MASE on the latest `horizon` steps ("mase"), or MAE ("mae").
    public var metric = "mase"
}

/// A retraining job.
public struct RetrainJob: Sendable, Equatable {
    public var name: String
    /// The job file, for messages; its folder anchors relative paths.
    public var file: String
    public var registry: String?
    /// Where a PostgreSQL registry's model files go (a folder every machine sees).
    public var modelStore: String?
    public var sources: [JobSource]
    public var grouping: ModelGrouping = .perSeries
    public var task: RetrainTask
    /// The forecast horizon (forecast jobs; the window a detect job's alarms are counted on).
    public var horizon: Int
    public var lookback: Int?
    public var season: Int?
    public var maxSteps: Int?
    public var seed: UInt64 = 0
    public var accept = AcceptanceRule()
    /// Seconds a claim on a key lasts before another process may take the key over.
    public var leaseSeconds: Double = 600
    /// Versions gc keeps per key besides those with aliases.
    public var keep = 5

    /// A path in the job file, made absolute from the job file's folder.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : DurableFiles.parent(of: file) + "/" + path
    }

    /// Reads and checks a job file.
    public static func load(_ path: String) throws -> RetrainJob {
        let bytes = try DurableFiles.readFile(path)
        guard let text = String(validating: bytes, as: UTF8.self) else { throw DataError.bad("is not UTF-8 text", file: path) }
        try JobFileShape.check(text, file: path)
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw Self.located(error, file: path)
        }
        guard let root, let mapping = root.mapping else { throw DataError.bad("a job file is a mapping of settings (job:, sources:, model:, horizon:, …)", file: path) }
        return try JobFileReader(file: path).job(mapping, at: root.mark)
    }

    static func located(_ error: YamlError, file: String) -> DataError {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
            return DataError.bad("not valid YAML or JSON: \(problem)", file: file, line: mark.line, column: mark.column)
        case .duplicatedKeysInMapping(let duplicates, _):
            return DataError.bad("a key is given twice: \(duplicates.joined(separator: ", "))", file: file)
        default:
            return DataError.bad("not valid YAML or JSON: \(error)", file: file)
        }
    }
}
