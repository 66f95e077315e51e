// What a user asks of a forecast: the horizon, which model (or `auto`), and the settings they
// may leave to Seer (look-back, epochs, season) — the library's form of `seer forecast`'s
// options, so the CLI, the HTTP API and the nightly retrainer ask in the same words.
import SeerModels
import SeerTensor

/// A named model family, or the automatic choice among the candidates.
public enum ModelChoice: Equatable, Sendable, CustomStringConvertible {
    case auto
    case family(ModelFamily)

    /// `auto` or a family's name; nil for a name Seer does not know.
    public init?(name: String) {
        if name == "auto" {
            self = .auto
        } else if let family = ModelFamily(rawValue: name) {
            self = .family(family)
        } else {
            return nil
        }
    }

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .family(let family): return family.rawValue
        }
    }
}

/// How `auto` compares its candidates.
public enum ModelSelection: String, Equatable, Sendable, CaseIterable {
    /// Held-out MSE on the last 20 % of each sequence's windows (the default while the
    /// cross-validated choice is measured against statsforecast, issue 21).
    case heldOut = "holdout"
    /// Mean absolute scaled error over rolling-origin folds H apart ending at the last row.
    case crossValidation = "cv"
}

/// A forecast request.
public struct ForecastRequest: Equatable, Sendable {
    /// Steps to forecast (H ≥ 1).
    public var horizon: Int
    public var model: ModelChoice
    /// Look-back window L; nil: 4·H, at most half the shortest series' length beyond H, ≤ 512.
    public var lookback: Int?
    /// Most training epochs; nil: the automatic step budget (`ForecasterConfig.epochs`).
    public var epochs: Int?
    /// Most optimizer steps per model; nil: the automatic cap (`ForecasterConfig.defaultMaxSteps`)
    /// unless `epochs` is given.
    public var maxSteps: Int?
    /// Windows per optimizer step; nil: the forecaster's default.
    public var batchSize: Int?
    /// Peak learning rate; nil: the family's (`ModelFamilyDescriptor.learningRate`).
    public var learningRate: Float?
    /// Season of seasonal-naive in steps; nil: from the frequency.
    public var season: Int?
    /// Seed of initialisation and data order (same seed, same forecast).
    public var seed: UInt64
    /// Where the nets train; a device without a backend here is refused (`DeviceUnavailable`).
    public var device: Device
    /// How `auto` compares candidates.
    public var selection: ModelSelection
    /// `auto` forecasts with the best `combine` candidates combined by `combination` (1: the best alone).
    public var combine = 1
    public var combination = ForecastCombination.median

    public init(horizon: Int, model: ModelChoice = .auto, lookback: Int? = nil, epochs: Int? = nil, maxSteps: Int? = nil, batchSize: Int? = nil,
                learningRate: Float? = nil, season: Int? = nil, seed: UInt64 = 0,
                device: Device = .cpu, selection: ModelSelection = .heldOut) {
        self.horizon = horizon
        self.model = model
        self.lookback = lookback
        self.epochs = epochs
        self.maxSteps = maxSteps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.season = season
        self.seed = seed
        self.device = device
        self.selection = selection
    }
}
