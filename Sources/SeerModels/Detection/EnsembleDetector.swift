// Seer's default anomaly detector: several causal views of one series, each calibrated against
// its own recent history, the most alarmed one winning, and one alarm per anomaly.
//   1. raw scores: the seasonal linear model's error (`LinearResidual`), the level-shift
//      statistic (`LevelShiftScore`) and the contextual score (`ContextAnomaly`);
//   2. each through its own `AveragedLikelihood`;
//   3. a range flag: a value beyond the minimum/maximum seen so far, widened by 2 % of the range,
//      scores 1 (NAB's HTM detector has the same rule at 5 %);
//   4. the maximum of these;
//   5. the alarm filter: a score at `alarm` or above raises an alarm — unless the score was also
//      at the alarm level within an hour of the same time one day earlier (a daily job is not an
//      anomaly) — and each alarm holds the next `quiet` steps at 0, since an operator (and NAB)
//      counts every repeated alarm of one event as a false one;
//   6. a gross outlier always alarms: a new extreme more than a million robust units from the
//      recent values' median (RobustScale, the rule that makes a forecast refuse it: a 1e30
//      glitch among values near 50) scores 1 even in a quiet period or where yesterday alarmed.
//      Without this the quiet period after any earlier alarm hid it at score 0 — the one value
//      an operator most needs to see. It starts a quiet period of its own (one alarm per event).
// Every part can be switched off, so its worth is measured (`seer bench nab`); the figures and
// what was tried are in docs/DECISIONS.md.
import Foundation
import SeerBase

/// Which parts of `EnsembleDetector` run (all, by default).
public struct EnsembleParts: Sendable, Equatable, Codable {
    public var residual = true, levelShift = true, context = true, range = true
    /// Drop alarms seen within an hour of the same time yesterday.
    public var seenYesterday = true
    /// Hold the steps after an alarm at 0.
    public var quiet = true
    public init() {}
}

/// What `auto` compared: the mean absolute one-step errors (in the normalised units both models
/// share) on the warm-up's newest values, which the net did not train on.
public struct NetComparison: Sendable, Codable, Equatable {
    public let linearError: Double
    public let netError: Double
    public let keptNet: Bool
}

/// The ensemble of calibrated scorers with its alarm filter.
public struct EnsembleDetector: StreamingAnomalyScorer, Codable {
    public let season: Int
    public let parts: EnsembleParts
    public let alarm: Double
    public let quietSteps: Int
    /// Range flags fire beyond this share of the range seen.
    public let rangeTolerance: Double
    /// Steps learnt before the range flag may fire: while the range is still being found, every
    /// new extreme would alarm, and each alarm's quiet period would hide what comes next.
    public let rangeSettling: Int
    private var residual: LinearResidual
    /// The zoo net that replaces the linear model once it is trained on the warm-up (nil: the
    /// linear model throughout).
    private var netMember: NetResidual?
    /// Keep the net only where it predicts the warm-up's held-out values better than the linear
    /// model (`auto`); the linear model's errors during the warm-up are kept for that comparison.
    public let netOnlyIfBetter: Bool
    private var linearErrors: [Double] = []
    /// `auto`'s comparison once the net is trained (nil before, and without `netOnlyIfBetter`).
    public private(set) var netComparison: NetComparison?
    private var shift = LevelShiftScore(window: 12, history: 500)
    private var context: ContextAnomaly
    private var stages = [AveragedLikelihood](repeating: AveragedLikelihood(), count: 3)
    /// The values of the last `history` steps, which the three stages share.
    private var values = ScoreRing(capacity: AveragedLikelihood().history)
    private var low = 0.0, high = 0.0, seen = 0
    /// The combined scores of the last day and an hour (for the seen-yesterday rule).
    private var combined: [Double] = []
    private var quiet = 0
    /// The recent values' robust scale for the gross-outlier rule, and `seen` when it was measured
    /// (nil until the first new extreme; optional, so states saved before it decode).
    private var grossScale: MeasuredScale?

    /// A robust scale and the step it was measured at.
    struct MeasuredScale: Codable, Sendable {
        let median: Double, unit: Double, step: Int
    }

    /// Steps a measured scale serves before the ring is sorted again.
    static let grossScaleLife = 100

    /// `season`: the daily cycle in steps (1 when unknown: lags 1–3 only, no seen-yesterday rule).
    /// `net`: a zoo net as the forecasting member, trained on the first `warmup` values (the
    /// linear model speaks until then, and throughout when training is impossible); nil: the
    /// linear model throughout.
    public init(season: Int, parts: EnsembleParts = EnsembleParts(), alarm: Double = 0.5, quietSteps: Int = 200,
                rangeTolerance: Double = 0.02, rangeSettling: Int = 100, maxContexts: Int = 10_000,
                net: ResidualNet? = nil, warmup: Int = 750, netOnlyIfBetter: Bool = false) {
        self.rangeSettling = rangeSettling
        self.season = max(1, season)
        self.parts = parts
        self.alarm = alarm
        self.quietSteps = quietSteps
        self.rangeTolerance = rangeTolerance
        residual = LinearResidual(season: self.season)
        context = ContextAnomaly(maxContexts: maxContexts)
        netMember = net.map { NetResidual(net: $0, trainAfter: warmup) }
        self.netOnlyIfBetter = netOnlyIfBetter
    }

