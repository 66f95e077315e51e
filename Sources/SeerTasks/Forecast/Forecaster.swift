// The forecasting front door of the library (Darts/Nixtla style): pick a model by name, `fit` it
// on one or more univariate histories (a global model: every sequence's windows train the same
// weights, channels independent), `predict` the next `horizon` steps of each, and `save`/`load`
// it as a model directory (model.safetensors + config.json). Neural nets use the direct
// multi-horizon head with RevIN, patches of 16 (stride 8) once the look-back allows, and the
// small-data defaults of MODELS.md §2 (d = 32, 2 blocks, dropout 0.2); the linear baselines are
// solved exactly by least squares (or, given gradient settings, train as their authors did, lr
// 5e-3); repeat-last and seasonal-naive have nothing to train.
import Foundation
import SeerBase
import SeerModels
import SeerNN
import SeerTensor

/// Epochs, batches, learning rate and early-stopping patience of one fit.
public struct TrainingPlan: Equatable, Sendable {
    public var epochs: Int
    /// Batches per epoch, each epoch a fresh random sample of windows (nil: every window once).
    public var stepsPerEpoch: Int?
    /// Epochs without a better held-out loss before training stops.
    public var patience: Int
    /// Windows per optimizer step.
    public var batchSize: Int
    /// Peak learning rate.
    public var learningRate: Float

    public init(epochs: Int, stepsPerEpoch: Int?, patience: Int, batchSize: Int = 32, learningRate: Float = 1e-3) {
        self.epochs = epochs
        self.stepsPerEpoch = stepsPerEpoch
        self.patience = patience
        self.batchSize = batchSize
        self.learningRate = learningRate
    }

    /// True when the step cap applied (large data: sampled windows, the family's large-data defaults).
    public var isCapped: Bool { stepsPerEpoch != nil }
}

/// Everything that defines a forecaster; stored in its model directory's config.json.
public struct ForecasterConfig: Equatable, Sendable {
    public var model: ModelFamily
    /// Input steps L.
    public var lookback: Int
    /// Steps forecast H.
    public var horizon: Int
    /// Width d of the neural nets.
    public var width = 32
    public var layers = 2
    public var dropout: Float = 0.2
    /// Most training epochs; nil: automatic — as many as give `minimumSteps` optimizer steps
    /// (at least 10 epochs), so a short series trains as long as a long one, and at most
    /// `maxSteps` steps, so a long one does not train for minutes (see `trainingPlan`).
    public var epochs: Int?
    /// Most optimizer steps of the automatic budget (nil: `defaultMaxSteps`); with `epochs` given,
    /// a cap only when set.
    public var maxSteps: Int?
    /// Windows per optimizer step; nil: the family's default for the data's size (32, or 64 for
    /// the nets on large data).
    public var batchSize: Int?
    /// Peak learning rate; nil: the family's default for the data's size (the nets 1e-3, or 3e-3
    /// on large data; DLinear/RLinear 5e-3).
    public var learningRate: Float?
    /// Season of seasonal-naive and the statistical models (steps).
    public var season = 1
    /// A second, longer season MSTL decomposes too (the week of sub-daily data, the year of daily
    /// data; 1: none).
    public var secondSeason = 1
    /// The seasons MSTL decomposes.
    public var seasons: [Int] { [season, secondSeason] }
    public var seed: UInt64 = 0
    /// Where the nets train (a run setting, not saved with the model: forecasts run on the host,
    /// where the trained weights return).
    public var device = Device.cpu

    /// Optimizer steps the automatic epoch count aims for (NeuralForecast-style step budget).
    public static let minimumSteps = 500
    /// Early stopping waits this many steps (and at least 3 epochs) for a better held-out loss.
    public static let patienceSteps = 100
    /// The automatic budget's cap on optimizer steps (NeuralForecast's `max_steps` is 1,000).
    public static let defaultMaxSteps = 1000
    /// Steps between held-out checks once the cap applies (NeuralForecast's `val_check_steps`).
    public static let checkSteps = 100
    /// Held-out windows checked during capped training (evenly spaced); the final held-out
    /// error still uses them all.
    public static let checkWindows = 2048

