// Sliding windows over a series for supervised training: each window is a look-back of L rows
// followed by a horizon of H rows, windows start every `stride` rows. Windows are described by
// their start row and copied out in one flat buffer per batch (channel-last), never as [[Float]].
import SeerBase

/// The windows of a series: window w covers rows `starts[w] ..< starts[w] + lookback + horizon`.
public struct SlidingWindows: Sendable, Equatable {
    public let lookback: Int
    public let horizon: Int
    public let stride: Int
    /// First row of every window, in order.
    public let starts: [Int]

    /// All windows inside `rows` (a part of a series) whose targets lie inside `targetRows`.
    /// The ETT protocol uses `rows` = part with its look-back extension and `targetRows` = the part.
    public init(rowCount: Int, lookback: Int, horizon: Int, stride: Int = 1, rows: Range<Int>? = nil) throws {
        guard lookback > 0 else { throw DataError(.usage, "look-back must be positive (got \(lookback))") }
        guard horizon > 0 else { throw DataError(.usage, "horizon must be positive (got \(horizon))") }
        guard stride > 0 else { throw DataError(.usage, "stride must be positive (got \(stride))") }
        let range = rows ?? 0..<rowCount
        guard range.lowerBound >= 0 && range.upperBound <= rowCount else {
            throw DataError(.usage, "row range \(range) lies outside the series' \(rowCount) rows")
        }
        self.lookback = lookback
        self.horizon = horizon
        self.stride = stride
        let last = range.upperBound - lookback - horizon
        starts = last < range.lowerBound ? [] : Array(Swift.stride(from: range.lowerBound, through: last, by: stride))
    }

    public var count: Int { starts.count }
    public var length: Int { lookback + horizon }

    /// Copies windows `batch` of `series` into two flat buffers shaped [batch, lookback, channels]
    /// and [batch, horizon, channels] (channels = the series' columns, in order).
    public func gather(_ series: TimeSeries, windows batch: some Collection<Int>) -> (inputs: [Float], targets: [Float]) {
        let channels = series.columnCount
        var inputs = [Float](repeating: 0, count: batch.count * lookback * channels)
        var targets = [Float](repeating: 0, count: batch.count * horizon * channels)
        inputs.withUnsafeMutableBufferPointer { x in
            targets.withUnsafeMutableBufferPointer { y in
                for (b, w) in batch.enumerated() {
                    let start = starts[w]
                    for (c, column) in series.columns.enumerated() {
                        column.values.withUnsafeBufferPointer { v in
                            for t in 0..<lookback { x[(b * lookback + t) * channels + c] = v[start + t] }
                            for t in 0..<horizon { y[(b * horizon + t) * channels + c] = v[start + lookback + t] }
                        }
                    }
                }
            }
        }
        return (inputs, targets)
    }
}
