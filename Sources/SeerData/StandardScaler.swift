// Per-column z-scoring fitted on training rows only (population std, as sklearn's
// StandardScaler), with the inverse transform for putting forecasts back on the data's scale.
import SeerBase

/// Column-wise mean/std scaling.
public struct StandardScaler: Sendable, Equatable, Codable {
    public var means: [Double]
    public var stds: [Double]

    public init(means: [Double], stds: [Double]) {
        self.means = means
        self.stds = stds
    }

    /// Fits on `rows` of every column, skipping NaN. A constant column gets std 1 so it maps to 0.
    public static func fit(_ series: TimeSeries, rows: Range<Int>? = nil) throws -> StandardScaler {
        let range = rows ?? 0..<series.rowCount
        guard !range.isEmpty, range.upperBound <= series.rowCount else {
            throw DataError(.usage, "cannot fit a scaler on rows \(range) of a series with \(series.rowCount) rows")
        }
        var means: [Double] = [], stds: [Double] = []
        for column in series.columns {
            var sum = 0.0, n = 0
            for i in range where !column.values[i].isNaN { sum += Double(column.values[i]); n += 1 }
            guard n > 0 else { throw DataError(.badInput, "column '\(column.name)' has no observed value in the fitting rows") }
            let mean = sum / Double(n)
            var squares = 0.0
            for i in range where !column.values[i].isNaN {
                let d = Double(column.values[i]) - mean
                squares += d * d
            }
            let std = (squares / Double(n)).squareRoot()
            means.append(mean)
            stds.append(std > 0 ? std : 1)
        }
        return StandardScaler(means: means, stds: stds)
    }

    /// (x - mean) / std per column; NaN stays NaN.
    public func transform(_ series: TimeSeries) throws -> TimeSeries {
        try apply(series) { x, c in Float((Double(x) - means[c]) / stds[c]) }
    }

    /// x · std + mean per column.
    public func inverse(_ series: TimeSeries) throws -> TimeSeries {
        try apply(series) { x, c in Float(Double(x) * stds[c] + means[c]) }
    }

    private func apply(_ series: TimeSeries, _ f: (Float, Int) -> Float) throws -> TimeSeries {
        guard series.columnCount == means.count else {
            throw DataError(.usage, "scaler was fitted on \(means.count) columns, series has \(series.columnCount)")
        }
        var out = series
        for c in out.columns.indices {
            out.columns[c].values = out.columns[c].values.map { f($0, c) }
        }
        return out
    }
}
