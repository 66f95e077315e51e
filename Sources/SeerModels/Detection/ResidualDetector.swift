// A residual detector: each value is compared with what the recent past predicts — a linear
// model of the last values and those one daily cycle back (recursive least squares), or an
// exponentially weighted level — in units of a running mean absolute error; the normalised
// error becomes a raw score in [0, 1) that the anomaly-
// likelihood stage calibrates against the series' own recent scores. After a score reaches
// `alarm`, the next `suppression` steps are held at 0: one anomaly should alarm once, since NAB
// (like an on-call operator) charges every repeated alarm after a window as a false positive.
// Causal: a value is scored before it is learnt. Each stage can be switched off so its worth can
// be measured (`seer bench nab`).
import Foundation

/// How the residual detector predicts the next value.
public enum ResidualPredictor: Sendable, Equatable, Codable {
    /// Exponentially weighted level (rate of the newest value) and mean absolute error (its rate).
    case smoothed(level: Double, scale: Double)
    /// A linear model of the last three values and the three around one season back, refitted
    /// every step by recursive least squares (forgetting `forgetting` per step), on values
    /// centred and scaled by running estimates; its errors scaled as `.smoothed`'s are.
    case linear(season: Int, forgetting: Double)
}

/// Prediction-error scoring with an optional likelihood stage and alarm suppression.
public struct ResidualDetector: StreamingAnomalyScorer, Codable {
    public let predictor: ResidualPredictor
    /// Whether raw scores pass through `AnomalyLikelihood`.
    public let likelihood: Bool
    /// Steps held at 0 after a score reaches `alarm` (0: none).
    public let suppression: Int
    public let alarm: Double
    /// Also score level shifts: the mean of the last `shiftWindow` values against the mean and
    /// spread of the `shiftHistory` before them, through a likelihood stage of its own; the
    /// larger of the two likelihoods is the score (nil: residuals only).
    public var levelShift: (window: Int, history: Int)? { shift.map { ($0.window, $0.history) } }
    private var shift: LevelShiftScore?
    private var shiftStage = AnomalyLikelihood(shortWindow: 1)
    private var level: Double?
    private var scale = 0.0
    private var seen = 0
    private var quiet = 0
    private var stage: AnomalyLikelihood
    private var linear: LinearResidual?

    public init(predictor: ResidualPredictor = .linear(season: 1, forgetting: 0.999), likelihood: Bool = true, suppression: Int = 200,
                alarm: Double = 0.5, stage: AnomalyLikelihood = AnomalyLikelihood(shortWindow: 1), levelShift: (window: Int, history: Int)? = nil) {
        shift = levelShift.map { LevelShiftScore(window: $0.window, history: $0.history) }
        if case .linear(let season, let forgetting) = predictor { linear = LinearResidual(season: season, forgetting: forgetting) }
        self.predictor = predictor
        self.likelihood = likelihood
        self.suppression = suppression
        self.alarm = alarm
        self.stage = stage
    }

    /// Seer's detector as `seer detect` and `seer bench nab` run it: the seasonal linear model
    /// (`season`: the series' daily cycle in steps, 1 for none) and the level-shift term of the
    /// last 12 values against the 500 before them (12/500 and 24/1,000 scored alike on NAB,
    /// 6/300 less), with the default likelihood stage and suppression.
    public static func standard(season: Int) -> ResidualDetector {
        ResidualDetector(predictor: .linear(season: max(1, season), forgetting: 0.999), levelShift: (window: 12, history: 500))
    }

    public mutating func update(_ value: Double) -> Double {
        let raw = rawScore(value)
        var score = likelihood ? stage.update(raw) : raw
        if shift != nil { score = max(score, shiftStage.update(shift!.update(value))) }
        if quiet > 0 {
            quiet -= 1
            score = 0
        } else if suppression > 0, score >= alarm {
            quiet = suppression
        }
        return score
    }

    /// The normalised prediction error of `value` in [0, 1), then `value` learnt.
    mutating func rawScore(_ value: Double) -> Double {
        seen += 1
        switch predictor {
        case .smoothed(let levelRate, let scaleRate):
            guard let current = level else { level = value; return 0 }
            let error = abs(value - current)
            let typical = seen == 2 ? max(error, 1e-12) : scale
            let z = error / max(typical, 1e-9 * max(1, abs(current)))
            scale = seen == 2 ? max(error, 1e-12) : scale + scaleRate * (error - scale)
            level = current + levelRate * (value - current)
            return 1 - exp(-z / 4)
        case .linear:
            return linear!.update(value)
        }
    }
}

/// Recursive least squares with exponential forgetting: θ ← θ + k·e, k = P·x/(λ + xᵀP·x),
/// P ← (P − k·xᵀP)/λ.
struct RecursiveLeastSquares: Sendable, Codable {
    var theta: [Double]
    var p: [Double]
    let d: Int, forgetting: Double

    init(dimension: Int, forgetting: Double) {
        d = dimension
        self.forgetting = forgetting
        theta = [Double](repeating: 0, count: dimension)
        p = [Double](repeating: 0, count: dimension * dimension)
        for i in 0..<dimension { p[i * dimension + i] = 100 }
    }

    func predict(_ x: [Double]) -> Double { zip(theta, x).reduce(0) { $0 + $1.0 * $1.1 } }

    mutating func learn(_ x: [Double], _ y: Double) {
        var px = [Double](repeating: 0, count: d)
        for i in 0..<d { for j in 0..<d { px[i] += p[i * d + j] * x[j] } }
        let denominator = forgetting + zip(x, px).reduce(0) { $0 + $1.0 * $1.1 }
        guard denominator.isFinite, denominator > 1e-12 else { return }
        let error = y - predict(x)
        for i in 0..<d { theta[i] += px[i] / denominator * error }
        // P is symmetric, so xᵀP = (Px)ᵀ.
        for i in 0..<d { for j in 0..<d { p[i * d + j] = (p[i * d + j] - px[i] * px[j] / denominator) / forgetting } }
    }
}
