// Chronological train/validation/test splits, by fractions or by row counts, including the
// ETT convention where validation and test windows reach back one look-back into the part before.
import SeerBase

/// Row ranges of a chronological split.
public struct ChronologicalSplit: Sendable, Equatable {
    public var train: Range<Int>
    public var validation: Range<Int>
    public var test: Range<Int>

    public init(train: Range<Int>, validation: Range<Int>, test: Range<Int>) {
        self.train = train
        self.validation = validation
        self.test = test
    }

    /// Splits `rowCount` rows by fractions (e.g. 0.7/0.1/0.2); the test part takes the remainder.
    public init(rowCount: Int, trainFraction: Double, validationFraction: Double) throws {
        guard trainFraction > 0, validationFraction >= 0, trainFraction + validationFraction < 1 else {
            throw DataError(.usage, "split fractions must be positive and sum to less than 1 (got \(trainFraction), \(validationFraction))")
        }
        let trainEnd = Int((Double(rowCount) * trainFraction).rounded(.down))
        let validationEnd = trainEnd + Int((Double(rowCount) * validationFraction).rounded(.down))
        self.init(train: 0..<trainEnd, validation: trainEnd..<validationEnd, test: validationEnd..<rowCount)
    }

    /// Splits by row counts (train, validation, test) from row 0; rows after the test part are unused.
    public init(rowCount: Int, counts: (train: Int, validation: Int, test: Int)) throws {
        let total = counts.train + counts.validation + counts.test
        guard counts.train > 0, counts.validation >= 0, counts.test >= 0, total <= rowCount else {
            throw DataError(.usage, "split \(counts.train)/\(counts.validation)/\(counts.test) needs \(total) rows; the series has \(rowCount)")
        }
        let a = counts.train, b = a + counts.validation
        self.init(train: 0..<a, validation: a..<b, test: b..<total)
    }

    /// The ETT protocol split of ../shared/data/README.md: 12/4/4 months of 30 days of hourly rows.
    public static func ett(rowCount: Int, rowsPerHour: Int = 1) throws -> ChronologicalSplit {
        let month = 30 * 24 * rowsPerHour
        return try ChronologicalSplit(rowCount: rowCount, counts: (12 * month, 4 * month, 4 * month))
    }

    /// A part extended back by `lookback` rows so its first window's inputs come from the part
    /// before (targets stay inside the part), as the ETT loaders slice val and test.
    public static func withLookback(_ part: Range<Int>, _ lookback: Int) -> Range<Int> {
        max(0, part.lowerBound - lookback)..<part.upperBound
    }
}
