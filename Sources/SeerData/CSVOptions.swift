// How a CSV file is read: its layout (wide, long, NAB), which columns play which role, and the
// policies for disorder and missing values. Defaults follow what pandas/Darts/Nixtla users expect.

/// The shape of a CSV file.
public enum CSVLayout: String, Sendable, CaseIterable, Codable {
    /// Decide from the header: `unique_id` (or `--id`) present → long, otherwise wide.
    case auto
    /// `time,col1,col2,…`: one series, one column per variable (ETT, stock files).
    case wide
    /// `unique_id,ds,y`: many series stacked, one row per (series, time) (Nixtla style).
    case long
    /// `timestamp,value`: the Numenta Anomaly Benchmark layout (a one-column wide file).
    case nab
}

/// What to do with duplicate or out-of-order timestamps.
public enum OrderPolicy: String, Sendable, CaseIterable, Codable {
    /// Stop with an error naming the first offending row.
    case error
    /// Keep rows in file order and report the problems (NAB treats files as row sequences).
    case keep
    /// Stable-sort rows by time; duplicates stay, in file order.
    case sort
}

/// What to do with missing values (NaN) after loading.
public enum MissingPolicy: String, Sendable, CaseIterable, Codable {
    /// Stop with an error naming the first missing cell.
    case error
    /// Carry the last observed value forward (leading gaps take the first observed value).
    case ffill
    /// Linear interpolation by row between observed neighbours; ends take the nearest value.
    case interpolate
    /// Drop every row with a missing value in any column.
    case drop
    /// Keep NaN in place.
    case keep
}

/// Options for `CSVLoader`.
public struct CSVOptions: Sendable, Equatable {
    public var layout: CSVLayout = .auto
    /// Field separator: `,` `;` or tab; nil sniffs it from the header line.
    public var delimiter: UInt8? = nil
    /// Time column; nil picks it (see `CSVLoader`), `"none"` means the file has none (row index).
    public var timeColumn: String? = nil
    /// Series-id column of a long file (default `unique_id`).
    public var idColumn: String? = nil
    /// Value columns to load, in this order; nil loads every other column.
    public var targetColumns: [String]? = nil
    /// Unit of integer timestamps; nil decides from their magnitude.
    public var epochUnit: EpochUnit? = nil
    public var order: OrderPolicy = .keep
    public var missing: MissingPolicy = .keep
    public var maxFieldBytes: Int = 1 << 20
    public var maxColumns: Int = 100_000
    /// Threads for parsing large wide files (nil: every online core). Results never depend on it.
    public var threads: Int? = nil
    /// Files smaller than this are parsed on one core (threads would not pay for themselves).
    public var parallelMinimumBytes: Int = 8 << 20

    public init(layout: CSVLayout = .auto, delimiter: UInt8? = nil, timeColumn: String? = nil,
                idColumn: String? = nil, targetColumns: [String]? = nil, epochUnit: EpochUnit? = nil,
                order: OrderPolicy = .keep, missing: MissingPolicy = .keep) {
        self.layout = layout
        self.delimiter = delimiter
        self.timeColumn = timeColumn
        self.idColumn = idColumn
        self.targetColumns = targetColumns
        self.epochUnit = epochUnit
        self.order = order
        self.missing = missing
    }

    /// Parses `,` `;` `tab` (or `\t`) into a delimiter byte.
    public static func delimiter(named name: String) -> UInt8? {
        switch name {
        case ",", "comma": return 0x2C
        case ";", "semicolon": return 0x3B
        case "\t", "\\t", "tab": return 0x09
        default: return nil
        }
    }
}
