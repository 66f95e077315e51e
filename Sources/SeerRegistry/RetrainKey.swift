// One key's retraining: the challenger trained without the latest window and scored on it, the
// champion scored on the same window, the job's acceptance rule, and the registration. The model
// files are written (atomically, fsynced) under a freshly taken version number before the
// registry commit that makes them reachable; the commit also marks the key done, and only if
// this process still holds its claim.
//
// The model registered is the model scored — trained on all but the latest `horizon` steps, not
// refitted on everything. Refitting would ship a model nobody evaluated, and would let it train
// on most of the next night's window, so the next challenger would be judged against a champion
// scored on its own training data (on unchanged data a challenger lost 0.554 to 0.504 that way).
// Without the refit, a champion from an earlier night never saw the window it is scored on. It
// forecasts from the latest history either way: the model reads its look-back at predict time.
import SeerBase
import SeerData
import SeerTasks

extension RetrainRun {
    var request: ForecastRequest {
        ForecastRequest(horizon: job.horizon, model: .family(job.model ?? .rlinear), lookback: job.lookback, maxSteps: job.maxSteps, season: job.season,
                        seed: job.seed)
    }

    /// Scores on the latest window: (MASE, or nil where a series has no usable scale — then the
    /// key is judged by MAE; MAE). Missing actual values are left out of both; nil when a
    /// forecast is not finite. A window with no actual value at all is an error.
    func score(_ forecaster: Forecaster, history: ForecastData, data: ForecastData, season: Int) throws -> (mase: Double?, mae: Double)? {
        let h = job.horizon
        let forecasts = try forecaster.predict(history.values)
        var scaled = 0.0, absolute = 0.0, scored = 0, everyScale = true
        for (s, values) in data.values.enumerated() {
            let cutoff = history.values[s].count
            let forecast = Array(forecasts[s].prefix(h))
            guard forecast.count == h, forecast.allSatisfy(\.isFinite) else { return nil }
            let errors = zip(values[cutoff..<(cutoff + h)], forecast).filter { $0.0.isFinite }.map { abs(Double($0.0) - Double($0.1)) }
            guard !errors.isEmpty else { continue }
            let mae = errors.reduce(0, +) / Double(errors.count)
            absolute += mae
            scored += 1
            if let scale = Self.naiveScale(history.values[s], season: season) { scaled += mae / scale } else { everyScale = false }
        }
        guard scored > 0 else {
            throw DataError.bad("the latest \(h) steps hold no actual values to score the challenger on", file: data.sequences.first?.id ?? "series")
        }
        return (everyScale ? scaled / Double(scored) : nil, absolute / Double(scored))
    }

    /// The in-sample MAE of the seasonal-naive forecast (lag `season`, or 1 when the history is not
    /// longer than a season) over the pairs where both values are present; nil when none is, or
    /// when it is 0 (a constant history).
    static func naiveScale(_ history: [Float], season: Int) -> Double? {
        let lag = history.count > season ? max(1, season) : 1
        var total = 0.0, count = 0
        for t in lag..<max(lag, history.count) where history[t].isFinite && history[t - lag].isFinite {
            total += abs(Double(history[t]) - Double(history[t - lag]))
            count += 1
        }
        guard count > 0, total > 0 else { return nil }
        return total / Double(count)
    }

    func train(_ item: KeyData, began: Double) throws -> KeyOutcome {
        if case .detect(let model, let threshold, let window, let rate) = job.task {
            return try trainDetector(item, model: model, threshold: threshold, window: window, maxAlarmRate: rate, began: began)
        }
        let h = job.horizon
        if let short = item.data.sequences.first(where: { $0.values.count <= h }) {
            throw DataError.bad("series '\(short.id)' has \(short.values.count) steps; retraining needs more than the horizon (\(h)) to score the latest window",
                                file: item.key)
        }
        let history = try item.data.droppingLast(h)
        let evaluation = try ForecastRun(data: history, request: request).train()
        CrashPoint.reach("trained")
        let season = ForecastRun(data: item.data, request: request).season
        guard let challenger = try score(evaluation.forecaster, history: history, data: item.data, season: season) else {
            throw DataError(.badInput, "the challenger's forecasts of the latest \(h) steps are not finite; nothing registered", file: item.key)
        }
        // The champion on the same window (when it can forecast it).
        var champion: (mase: Double?, mae: Double)?
        var championNote = "no champion yet"
        if let current = try clock.time({ try registry.champion(of: item.key) }) {
            let model = try registry.loadForecaster(current)
            if model.config.horizon < h {
                championNote = "the champion (v\(current.version)) forecasts \(model.config.horizon) steps, fewer than the job's \(h)"
            } else if let scores = try? score(model, history: history, data: item.data, season: season) {
                champion = scores
                championNote = "champion v\(current.version)"
            } else {
                championNote = "the champion (v\(current.version)) cannot forecast the latest window"
            }
        }
        // One metric for both: MASE where both have it, else MAE.
        let useMASE = job.accept.metric == "mase" && challenger.mase != nil && (champion == nil || champion?.mase != nil)
        let metric = useMASE ? "mase" : "mae"
        let challengerScore = useMASE ? challenger.mase! : challenger.mae
        let championScore = champion.map { useMASE ? $0.mase! : $0.mae }
        let accepted = championScore.map { challengerScore <= $0 * (1 + job.accept.tolerance) } ?? true
        let verdict = championScore.map {
            String(format: "%@ %.4g vs %@ %.4g (tolerance %.0f%%)", metric, challengerScore, championNote, $0, job.accept.tolerance * 100)
        } ?? String(format: "%@ %.4g; %@", metric, challengerScore, championNote)

        let card = ModelCard(evaluation, data: history, intervals: .none)
        let model = evaluation.forecaster
        return try register(Challenger(
            accepted: accepted, verdict: verdict, score: challengerScore, championScore: championScore,
            metrics: ["metric": .string(metric), "window": .number(Double(h)), "challenger_mae": .number(challenger.mae)],
            config: ["model": .string(model.modelName), "horizon": .number(Double(model.config.horizon)), "lookback": .number(Double(model.config.lookback)),
                     "season": .number(Double(season)), "series": .array(item.data.sequences.map { .string($0.id) })],
            dataFingerprint: card.trainingDataFingerprint, save: { try model.save(to: $0, card: card) }), for: item.key, began: began)
    }
}
