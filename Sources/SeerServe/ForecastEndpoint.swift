// `POST /v1/forecast`: a history in, a forecast out, from a named model directory or a registry
// version. The response is the document `seer forecast --json` prints (rows in Nixtla's long
// layout, the model, its settings), and the forecast is also set as Prometheus gauges per series
// and horizon step, so a dashboard can draw it beside the live metric.
import Hummingbird
import SeerBase
import SeerData
import SeerTasks

enum ForecastEndpoint {
    /// What a forecast request asks for.
    struct Query {
        enum Source { case directory(String), registry(key: String, version: String) }
        var source: Source
        var data: ForecastData
    }

    static let topKeys: Set<String> = ["model", "key", "version", "series"]
    static let seriesKeys: Set<String> = ["id", "timestamps", "values"]

    /// The request, or a 400 naming the first wrong field.
    static func decode(_ body: JSONParser.Node, limits: ServeLimits) throws(RequestError) -> Query {
        let top = try members(body, at: "body", allowed: topKeys)
        let source: Query.Source
        switch (try string(top["model"], at: "model", required: false), try string(top["key"], at: "key", required: false)) {
        case (let name?, nil):
            if top["version"] != nil { throw .bad("version: goes with key, not model") }
            source = .directory(name)
        case (nil, let key?):
            source = .registry(key: key, version: try string(top["version"], at: "version", required: false) ?? "champion")
        default:
            throw .bad("body: give \"model\" (a model directory's name) or \"key\" (a registry key), one of them")
        }
        let items = try elements(top["series"], at: "series")
        guard !items.isEmpty else { throw .bad("series: empty; expected at least one series") }
        guard items.count <= limits.maxForecastSeries else {
            throw .bad("series: \(items.count) series; at most \(limits.maxForecastSeries) per request")
        }
        var sequences: [ForecastSequence] = []
        var total = 0
        var ids: Set<String> = []
        for (i, item) in items.enumerated() {
            let path = "series[\(i)]"
            let fields = try members(item, at: path, allowed: seriesKeys)
            let id = try string(fields["id"], at: path + ".id", required: false) ?? (items.count == 1 ? "y" : "series\(i + 1)")
            guard ids.insert(id).inserted else { throw .bad("\(path).id: '\(id)' is given twice") }
            let valueNodes = try elements(fields["values"], at: path + ".values")
            total += valueNodes.count
            guard total <= limits.maxHistory else { throw .bad("\(path).values: over \(limits.maxHistory) values in one request (the server's --max-history)") }
            var values: [Float] = []
            values.reserveCapacity(valueNodes.count)
            for (j, node) in valueNodes.enumerated() {
                let value = try number(node, at: "\(path).values[\(j)]")
                let stored = value.map(Float.init) ?? .nan
                if value != nil && !stored.isFinite { throw .bad("\(path).values[\(j)]: \(value!) is beyond the Float32 range Seer stores") }
                values.append(stored)
            }
            guard values.contains(where: \.isFinite) else { throw .bad("\(path).values: no number; expected a history") }
            var timestamps: [Int64]?
            if let node = fields["timestamps"] {
                let nodes = try elements(node, at: path + ".timestamps")
                guard nodes.count == values.count else {
                    throw .bad("\(path).timestamps: \(nodes.count) timestamps for \(values.count) values")
                }
                var times: [Int64] = []
                times.reserveCapacity(nodes.count)
                for (j, node) in nodes.enumerated() {
                    let t = try timestamp(node, at: "\(path).timestamps[\(j)]").epoch
                    if let last = times.last, t <= last { throw .bad("\(path).timestamps[\(j)]: not after the timestamp before it") }
                    times.append(t)
                }
                timestamps = times
            }
            sequences.append(ForecastSequence(id: id, values: values, timestamps: timestamps))
        }
        let frequency = sequences[0].timestamps.flatMap { Frequency.infer($0) }
        do {
            return Query(source: source, data: try ForecastData(sequences: sequences, frequency: frequency))
        } catch {
            throw .bad("series: \((error as? any SeerError)?.description ?? "\(error)")")
        }
    }

    /// Forecasts, sets the gauges and renders the body.
    static func respond(_ query: Query, catalog: ModelCatalog, metrics: ServeMetrics) throws(RequestError) -> String {
        let model: LoadedModel
        switch query.source {
        case .directory(let name): model = try catalog.model(named: name)
        case .registry(let key, let version): model = try catalog.model(key: key, version: version).model
        }
        let result: ForecastResult
        do {
            result = try model.forecast(query.data)
        } catch let error as any SeerError {
            throw RequestError(status: error.kind == .badInput || error.kind == .usage ? .unprocessableContent : .internalServerError,
                               message: "series: \(error.description)")
        } catch {
            throw RequestError(status: .internalServerError, message: "forecast: \(error)")
        }
        var byId: [String: (values: [Float], bounds: [[Float]])] = [:]
        for row in result.rows {
            byId[row.uniqueId, default: ([], [])].values.append(row.value)
            byId[row.uniqueId, default: ([], [])].bounds.append(row.bounds)
        }
        for (id, forecast) in byId { metrics.setForecast(series: id, values: forecast.values, bounds: forecast.bounds, levels: result.levels) }
        do {
            return try jsonDocument(result)
        } catch {
            throw RequestError(status: .internalServerError, message: "forecast: cannot write it as JSON: \(error)")
        }
    }
}
