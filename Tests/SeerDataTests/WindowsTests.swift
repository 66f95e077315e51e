// Sliding windows, chronological splits and the train-only scaler.
import SeerBase
import Testing
@testable import SeerData

struct WindowsTests {
    func ramp(_ n: Int, columns: Int = 2) throws -> TimeSeries {
        let cols = (0..<columns).map { c in SeriesColumn(name: "c\(c)", values: (0..<n).map { Float($0 * 10 + c) }) }
        return try TimeSeries(time: .index(count: n), columns: cols)
    }

    @Test func windowsCoverEveryStartAndGatherChannelLast() throws {
        let series = try ramp(20)
        let windows = try SlidingWindows(rowCount: 20, lookback: 4, horizon: 3, stride: 2)
        #expect(windows.starts == [0, 2, 4, 6, 8, 10, 12])
        let (x, y) = windows.gather(series, windows: [1, 6])
        #expect(x.count == 2 * 4 * 2 && y.count == 2 * 3 * 2)
        #expect(Array(x.prefix(4)) == [20, 21, 30, 31], "window 1 starts at row 2, channels interleaved")
        #expect(Array(y.suffix(2)) == [180, 181], "window 6 starts at row 12; its last target is row 18")
    }

    @Test func ettTestWindowsMatchTheProtocolCounts() throws {
        let split = try ChronologicalSplit.ett(rowCount: 17_420)
        for (horizon, count) in [(96, 2785), (192, 2689), (336, 2545), (720, 2161)] {
            let rows = ChronologicalSplit.withLookback(split.test, 96)
            let windows = try SlidingWindows(rowCount: 17_420, lookback: 96, horizon: horizon, rows: rows)
            #expect(windows.count == count)
            #expect(windows.starts.first! + 96 == split.test.lowerBound, "first target is the first test row")
        }
    }

    @Test func badWindowArguments() {
        #expect(throws: DataError.self) { try SlidingWindows(rowCount: 10, lookback: 0, horizon: 1) }
        #expect(throws: DataError.self) { try SlidingWindows(rowCount: 10, lookback: 2, horizon: -1) }
        #expect(throws: DataError.self) { try SlidingWindows(rowCount: 10, lookback: 2, horizon: 1, rows: 5..<20) }
        #expect(throws: DataError.self) { try ChronologicalSplit(rowCount: 10, trainFraction: 0.8, validationFraction: 0.3) }
        #expect(throws: DataError.self) { try ChronologicalSplit(rowCount: 100, counts: (80, 20, 20)) }
    }

    @Test func fractionSplit() throws {
        let split = try ChronologicalSplit(rowCount: 100, trainFraction: 0.7, validationFraction: 0.1)
        #expect(split.train == 0..<70 && split.validation == 70..<80 && split.test == 80..<100)
    }

    @Test func scalerUsesTrainRowsOnlyAndInverts() throws {
        var series = try ramp(10, columns: 1)
        series.columns[0].values[9] = .nan
        let scaler = try StandardScaler.fit(series, rows: 0..<4)
        #expect(scaler.means == [15])
        #expect(abs(scaler.stds[0] - (125.0).squareRoot()) < 1e-12, "population std of 0,10,20,30")
        let scaled = try scaler.transform(series)
        #expect(scaled.columns[0].values[9].isNaN)
        let back = try scaler.inverse(scaled)
        for i in 0..<9 { #expect(abs(back.columns[0].values[i] - series.columns[0].values[i]) < 1e-4) }
        let constant = try StandardScaler.fit(TimeSeries(values: [3, 3, 3]))
        let zero = try constant.transform(TimeSeries(values: [3]))
        #expect(constant.stds == [1] && zero.columns[0].values == [0])
    }
}