    public init(model: ModelFamily, lookback: Int, horizon: Int, width: Int = 32, layers: Int = 2, dropout: Float = 0.2,
                epochs: Int? = nil, maxSteps: Int? = nil, batchSize: Int? = nil, learningRate: Float? = nil, season: Int = 1, seed: UInt64 = 0) {
        self.model = model
        self.lookback = lookback
        self.horizon = horizon
        self.width = width
        self.layers = layers
        self.dropout = dropout
        self.epochs = epochs
        self.maxSteps = maxSteps
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.season = season
        self.seed = seed
    }

    /// How training runs over `trainingWindows` windows. Automatic: enough epochs for
    /// `minimumSteps` steps (10–1,000 epochs, all windows each) with the family's small-data
    /// batch and rate, unless that plan exceeds the step cap — then, with the family's large-data
    /// batch and rate, "epochs" of `checkSteps` batches of freshly sampled windows, as many as the
    /// cap allows, a held-out check after each (NeuralForecast's `max_steps` and
    /// `val_check_steps`). With `epochs` given: that many full passes (capped only by an explicit
    /// `maxSteps`). Patience is `patienceSteps` steps, at least 3 epochs. A batch size or rate set
    /// in the config wins over the family's.
    public func trainingPlan(trainingWindows: Int) -> TrainingPlan {
        let family = model.descriptor
        let small = family.smallData ?? TrainingDefaults(shape: nil, batchSize: 32, learningRate: 1e-3)
        let batch = batchSize ?? small.batchSize
        let batches = max(1, (trainingWindows + batch - 1) / batch)
        let full = self.epochs ?? min(1000, max(10, (Self.minimumSteps + batches - 1) / batches))
        let cap = maxSteps ?? (self.epochs == nil ? Self.defaultMaxSteps : Int.max)
        guard full * batches > cap else {
            return TrainingPlan(epochs: full, stepsPerEpoch: nil, patience: max(3, (Self.patienceSteps + batches - 1) / batches),
                                batchSize: batch, learningRate: learningRate ?? small.learningRate)
        }
        let large = family.largeData ?? small
        let largeBatch = batchSize ?? large.batchSize
        let perEpoch = min(max(1, (trainingWindows + largeBatch - 1) / largeBatch), Self.checkSteps, cap)
        return TrainingPlan(epochs: max(1, cap / perEpoch), stepsPerEpoch: perEpoch,
                            patience: max(3, (Self.patienceSteps + perEpoch - 1) / perEpoch), batchSize: largeBatch,
                            learningRate: learningRate ?? large.learningRate)
    }

    /// Point tokens for short look-backs, patches of 16 with stride 8 from 32 steps on.
    public var tokenization: Tokenization { lookback >= 32 ? .patch(length: 16, stride: 8) : .point }

    /// The sequence model of a neural family (nil for the baselines).
    public var sequenceModel: SequenceModelConfig? {
        let shape = NetShape(width: width, layers: layers, heads: model.descriptor.smallData?.shape?.heads ?? 4, dropout: dropout)
        guard let backbone = model.descriptor.backbone(shape, tokens: tokenization.tokenCount(steps: lookback)) else { return nil }
        return SequenceModelConfig(backbone: backbone, head: .direct(horizon: horizon), lookback: lookback, tokenization: tokenization,
                                   seed: seed)
    }

    /// Steps of history one fit (or one backtest fold) needs; see `ModelFamilyDescriptor.minimumHistory`.
    public var minimumHistory: Int { model.descriptor.minimumHistory(lookback: lookback, horizon: horizon, season: season) }

    /// What sets `minimumHistory`: a training window, the look-back (repeat-last) or the season.
    public var historyNeed: HistoryNeed {
        switch model.descriptor.kind {
        case .naive: return model == .seasonalNaive ? .season(max(1, season)) : .lookback(lookback)
        case .statistical: return .lookback(minimumHistory)
        case .net, .linear: return .window(lookback: lookback, horizon: horizon)
        }
    }

