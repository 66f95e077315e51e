// Choosing, training and calibrating the forecaster of one forecast, train or backtest job: the
// default look-back and season, `auto` over the candidates by rolling-origin MASE, and split-conformal
// interval widths from a rolling-origin backtest.
import SeerBase
import SeerData
import SeerModels
import SeerTensor

/// The trained forecaster of a run, how it was chosen, and each candidate's score.
public struct TrainedForecaster {
    public let forecaster: Forecaster
    /// "named by the request", "auto: lowest held-out MSE", …
    public let chosenBy: String
    public let scores: [String: Double]
    /// `auto` candidates the history was too short for, with the steps each needs.
    public var tooShort: [String: Int] = [:]
    /// What `scores` measure.
    public var scoreName = "held-out MSE"
}

/// Choosing, training and calibrating a forecaster for `ForecastData`.
public struct ForecastRun {
    public var data: ForecastData
    public var request: ForecastRequest
    /// Progress of each model's training (nil: silent).
    public var progress: ConsoleProgress.Style?
    /// How a named model's choice is reported (the CLI says which flag named it).
    public var namedChoice = "named in the request"

    public init(data: ForecastData, request: ForecastRequest, progress: ConsoleProgress.Style? = nil) {
        self.data = data
        self.request = request
        self.progress = progress
    }

    /// Models `auto` may choose among; `candidates` picks those that suit the data.
    public static let autoCandidates: [ModelFamily] = ModelFamily.allCases.filter { $0.descriptor.autoCandidate }

    /// Histories longer than this leave ETS and ARIMA out of `auto`: their fits grow with the
    /// history (AutoARIMA takes ~10 s per fit on 17,000 hourly steps, and auto refits them at every
    /// held-out origin), and on such series the nets have the data to win (issue 21's hourly row).
    public static let statisticalCandidateLimit = 2_000

    /// The candidates `auto` compares on this data: Croston and TSB only where most series are
    /// intermittent (non-negative, a quarter or more zeros), MSTL only where a second season fits
    /// twice into the history, ETS and ARIMA only up to `statisticalCandidateLimit` steps. (The
    /// nets and linear maps step aside by themselves where a history is too short for them.)
    public var candidates: [ModelFamily] {
        let values = data.values
        let longest = values.map(\.count).max() ?? 0
        let intermittent = values.filter(IntermittentDemand.isIntermittent).count * 2 >= max(1, values.count)
        return ForecastRun.autoCandidates.filter { family in
            switch family {
            case .croston, .tsb: return intermittent
            case .mstl: return secondSeason > 1 && season > 1 && longest >= 2 * secondSeason
            case .ets, .arima: return longest <= ForecastRun.statisticalCandidateLimit
            default: return true
            }
        }
    }

    /// The look-back: the request's, or 4·H, at most half the shortest series' length beyond H, ≤ 512.
    public var lookback: Int {
        let shortest = data.sequences.map(\.values.count).min() ?? 0
        let h = request.horizon
        return request.lookback ?? max(1, min(4 * h, 512, max(h, (shortest - h) / 2)))
    }

    /// The season of seasonal-naive: the request's, or the frequency's natural one.
    public var season: Int { request.season ?? ForecastRun.defaultSeason(data.frequency) }

    /// The natural season of a frequency in steps: the daily cycle below a day (24 hourly, 48
    /// half-hourly, 288 for 5 minutes), the week for days, 52 for weeks, 12 for months, 4 for
    /// quarters; 1 without one.
    public static func defaultSeason(_ frequency: Frequency?) -> Int {
        guard let frequency else { return 1 }
        if let step = frequency.fixedSeconds, step < 86_400 {
            return 86_400 % step == 0 ? Int(86_400 / step) : 1
        }
        switch frequency.unit {
        case .day: return 7
        case .businessDay: return 5
        case .week: return 52
        case .monthStart, .monthEnd: return 12
        case .quarterStart, .quarterEnd: return 4
        default: return 1
        }
    }

