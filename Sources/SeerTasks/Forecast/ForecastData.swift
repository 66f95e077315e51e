// An input made ready to forecast: every value column of every series becomes one univariate
// sequence (a global model trains on all of them, channels independent), with an id for the
// output (`unique_id`), its values and its time axis, plus the frequency inferred from the
// timestamps so steps past the end get timestamps too.
import SeerBase
import SeerData

/// One univariate sequence to forecast: its id in the output, values and time axis.
public struct ForecastSequence: Sendable {
    public var id: String
    public var values: [Float]
    public var timestamps: [Int64]?

    public init(id: String, values: [Float], timestamps: [Int64]?) {
        self.id = id
        self.values = values
        self.timestamps = timestamps
    }
}

/// An input split into sequences, with its frequency.
public struct ForecastData: Sendable {
    public var sequences: [ForecastSequence]
    public var frequency: Frequency?
    /// How every output column of timestamps (`ds`, `cutoff`) is written: one format for all rows.
    public var timestampFormat: TimestampFormat

    /// Throws when a sequence holds a value no model can be fitted with (`ExtremeValues`), unless
    /// `checkingExtremes` is false (detection, where such a value is the finding).
    public init(sequences: [ForecastSequence], frequency: Frequency?, utcOffset: Int? = nil, checkingExtremes: Bool = true) throws {
        guard !sequences.isEmpty else { throw ForecastTaskError.noValueColumns }
        self.sequences = sequences
        self.frequency = frequency
        timestampFormat = TimestampFormat.choose(sequences.compactMap(\.timestamps), frequency: frequency, utcOffset: utcOffset)
        for (s, sequence) in sequences.enumerated() where checkingExtremes {
            if let extreme = ExtremeValues.first(in: sequence.values) {
                throw ForecastTaskError.extremeValue(series: sequence.id, row: extreme.index, time: timestamp(s, step: extreme.index).map(timestampFormat.format),
                                                     extreme, at: nil)
            }
        }
    }

    /// Every value column of every series as one sequence; ids name the series, and the column
    /// too when a series has several. `source` names the input in errors.
    public init(series: [TimeSeries], source: String, checkingExtremes: Bool = true) throws {
        let sequences = series.flatMap { s in
            s.columns.map { c in
                ForecastSequence(id: s.columns.count == 1 && series.count > 1 ? s.id : (series.count == 1 ? c.name : "\(s.id)/\(c.name)"),
                                 values: c.values, timestamps: s.time.timestamps)
            }
        }
        guard !sequences.isEmpty else { throw ForecastTaskError.noValueColumns }
        if let empty = sequences.first(where: { !$0.values.contains(where: \.isFinite) }) {
            throw ForecastTaskError.noValues(rows: empty.values.count, at: SourceLocation(file: source, columnName: empty.id))
        }
        // Checked here too, to name the file's line (the plain initialiser knows only the row).
        for (sequence, (s, column)) in zip(sequences, series.flatMap { s in s.columns.map { (s, $0) } }) where checkingExtremes {
            guard let extreme = ExtremeValues.first(in: sequence.values) else { continue }
            throw ForecastTaskError.extremeValue(series: sequence.id, row: extreme.index, time: nil, extreme,
                                                 at: SourceLocation(file: source, line: s.lines.line(ofRow: extreme.index), columnName: column.name))
        }
        // Times are written in the input's offset when every series gave the same one.
        let offsets = Set(series.map(\.utcOffset))
        try self.init(sequences: sequences, frequency: sequences.first?.timestamps.flatMap { Frequency.infer($0) },
                      utcOffset: offsets.count == 1 ? offsets.first! : nil, checkingExtremes: false)
    }

    /// One line per sequence whose timestamps repeat or go back, saying what `consequence` the
    /// task gives them (its rows are still read in file order).
    public func orderWarnings(_ consequence: String) -> [String] {
        sequences.compactMap { sequence in
            guard let stamps = sequence.timestamps, stamps.count > 1 else { return nil }
            let bad = (1..<stamps.count).filter { stamps[$0] <= stamps[$0 - 1] }
            guard let first = bad.first else { return nil }
            return "series \(sequence.id): \(bad.count) row\(bad.count == 1 ? "" : "s") whose timestamp repeats or goes back (the first at row \(first + 1)) "
                + consequence
        }
    }

    /// Runs `body` (a forecaster fed `values`), turning a forecaster's "sequence k has missing
    /// values" into an error that names the series, the first such value and its time: the
    /// forecaster knows only indices, and a user needs the id.
    public func namingSeries<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch ForecasterError.missingValues(let k) where sequences.indices.contains(k) {
            let row = sequences[k].values.firstIndex { !$0.isFinite } ?? 0
            throw ForecastTaskError.missingValues(series: sequences[k].id, row: row, time: timestamp(k, step: row).map(timestampFormat.format))
        }
    }

    /// The values of every sequence, in order.
    public var values: [[Float]] { sequences.map(\.values) }

    /// The same sequences without their last `steps` steps (the history before a backtest's cutoffs).
    public func droppingLast(_ steps: Int) throws -> ForecastData {
        try ForecastData(sequences: sequences.map { ForecastSequence(id: $0.id, values: Array($0.values.dropLast(steps)),
                                                                     timestamps: $0.timestamps.map { Array($0.dropLast(steps)) }) },
                         frequency: frequency, utcOffset: timestampFormat.utcOffset)
    }

    /// The timestamp of step `step` of sequence `s` — steps past the end continue the frequency;
    /// nil without a time axis (or, past the end, without a frequency).
    public func timestamp(_ s: Int, step: Int) -> Int64? {
        guard let timestamps = sequences[s].timestamps, let last = timestamps.last else { return nil }
        if step < timestamps.count { return timestamps[step] }
        return frequency.map { $0.advance(last, by: step - timestamps.count + 1) }
    }

    /// The `ds` text of step `step` of sequence `s` (the row index without timestamps).
    public func ds(_ s: Int, step: Int) -> String { timestamp(s, step: step).map(timestampFormat.format) ?? String(step) }

    /// Timestamps of the H steps after sequence `s` (nil without a time axis or frequency).
    public func futureTimestamps(_ s: Int, horizon: Int) -> [Int64]? {
        let n = sequences[s].values.count
        let stamps = (n..<(n + horizon)).compactMap { timestamp(s, step: $0) }
        return stamps.count == horizon ? stamps : nil
    }
}
