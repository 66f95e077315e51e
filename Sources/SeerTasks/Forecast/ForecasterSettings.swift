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
        switch c.model {
        case .nt, .dijiang, .cofrgenet, .gpt:
            let tokens: String
            switch c.tokenization {
            case .point: tokens = "point tokens"
            case .patch(let length, let stride): tokens = "patches of \(length) (stride \(stride))"
            }
            out.append(ForecastSetting(name: "network", value: "width \(c.width), \(c.layers) blocks, dropout \(c.dropout), \(tokens), RevIN, direct head"))
        case .dlinear, .rlinear:
            out.append(ForecastSetting(name: "network", value: c.model == .dlinear ? "trend + remainder linear maps" : "RevIN + one linear map"))
        case .naive:
            out.append(ForecastSetting(name: "network", value: "none: the last value repeated"))
        case .seasonalNaive:
            out.append(ForecastSetting(name: "network", value: "none: the last season (\(c.season) steps) repeated"))
        }
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
