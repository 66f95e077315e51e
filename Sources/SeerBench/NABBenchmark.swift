// `seer bench nab`: detectors over a NAB-layout corpus (default ../shared/data/nab), a NAB results
// folder written (`<detector>/<category>/<detector>_<file>.csv`: timestamp,value,anomaly_score,
// label), and NAB's scoring — one threshold per profile optimised over the corpus, normalised
// between the null and the perfect detector — beside the published figures for the same 35 files
// (BENCHMARKS.md §2). Scores are kept to 12 significant digits, as NAB's results files hold them
// (a detector's threshold is found among those written values, so the scorer and a results
// folder agree; the windowed Gaussian's published figures depend on it).
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerModels
import SeerTasks

/// One detector's figures on the corpus.
public struct NABDetectorResult: Codable, Sendable {
    public var detector: String
    public var seconds: Double
    public var rows: Int
    /// Per profile: threshold, raw total, normalised score and counts.
    public var profiles: [NABResult]
}

public struct NABBenchResult: Codable, Sendable {
    public var directory: String
    public var files: Int
    public var windows: Int
    public var detectors: [NABDetectorResult]

    /// Published scores on the 35 files of ../shared/data/nab (standard, low FP, low FN).
    public static let published: [(String, [Double])] = [("Windowed Gaussian (NAB)", [21.97, 4.87, 29.80]),
                                                          ("HTM (NAB)", [66.59, 60.81, 71.06]), ("ARTime (NAB)", [67.85, 57.84, 73.72])]

    public var text: String {
        var table = TextTable(["detector", "standard", "low FP", "low FN", "threshold (std)", "TP", "FP", "FN", "seconds", "rows/s"])
        for d in detectors {
            var cells: [String] = [d.detector] + d.profiles.map { String(format: "%.2f", $0.score) }
            if let std = d.profiles.first(where: { $0.profile == NABProfile.standard.name }) {
                cells += [formatNumber(std.threshold), String(std.truePositives), String(std.falsePositives), String(std.falseNegatives)]
            } else {
                cells += ["—", "—", "—", "—"]
            }
            cells += [String(format: "%.2f", d.seconds), String(format: "%.0f", Double(d.rows) / max(d.seconds, 1e-9))]
            table.add(cells)
        }
        if files == 35 {
            for (name, scores) in Self.published { table.add([name] + scores.map { String(format: "%.2f", $0) } + ["", "", "", "", "", ""]) }
        }
        return "NAB scoring (\(files) files, \(windows) label windows, \(directory)); thresholds optimised on this corpus per profile"
            + (files == 35 ? "; published rows: BENCHMARKS.md §2" : "; published rows are for the 35-file corpus, not shown") + "\n" + table.render()
    }
}

/// The detectors `seer bench nab` knows: NAB's baseline, Seer's ensemble (the default) with each
/// forecasting member, the ensemble and the residual baseline each with one part taken away at a
/// time (their ablations).
public enum NABDetector: String, CaseIterable, Sendable {
    /// Seer's default detector (`EnsembleDetector` with the linear forecasting member; `--model linear`).
    case linear
    /// The ensemble with an NT (DiJiang) net trained on the probationary rows as its forecasting
    /// member (`--model nt`, `--model dijiang`).
    case nt
    case dijiang
    /// NT kept only for files where it predicts the probationary rows' newest values better than
    /// the linear model (`--model auto`).
    case auto
    case ensembleNoResidual = "ensemble-no-residual"
    case ensembleNoLevelShift = "ensemble-no-level-shift"
    case ensembleNoContext = "ensemble-no-context"
    case ensembleNoRange = "ensemble-no-range"
    case ensembleNoSeenYesterday = "ensemble-no-seen-yesterday"
    case ensembleNoQuiet = "ensemble-no-quiet"
    /// The ensemble with its context memory capped at 2,000 (instead of 10,000) contexts.
    case ensembleSmallContext = "ensemble-context-2000"
    /// NAB's windowed Gaussian baseline.
    case gaussian
    /// Seer's residual detector: a seasonal linear model's errors and a level-shift term, each
    /// through a likelihood stage, one alarm per anomaly.
    case residual
    case noLikelihood = "residual-no-likelihood"
    case noSuppression = "residual-no-suppression"
    case smoothedLevel = "residual-smoothed-level"
    case noLevelShift = "residual-no-level-shift"