    /// MSTL's second season: the week of sub-daily data, the year of daily data; none when the
    /// request names a season (it is then the only one) or the frequency has no longer cycle.
    public var secondSeason: Int {
        guard request.season == nil, let frequency = data.frequency else { return 1 }
        if let step = frequency.fixedSeconds, step < 86_400, 86_400 % step == 0 { return 7 * Int(86_400 / step) }
        return frequency.unit == .day && frequency.fixedSeconds == 86_400 ? 365 : 1
    }

    /// The configuration of `family` for this run.
    public func config(_ family: ModelFamily) -> ForecasterConfig {
        var config = ForecasterConfig(model: family, lookback: lookback, horizon: request.horizon, epochs: request.epochs,
                                      maxSteps: request.maxSteps, season: season, seed: request.seed)
        if let batchSize = request.batchSize { config.batchSize = batchSize }
        config.secondSeason = secondSeason
        config.learningRate = request.learningRate
        config.device = request.device
        return config
    }

    func observer() -> TrainingObserver? { progress.map { ConsoleProgress($0) } }

    /// Trains the requested model (scored by its held-out MSE), or chooses among the `auto`
    /// candidates by rolling-origin cross-validation and trains the winner.
    public func train() throws -> TrainedForecaster {
        try data.namingSeries { try trainNamingIndices() }
    }

    private func trainNamingIndices() throws -> TrainedForecaster {
        // Ask for the device's backend first: a missing GPU is a clear error before any work.
        _ = try backend(for: request.device)
        let values = data.values
        try checkMemory(values)
        var scores: [String: Double] = [:]
        if case .family(let family) = request.model {
            let forecaster = Forecaster(config(family))
            try forecaster.fit(values, observer: observer())
            if let error = try forecaster.validationError(values) { scores[family.rawValue] = error }
            return TrainedForecaster(forecaster: forecaster, chosenBy: namedChoice, scores: scores)
        }
        switch request.selection {
        case .heldOut: return try chooseByHeldOutError(values)
        case .crossValidation: return try chooseByCrossValidation(values)
        }
    }

    /// Every model tried here is scored on held-out windows (and the nets train on them): a
    /// history whose windows would not fit in memory is refused before the first model spends
    /// minutes on it. Cross-validation builds windows only for some candidates; there the check
    /// runs when they are built.
    func checkMemory(_ values: [[Float]]) throws {
        let families: [ModelFamily]
        switch (request.model, request.selection) {
        case (.family(let family), _): families = [family]
        case (.auto, .heldOut): families = candidates
        case (.auto, .crossValidation): return
        }
        for family in families {
            let length = config(family).windowLength + request.horizon
            try Forecaster.checkMemory(windows: values.reduce(0) { $0 + max(0, $1.count - length + 1) }, length: length)
        }
    }

    /// `auto` by the held-out MSE on the last 20 % of each sequence's windows (the ones early
    /// stopping watched, so it favours the nets a little); candidates too short to fit step aside.
    func chooseByHeldOutError(_ values: [[Float]]) throws -> TrainedForecaster {
        var fitted: [(forecaster: Forecaster, error: Double)] = []
        var scores: [String: Double] = [:], tooShort: [String: Int] = [:]
        for family in candidates {
            let candidate = Forecaster(config(family))
            do {
                try candidate.fit(values, observer: observer())
            } catch ForecasterError.tooShort(_, let needed, _) {
                // A short history steps a candidate aside (it is named in the summary), not the run.
                tooShort[family.rawValue] = needed
                continue
            }
            guard let error = try candidate.validationError(values) else { continue }
            scores[family.rawValue] = error
            fitted.append((candidate, error))
        }
        // The best first (ties in catalog order).
        let ranked = fitted.enumerated().sorted { ($0.element.error, $0.offset) < ($1.element.error, $1.offset) }.map(\.element.forecaster)
        if let best = ranked.first {
            let (forecaster, how) = combined(ranked, best: best)
            return TrainedForecaster(forecaster: forecaster, chosenBy: "auto: \(how) held-out MSE", scores: scores, tooShort: tooShort)
        }
        return try simplestThatFits(values, tooShort: tooShort)
    }

