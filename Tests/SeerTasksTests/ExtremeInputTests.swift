// Inputs whose values Float32 models cannot carry: a 1e30 glitch in an ordinary series is refused
// as bad input naming the file's line (never "training diverged"), and a series whose every value
// is near 1e25 or 1e-25 forecasts as the same series at ordinary scale would, times the same power
// of two, digit for digit.
import Foundation
import Testing
import SeerBase
import SeerData
@testable import SeerTasks

struct ExtremeInputTests {
    @Test func aGlitchIsRefusedNamingItsLine() throws {
        var values: [Float] = (0..<600).map { 50 + 10 * sinf(2 * .pi * Float($0) / 24) }
        values[300] = 1e30
        let series = try TimeSeries(id: "s", time: .index(count: 600), columns: [SeriesColumn(name: "load", values: values)],
                                    source: "load.csv", lines: LineMap(firstLine: 2))
        #expect {
            try ForecastData(series: [series], source: "load.csv")
        } throws: { error in
            guard let error = error as? ForecastTaskError, case .extremeValue(_, let row, _, _, let location) = error else { return false }
            return row == 300 && location?.line == 302 && error.kind == .badInput && error.description.hasPrefix("load.csv:302: ")
                && error.description.contains("1e+30")
        }
        // The same from sequences alone (a server's request): the series and the value's time.
        let sequence = ForecastSequence(id: "load", values: values, timestamps: (0..<600).map { 1_700_000_000 + 3_600 * Int64($0) })
        #expect {
            try ForecastData(sequences: [sequence], frequency: Frequency(.hour))
        } throws: { error in
            "\(error)".contains("series 'load', value 301 (") && (error as? ForecastTaskError)?.kind == .badInput
        }
    }

    @Test func windowsThatWouldNotFitInMemoryAreRefusedUpFront() throws {
        // A 5 GB history would be copied into terabytes of training windows: say so, not the OOM killer.
        try Forecaster.checkMemory(windows: 1_000, length: 100, available: 1 << 30)
        #expect {
            try Forecaster.checkMemory(windows: 4_000_000_000, length: 112, available: 20_000_000_000)
        } throws: { error in
            guard let error = error as? ForecasterError, case .needsMemory = error else { return false }
            return error.kind == .unavailable && error.description.contains("needs about 14.3 TB of memory")
                && error.description.contains("20.0 GB is available") && error.description.contains("about 5580357 windows fit")
        }
        // 10 M hourly points with 120-step windows (38 GB at the measured 32 bytes per step) on a 24 GB machine.
        #expect(throws: ForecasterError.self) { try Forecaster.checkMemory(windows: 9_999_881, length: 120, available: 19_000_000_000) }
        #expect(throws: ForecasterError.self) { try Forecaster.checkMemory(windows: Int.max / 4, length: 112, available: 1 << 40) }
    }

    @Test(arguments: [Float(0x1p80), 0x1p-100, 0x1p-140])
    func extremeMagnitudesForecastLikeOrdinaryOnes(scale: Float) throws {
        // The largest magnitude is in [1, 2), so the rescaled histories are exactly these (but for
        // 2^-140, where every value is subnormal and keeps fewer digits).
        let ordinary: [[Float]] = (0..<2).map { k in (0..<160).map { t in 1.4 - 0.5 * sinf(2 * .pi * Float(t) / 12 + Float(k)) / Float(k + 1) } }
        let extreme = ordinary.map { $0.map { $0 * scale } }
        let k = MagnitudeScale.exponent(extreme)
        #expect(MagnitudeScale.exponent(ordinary) == 0 && k == -Int(scale.exponent))
        let back = MagnitudeScale.scaled(extreme, by: k)
        #expect(back == ordinary || scale == 0x1p-140)
        for model in [ModelFamily.dlinear, .ets] {
            var config = ForecasterConfig(model: model, lookback: 24, horizon: 6, width: 8, epochs: 2, season: 12, seed: 3)
            config.batchSize = 16
            let plain = Forecaster(config), scaled = Forecaster(config)
            try plain.fit(back)
            try scaled.fit(extreme)
            let forecasts = try scaled.predict(extreme)
            #expect(forecasts == MagnitudeScale.scaled(try plain.predict(back), by: -k), "\(model)")
            #expect(forecasts.joined().allSatisfy { $0.isFinite && $0 != 0 }, "\(model): \(forecasts)")
            let plainError = try #require(try plain.validationError(back))
            let scaledError = try #require(try scaled.validationError(extreme))
            // (Subnormal histories keep so few digits that a model can fit them exactly: both 0.)
            #expect(plainError == 0 ? scaledError == 0 : abs(scaledError / (plainError * pow(2, -2 * Double(k))) - 1) < 1e-9, "\(model)")
        }
    }
}
