// How well a forecaster does on what it held out: the windows `fit` set aside (nets, linear maps,
// baselines) or refits at evenly spaced origins (statistical models), in the data's units. `auto`
// chooses by these; split from Forecaster.swift, which fits and predicts.
import Foundation
import SeerModels
import SeerTensor

extension Forecaster {
    /// How many of a sequence's last `windows` windows are held out: `fraction` of them, at least
    /// one, and none when there are fewer than five.
    static func heldOut(windows: Int, fraction: Double) -> Int {
        windows >= 5 ? max(1, Int((Double(windows) * fraction).rounded())) : 0
    }

    /// Held-out origins a statistical model is scored from, per sequence (it refits at each).
    public static let statisticalOrigins = 20

    /// A statistical model's held-out error: at up to `statisticalOrigins` evenly spaced origins
    /// among the windows the other models hold out (the same last `validationFraction`), a fit on
    /// the whole history before the origin forecasts the H steps after it.
    func localValidationError(_ sequences: [[Float]], validationFraction: Double) throws -> Double? {
        let (l, h) = (config.lookback, config.horizon)
        var total = 0.0, count = 0
        for (index, s) in sequences.enumerated() where s.count >= l + h {
            guard s.allSatisfy({ $0.isFinite }) else { throw ForecasterError.missingValues(sequence: index) }
            let windows = s.count - l - h + 1
            let held = Self.heldOut(windows: windows, fraction: validationFraction)
            guard held > 0 else { continue }
            let picks = Set((0..<min(held, Self.statisticalOrigins)).map { windows - held + $0 * held / min(held, Self.statisticalOrigins) })
            for start in picks.sorted() {
                let origin = start + l
                let forecast = try localForecasts([Array(s[..<origin])])[0]
                for k in 0..<h { let e = Double(forecast[k] - s[origin + k]); total += e * e }
                count += h
            }
        }
        return count > 0 ? total / Double(count) : nil
    }

    /// Mean squared error of forecasts from every window's look-back against its horizon, over
    /// the last `validationFraction` of each sequence's windows (the ones `fit` held out).
    public func validationError(_ sequences: [[Float]], validationFraction: Double = 0.2) throws -> Double? {
        if ensemble != nil { return nil }
        // In the data's units, computed on histories of ordinary magnitude (`MagnitudeScale`).
        let k = MagnitudeScale.exponent(sequences)
        return try scaledValidationError(MagnitudeScale.scaled(sequences, by: k), validationFraction: validationFraction)
            .map { $0 * pow(2, Double(-2 * k)) }
    }

    private func scaledValidationError(_ sequences: [[Float]], validationFraction: Double) throws -> Double? {
        if config.model.descriptor.kind == .statistical { return try localValidationError(sequences, validationFraction: validationFraction) }
        // Too short for one window: no held-out score (a baseline can still forecast such a history).
        guard (sequences.map(\.count).max() ?? 0) >= config.windowLength + config.horizon + 1 else { return nil }
        guard let validation = try windows(sequences, validationFraction: validationFraction).validation else { return nil }
        // In chunks, so a long series' held-out windows never sit in memory as one activation.
        var total = 0.0, count = 0
        for start in stride(from: 0, to: validation.count, by: 1024) {
            let (x, y) = validation.batch(Array(start..<min(validation.count, start + 1024)))
            let forecasts = (net ?? baseline!).forecast(x, .inference()).array, truth = y.array
            for i in truth.indices { total += Double(forecasts[i] - truth[i]) * Double(forecasts[i] - truth[i]) }
            count += truth.count
        }
        return total / Double(max(1, count))
    }
}