    /// `auto` by rolling-origin cross-validation: the same cutoffs for every candidate (H apart,
    /// ending at the last row; fewer folds when the history is short), scored by MASE so every
    /// series weighs the same whatever its scale.
    func chooseByCrossValidation(_ values: [[Float]]) throws -> TrainedForecaster {
        let longest = values.map(\.count).max() ?? 0
        let candidates = self.candidates
        // The fold count that compares the most candidates (more folds on a tie): on a long history
        // every candidate fits three folds; on a short one fewer folds let more of them compete.
        var round: (folds: Int, scores: [String: Double], tooShort: [String: Int], fitted: [ModelFamily: Forecaster])?
        for folds in stride(from: ForecastRun.crossValidationFolds, through: 1, by: -1) {
            var foldFitted: [ModelFamily: Forecaster] = [:]
            var foldScores: [String: Double] = [:], foldTooShort: [String: Int] = [:]
            for family in candidates {
                let candidate = Forecaster(config(family))
                // Nets fit once before the earliest cutoff (refitting per fold would multiply their
                // cost; NeuralForecast's refit=False); the cheap models refit at every cutoff.
                let refit = family.descriptor.kind != .net
                do {
                    let (result, fitted) = try candidate.backtestKeepingModel(values, folds: folds, refit: refit, observer: observer())
                    guard let score = result.mase(values, season: season) else { continue }
                    foldScores[family.rawValue] = score
                    foldFitted[family] = fitted
                } catch ForecasterError.tooShort(_, let needed, _) {
                    // A short history steps a candidate aside (named in the summary), not the run.
                    foldTooShort[family.rawValue] = needed
                }
            }
            if !foldScores.isEmpty, foldScores.count > (round?.scores.count ?? 0) {
                round = (folds, foldScores, foldTooShort, foldFitted)
            }
            if foldScores.count == candidates.count { break }
        }
        if let round {
            let folds = round.folds
            // The best first (ties in catalog order); only as many as will be used are fitted on all the data.
            let order = candidates.filter { round.scores[$0.rawValue] != nil }.enumerated()
                .sorted { (round.scores[$0.element.rawValue]!, $0.offset) < (round.scores[$1.element.rawValue]!, $1.offset) }.map(\.element)
            var finals: [Forecaster] = []
            for family in order.prefix(max(1, request.combine)) {
                // A net fitted before the cutoffs is kept when they withhold at most 2 % of the history
                // (it reads the latest steps as input all the same); otherwise the model refits on all.
                if let kept = round.fitted[family], Double(request.horizon * folds) <= 0.02 * Double(longest) {
                    finals.append(kept)
                    continue
                }
                // A model scored on shrunk folds may need a shorter look-back for the whole history too.
                var finalConfig = config(family)
                if longest < finalConfig.minimumHistory, let shrunk = finalConfig.shrunk(toFit: longest) { finalConfig = shrunk }
                let final = Forecaster(finalConfig)
                try final.fit(values, observer: observer())
                finals.append(final)
            }
            let (forecaster, how) = combined(finals, best: finals[0])
            return TrainedForecaster(forecaster: forecaster, chosenBy: "auto: \(how) MASE over \(folds) rolling-origin fold\(folds == 1 ? "" : "s")",
                                     scores: round.scores, tooShort: round.tooShort,
                                     scoreName: "cross-validated MASE (\(folds) fold\(folds == 1 ? "" : "s"))")
        }
        var tooShort: [String: Int] = [:]
        for family in candidates { tooShort[family.rawValue] = Forecaster(config(family)).minimumHistory + request.horizon }
        return try simplestThatFits(values, tooShort: tooShort)
    }

