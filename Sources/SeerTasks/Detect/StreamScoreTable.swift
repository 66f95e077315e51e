// Where `seer detect --stream --out-sqlite` puts its rows: NAB's columns in a SQLite table
// (`unique_id` first for a stream with ids; `ds` the timestamp text, or the row number without
// timestamps), keyed by series and `ds` so a row scored again after a restart replaces itself.
// The table is opened at the first scored row, when the stream's ids and timestamps are known.
import SeerData

/// A stream's scored rows, appended to a SQLite table in batches.
public final class StreamScoreTable {
    public let path: String
    public let table: String
    private var writer: SQLiteStreamWriter?

    public init(path: String, table: String) {
        self.path = path
        self.table = table
    }

    /// Holds a scored point (`row`: its series' row number, the `ds` of a stream without
    /// timestamps); true when a batch is full and should be committed.
    public func append(_ scored: StreamScore, ids: Bool, row: Int) throws -> Bool {
        let point = scored.point
        if writer == nil {
            typealias Column = SQLiteStreamWriter.Column
            let columns = (ids ? [Column("unique_id", "TEXT")] : [])
                + [Column("ds", point.timestampText != nil ? "TEXT" : "INTEGER"), Column("value", "REAL"),
                   Column("anomaly_score", "REAL"), Column("label", "INTEGER")]
            writer = try SQLiteStreamWriter(path: path, table: table, columns: columns, key: (ids ? ["unique_id"] : []) + ["ds"])
        }
        let ds: SQLiteValue = point.timestampText.map { .text($0) } ?? .integer(Int64(row))
        writer!.append((ids ? [.text(point.id ?? "")] : []) + [ds, .real(point.value), .real(scored.score), .integer(Int64(scored.label))])
        return writer!.isBatchFull
    }

    /// Rows held and not yet committed.
    public var pendingRows: Int { writer?.pendingRows ?? 0 }

    /// Commits the rows held in one transaction (they stay held when it fails).
    public func flush() throws { try writer?.flush() }
}