    /// The same configuration with the longest look-back a history of `steps` steps can train (or,
    /// for repeat-last, forecast) with; nil when the look-back cannot shrink to fit (the season of
    /// seasonal-naive, Theta's fixed minimum) or is already that short.
    public func shrunk(toFit steps: Int) -> ForecasterConfig? {
        let fitting: Int
        switch model.descriptor.kind {
        case .net, .linear: fitting = steps - horizon - 1
        case .naive: guard model == .naive else { return nil }; fitting = steps
        case .statistical: return nil
        }
        guard fitting >= 1, fitting < lookback else { return nil }
        var out = self
        out.lookback = fitting
        return out
    }

    /// Steps of a history's end a forecast reads (the look-back; one season for seasonal-naive).
    public var inputSteps: Int { model.descriptor.inputSteps(lookback: lookback, season: season) }

    /// Training windows per weight of the map (L + 1 per output) from which DLinear and RLinear
    /// are solved exactly. Below it the early-stopped gradient fit forecast better: on the classic
    /// series (1–8 windows per weight) the exact fit raised `auto`'s geometric-mean MASE from 0.772
    /// to 0.837, while on CO2 (40 per weight) it took DLinear from 0.557 to 0.252.
    public static let exactFitWindowsPerWeight = 20

    /// Whether `fit` may solve a linear model's least-squares problem exactly (DLinear and RLinear
    /// with at least `exactFitWindowsPerWeight` training windows per weight, unless a setting of
    /// gradient training — epochs, step cap, batch or rate — is given, which asks for the optimiser).
    public var fitsExactly: Bool {
        model.descriptor.kind == .linear && epochs == nil && maxSteps == nil && batchSize == nil && learningRate == nil
    }

    /// Steps of each window cut for training and validation: the look-back, or more when the
    /// model reads more (seasonal-naive with a season longer than the look-back).
    var windowLength: Int { max(lookback, inputSteps) }
}

/// A trained (or trainable) forecaster over univariate sequences.
public final class Forecaster {
    public let config: ForecasterConfig
    let net: (any Trainable & Forecasting)?
    let baseline: (any Forecasting)?
    /// The last fit's report (nil for the baselines and for loaded models).
    public private(set) var report: TrainingReport?
    /// The last fit's plan: epochs, batch, rate (nil for the baselines and for loaded models).
    public private(set) var plan: TrainingPlan?
    /// The last exact fit of a linear model (nil after gradient training, for other models and for
    /// loaded models).
    public private(set) var exactFit: LeastSquaresFit?
    /// The members whose forecasts an ensemble combines, and how (nil: a single model).
    public private(set) var ensemble: (members: [Forecaster], rule: ForecastCombination)?

    /// An ensemble of forecasters of the same horizon: their forecasts combined step by step by
    /// `rule`. Its configuration is the first member's (put the best first).
    public init(combining members: [Forecaster], by rule: ForecastCombination) {
        precondition(!members.isEmpty && members.allSatisfy { $0.config.horizon == members[0].config.horizon },
                     "an ensemble needs members of one horizon")
        config = members[0].config
        net = nil
        baseline = nil
        ensemble = (members, rule)
    }

    /// "ensemble" for an ensemble, else the family's name: what outputs call the model.
    public var modelName: String { ensemble == nil ? config.model.rawValue : "ensemble" }

    /// An untrained forecaster of the same kind (an ensemble of untrained members), each member's
    /// look-back shrunk to fit `steps` of history where it must be and can be.
    func untrainedCopy(fitting steps: Int? = nil) -> Forecaster {
        func fresh(_ config: ForecasterConfig) -> Forecaster {
            guard let steps, steps < config.minimumHistory, let shrunk = config.shrunk(toFit: steps) else { return Forecaster(config) }
            return Forecaster(shrunk)
        }
        guard let ensemble else { return fresh(config) }
        return Forecaster(combining: ensemble.members.map { fresh($0.config) }, by: ensemble.rule)
    }

