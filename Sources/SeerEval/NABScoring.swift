// The Numenta Anomaly Benchmark's scoring (Lavin & Ahmad 2015; NAB's sweep scorer), written from
// its description and code's behaviour, on row indices: a detection is a row whose anomaly score
// is at least the threshold. Inside a label window [l, r] (w = r − l + 1 rows) a detection at row
// i is worth A_TP·σ(−(r − i + 1)/w)/σ(−1) — the earliest detection of a window counts, later ones
// add nothing; a window without one costs A_FN. A detection outside every window costs
// A_FP·σ(|i − r_p|/(w_p − 1)) after the most recent window [l_p, r_p] (a negative weight that grows
// towards −A_FP with distance) and A_FP before any window. σ(y) = 2/(1 + e^{5y}) − 1 (−1 beyond
// y = 3). The first 15 % of each file (at most 750 rows) is probation: neither TP nor FP there.
// One threshold per profile is chosen for the whole corpus by sweeping every distinct score from
// the top (ties keep the higher threshold), and the corpus total S is normalised to
// 100·(S − S_null)/(S_perfect − S_null) with S_perfect = A_TP·windows and S_null = −A_FN·windows
// (the null detector's optimum: no detections).
import Foundation

/// One of NAB's cost profiles.
public struct NABProfile: Sendable, Equatable {
    public var name: String
    public var truePositive: Double, falsePositive: Double, falseNegative: Double

    public init(name: String, truePositive: Double, falsePositive: Double, falseNegative: Double) {
        self.name = name
        self.truePositive = truePositive
        self.falsePositive = falsePositive
        self.falseNegative = falseNegative
    }

    /// NAB's config/profiles.json.
    public static let standard = NABProfile(name: "standard", truePositive: 1, falsePositive: 0.11, falseNegative: 1)
    public static let lowFalsePositives = NABProfile(name: "reward_low_FP_rate", truePositive: 1, falsePositive: 0.22, falseNegative: 1)
    public static let lowFalseNegatives = NABProfile(name: "reward_low_FN_rate", truePositive: 1, falsePositive: 0.11, falseNegative: 2)
    public static let all = [standard, lowFalsePositives, lowFalseNegatives]
}

/// One scored file: an anomaly score per row and its label windows as inclusive row ranges.
public struct NABFile: Sendable {
    public var name: String
    public var scores: [Double]
    /// Sorted, non-overlapping, inclusive row ranges.
    public var windows: [ClosedRange<Int>]

    public init(name: String, scores: [Double], windows: [ClosedRange<Int>]) {
        self.name = name
        self.scores = scores
        self.windows = windows
    }

    /// Rows of probation: 15 % of the file, at most 750.
    public var probation: Int { NABScoring.probation(rows: scores.count) }

    /// Windows that reach past probation (the ones scored).
    public var scoredWindows: [ClosedRange<Int>] { windows.filter { $0.upperBound >= probation } }
}

/// A profile's result on a corpus.
public struct NABResult: Codable, Sendable, Equatable {
    public var profile: String
    public var threshold: Double
    /// The corpus total S and its normalised score.
    public var raw: Double
    public var score: Double
    public var truePositives: Int, falsePositives: Int, falseNegatives: Int
}

public enum NABScoring {
    /// 2/(1 + e^{5y}) − 1, and −1 beyond y = 3.
    public static func sigmoid(_ y: Double) -> Double {
        y > 3 ? -1 : 2 / (1 + exp(5 * y)) - 1
    }

    /// Rows of probation for a file of `rows` rows.
    public static func probation(rows: Int) -> Int { min(Int((0.15 * Double(rows)).rounded(.down)), 750) }