    /// The net forecasting member (nil: the linear model).
    public var residualNet: ResidualNet? { netMember?.net }
    /// Whether the net member is trained and speaking (false for the linear model).
    public var netIsReady: Bool { netMember?.isReady ?? false }

    /// Contexts the contextual member holds.
    public var contexts: Int { context.contexts }

    /// Steps either side of "the same time yesterday": an hour.
    var width: Int { max(1, Int((Double(season) / 24).rounded())) }

    public mutating func update(_ value: Double) -> Double {
        let gross = isGrossOutlier(value)  // against what came before it
        var score = 0.0
        if parts.residual { score = max(score, stages[0].update(forecastError(value), values: values)) }
        if parts.levelShift { score = max(score, stages[1].update(shift.update(value), values: values)) }
        if parts.context { score = max(score, stages[2].update(context.update(value), values: values)) }
        if parts.range { score = max(score, rangeFlag(value)) }
        learnRange(value)
        values.append(value)
        let shown = filtered(score)
        guard gross else { return shown }
        if parts.quiet { quiet = quietSteps }
        return 1
    }

    /// Whether `value` is a new extreme (beyond every value seen) lying more than
    /// `RobustScale.grossLimit` robust units from the median of the recent values. Only new
    /// extremes are measured, and a level reached once (a counter that really jumped) alarms
    /// once, not at every later value. Ten values come first. The scale is re-measured at most
    /// every `grossScaleLife` steps: on a rising counter every value is a new extreme, and sorting
    /// 8,640 values at each would become the main cost of every point; a scale 100 steps old
    /// is exact enough for a millionfold rule.
    private mutating func isGrossOutlier(_ value: Double) -> Bool {
        guard seen >= 10, value > high || value < low else { return false }
        // A young scale (few values) is re-measured sooner: after as many steps as it had seen.
        if grossScale == nil || seen - grossScale!.step >= min(Self.grossScaleLife, grossScale!.step) {
            let scale = RobustScale(values.chronological.map(Double.init))
            grossScale = MeasuredScale(median: scale?.median ?? 0, unit: scale?.unit ?? 0, step: seen)
        }
        guard let scale = grossScale, scale.unit > 0 else { return false }
        return abs(value - scale.median) / scale.unit > RobustScale.grossLimit
    }

    /// The forecasting member's raw score: the net's once it is trained, the linear model's before.
    private mutating func forecastError(_ value: Double) -> Double {
        if netMember?.isReady == true, let raw = netMember!.update(value) { return raw }
        guard netMember != nil else { return residual.update(value) }
        _ = netMember!.update(value)
        let raw = residual.update(value)
        if netOnlyIfBetter { linearErrors.append(residual.lastError) }
        if netMember!.isReady || netMember!.trainingFailed {
            if netOnlyIfBetter, let netError = netMember!.heldOutError {
                // The same values, the same units: the linear model's errors on the span the net held out.
                let span = linearErrors.suffix(max(1, netMember!.heldOutSpan))
                let linearError = span.reduce(0, +) / Double(span.count)
                netComparison = NetComparison(linearError: linearError, netError: netError, keptNet: netError < linearError)
                if netError >= linearError { netMember = nil }
            }
            if netMember?.isReady != true { netMember = nil }
            linearErrors = []
        }
        return raw
    }

    /// 1 for a value beyond the range of those before it (widened by the tolerance), else 0.
    private func rangeFlag(_ value: Double) -> Double {
        guard seen >= max(1, rangeSettling), high > low else { return 0 }
        let margin = (high - low) * rangeTolerance
        return value > high + margin || value < low - margin ? 1 : 0
    }

    /// The range of every value seen (kept whether or not the range flag is on: the gross-outlier
    /// rule needs it too).
    private mutating func learnRange(_ value: Double) {
        if seen == 0 { (low, high) = (value, value) } else { (low, high) = (min(low, value), max(high, value)) }
        seen += 1
    }

    private mutating func filtered(_ score: Double) -> Double {
        let daily = parts.seenYesterday && season > 4
        defer {
            if daily {
                combined.append(score)
                if combined.count > season + width + 1 { combined.removeFirst() }
            }
        }
        guard parts.quiet || daily else { return score }
        if quiet > 0 {
            quiet -= 1
            return 0
        }
        guard score >= alarm else { return score }
        if daily {
            // combined[combined.count − k] is the score k steps ago.
            let yesterday = (season - width)...(season + width)
            if yesterday.contains(where: { $0 <= combined.count && combined[combined.count - $0] >= alarm }) { return 0 }
        }
        if parts.quiet { quiet = quietSteps }
        return score
    }
}
