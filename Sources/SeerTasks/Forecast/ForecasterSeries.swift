// `Forecaster` on the series type the rest of Seer reads: every value column of every
// `TimeSeries` is one univariate history; forecasts come back as `TimeSeries` whose time axis
// continues the input's (timestamps at its inferred frequency, or a continued row index).
import SeerData
import SeerModels

extension Forecaster {
    /// The value columns of `series`, one history each, in order.
    static func histories(_ series: [TimeSeries]) -> [[Float]] { series.flatMap { $0.columns.map(\.values) } }

    /// Trains on every value column of every series (one global model).
    @discardableResult
    public func fit(_ series: [TimeSeries], observer: TrainingObserver? = nil) throws -> TrainingReport? {
        try fit(Forecaster.histories(series), observer: observer)
    }

    /// Trains on every value column of `series`.
    @discardableResult
    public func fit(_ series: TimeSeries, observer: TrainingObserver? = nil) throws -> TrainingReport? {
        try fit([series], observer: observer)
    }

    /// The next `horizon` steps of every value column of `series`, as a series with the same
    /// id and column names whose time axis continues the input's.
    public func predict(_ series: TimeSeries) throws -> TimeSeries {
        let forecasts = try predict(series.columns.map(\.values))
        let time: TimeAxis
        if let timestamps = series.time.timestamps, let last = timestamps.last, let frequency = Frequency.infer(timestamps) {
            time = .timestamps((1...config.horizon).map { frequency.advance(last, by: $0) })
        } else {
            time = .index(count: config.horizon)
        }
        return try TimeSeries(id: series.id, time: time,
                              columns: zip(series.columns, forecasts).map { SeriesColumn(name: $0.0.name, values: $0.1) },
                              source: "forecast of \(series.source)")
    }

    /// A rolling-origin backtest over every value column of every series.
    public func backtest(_ series: [TimeSeries], folds: Int, refit: Bool = true) throws -> BacktestResult {
        try backtest(Forecaster.histories(series), folds: folds, refit: refit)
    }
}
