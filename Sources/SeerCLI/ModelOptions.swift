// Options that say which forecaster to build and how (forecast, train, backtest), and the
// prediction-interval levels — parsed into the library's `ForecastRequest`.
import ArgumentParser
import Foundation
import Seer

/// How to build and train a forecaster (forecast, train, backtest).
struct ModelOptions: ParsableArguments {
    @Option(help: "Steps to forecast.")
    var horizon: Int

    @Option(help: "Model: \(ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")) or auto.")
    var model = "auto"

    @Option(help: "Look-back window in steps (default: 4·H, at most half the shortest series' length beyond H, ≤ 512).")
    var lookback: Int?

    @Option(help: "Most training epochs of the neural nets and linear models (default: enough for 500 optimizer steps, at least 10, capped by --max-steps; early stopping on held-out windows). On long histories DLinear and RLinear are solved exactly by least squares unless this, --max-steps, --batch-size or --learning-rate is given.")
    var epochs: Int?

    @Option(help: "Most optimizer steps per model (default: 1000 unless --epochs is given; on large inputs each epoch then samples \(ForecasterConfig.checkSteps) batches of windows).")
    var maxSteps: Int?

    @Option(help: "Windows per optimizer step (default: 32).")
    var batchSize: Int?

    @Option(help: "Peak learning rate (default: 1e-3 for the nets, 5e-3 for DLinear and RLinear).")
    var learningRate: Float?

    @Option(help: "Seed of initialisation and data order (same seed ⇒ same forecast).")
    var seed: UInt64 = 0

    @Option(help: "Season of seasonal-naive in steps (default: from the frequency: 24 for H, 7 for D, 12 for MS …).")
    var season: Int?

    @Option(help: "Device: cpu, or cuda / cuda:N where this build has a CUDA backend.")
    var device: Device = .cpu

    @Option(help: "How auto compares models: holdout (MSE on the last 20 % of windows) or cv (MASE over 3 rolling-origin folds).")
    var select: ModelSelection = .heldOut

    @Option(help: "auto: forecast with the best K candidates combined (1: the best alone).")
    var combine = 1

    @Option(help: "How --combine merges forecasts: median or mean.")
    var combination: ForecastCombination = .median

    func validate() throws {
        guard combine >= 1 else { throw ValidationError("--combine must be at least 1") }
        if combine > 1, model != "auto" { throw ValidationError("--combine combines auto's candidates; it needs --model auto") }
        if let lookback, lookback < 1 { throw ValidationError("--lookback must be at least 1") }
        guard (epochs ?? 1) >= 1 else { throw ValidationError("--epochs must be at least 1") }
        guard (batchSize ?? 1) >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if let learningRate, !(learningRate > 0 && learningRate.isFinite) { throw ValidationError("--learning-rate must be a positive number") }
        guard (maxSteps ?? 1) >= 1 else { throw ValidationError("--max-steps must be at least 1") }
        if let season, season < 1 { throw ValidationError("--season must be at least 1") }
    }

    /// The request itself: a horizon ≤ 0 or an unknown model is bad input (exit 65, as issue 7
    /// specifies: they are values of the forecast asked for, not a malformed command line); a
    /// device without a backend is refused by the run (exit 69).
    func request() throws -> ForecastRequest {
        guard horizon >= 1 else { throw CommandFailure("--horizon must be at least 1 step, not \(horizon)", kind: .badInput) }
        guard let choice = ModelChoice(name: model) else {
            throw CommandFailure("--model must be one of \(ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")) or auto, not '\(model)'",
                                 kind: .badInput)
        }
        var request = ForecastRequest(horizon: horizon, model: choice, lookback: lookback, epochs: epochs, maxSteps: maxSteps, batchSize: batchSize,
                                      learningRate: learningRate, season: season, seed: seed, device: device, selection: select)
        request.combine = combine
        request.combination = combination
        return request
    }
}

extension ModelOptions {
    /// The run of `request` (from these options, checked before the data is read) over `data`,
    /// reporting a named model as named by the flag.
    func run(_ request: ForecastRequest, on data: ForecastData, progress: ConsoleProgress.Style?) -> ForecastRun {
        var run = ForecastRun(data: data, request: request, progress: progress)
        run.namedChoice = "named by --model"
        return run
    }
}

/// Prediction-interval levels (percent).
struct LevelOptions: ParsableArguments {
    @Option(help: "Prediction-interval levels in percent, comma-separated (e.g. 80,95).")
    var levels: String?

    @Option(help: "Where intervals come from: conformal (backtest residuals; any model) or model (the statistical model's own error model: ets, arima, mstl).")
    var intervals: IntervalKind = .conformal

    @Option(help: "Backtest folds that calibrate the intervals (default: enough residuals for the highest level, at least 5; on a short series the folds' cutoffs move closer than H steps so they fit).")
    var calibrationFolds: Int?

    var parsed: [Int] {
        get throws {
            guard let levels else { return [] }
            let values = levels.split(separator: ",").map { Int($0.trimmingCharacters(in: .whitespaces)) }
            guard !values.isEmpty, values.allSatisfy({ $0.map { $0 > 0 && $0 < 100 } ?? false }) else {
                throw ValidationError("--levels takes whole percentages between 1 and 99, e.g. 80,95; not '\(levels)'")
            }
            return Array(Set(values.map { $0! })).sorted()
        }
    }

    func validate() throws {
        _ = try parsed
        guard (calibrationFolds ?? 1) >= 1 else { throw ValidationError("--calibration-folds must be at least 1") }
        if intervals == .model, calibrationFolds != nil { throw ValidationError("--calibration-folds calibrates conformal intervals; --intervals model takes none") }
    }

    /// The intervals of `forecaster`: calibrated by a backtest, or the model's own.
    func intervals(_ run: ForecastRun, _ forecaster: Forecaster) throws -> PredictionIntervals {
        let levels = try parsed
        switch intervals {
        case .conformal: return .conformal(try run.calibrate(forecaster, levels: levels, folds: calibrationFolds))
        case .model:
            guard levels.isEmpty || forecaster.hasModelIntervals else { throw ForecasterError.noModelIntervals(forecaster.config.model.rawValue) }
            return .model(levels)
        }
    }
}

/// Where `--levels` intervals come from.
enum IntervalKind: String, ExpressibleByArgument, CaseIterable {
    case conformal, model
}