    /// What each row would add as a detection (its window's TP weight, or its FP weight), and the
    /// window it lies in (nil outside every window).
    public static func rowWeights(_ file: NABFile, _ profile: NABProfile) -> [(weight: Double, window: Int?)] {
        let maxTP = sigmoid(-1)
        var out: [(weight: Double, window: Int?)] = []
        out.reserveCapacity(file.scores.count)
        var next = 0
        var previous: ClosedRange<Int>?
        for i in file.scores.indices {
            while next < file.windows.count, file.windows[next].upperBound < i { previous = file.windows[next]; next += 1 }
            if next < file.windows.count, file.windows[next].contains(i) {
                let window = file.windows[next]
                let width = Double(window.count)
                out.append((profile.truePositive * sigmoid(-Double(window.upperBound - i + 1) / width) / maxTP, next))
            } else if let previous {
                let y = Double(i - previous.upperBound) / Double(max(1, previous.count - 1))
                out.append((profile.falsePositive * sigmoid(y), nil))
            } else {
                out.append((-profile.falsePositive, nil))
            }
        }
        return out
    }

    /// The raw score of one file at `threshold`, with its counts.
    public static func raw(_ file: NABFile, _ profile: NABProfile, threshold: Double) -> (raw: Double, tp: Int, fp: Int, fn: Int) {
        let weights = rowWeights(file, profile)
        let probation = file.probation
        var best = [Double?](repeating: nil, count: file.windows.count)
        var total = 0.0, falsePositives = 0
        for i in probation..<file.scores.count where file.scores[i] >= threshold {
            let (weight, window) = weights[i]
            if let window { best[window] = max(best[window] ?? -.infinity, weight) } else { total += weight; falsePositives += 1 }
        }
        var tp = 0, fn = 0
        for (index, window) in file.windows.enumerated() where window.upperBound >= probation {
            if let value = best[index] { total += value; tp += 1 } else { total -= profile.falseNegative; fn += 1 }
        }
        return (total, tp, falsePositives, fn)
    }

    /// The threshold that maximises the corpus total (1.1, i.e. no detections, or a row's score;
    /// the higher on a tie) and the normalised score there.
    public static func optimise(_ files: [NABFile], _ profile: NABProfile) -> NABResult {
        struct Row { var score: Double; var weight: Double; var window: Int? }
        var rows: [Row] = []
        var windowBase = 0, windowCount = 0
        for file in files {
            let weights = rowWeights(file, profile)
            for i in file.probation..<file.scores.count {
                rows.append(Row(score: file.scores[i], weight: weights[i].weight, window: weights[i].window.map { $0 + windowBase }))
            }
            windowBase += file.windows.count
            windowCount += file.scoredWindows.count
        }
        // Descending by score; equal scores keep corpus order (as a stable sort does).
        let order = rows.indices.sorted { (rows[$0].score, -$0) > (rows[$1].score, -$1) }
        var contribution = [Double?](repeating: nil, count: windowBase)
        var total = -profile.falseNegative * Double(windowCount)
        var best = (threshold: 1.1, total: total)
        var k = 0
        while k < order.count {
            let threshold = rows[order[k]].score
            while k < order.count, rows[order[k]].score == threshold {
                let row = rows[order[k]]
                if let window = row.window {
                    let old = contribution[window] ?? -profile.falseNegative
                    let new = max(old, row.weight)
                    total += new - old
                    contribution[window] = new
                } else {
                    total += row.weight
                }
                k += 1
            }
            if total > best.total { best = (threshold, total) }
        }
        var tp = 0, fp = 0, fn = 0, raw = 0.0
        for file in files {
            let result = self.raw(file, profile, threshold: best.threshold)
            raw += result.raw
            tp += result.tp
            fp += result.fp
            fn += result.fn
        }
        return NABResult(profile: profile.name, threshold: best.threshold, raw: raw,
                         score: normalised(raw, windows: windowCount, profile), truePositives: tp, falsePositives: fp, falseNegatives: fn)
    }

    /// 100·(S − S_null)/(S_perfect − S_null) for a corpus with `windows` scored windows.
    public static func normalised(_ raw: Double, windows: Int, _ profile: NABProfile) -> Double {
        let perfect = profile.truePositive * Double(windows), null = -profile.falseNegative * Double(windows)
        guard perfect > null else { return 0 }
        return 100 * (raw - null) / (perfect - null)
    }
}
