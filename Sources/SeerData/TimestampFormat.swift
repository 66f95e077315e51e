// How an output column writes its timestamps: one format for every row of the column, chosen
// once from the series' frequency, so pandas, Polars, DuckDB, spreadsheets and SQL `COPY` read
// the column with their default parsing. Daily and coarser series whose times are all midnight
// write dates (`2024-01-31`); anything finer writes `2024-01-31 00:00:00` on every row, midnight
// included (writing midnight date-only beside full times made pandas 2 refuse the column). Times
// are written in the UTC offset the input gave (with the offset, `+01:00`) or in UTC without one.

/// The format of one output column of timestamps.
public struct TimestampFormat: Equatable, Sendable {
    /// `YYYY-MM-DD` on every row (else `YYYY-MM-DD HH:MM:SS`).
    public var dateOnly: Bool
    /// Seconds east of UTC the times are written in, with the offset appended; nil: UTC, no offset.
    public var utcOffset: Int?

    public init(dateOnly: Bool, utcOffset: Int? = nil) {
        self.dateOnly = dateOnly
        self.utcOffset = utcOffset
    }

    /// The format for timestamps of a series sampled at `frequency` (nil: irregular or unknown):
    /// dates when the frequency is a day or coarser and every timestamp given is a midnight in
    /// the output's offset; date-times otherwise.
    public static func choose(_ timestamps: [[Int64]], frequency: Frequency?, utcOffset: Int? = nil) -> TimestampFormat {
        let coarse = frequency.map { f in f.fixedSeconds.map { $0 >= 86_400 && $0 % 86_400 == 0 } ?? true } ?? true
        let shift = Int64(utcOffset ?? 0)
        let midnights = timestamps.allSatisfy { column in column.allSatisfy { ($0 + shift) % 86_400 == 0 } }
        return TimestampFormat(dateOnly: coarse && midnights, utcOffset: utcOffset)
    }

    /// `t` (UTC epoch seconds) as this column writes it.
    public func format(_ t: Int64) -> String {
        let local = CivilTime(epochSeconds: t + Int64(utcOffset ?? 0)).formatted(dateOnly: dateOnly)
        guard let utcOffset, !dateOnly else { return local }
        let sign = utcOffset < 0 ? "-" : "+", minutes = abs(utcOffset) / 60
        return local + sign + (minutes / 60 < 10 ? "0" : "") + String(minutes / 60) + ":" + (minutes % 60 < 10 ? "0" : "") + String(minutes % 60)
    }
}
