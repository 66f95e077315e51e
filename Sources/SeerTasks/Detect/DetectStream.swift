// Scoring a live stream, point by point: one `AnomalyDetector` per series id, created when the
// series' second point arrives (the step between its first two timestamps gives the daily cycle
// the residual model's seasonal lags use; the first point is replayed into it, so the scores
// equal `seer detect` on the same rows). Points whose timestamps do not move forward are skipped
// and said, since learning them would teach the detector a series that never happened. The whole
// state is `Codable`, so `seer detect --stream --state DIR` can save it and resume: points at or
// before a series' saved timestamp are recognised as already scored when the stream is replayed.
import Foundation
import SeerBase
import SeerData

/// What became of one stream line.
public enum StreamOutcome: Sendable, Equatable {
    /// The header line was read.
    case header
    /// The point was scored.
    case scored(StreamScore)
    /// The point was scored before a restart (its timestamp is at or before the saved state's).
    case alreadyScored
    /// The line was not scored, and why.
    case skipped(String)
}

/// One scored point, as the stream writes it.
public struct StreamScore: Sendable, Equatable {
    public var point: StreamPoint
    public var score: Double
    public var label: Int
}

/// Everything a stream has learnt, for `--state`.
public struct DetectStreamState: Codable, Sendable {
    /// Bumped when the layout changes; an unknown version is refused, never misread.
    public static let currentVersion = 1
    public var version = DetectStreamState.currentVersion
    public var model: DetectorModel
    public var series: [String: SeriesState] = [:]

    public init(model: DetectorModel) { self.model = model }

    /// One series' detector and where it stands.
    public struct SeriesState: Codable, Sendable {
        /// Nil until the second point (the first is kept in `first`).
        public var detector: AnomalyDetector?
        public var first: Double?
        public var firstTimestamp: Int64?
        public var lastTimestamp: Int64?
        /// Points scored.
        public var rows = 0

        public init() {}
    }
}

/// The rules every series of a stream is scored by.
public struct DetectRules: Sendable, Equatable {
    public var model: DetectorModel
    public var threshold: Double
    /// Points of each series scored before any label can be 1.
    public var warmup: Int
    /// The daily cycle in steps for every series (nil: from each series' first step).
    public var season: Int?

    /// `threshold` nil: the model's own alarm level (`DetectorModel.alarmThreshold`).
    public init(model: DetectorModel, threshold: Double? = nil, warmup: Int, season: Int? = nil) {
        self.model = model
        self.threshold = threshold ?? model.alarmThreshold
        self.warmup = warmup
        self.season = season
    }
}

/// A stream's detectors and rules.
public struct DetectStream: Sendable {
    public let model: DetectorModel
    public let threshold: Double
    /// Points of each series scored before any label can be 1.
    public let warmup: Int
    /// The daily cycle in steps for every series (nil: from each series' first step).
    public let season: Int?
    /// At most this many series; points of further ids are skipped (a stream cannot grow memory
    /// without bound).
    public let maxSeries: Int
    public private(set) var state: DetectStreamState
    /// Series whose saved timestamps mark replayed points as already scored.
    private var resumedFrom: [String: Int64] = [:]

    public init(model: DetectorModel, threshold: Double, warmup: Int, season: Int? = nil, maxSeries: Int = 100_000,
                resuming saved: DetectStreamState? = nil) throws(DataError) {
        self.model = model
        self.threshold = threshold
        self.warmup = warmup
        self.season = season
        self.maxSeries = maxSeries
        if let saved {
            guard saved.version == DetectStreamState.currentVersion else {
                throw DataError(.usage, "the saved stream state has version \(saved.version); this seer reads version \(DetectStreamState.currentVersion)", file: "state")
            }
            guard saved.model == model else {
                throw DataError(.usage, "the saved stream state is the \(saved.model.rawValue) detector's; give --model \(saved.model.rawValue) or a fresh --state directory", file: "state")
            }
            state = saved
            resumedFrom = saved.series.compactMapValues(\.lastTimestamp)
        } else {
            state = DetectStreamState(model: model)
        }
    }

    /// The rules this stream scores by.
    public var rules: DetectRules { DetectRules(model: model, threshold: threshold, warmup: warmup, season: season) }

    /// Scores `point` (or says why not).
    public mutating func score(_ point: StreamPoint) -> StreamOutcome {
        let id = point.id ?? ""
        if state.series[id] == nil {
            guard state.series.count < maxSeries else { return .skipped(Self.tooManySeries(id, maxSeries: maxSeries)) }
            state.series[id] = DetectStreamState.SeriesState()
        }
        return Self.score(point, series: &state.series[id]!, resumedAt: resumedFrom[id], rules: rules)
    }

    /// Why a point of a new series is skipped when `maxSeries` are kept already.
    public static func tooManySeries(_ id: String, maxSeries: Int) -> String {
        "series \(id) would be series \(maxSeries + 1); at most \(maxSeries) are kept"
    }

    /// Scores `point` into one series' state: the step every stream shares (`seer detect
    /// --stream`, `--follow` and `seer serve`, which keeps its series in its own table).
    /// `resumedAt`: the series' timestamp in the state it was resumed from, if any.
    public static func score(_ point: StreamPoint, series: inout DetectStreamState.SeriesState, resumedAt: Int64?, rules: DetectRules) -> StreamOutcome {
        if let t = point.timestamp, let last = series.lastTimestamp, t <= last {
            if let saved = resumedAt, t <= saved { return .alreadyScored }
            let id = point.id ?? ""
            let seen = point.timestampText ?? String(t)
            return .skipped(t == last ? "duplicate timestamp \(seen)" + (id.isEmpty ? "" : " in series \(id)")
                                     : "out of order: timestamp \(seen) is before the series' newest point")
        }
        let score = update(&series, point, model: rules.model, season: rules.season, warmup: rules.warmup)
        return .scored(StreamScore(point: point, score: score, label: series.rows > rules.warmup && score >= rules.threshold ? 1 : 0))
    }

    /// Static, not a method: a method would hold a copy of `self` (and so of every series' state)
    /// while `series` is modified in place, and each update would copy the detector's arrays
    /// (a third of the stream path's time went to those copies).
    private static func update(_ series: inout DetectStreamState.SeriesState, _ point: StreamPoint, model: DetectorModel, season: Int?,
                               warmup: Int) -> Double {
        defer {
            series.rows += 1
            if let t = point.timestamp { series.lastTimestamp = t }
        }
        if series.detector == nil {
            if series.first == nil {
                series.first = point.value
                series.firstTimestamp = point.timestamp
                // A first point's score does not depend on the season.
                var probe = AnomalyDetector(model: model)
                return probe.update(point.value)
            }
            var cycle = season ?? 1
            if season == nil, let t = point.timestamp, let first = series.firstTimestamp { cycle = AnomalyDetector.season(forStep: t - first) }
            var detector = AnomalyDetector(model: model, season: cycle, warmup: warmup)
            _ = detector.update(series.first!)
            series.detector = detector
        }
        return series.detector!.update(point.value)
    }
}
