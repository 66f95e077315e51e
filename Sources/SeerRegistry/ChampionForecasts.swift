// The morning half of the nightly loop: every key's champion forecasts from the job's latest
// data, and all the rows go into one SQL table in one transaction — the table is replaced whole,
// so a dashboard reading it sees yesterday's forecasts or today's, never half of each. A key
// whose champion is missing, fails its checksum or cannot forecast is reported and left out; the
// others are written.
import Foundation
import SeerBase
import SeerData
import SeerTasks

/// One key's champion forecast.
public struct ChampionForecast: Sendable {
    public let key: String
    public let version: Int
    public let model: String
    public let result: ForecastResult
}

/// Every key's champion forecast, and the keys that could not forecast (with why).
public struct ChampionForecasts: Sendable {
    public let forecasts: [ChampionForecast]
    public let failures: [(key: String, error: String)]

    /// Forecasts every key of `job` (its sources read now) with its champion in `registry`.
    public init(job: RetrainJob, registry: ModelRegistry) throws {
        guard job.model != nil else {
            throw DataError(.usage, "is a detect job: its champions score new points (seer detect), they do not forecast", file: job.file)
        }
        var forecasts: [ChampionForecast] = [], failures: [(String, String)] = []
        for item in try JobData.load(job) {
            do {
                guard let champion = try registry.champion(of: item.key) else {
                    throw DataError(.missingInput, "has no champion yet; run seer retrain first", file: item.key)
                }
                let (forecaster, card) = try Forecaster.loadWithCard(from: champion.path, verifiedBy: registry, version: champion)
                let result = try ForecastResult(forecaster, data: item.data, chosenBy: "champion v\(champion.version) of '\(item.key)'",
                                                scores: [:], intervals: card.intervals)
                forecasts.append(ChampionForecast(key: item.key, version: champion.version, model: forecaster.modelName, result: result))
            } catch {
                failures.append((item.key, "\(error)"))
            }
        }
        self.forecasts = forecasts
        self.failures = failures
    }

    /// `key,unique_id,ds,step,forecast,model,version` rows as CSV.
    public var csv: String {
        var text = CSVWriter.line(["key", "unique_id", "ds", "step", "forecast", "model", "version"])
        for f in forecasts {
            for (i, row) in f.result.rows.enumerated() {
                text += CSVWriter.line([f.key, row.uniqueId, row.ds, String(i % f.result.horizon + 1), "\(row.value)", f.model, String(f.version)])
            }
        }
        return text
    }

    /// Writes every row into `table` of the SQLite database `path` in one transaction: the rows of
    /// every key forecast now replace that key's rows, keys whose champion failed keep yesterday's
    /// (their `forecast_at` says how old), and keys no longer in the sources go. With nothing
    /// forecast at all the table is left as it was.
    public func writeSQLite(to path: String, table: String) throws {
        guard !forecasts.isEmpty else {
            throw DataError(.other, "no champion could forecast (\(failures.count) failed); the table is left as it was", file: path)
        }
        let database = try SQLiteDatabase(path: path, mode: .readWrite)
        let name = SQLiteDatabase.quote(table)
        let (_, now) = ModelRegistry.now()
        try database.transaction {
            try database.execute("CREATE TABLE IF NOT EXISTS \(name) (key TEXT NOT NULL, unique_id TEXT NOT NULL, ds TEXT NOT NULL, step INTEGER NOT NULL, "
                                 + "forecast REAL, model TEXT NOT NULL, version INTEGER NOT NULL, forecast_at TEXT NOT NULL)")
            let kept = failures.map { SQLValue.text($0.key) }
            try database.execute("DELETE FROM \(name)" + (kept.isEmpty ? "" : " WHERE key NOT IN (" + kept.map { _ in "?" }.joined(separator: ", ") + ")"), kept)
            let insert = try database.prepare("INSERT INTO \(name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
            for f in forecasts {
                for (i, row) in f.result.rows.enumerated() {
                    insert.reset()
                    try insert.bind([.text(f.key), .text(row.uniqueId), .text(row.ds), .integer(Int64(i % f.result.horizon + 1)),
                                     row.value.isFinite ? .real(Double(row.value)) : .null, .text(f.model), .integer(Int64(f.version)), .text(now)])
                    while try insert.step() {}
                }
            }
        }
    }
}

extension ChampionForecasts {
    /// `writeSQLite`'s rows and rules, into `table` of a PostgreSQL database, in one transaction.
    public func writePostgres(to url: String, table: String) throws {
        let connection = try PostgresConnection(url: url)
        guard !forecasts.isEmpty else {
            throw DataError(.other, "no champion could forecast (\(failures.count) failed); the table is left as it was", file: connection.location)
        }
        let name = PostgresSeriesReader.quote(table)
        let (_, now) = ModelRegistry.now()
        try connection.transaction {
            try connection.execute("CREATE TABLE IF NOT EXISTS \(name) (key text NOT NULL, unique_id text NOT NULL, ds text NOT NULL, step integer NOT NULL, "
                                   + "forecast double precision, model text NOT NULL, version integer NOT NULL, forecast_at text NOT NULL)", [])
            let kept = failures.map { SQLValue.text($0.key) }
            try connection.execute("DELETE FROM \(name)" + (kept.isEmpty ? "" : " WHERE key NOT IN (" + kept.map { _ in "?" }.joined(separator: ", ") + ")"), kept)
            for f in forecasts {
                for (i, row) in f.result.rows.enumerated() {
                    try connection.execute("INSERT INTO \(name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                           [.text(f.key), .text(row.uniqueId), .text(row.ds), .integer(Int64(i % f.result.horizon + 1)),
                                            row.value.isFinite ? .real(Double(row.value)) : .null, .text(f.model), .integer(Int64(f.version)), .text(now)])
                }
            }
        }
    }
}

extension Forecaster {
    /// A registered version's forecaster and model card, after its files are checked against
    /// the checksum they were registered with.
    public static func loadWithCard(from directory: String, verifiedBy registry: ModelRegistry, version: ModelVersion) throws -> (forecaster: Forecaster, card: ModelCard) {
        try registry.verify(version)
        return try loadWithCard(from: directory)
    }
}
