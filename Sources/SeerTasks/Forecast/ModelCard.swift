// The model card of a saved forecaster: what config.json's "metadata" holds beside the
// architecture — how the model was chosen, its held-out errors, the conformal half-widths that
// give `predict` its intervals, the series it was trained on, their frequency, and a fingerprint
// of the training data. One definition for the writer (`seer train`) and the reader
// (`seer predict`), so the file format lives in the library, not in a command.
import SeerBase
import SeerData
import SeerModels

/// What a saved forecaster remembers of its training run.
public struct ModelCard: Equatable, Sendable {
    public var chosenBy: String
    /// Each candidate's score (see `scoreName`; config.json's "held_out_mse" for older files' sake).
    public var heldOutMSE: [String: Double]
    /// What the scores measure ("held-out MSE", "cross-validated MASE (3 folds)").
    public var scoreName = "held-out MSE"
    /// Split-conformal half-widths per level (percent), one per horizon step.
    public var halfWidths: [Int: [Float]]
    /// Levels (percent) of the model's own intervals, recomputed from each history by `predict`
    /// (config.json's "model_interval_levels"; empty: the conformal half-widths, if any).
    public var modelIntervalLevels: [Int] = []

    /// The intervals `predict` gives.
    public var intervals: PredictionIntervals { modelIntervalLevels.isEmpty ? .conformal(halfWidths) : .model(modelIntervalLevels) }
    /// Ids of the training sequences.
    public var series: [String]
    /// `ModelCard.fingerprint` of the training values.
    public var trainingDataFingerprint: String
    public var frequency: String?

    public init(chosenBy: String, heldOutMSE: [String: Double], halfWidths: [Int: [Float]], series: [String],
                trainingDataFingerprint: String, frequency: String?) {
        self.chosenBy = chosenBy
        self.heldOutMSE = heldOutMSE
        self.halfWidths = halfWidths
        self.series = series
        self.trainingDataFingerprint = trainingDataFingerprint
        self.frequency = frequency
    }

    /// The card of a training run on `data`.
    public init(_ trained: TrainedForecaster, data: ForecastData, intervals: PredictionIntervals) {
        var widths: [Int: [Float]] = [:]
        if case .conformal(let w) = intervals { widths = w }
        self.init(chosenBy: trained.chosenBy, heldOutMSE: trained.scores, halfWidths: widths, series: data.sequences.map(\.id),
                  trainingDataFingerprint: ModelCard.fingerprint(data.values), frequency: data.frequency?.description)
        if case .model(let levels) = intervals { modelIntervalLevels = levels }
        scoreName = trained.scoreName
    }

    /// config.json's "metadata" object.
    public var metadata: [String: JSONValue] {
        var metadata: [String: JSONValue] = [
            "chosen_by": .string(chosenBy),
            "held_out_mse": .object(heldOutMSE.mapValues { .number($0) }),
            "conformal_half_widths": .object(Dictionary(uniqueKeysWithValues: halfWidths.map { (String($0.key), .array($0.value.map { .number(Double($0)) })) })),
            "series": .array(series.map { .string($0) }),
            "training_data_fingerprint": .string(trainingDataFingerprint),
        ]
        if let frequency { metadata["frequency"] = .string(frequency) }
        if scoreName != "held-out MSE" { metadata["score_name"] = .string(scoreName) }
        if !modelIntervalLevels.isEmpty { metadata["model_interval_levels"] = .array(modelIntervalLevels.map { .number(Double($0)) }) }
        return metadata
    }

    /// Reads the card back from config.json's "metadata"; half-widths that do not have one value
    /// per horizon step are left out (a card from an older or edited file still loads).
    public init(metadata: [String: JSONValue], horizon: Int) {
        var widths: [Int: [Float]] = [:]
        for (level, values) in metadata["conformal_half_widths"]?.objectValue ?? [:] {
            guard let percent = Int(level), let array = values.arrayValue?.compactMap({ $0.doubleValue }), array.count == horizon else { continue }
            widths[percent] = array.map { Float($0) }
        }
        self.init(chosenBy: metadata["chosen_by"]?.stringValue ?? "", heldOutMSE: (metadata["held_out_mse"]?.objectValue ?? [:]).compactMapValues(\.doubleValue),
                  halfWidths: widths, series: metadata["series"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                  trainingDataFingerprint: metadata["training_data_fingerprint"]?.stringValue ?? "", frequency: metadata["frequency"]?.stringValue)
        scoreName = metadata["score_name"]?.stringValue ?? "held-out MSE"
        modelIntervalLevels = (metadata["model_interval_levels"]?.arrayValue ?? []).compactMap(\.intValue).filter { $0 > 0 && $0 < 100 }
    }

    /// FNV-1a over the sequences' lengths and Float bits: tells whether two models saw the same data.
    public static func fingerprint(_ sequences: [[Float]]) -> String {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) { for shift in stride(from: 0, to: 64, by: 8) { hash = (hash ^ ((value >> UInt64(shift)) & 0xFF)) &* 0x100_0000_01B3 } }
        for s in sequences {
            mix(UInt64(s.count))
            for v in s { mix(UInt64(v.bitPattern)) }
        }
        return String(hash, radix: 16)
    }
}

extension Forecaster {
    /// Writes the model directory with `card` as config.json's metadata (atomically: a failed
    /// save leaves the previous model intact).
    public func save(to directory: String, card: ModelCard) throws {
        try save(to: directory, metadata: card.metadata)
    }

    /// Reads a model directory written by `save(to:card:)`.
    public static func loadWithCard(from directory: String) throws -> (forecaster: Forecaster, card: ModelCard) {
        let (forecaster, metadata) = try load(from: directory)
        return (forecaster, ModelCard(metadata: metadata, horizon: forecaster.config.horizon))
    }
}
