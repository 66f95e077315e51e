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
