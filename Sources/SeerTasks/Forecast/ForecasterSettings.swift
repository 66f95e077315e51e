// What a report says of a forecaster: its network, size, optimiser and training, one line each,
// so a reader of the HTML report or the JSON knows which model made the forecast and how.
import Foundation
import SeerModels

extension Forecaster {
    /// Architecture, size and training as report lines.
    public var settings: [ForecastSetting] {
        let c = config
        let parameters = self.parameters.map(\.count).reduce(0, +)
        var out: [ForecastSetting] = []
        out.append(ForecastSetting(name: "network", value: c.model.descriptor.network(c)))
        guard parameters > 0 else { return out }
        out.append(ForecastSetting(name: "parameters", value: "\(parameters)"))
        out.append(ForecastSetting(name: "optimiser", value: "AdamW, lr \(c.effectiveLearningRate), batch \(c.batchSize), seed \(c.seed)"))
        if let report {
            out.append(ForecastSetting(name: "training", value: "\(report.epochs.count) epochs, \(report.steps) steps, "
                + String(format: "%.1f s", report.seconds) + "; kept epoch \(report.bestEpoch)"))
        }
        return out
    }
}
