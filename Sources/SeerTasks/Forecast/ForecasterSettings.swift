// What a report says of a forecaster: its network, size, optimiser and training, one line each,
// so a reader of the HTML report or the JSON knows which model made the forecast and how.
import Foundation
import SeerModels

extension Forecaster {
    /// Architecture, size and training as report lines.
    public var settings: [ForecastSetting] {
        if let ensemble {
            return [ForecastSetting(name: "ensemble", value: "\(ensemble.rule.rawValue) of " + ensemble.members.map(\.config.model.rawValue).joined(separator: ", "))]
                + ensemble.members.flatMap { member in member.settings.map { ForecastSetting(name: member.config.model.rawValue + " " + $0.name, value: $0.value) } }
        }
        let c = config
        let parameters = self.parameters.map(\.count).reduce(0, +)
        var out: [ForecastSetting] = []
        out.append(ForecastSetting(name: "network", value: c.model.descriptor.network(c)))
        guard parameters > 0 else { return out }
        out.append(ForecastSetting(name: "parameters", value: "\(parameters)"))
        if let fit = exactFit {
            out.append(ForecastSetting(name: "training", value: "exact least squares (the training MSE's minimum), ridge "
                + String(format: "%.0e", fit.relativeRidge) + " of the mean diagonal (chosen on the training windows' own tail)"
                + String(format: "; %.2f s", fit.seconds)))
            return out
        }
        // A loaded model reports its config's settings, or the family's small-data defaults.
        let defaults = c.model.descriptor.smallData
        let rate = plan?.learningRate ?? c.learningRate ?? defaults?.learningRate ?? 1e-3
        let batch = plan?.batchSize ?? c.batchSize ?? defaults?.batchSize ?? 32
        out.append(ForecastSetting(name: "optimiser", value: "AdamW, lr \(rate), batch \(batch), seed \(c.seed)"
            + (plan?.isCapped == true ? ", windows sampled per epoch (large-data budget)" : "")))
        if let report {
            out.append(ForecastSetting(name: "training", value: "\(report.epochs.count) epochs, \(report.steps) steps, "
                + String(format: "%.1f s", report.seconds) + "; kept epoch \(report.bestEpoch)"))
        }
        return out
    }
}
