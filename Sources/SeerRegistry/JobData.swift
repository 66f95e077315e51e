// A job's series: every source loaded (CSV globs expanded and sorted, SQLite tables and queries
// and Prometheus range queries read), the series pooled, and grouped into model keys. A series
// id that two sources both give is refused, naming both, rather than one silently shadowing the other.
import Foundation
import SeerBase
import SeerData
import SeerTasks
#if canImport(Glibc)
import Glibc
#endif

/// The series of one model key.
public struct KeyData: Sendable {
    public let key: String
    public let data: ForecastData
}

enum JobData {
    /// The files a glob matches, sorted (none is an error naming the pattern).
    static func expand(_ pattern: String, job: RetrainJob) throws -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        let code = glob(pattern, 0, nil, &matches)
        guard code == 0 else {
            throw DataError(.missingInput, code == GLOB_NOMATCH ? "no file matches the job's csv source '\(pattern)'" : "cannot list '\(pattern)'",
                            file: job.file)
        }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }

    /// Every file or SQLite source of `job` as data sources (PostgreSQL sources are read apart).
    static func sources(_ job: RetrainJob) throws -> [DataSource] {
        try job.sources.flatMap { source -> [DataSource] in
            switch source {
            case .postgres: return []
            case .prometheus(let url, let query, let start, let end, let step, let tokenFile):
                let now = Int64(Date().timeIntervalSince1970)
                let token = try tokenFile.map { String(decoding: try DurableFiles.readFile(job.resolve($0)), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
                return [.prometheus(PrometheusQuery(url: url, query: query, start: PrometheusTime.parse(start, now: now)!, end: PrometheusTime.parse(end, now: now)!,
                                                    step: PrometheusTime.seconds(step)!, token: token))]
            case .csv(let glob, let id, let time, let value):
                return try expand(job.resolve(glob), job: job).map {
                    .csv(path: $0, options: CSVOptions(timeColumn: time, idColumn: id, targetColumns: value.map { [$0] }))
                }
            case .sqlite(let database, let table, let query, let id, let time, let value):
                let options = SQLiteReadOptions(timeColumn: time, targetColumns: value.map { [$0] }, idColumn: id)
                return [.sqlite(database: job.resolve(database), source: table.map { .table(name: $0) } ?? .query(sql: query ?? "", parameters: []),
                                options: options)]
            }
        }
    }

    /// The series of every source, pooled and grouped into keys (sorted).
    static func load(_ job: RetrainJob) throws -> [KeyData] {
        var sequences: [ForecastSequence] = [], origin: [String: String] = [:]
        var frequency: Frequency?
        for source in try sources(job) {
            let series = try source.loadSeries().series
            // Keys are the series ids of a long table, the column names of a wide one.
            let found = series.flatMap { s in
                s.columns.map { c in
                    ForecastSequence(id: s.columns.count == 1 ? s.id : (series.count == 1 ? c.name : "\(s.id)/\(c.name)"), values: c.values,
                                     timestamps: s.time.timestamps)
                }
            }
            frequency = frequency ?? found.first?.timestamps.flatMap { Frequency.infer($0) }
            for sequence in found {
                if let first = origin[sequence.id] {
                    throw DataError.bad("series '\(sequence.id)' is given by two sources: \(first) and \(source.name)", file: job.file)
                }
                origin[sequence.id] = source.name
                sequences.append(sequence)
            }
        }
        for case .postgres(let url, let table, let query, let id, let time, let value) in job.sources {
            let name = PostgresConnection.redacted(url)
            for sequence in try PostgresSeriesReader.read(url: url, query: query ?? "SELECT * FROM " + PostgresSeriesReader.quote(table ?? ""),
                                                          idColumn: id, timeColumn: time, valueColumn: value) {
                if let first = origin[sequence.id] {
                    throw DataError.bad("series '\(sequence.id)' is given by two sources: \(first) and \(name)", file: job.file)
                }
                origin[sequence.id] = name
                frequency = frequency ?? sequence.timestamps.flatMap { Frequency.infer($0) }
                sequences.append(sequence)
            }
        }
        switch job.grouping {
        case .global:
            return [KeyData(key: job.name, data: try ForecastData(sequences: sequences, frequency: frequency))]
        case .perSeries:
            return try sequences.sorted { $0.id < $1.id }.map { KeyData(key: $0.id, data: try ForecastData(sequences: [$0], frequency: frequency)) }
        }
    }
}
