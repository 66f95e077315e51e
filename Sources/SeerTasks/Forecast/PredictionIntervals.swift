// Where a forecast's prediction intervals come from: split-conformal half-widths from a rolling-
// origin backtest (any model; symmetric, the same width for every series) or the statistical
// model's own error model (ETS's state-space variances, ARIMA's ψ-weights, MSTL through its ETS:
// per series, and asymmetric where the model is multiplicative) — what statsforecast's `level`
// gives its users.
import SeerModels

/// The intervals a forecast carries.
public enum PredictionIntervals: Equatable, Sendable {
    /// Split-conformal half-widths per level (percent), one per horizon step.
    case conformal([Int: [Float]])
    /// The statistical model's own intervals at these levels (percent).
    case model([Int])

    /// No intervals.
    public static let none = PredictionIntervals.conformal([:])

    /// The levels, ascending.
    public var levels: [Int] {
        switch self {
        case .conformal(let widths): return widths.keys.sorted()
        case .model(let levels): return Array(Set(levels)).sorted()
        }
    }

    /// How the summary names them.
    public var source: String {
        switch self {
        case .conformal: return "split-conformal from backtest residuals"
        case .model: return "the model's own (its error model)"
        }
    }
}

extension Forecaster {
    /// Whether this model has intervals of its own (`PredictionIntervals.model`).
    public var hasModelIntervals: Bool { config.model.descriptor.localMethod(seasons: config.seasons) is any IntervalForecastMethod }

    /// Forecasts of every history with the model's own bounds: per history, per step, lo and hi per
    /// level (levels ascending, in percent).
    public func predictWithModelIntervals(_ histories: [[Float]], levels: [Int]) throws -> (forecasts: [[Float]], bounds: [[[Float]]]) {
        guard let method = config.model.descriptor.localMethod(seasons: config.seasons) as? any IntervalForecastMethod else {
            throw ForecasterError.noModelIntervals(config.model.rawValue)
        }
        let levels = Array(Set(levels)).sorted()
        var forecasts: [[Float]] = [], bounds: [[[Float]]] = []
        for (index, s) in histories.enumerated() {
            guard s.count >= method.minimumHistory else {
                throw ForecasterError.tooShort(longest: s.count, needed: method.minimumHistory, need: .lookback(method.minimumHistory))
            }
            guard s.allSatisfy({ $0.isFinite }) else { throw ForecasterError.missingValues(sequence: index) }
            let (mean, perLevel) = method.forecastWithIntervals(s, horizon: config.horizon, levels: levels.map { Double($0) / 100 })
            forecasts.append(mean)
            bounds.append((0..<config.horizon).map { k in perLevel.flatMap { [$0.lower[k], $0.upper[k]] } })
        }
        return (forecasts, bounds)
    }
}
