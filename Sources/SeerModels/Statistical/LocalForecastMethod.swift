// What the statistical models share: each is fitted on a whole history when it forecasts (a
// "local" model, as statsforecast's are), with nothing trained ahead and nothing saved but its
// settings, so the forecaster and the backtest treat Theta, ETS, ARIMA, MSTL and Croston alike.

/// A statistical model fitted on each history as it forecasts.
public protocol LocalForecastMethod: Sendable {
    /// The fewest steps of history a forecast needs.
    var minimumHistory: Int { get }
    /// The next `horizon` values after `history` (finite, at least `minimumHistory` steps).
    func forecast(_ history: [Float], horizon: Int) -> [Float]
}

extension ThetaMethod: LocalForecastMethod {
    public var minimumHistory: Int { Self.minimumHistory }
}

extension AutoETS: LocalForecastMethod {
    public var minimumHistory: Int { Self.minimumHistory }
}

extension AutoARIMA: LocalForecastMethod {
    public var minimumHistory: Int { Self.minimumHistory }
}

/// A statistical model with prediction intervals of its own, from its error model (ETS's state-
/// space variances, ARIMA's ψ-weights) rather than from backtest residuals.
public protocol IntervalForecastMethod: LocalForecastMethod {
    /// Point forecasts and, per level (a fraction such as 0.95), the lower and upper bound per step.
    func forecastWithIntervals(_ history: [Float], horizon: Int, levels: [Double]) -> (mean: [Float], bounds: [(lower: [Float], upper: [Float])])
}

/// A fitted model with point forecasts and central intervals (ETS, ARIMA).
protocol FittedIntervalModel {
    func forecast(horizon: Int) -> [Double]
    func intervals(horizon: Int, level: Double) -> (lower: [Double], upper: [Double])
}

extension ETSModel: FittedIntervalModel {}
extension ARIMAModel: FittedIntervalModel {}

extension FittedIntervalModel {
    /// The forecast and each level's bounds, as `IntervalForecastMethod` returns them.
    func withIntervals(horizon: Int, levels: [Double]) -> (mean: [Float], bounds: [(lower: [Float], upper: [Float])]) {
        (forecast(horizon: horizon).map(Float.init), levels.map { level in
            let (lower, upper) = intervals(horizon: horizon, level: level)
            return (lower.map(Float.init), upper.map(Float.init))
        })
    }
}

extension AutoETS: IntervalForecastMethod {
    public func forecastWithIntervals(_ history: [Float], horizon: Int, levels: [Double]) -> (mean: [Float], bounds: [(lower: [Float], upper: [Float])]) {
        fit(history.map(Double.init)).withIntervals(horizon: horizon, levels: levels)
    }
}

extension AutoARIMA: IntervalForecastMethod {
    public func forecastWithIntervals(_ history: [Float], horizon: Int, levels: [Double]) -> (mean: [Float], bounds: [(lower: [Float], upper: [Float])]) {
        fit(history.map(Double.init)).withIntervals(horizon: horizon, levels: levels)
    }
}
