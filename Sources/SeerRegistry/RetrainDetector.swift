// A detect job's key: a fresh anomaly detector fed the series point by point (it scores each point
// before learning it, as a live stream would), its alarms on the latest `window` points counted,
// and the detector registered when every score is finite and it alarms on at most the job's
// share of the window. Without labels there is no error to set against the champion's, so the
// rule is a sanity gate (a detector that alarms on a twentieth of a day is broken, one that
// gives NaN is broken); the champion's alarm share on the same window is recorded beside it.
//
// The model directory holds the detector's whole state in config.json ("state", the same JSON as
// `seer detect --state` keeps) and an empty model.safetensors, saved like every model: atomically.
import Foundation
import SeerBase
import SeerData
import SeerNN
import SeerTasks

extension ModelRegistry {
    static let detectorKind = "seer-detector"

    /// Writes a detector as a model directory (atomically).
    static func saveDetector(_ detector: AnomalyDetector, threshold: Double, series: [String], seriesSteps: Int, to directory: String) throws {
        let state = try JSONValue(parsing: Array(try JSONEncoder().encode(detector)), source: "detector state")
        let config: [String: JSONValue] = ["kind": .string(detectorKind), "model": .string(detector.model.rawValue), "season": .number(Double(detector.season)),
                                           "threshold": .number(threshold), "points": .number(Double(detector.count)), "series_steps": .number(Double(seriesSteps)),
                                           "series": .array(series.map { .string($0) }), "state": state]
        try Checkpoint.save(directory: directory, tensors: SafeTensorsFile(entries: []), config: config, seerVersion: Forecaster.libraryVersion)
    }

    /// A detector version's state, its threshold and how many steps of its series it has been fed
    /// (missing values included), after its checksum is verified.
    public func loadDetector(_ version: ModelVersion) throws -> (detector: AnomalyDetector, threshold: Double, seriesSteps: Int) {
        try verify(version)
        let (_, config) = try Checkpoint.load(directory: version.path)
        guard config["kind"]?.stringValue == Self.detectorKind, let state = config["state"], let threshold = config["threshold"]?.doubleValue else {
            throw DataError.bad("is not a detector Seer registered (no \"kind\": \"\(Self.detectorKind)\" with a state and a threshold)", file: version.path + "/config.json")
        }
        do {
            let detector = try JSONDecoder().decode(AnomalyDetector.self, from: Data(try state.jsonText(indent: 0).utf8))
            return (detector, threshold, config["series_steps"]?.intValue ?? detector.count)
        } catch let error as DataError {
            throw error
        } catch {
            throw DataError.bad("the detector state cannot be read: \(error)", file: version.path + "/config.json")
        }
    }
}

extension RetrainRun {
    func trainDetector(_ item: KeyData, model: DetectorModel, threshold: Double, window: Int, maxAlarmRate: Double, began: Double) throws -> KeyOutcome {
        let sequence = item.data.sequences[0]
        let values = sequence.values.map(Double.init)
        guard values.count > window else {
            throw DataError.bad("series '\(sequence.id)' has \(values.count) points; the detector needs more than the window (\(window)) to be checked", file: item.key)
        }
        let season = job.season ?? AnomalyDetector.season(for: item.data.frequency)
        var detector = AnomalyDetector(model: model, season: season)
        let cutoff = values.count - window
        for value in values[..<cutoff] where value.isFinite { _ = detector.update(value) }
        let scores = values[cutoff...].filter(\.isFinite).map { detector.update($0) }
        CrashPoint.reach("trained")
        guard scores.allSatisfy(\.isFinite) else {
            throw DataError(.badInput, "the detector's scores on the latest \(window) points are not all finite; nothing registered", file: item.key)
        }
        let alarmShare = Double(scores.filter { $0 >= threshold }.count) / Double(max(1, scores.count))

        // The champion on the same window, for the record: advanced over the points it has not
        // seen before the window (when it saw fewer than the window's start), then scored.
        var championShare: Double?
        var championNote = "no champion yet"
        if let current = try clock.time({ try registry.champion(of: item.key) }) {
            var (champion, championThreshold, seen) = try registry.loadDetector(current)
            if seen <= cutoff {
                for value in values[seen..<cutoff] where value.isFinite { _ = champion.update(value) }
                let championScores = values[cutoff...].filter(\.isFinite).map { champion.update($0) }
                let share = Double(championScores.filter { $0 >= championThreshold }.count) / Double(max(1, championScores.count))
                championShare = share
                championNote = String(format: "the champion (v%d) %.2f%%", current.version, 100 * share)
            } else {
                championNote = "the champion (v\(current.version)) has seen part of this window, so its share is not comparable"
            }
        }
        let accepted = alarmShare <= maxAlarmRate
        let verdict = String(format: "alarms on %.2f%% of the latest %d points (at most %.2f%%)", 100 * alarmShare, window, 100 * maxAlarmRate)
            + "; " + championNote

        let trained = detector
        return try register(Challenger(
            accepted: accepted, verdict: verdict, score: alarmShare, championScore: championShare,
            metrics: ["metric": .string("alarm_share"), "window": .number(Double(window)), "threshold": .number(threshold)],
            config: ["task": .string("detect"), "model": .string(model.rawValue), "season": .number(Double(season)), "series": .array([.string(sequence.id)])],
            dataFingerprint: ModelCard.fingerprint([sequence.values]),
            save: { try ModelRegistry.saveDetector(trained, threshold: threshold, series: [sequence.id], seriesSteps: values.count, to: $0) }),
            for: item.key, began: began)
    }
}