    /// The best of `ranked` (best first) alone, or the best `request.combine` combined; and how
    /// the choice reads ("lowest", "median of the 3 lowest-…").
    func combined(_ ranked: [Forecaster], best: Forecaster) -> (Forecaster, String) {
        let members = Array(ranked.prefix(max(1, request.combine)))
        guard members.count > 1 else { return (best, "lowest") }
        let names = members.map(\.config.model.rawValue).joined(separator: ", ")
        return (Forecaster(combining: members, by: request.combination),
                "\(request.combination.rawValue) of the \(members.count) (\(names)) with the lowest")
    }

    /// Too little history to compare any candidates: the simplest that can forecast it.
    func simplestThatFits(_ values: [[Float]], tooShort: [String: Int]) throws -> TrainedForecaster {
        let longest = values.map(\.count).max() ?? 0
        let bySimplicity = candidates.enumerated().sorted {
            (ForecastRun.simplicity($0.element), $0.offset) < (ForecastRun.simplicity($1.element), $1.offset)
        }.map(\.element)
        for family in bySimplicity {
            let candidate = Forecaster(config(family))
            do {
                try candidate.fit(values, observer: observer())
                _ = try candidate.predict(values)
            } catch {
                continue
            }
            return TrainedForecaster(forecaster: candidate, chosenBy: "auto: too little history to compare models, the simplest that fits",
                                     scores: [:], tooShort: tooShort)
        }
        throw ForecastTaskError.nothingFits(longest: longest, needs: tooShort)
    }

    /// Rolling-origin folds `auto` compares candidates on (fewer when the history is short).
    public static let crossValidationFolds = 3

    /// 0 for the naive baselines, then statistical, linear, nets: the fallback's order.
    static func simplicity(_ family: ModelFamily) -> Int {
        switch family.descriptor.kind { case .naive: return 0; case .statistical: return 1; case .linear: return 2; case .net: return 3 }
    }

    /// The fewest residuals n with ⌈(n + 1)·level⌉ ≤ n (level in percent).
    public static func residualsNeeded(level: Int) -> Int {
        (1...).first { Int((Double($0 + 1) * Double(level) / 100).rounded(.up)) <= $0 }!
    }

    /// Conformal half-widths per level from a rolling-origin backtest of `forecaster`'s config:
    /// `folds` folds (nil: enough for the highest level, at least 5), cutoffs H steps apart, or
    /// closer where the history is too short for that.
    public func calibrate(_ forecaster: Forecaster, levels: [Int], folds requested: Int?) throws -> [Int: [Float]] {
        guard !levels.isEmpty else { return [:] }
        let calibrator = forecaster.untrainedCopy()
        let series = data.sequences.count, needed = levels.map(ForecastRun.residualsNeeded).max()!
        let folds = requested ?? max(5, (needed + series - 1) / series)
        guard let step = calibrator.foldStep(data.values, folds: folds) else {
            throw ForecastTaskError.calibrationDoesNotFit(folds: folds, minimumHistory: calibrator.minimumHistory,
                                                          longest: data.values.map(\.count).max() ?? 0,
                                                          fit: calibrator.foldsThatFit(data.values, folds: folds, step: 1),
                                                          foldsRequested: requested != nil, setBy: calibrator.config.historyNeed)
        }
        let backtest = try calibrator.backtest(data.values, folds: folds, step: step)
        var widths: [Int: [Float]] = [:]
        for level in levels {
            guard let w = backtest.halfWidths(level: Double(level) / 100) else {
                throw ForecastTaskError.tooFewResiduals(level: level, needed: ForecastRun.residualsNeeded(level: level),
                                                        available: backtest.absoluteResiduals.first?.count ?? 0, folds: folds, series: series)
            }
            widths[level] = w
        }
        return widths
    }
}