    public init(_ config: ForecasterConfig) {
        precondition(config.lookback >= 1 && config.horizon >= 1, "look-back and horizon must be positive")
        self.config = config
        ensemble = nil
        switch config.model.descriptor.kind {
        case .net:
            net = SequenceModel(config.sequenceModel!)
            baseline = nil
        case .linear:
            net = LinearForecaster(LinearConfig(kind: config.model == .dlinear ? .dlinear : .rlinear, lookback: config.lookback,
                                                horizon: config.horizon, movingAverage: min(25, config.lookback % 2 == 1 ? config.lookback : config.lookback - 1),
                                                seed: config.seed))
            baseline = nil
        case .naive:
            net = nil
            baseline = config.model == .seasonalNaive ? SeasonalNaive(period: max(1, config.season), horizon: config.horizon)
                : RepeatLast(lookback: config.lookback, horizon: config.horizon)
        case .statistical:
            net = nil
            baseline = nil
        }
    }

    /// `Forecaster(model: .nt, lookback: 96, horizon: 24)`.
    public convenience init(model: ModelFamily, lookback: Int, horizon: Int) {
        self.init(ForecasterConfig(model: model, lookback: lookback, horizon: horizon))
    }

    /// The trainable parameters (empty for the baselines).
    public var parameters: [Parameter] { net?.parameters ?? [] }

    /// Peak bytes a forecast holds per step of its training windows, measured: `seer forecast`
    /// (auto, release) on 200,000 and 500,000 hourly points with windows of 120 steps peaked at
    /// 681 MB and 1,478 MB, 28 and 25 bytes per window step — about six Float32 copies (the
    /// windows as their arrays grow, the held-out set, batch tensors, a candidate's own). 32
    /// leaves a margin; 8 (two copies) let a 10 M-point forecast past the check into the OOM killer.
    static let bytesPerWindowStep = 32

    /// Refuses, before any is built, `windows` windows of `length` steps that would not fit in
    /// the memory left (at `bytesPerWindowStep`). A user hears what it needs, not the OOM killer.
    static func checkMemory(windows: Int, length: Int, available: Int? = SystemMemory.available()) throws {
        let needed = windows.multipliedReportingOverflow(by: length * bytesPerWindowStep)
        guard let available, needed.overflow || needed.partialValue > available else { return }
        throw ForecasterError.needsMemory(windows: windows, length: length, needed: needed.overflow ? Int.max : needed.partialValue,
                                          available: available)
    }

    /// Windows (look-back → horizon) of every sequence; the last `validationFraction` of each
    /// sequence's windows (by end time) are held out for early stopping and model choice.
    func windows(_ sequences: [[Float]], validationFraction: Double) throws -> (train: SampleSet, validation: SampleSet?) {
        let (l, h) = (config.windowLength, config.horizon)
        var trainX: [Float] = [], trainY: [Float] = [], validX: [Float] = [], validY: [Float] = []
        let longest = sequences.map(\.count).max() ?? 0
        guard longest >= l + h + 1 else {
            let need: HistoryNeed = l > config.lookback ? .seasonWindow(season: l, horizon: h) : .window(lookback: l, horizon: h)
            throw ForecasterError.tooShort(longest: longest, needed: l + h + 1, need: need)
        }
        try Self.checkMemory(windows: sequences.reduce(0) { $0 + max(0, $1.count - l - h + 1) }, length: l + h)
        for (index, s) in sequences.enumerated() where s.count >= l + h {
            guard s.allSatisfy({ $0.isFinite }) else { throw ForecasterError.missingValues(sequence: index) }
            let count = s.count - l - h + 1
            let held = Self.heldOut(windows: count, fraction: validationFraction)
            for start in 0..<count {
                let x = s[start..<(start + l)], y = s[(start + l)..<(start + l + h)]
                if start >= count - held { validX += x; validY += y } else { trainX += x; trainY += y }
            }
        }
        let train = SampleSet(inputs: trainX, inputShape: [l, 1], targets: trainY, targetShape: [h, 1])
        let validation = validX.isEmpty ? nil : SampleSet(inputs: validX, inputShape: [l, 1], targets: validY, targetShape: [h, 1])
        return (train, validation)
    }

