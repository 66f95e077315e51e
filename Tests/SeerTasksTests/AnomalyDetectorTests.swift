// The library's detector: deterministic, causal (a prefix scores the same alone), bounded scores,
// and a target share of flagged rows honoured by DetectRun.
import Foundation
import SeerData
@testable import SeerTasks
import Testing

struct AnomalyDetectorTests {
    @Test func causalDeterministicAndBounded() {
        let values = (0..<800).map { 3 * sin(Double($0) / 10) + ($0 == 600 ? 8 : 0) }
        for model in DetectorModel.allCases {
            // The nets train on the first 200 values, so the prefix holds net-scored points too.
            var whole = AnomalyDetector(model: model, season: 1, warmup: 200), prefix = AnomalyDetector(model: model, season: 1, warmup: 200)
            let all = whole.score(values), first = prefix.score(Array(values.prefix(500)))
            #expect(Array(all.prefix(500)) == first, "\(model)")
            #expect(all.allSatisfy { $0.isFinite && $0 >= 0 && $0 <= 1 } && whole.count == 800)
            // After the warm-up (the windowed Gaussian's second point scores 1 against a one-value window).
            #expect((150..<800).max { all[$0] < all[$1] } == 600, "\(model): the spike scores highest")
        }
    }

    /// `ensemble`, the default's name before the nets joined, still names it on command lines and
    /// in saved stream states.
    @Test func theOldNameOfTheDefaultStillReads() throws {
        #expect(DetectorModel(rawValue: "ensemble") == .linear && DetectorModel(rawValue: "linear") == .linear)
        #expect(try JSONDecoder().decode([DetectorModel].self, from: Data(#"["ensemble", "nt", "auto"]"#.utf8)) == [.linear, .nt, .auto])
        #expect(DetectorModel(rawValue: "lstm") == nil && DetectorModel.allCases.map(\.rawValue).contains("ensemble") == false)
    }

    @Test func aTargetShareOfRowsIsFlagged() throws {
        let values = (0..<1000).map { Float(sin(Double($0) / 7) + 0.01 * Double($0 % 13)) }
        let data = try ForecastData(sequences: [ForecastSequence(id: "m", values: values, timestamps: nil)], frequency: nil)
        let result = try DetectRun(data: data, request: DetectRequest(threshold: .falsePositiveRate(0.01))).run()
        // 1 % of the 850 rows after the 150-row warm-up: 8 (more only on tied scores).
        #expect(result.anomalies["m"]! >= 8 && result.anomalies["m"]! <= 10, "\(result.anomalies)")
        #expect(result.rows.prefix(150).allSatisfy { $0.label == 0 })
    }

    /// Each detector's default threshold is its own alarm level. The windowed Gaussian scores
    /// Φ(|z|), at least 0.5 for every value, so the likelihood detectors' 0.5 labelled every row.
    @Test func theDefaultThresholdIsEachDetectorsAlarm() throws {
        // Uniform noise from a fixed LCG (|z| never above 1.8) with one value 12 deviations out.
        var state: UInt64 = 42
        let values: [Float] = (0..<1000).map { k in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            let uniform = Double(state >> 11) / 9_007_199_254_740_992.0  // 2⁵³: [0, 1)
            let spike: Double = k == 900 ? 12 * 0.2887 : 0
            return Float(uniform - 0.5 + spike)
        }
        let data = try ForecastData(sequences: [ForecastSequence(id: "m", values: values, timestamps: nil)], frequency: nil)
        #expect(DetectRequest().threshold == .fixed(0.5) && DetectRequest(model: .residual).threshold == .fixed(0.5))
        #expect(DetectRequest(model: .gaussian).threshold == .fixed(1 - 1e-5))
        let result = try DetectRun(data: data, request: DetectRequest(model: .gaussian)).run()
        #expect(result.anomalies["m"] == 1 && result.rows[900].label == 1, "\(result.anomalies)")
    }
}

struct StreamingUpdateTests {
    /// The stream form of the library call: out-of-order timestamps flagged, non-finite values skipped.
    @Test func outOfOrderAndNonFinitePoints() {
        var detector = AnomalyDetector(model: .gaussian)
        #expect(detector.update(timestamp: 100, value: 1)?.outOfOrder == false)
        #expect(detector.update(timestamp: 200, value: 2)?.outOfOrder == false)
        #expect(detector.update(timestamp: 150, value: 2)?.outOfOrder == true)
        #expect(detector.update(timestamp: 300, value: .nan) == nil && detector.count == 3)
        #expect(detector.update(timestamp: 300, value: 2)?.outOfOrder == false)
    }
}
