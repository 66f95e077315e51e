// Scoring metrics for anomalies, one series at a time: `AnomalyDetector` holds one detector's
// state for one series and scores each new point before learning it (causal, online), so the
// same object serves a file, a stream or a server. Its models come from SeerModels/Detection.
import SeerData
import SeerModels

/// The detectors a user can name.
public enum DetectorModel: String, CaseIterable, Sendable, Codable {
    /// Seer's default: the seasonal linear model's errors, level shifts, contexts (CAD-style)
    /// and the range seen, each calibrated by an averaged likelihood; the most alarmed wins; an
    /// alarm seen at the same time yesterday is dropped; one alarm per anomaly.
    case linear
    /// The same ensemble with a small NT net, trained on the warm-up and run as a stream, as its
    /// forecasting member in place of the linear model.
    case nt
    /// The same with a DiJiang net.
    case dijiang
    /// Per series, NT where it predicts the warm-up's held-out newest values better than the
    /// linear model, else the linear model.
    case auto
    /// The residual baseline: a seasonal linear model's errors and a level-shift term, each
    /// through the anomaly-likelihood stage, one alarm per anomaly.
    case residual
    /// NAB's windowed Gaussian: each value against the mean and spread of the last 6,400.
    case gaussian

    /// `ensemble`, the default's name before the nets joined, still names it (command lines and
    /// saved stream states).
    public init?(rawValue: String) {
        switch rawValue {
        case "linear", "ensemble": self = .linear
        case "nt": self = .nt
        case "dijiang": self = .dijiang
        case "auto": self = .auto
        case "residual": self = .residual
        case "gaussian": self = .gaussian
        default: return nil
        }
    }

    /// One line on what it is (help texts, reports).
    public var summary: String {
        switch self {
        case .linear: return "the default: linear-model errors, level shifts, contexts and range, each calibrated; daily repeats dropped; one alarm per anomaly"
        case .nt: return "the default's ensemble with an NT net trained on the warm-up forecasting in place of the linear model"
        case .dijiang: return "the same with a DiJiang net"
        case .auto: return "per series, NT where it predicts the warm-up's held-out end better than the linear model, else linear"
        case .residual: return "baseline: seasonal linear model's errors + level shifts, anomaly likelihood, one alarm per anomaly"
        case .gaussian: return "windowed Gaussian (NAB's baseline): each value against the last 6,400"
        }
    }

    /// The score at which this detector alarms, the default threshold for its labels. The
    /// likelihood detectors put their alarm (L ≥ 1 − 10⁻⁵) at 0.5. The windowed Gaussian scores
    /// Φ(|z|), which is at least 0.5 for every value (a value at the mean scores 0.5), so 0.5
    /// would label every row; its alarm is the same tail probability, 1 − 10⁻⁵ (|z| ≥ 4.26).
    public var alarmThreshold: Double { self == .gaussian ? 1 - 1e-5 : 0.5 }

    /// Whether a net is trained on each series' warm-up (slower: a few seconds per series).
    public var trainsNet: Bool { self == .nt || self == .dijiang || self == .auto }
}

/// One series' detector state: everything it has learnt, so it can be saved (`Codable`) and a
/// restarted stream resumes where it stopped.
public struct AnomalyDetector: Sendable, Codable {
    public let model: DetectorModel
    /// The series' daily cycle in steps (1: none), which the residual model's seasonal lags use.
    public let season: Int
    /// The model's state: one of these is set (concrete types, so the detector is Codable; an
    /// optional mutated through `!` changes in place, where an enum payload would be copied).
    private var ensemble: EnsembleDetector?
    private var residual: ResidualDetector?
    private var gaussian: WindowedGaussian?
    /// Points scored so far.
    public private(set) var count = 0

    /// The daily cycle of a sub-daily series in steps (the residual model's seasonal lags); 1 for
    /// daily and coarser series or an unknown frequency.
    public static func season(for frequency: Frequency?) -> Int {
        frequency?.fixedSeconds.map(season(forStep:)) ?? 1
    }

    /// A fresh detector for one series. `warmup`: the values a net learns from before it scores
    /// (for `nt`, `dijiang` and `auto`; the linear model scores until then).
    public init(model: DetectorModel = .linear, season: Int = 1, warmup: Int = 750) {
        self.model = model
        self.season = max(1, season)
        switch model {
        case .linear:
            ensemble = EnsembleDetector(season: season)
        case .nt:
            ensemble = EnsembleDetector(season: season, net: .nt, warmup: warmup)
        case .dijiang:
            ensemble = EnsembleDetector(season: season, net: .dijiang, warmup: warmup)
        case .auto:
            ensemble = EnsembleDetector(season: season, net: .nt, warmup: warmup, netOnlyIfBetter: true)
        case .residual:
            residual = ResidualDetector.standard(season: season)
        case .gaussian:
            gaussian = WindowedGaussian()
        }
    }

    /// Contexts the ensemble's contextual member has learnt (nil for other models); its memory
    /// grows with them, up to a fixed cap.
    public var contexts: Int? { ensemble?.contexts }

    /// The anomaly score of the next point, in [0, 1] (higher: more anomalous); then it is learnt.
    public mutating func update(_ value: Double) -> Double {
        count += 1
        if ensemble != nil { return ensemble!.update(value) }
        if residual != nil { return residual!.update(value) }
        return gaussian!.update(value)
    }

    /// The newest timestamp seen (epoch seconds), to flag points that arrive out of order.
    public private(set) var lastTimestamp: Int64?

    /// A point of a stream: its score, and whether its timestamp went backwards (or repeated).
    /// Nil for a value that is NaN or infinite, which is neither scored nor learnt.
    public mutating func update(timestamp: Int64?, value: Double) -> AnomalyScore? {
        guard value.isFinite else { return nil }
        let outOfOrder = timestamp.map { t in lastTimestamp.map { t <= $0 } ?? false } ?? false
        if let timestamp { lastTimestamp = max(timestamp, lastTimestamp ?? timestamp) }
        return AnomalyScore(score: update(value), outOfOrder: outOfOrder)
    }

    /// Scores of a whole series, point by point, as `update` gives them.
    public mutating func score(_ values: [Double]) -> [Double] { values.map { update($0) } }
}

/// One point's result.
public struct AnomalyScore: Sendable, Equatable {
    /// In [0, 1]; higher is more anomalous.
    public var score: Double
    /// The point's timestamp was not after the newest one seen before it.
    public var outOfOrder: Bool

    public init(score: Double, outOfOrder: Bool) {
        self.score = score
        self.outOfOrder = outOfOrder
    }
}

extension AnomalyDetector {
    /// The daily cycle for points `step` seconds apart (1 when a day is not a whole number of
    /// steps, or the step is a day or more).
    public static func season(forStep step: Int64) -> Int {
        step > 0 && step < 86_400 && 86_400 % step == 0 ? Int(86_400 / step) : 1
    }
}
