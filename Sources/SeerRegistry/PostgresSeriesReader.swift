// A job's series from a PostgreSQL query or table (the warehouse of a nightly job): long rows of
// series id, time and value, read in a read-only transaction. Times may be timestamp, timestamptz
// or date columns (taken as epoch seconds by the server), epoch numbers (seconds, or milliseconds
// by their size, as the CSV reader decides), or text in any layout the CSV reader parses.
import Foundation
import SeerBase
import SeerData
import SeerTasks

enum PostgresSeriesReader {
    /// `"name"`, quotes doubled.
    static func quote(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func read(url: String, query: String, idColumn: String?, timeColumn: String?, valueColumn: String?) throws -> [ForecastSequence] {
        let connection = try PostgresConnection(url: url)
        let place = connection.location + ":query"
        return try connection.readOnly {
            let columns = try connection.columns(of: query)
            func pick(_ asked: String?, _ usual: [String], _ role: String) throws -> (name: String, type: UInt32) {
                let names = asked.map { [$0] } ?? usual
                guard let found = names.lazy.compactMap({ n in columns.first { $0.name == n } }).first else {
                    throw DataError.bad("has no \(role) column (\(asked.map { "'\($0)'" } ?? usual.joined(separator: ", "))); its columns are "
                                        + columns.map(\.name).joined(separator: ", ") + " — name it with \(role)_column:", file: place)
                }
                return found
            }
            let id = try pick(idColumn, ["unique_id", "id", "series", "key"], "id")
            let time = try pick(timeColumn, ["ds", "time", "timestamp", "ts", "date"], "time")
            let value = try pick(valueColumn, ["y", "value"], "value")
            let timeExpression: String
            switch time.type {
            case 1082, 1114, 1184: timeExpression = "EXTRACT(EPOCH FROM q.\(quote(time.name)))::float8"  // date, timestamp, timestamptz
            case 20, 21, 23, 700, 701, 1700: timeExpression = "q.\(quote(time.name))::float8"
            default: timeExpression = "q.\(quote(time.name))::text"
            }
            let rows = try connection.query("SELECT q.\(quote(id.name))::text, \(timeExpression), q.\(quote(value.name))::float8 FROM (\(query)) AS q ORDER BY 1, 2", [])
            var order: [String] = [], values: [String: [Float]] = [:], stamps: [String: [Int64]] = [:]
            for (r, row) in rows.enumerated() {
                guard let key = row[0].text else { throw DataError.bad("row \(r + 1): the id is NULL", file: place) }
                let stamp: Int64
                switch row[1] {
                case .real(let seconds):
                    let magnitude = abs(seconds)
                    stamp = Int64(magnitude >= 1e11 && time.type != 1082 && time.type != 1114 && time.type != 1184 ? seconds / 1000 : seconds)
                case .text(let text):
                    guard let parsed = TimestampParser.parse(text) else { throw DataError.bad("row \(r + 1): '\(text)' in \(time.name) is not a time", file: place) }
                    stamp = parsed
                default:
                    throw DataError.bad("row \(r + 1): the time is NULL", file: place)
                }
                if values[key] == nil { order.append(key) }
                values[key, default: []].append(row[2].double.map(Float.init) ?? .nan)
                stamps[key, default: []].append(stamp)
            }
            guard !order.isEmpty else { throw DataError.bad("returned no rows", file: place) }
            return order.map { ForecastSequence(id: $0, values: values[$0]!, timestamps: stamps[$0]!) }
        }
    }
}