    /// A fresh scorer for one file whose daily cycle is `season` steps (1: none known) and whose
    /// first `warmup` rows are NAB's probationary period.
    func scorer(season: Int = 1, warmup: Int = 750) -> any StreamingAnomalyScorer {
        let standard = ResidualDetector.standard(season: season)
        func without(_ part: WritableKeyPath<EnsembleParts, Bool>) -> EnsembleDetector {
            var parts = EnsembleParts()
            parts[keyPath: part] = false
            return EnsembleDetector(season: season, parts: parts)
        }
        switch self {
        case .linear: return EnsembleDetector(season: season)
        case .ensembleNoResidual: return without(\.residual)
        case .ensembleNoLevelShift: return without(\.levelShift)
        case .ensembleNoContext: return without(\.context)
        case .ensembleNoRange: return without(\.range)
        case .ensembleNoSeenYesterday: return without(\.seenYesterday)
        case .ensembleNoQuiet: return without(\.quiet)
        case .nt: return EnsembleDetector(season: season, net: .nt, warmup: warmup)
        case .dijiang: return EnsembleDetector(season: season, net: .dijiang, warmup: warmup)
        case .auto: return EnsembleDetector(season: season, net: .nt, warmup: warmup, netOnlyIfBetter: true)
        case .ensembleSmallContext: return EnsembleDetector(season: season, maxContexts: 2_000)
        case .gaussian: return WindowedGaussian()
        case .residual: return standard
        case .noLikelihood: return ResidualDetector(predictor: standard.predictor, likelihood: false, alarm: 0.9)
        case .noSuppression: return ResidualDetector(predictor: standard.predictor, suppression: 0, levelShift: standard.levelShift)
        case .smoothedLevel: return ResidualDetector(predictor: .smoothed(level: 0.1, scale: 0.01), levelShift: standard.levelShift)
        case .noLevelShift: return ResidualDetector(predictor: standard.predictor)
        }
    }
}

public struct NABBenchmark {
    public var directory: String
    public var detectors: [NABDetector]
    /// Where the results folder goes (nil: not written).
    public var output: String?

    public init(directory: String, detectors: [NABDetector], output: String?) {
        self.directory = directory
        self.detectors = detectors
        self.output = output
    }

    /// `value` as NAB's results files keep it: 12 significant digits.
    static func keptAsWritten(_ value: Double) -> Double { Double(String(format: "%.12g", value)) ?? value }

    public func run() throws -> NABBenchResult {
        let corpus = try NABCorpus.load(directory: directory)
        var results: [NABDetectorResult] = []
        for detector in detectors {
            let began = monotonicSeconds()
            var scores: [[Double]] = []
            for file in corpus.files {
                var scorer = detector.scorer(season: AnomalyDetector.season(for: Frequency.infer(file.timestamps)),
                                             warmup: NABScoring.probation(rows: file.values.count))
                scores.append(file.values.map { Self.keptAsWritten(scorer.update($0)) })
            }
            let seconds = monotonicSeconds() - began
            if let output { try write(corpus, scores, detector: detector.rawValue, to: output) }
            let scored = corpus.scored(scores)
            let profiles = NABProfile.all.map { NABScoring.optimise(scored, $0) }
            results.append(NABDetectorResult(detector: detector.rawValue, seconds: seconds, rows: corpus.files.map(\.values.count).reduce(0, +),
                                             profiles: profiles))
        }
        return NABBenchResult(directory: directory, files: corpus.files.count, windows: corpus.windowCount, detectors: results)
    }

    /// NAB's results layout, one CSV per file, each written atomically.
    func write(_ corpus: NABCorpus, _ scores: [[Double]], detector: String, to output: String) throws {
        for (file, fileScores) in zip(corpus.files, scores) {
            let parts = file.key.split(separator: "/")
            let folder = output + "/" + detector + "/" + parts.dropLast().joined(separator: "/")
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            var text = "timestamp,value,anomaly_score,label\n"
            for i in file.values.indices {
                let label = file.windows.contains { $0.contains(i) } ? 1 : 0
                text += "\(CivilTime.format(file.timestamps[i], dateOnly: false)),\(Float(file.values[i])),\(String(format: "%.12g", fileScores[i])),\(label)\n"
            }
            try DurableFiles.writeAtomically(Array(text.utf8), to: folder + "/" + detector + "_" + String(parts.last!))
        }
    }
}