    /// Trains on the histories (each one univariate sequence) and keeps the best weights.
    @discardableResult
    public func fit(_ sequences: [[Float]], validationFraction: Double = 0.2, observer: TrainingObserver? = nil) throws -> TrainingReport? {
        if let ensemble {
            for member in ensemble.members { try member.fit(sequences, validationFraction: validationFraction, observer: observer) }
            return nil
        }
        guard let net else { return nil }
        // Histories of extreme magnitude are rescaled by a power of two (`MagnitudeScale`).
        let sequences = MagnitudeScale.scaled(sequences, by: MagnitudeScale.exponent(sequences))
        let (train, validation) = try windows(sequences, validationFraction: validationFraction)
        if config.fitsExactly, let linear = net as? LinearForecaster, train.count >= ForecasterConfig.exactFitWindowsPerWeight * (config.lookback + 1) {
            exactFit = try fitExactly(linear, sequences, validationFraction: validationFraction, train: train, validation: validation)
            self.plan = nil
            self.report = nil
            return nil
        }
        exactFit = nil
        let plan = config.trainingPlan(trainingWindows: train.count)
        var trainer = TrainerConfig(epochs: plan.epochs, batchSize: plan.batchSize, learningRate: plan.learningRate, seed: config.seed)
        trainer.device = config.device
        trainer.patience = validation == nil ? nil : plan.patience
        trainer.maxStepsPerEpoch = plan.stepsPerEpoch
        // A capped plan checks often; an evenly spaced subset of a large held-out set keeps each check cheap.
        let checked = plan.stepsPerEpoch == nil ? validation : validation.map { $0.evenlySpaced(ForecasterConfig.checkWindows) }
        self.plan = plan
        report = try Trainer(trainer, observer: observer).fit(net, train: train, validation: checked)
        return report
    }

    /// The next `horizon` steps of each history (each needs at least `lookback` finite values,
    /// `season` for seasonal-naive).
    public func predict(_ histories: [[Float]]) throws -> [[Float]] {
        if let ensemble {
            let forecasts = try ensemble.members.map { try $0.predict(histories) }
            return histories.indices.map { s in (0..<config.horizon).map { k in ensemble.rule.combine(forecasts.map { $0[s][k] }) } }
        }
        let k = MagnitudeScale.exponent(histories)
        return MagnitudeScale.scaled(try scaledForecasts(MagnitudeScale.scaled(histories, by: k)), by: -k)
    }

    /// `predict` on histories of ordinary magnitude.
    private func scaledForecasts(_ histories: [[Float]]) throws -> [[Float]] {
        if config.model.descriptor.kind == .statistical { return try localForecasts(histories) }
        let need = config.inputSteps
        for (index, s) in histories.enumerated() {
            guard s.count >= need else {
                throw ForecasterError.tooShort(longest: s.count, needed: need,
                                               need: config.model == .seasonalNaive ? .season(need) : .lookback(need))
            }
            guard s.suffix(need).allSatisfy({ $0.isFinite }) else { throw ForecasterError.missingValues(sequence: index) }
        }
        let x = histories.flatMap { $0.suffix(need) }
        let windows = Tensor(x, shape: [histories.count, need, 1])
        let y = (net ?? baseline!).forecast(windows, .inference()).array
        return (0..<histories.count).map { Array(y[($0 * config.horizon)..<(($0 + 1) * config.horizon)]) }
    }

    /// A statistical model's forecasts: fitted on each whole history.
    func localForecasts(_ histories: [[Float]]) throws -> [[Float]] {
        let method = config.model.descriptor.localMethod(seasons: config.seasons)!
        return try histories.enumerated().map { index, s in
            guard s.count >= method.minimumHistory else {
                throw ForecasterError.tooShort(longest: s.count, needed: method.minimumHistory, need: .lookback(method.minimumHistory))
            }
            guard s.allSatisfy({ $0.isFinite }) else { throw ForecasterError.missingValues(sequence: index) }
            return method.forecast(s, horizon: config.horizon)
        }
    }
}
