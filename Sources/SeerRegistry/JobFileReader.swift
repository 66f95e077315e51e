// Turns a job file's YAML nodes into a `RetrainJob`, checking every key and value where it
// stands: unknown keys, wrong types, out-of-range numbers and missing settings are refused with
// the line and column of the offending node and what was expected.
import SeerBase
import SeerData
import SeerTasks
import Yams

struct JobFileReader {
    let file: String

    func bad(_ message: String, _ mark: Mark?) -> DataError {
        DataError.bad(message, file: file, line: mark?.line, column: mark?.column)
    }

    /// The mapping's entries by key, refusing keys outside `allowed`.
    func entries(_ mapping: Node.Mapping, allowed: [String], in place: String) throws -> [String: Node] {
        var out: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else { throw bad("\(place): keys are names", key.mark) }
            guard allowed.contains(name) else {
                throw bad("\(place): unknown key '\(name)'; expected one of \(allowed.joined(separator: ", "))", key.mark)
            }
            out[name] = value
        }
        return out
    }

    func string(_ node: Node, _ name: String) throws -> String {
        guard case .scalar(let scalar) = node, !scalar.string.isEmpty else { throw bad("'\(name)' must be a non-empty text", node.mark) }
        return scalar.string
    }

    /// A whole number written in decimal. Read here rather than through Yams' `Node.int`, which
    /// also takes YAML 1.1's base-60 form (`1:30` = 90) and traps on its overflow: the fuzzer's
    /// `horizon: 819159593333333723:3333333` stopped the process instead of being refused.
    func integer(_ node: Node, _ name: String, range: ClosedRange<Int>) throws -> Int {
        guard case .scalar(let scalar) = node, let value = Int(scalar.string), range.contains(value) else {
            throw bad("'\(name)' must be a whole number from \(range.lowerBound) to \(range.upperBound)", node.mark)
        }
        return value
    }

    /// A decimal number (read here for the same reason as `integer`).
    func number(_ node: Node, _ name: String, range: ClosedRange<Double>) throws -> Double {
        guard case .scalar(let scalar) = node, let value = Double(scalar.string), value.isFinite, range.contains(value) else {
            throw bad("'\(name)' must be a number from \(range.lowerBound) to \(range.upperBound)", node.mark)
        }
        return value
    }

    func job(_ mapping: Node.Mapping, at mark: Mark?) throws -> RetrainJob {
        let keys = ["job", "registry", "model_store", "sources", "models", "task", "model", "horizon", "window", "threshold", "max_alarm_rate",
                    "lookback", "season", "max_steps", "seed", "accept", "lease_seconds", "keep"]
        let e = try entries(mapping, allowed: keys, in: "the job")
        func required(_ name: String) throws -> Node {
            guard let node = e[name] else { throw bad("the job needs '\(name)'", mark) }
            return node
        }
        let name = try string(try required("job"), "job")
        let taskName = try e["task"].map { try string($0, "task") } ?? "forecast"
        guard taskName == "forecast" || taskName == "detect" else { throw bad("'task' must be forecast or detect", e["task"]?.mark) }
        let modelNode = try required("model")
        let modelName = try string(modelNode, "model")
        let task: RetrainTask, horizon: Int
        if taskName == "forecast" {
            guard let family = ModelFamily(rawValue: modelName) else {
                throw bad("'model' must name a model: \(ModelFamily.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(modelName)')", modelNode.mark)
            }
            for detectOnly in ["window", "threshold", "max_alarm_rate"] where e[detectOnly] != nil {
                throw bad("'\(detectOnly)' belongs to detect jobs (task: detect)", e[detectOnly]?.mark)
            }
            task = .forecast(family)
            horizon = try integer(try required("horizon"), "horizon", range: 1...100_000)
        } else {
            guard let detector = DetectorModel(rawValue: modelName) else {
                throw bad("'model' must name a detector: \(DetectorModel.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(modelName)')", modelNode.mark)
            }
            if let node = e["horizon"] { throw bad("a detect job counts alarms on its latest 'window' steps; it has no horizon", node.mark) }
            let window = try e["window"].map { try integer($0, "window", range: 1...1_000_000) } ?? 168
            let threshold = try e["threshold"].map { try number($0, "threshold", range: 0...1) } ?? detector.alarmThreshold
            let rate = try e["max_alarm_rate"].map { try number($0, "max_alarm_rate", range: 0...1) } ?? 0.05
            task = .detect(detector, threshold: threshold, window: window, maxAlarmRate: rate)
            horizon = window
        }
        var job = RetrainJob(name: name, file: file, registry: try e["registry"].map { try string($0, "registry") },
                             sources: try sources(try required("sources")), task: task, horizon: horizon)
        job.modelStore = try e["model_store"].map { try string($0, "model_store") }
        if let node = e["models"] {
            guard let grouping = ModelGrouping(rawValue: try string(node, "models")) else {
                throw bad("'models' must be per_series (one model per series) or global (one model for every series)", node.mark)
            }
            if grouping == .global, taskName == "detect" { throw bad("a detector follows one series: detect jobs are per_series", node.mark) }
            job.grouping = grouping
        }
        job.lookback = try e["lookback"].map { try integer($0, "lookback", range: 1...1_000_000) }
        job.season = try e["season"].map { try integer($0, "season", range: 1...100_000) }
        job.maxSteps = try e["max_steps"].map { try integer($0, "max_steps", range: 1...10_000_000) }
        if let node = e["seed"] { job.seed = UInt64(try integer(node, "seed", range: 0...Int.max)) }
        if let node = e["lease_seconds"] { job.leaseSeconds = try number(node, "lease_seconds", range: 0.1...604_800) }
        if let node = e["keep"] { job.keep = try integer(node, "keep", range: 0...10_000) }
        if let node = e["accept"] { job.accept = try acceptance(node) }
        return job
    }

    func acceptance(_ node: Node) throws -> AcceptanceRule {
        guard let mapping = node.mapping else { throw bad("'accept' is a mapping (metric:, tolerance:)", node.mark) }
        let e = try entries(mapping, allowed: ["metric", "tolerance"], in: "accept")
        var rule = AcceptanceRule()
        if let metric = e["metric"] {
            rule.metric = try string(metric, "metric")
            guard ["mase", "mae"].contains(rule.metric) else { throw bad("'metric' must be mase or mae", metric.mark) }
        }
        if let tolerance = e["tolerance"] { rule.tolerance = try number(tolerance, "tolerance", range: 0...10) }
        return rule
    }

    func sources(_ node: Node) throws -> [JobSource] {
        guard let items = node.sequence, !items.isEmpty else { throw bad("'sources' is a list of sources (- csv: … or - sqlite: …)", node.mark) }
        return try items.map { item in
            guard let mapping = item.mapping else { throw bad("a source is a mapping (csv: GLOB, or sqlite: DB / postgres: URL with table: or query:)", item.mark) }
            let e = try entries(mapping, allowed: ["csv", "sqlite", "postgres", "prometheus", "table", "query", "id_column", "time_column", "value_column",
                                                   "start", "end", "step", "token_file"], in: "a source")
            let id = try e["id_column"].map { try string($0, "id_column") }
            let time = try e["time_column"].map { try string($0, "time_column") }
            let value = try e["value_column"].map { try string($0, "value_column") }
            let named = ["csv", "sqlite", "postgres", "prometheus"].filter { e[$0] != nil }
            guard named.count == 1 else { throw bad("a source names exactly one of csv:, sqlite:, postgres: or prometheus:", item.mark) }
            if named[0] != "prometheus", let extra = e["start"] ?? e["end"] ?? e["step"] ?? e["token_file"] {
                throw bad("start:, end:, step: and token_file: belong to a prometheus: source", extra.mark)
            }
            let table = try e["table"].map { try string($0, "table") }, query = try e["query"].map { try string($0, "query") }
            switch named[0] {
            case "csv":
                if let extra = e["table"] ?? e["query"] { throw bad("table: and query: belong to a sqlite: or postgres: source", extra.mark) }
                return .csv(glob: try string(e["csv"]!, "csv"), idColumn: id, timeColumn: time, valueColumn: value)
            case "prometheus":
                if let extra = e["table"] ?? e["id_column"] ?? e["time_column"] ?? e["value_column"] {
                    throw bad("a prometheus: source takes query:, start:, end:, step: and token_file: (its series ids are their label sets)", extra.mark)
                }
                guard let query else { throw bad("a prometheus: source needs query: (PromQL)", item.mark) }
                let url = try string(e["prometheus"]!, "prometheus")
                guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw bad("'prometheus' must be an http:// or https:// URL", e["prometheus"]!.mark) }
                let start = try e["start"].map { try string($0, "start") } ?? "now-7d", end = try e["end"].map { try string($0, "end") } ?? "now"
                for (name, text) in [("start", start), ("end", end)] where PrometheusTime.parse(text, now: 0) == nil {
                    throw bad("'\(name)' is now, now-7d, epoch seconds or a date-time, not '\(text)'", e[name]?.mark ?? item.mark)
                }
                let step = try e["step"].map { try string($0, "step") } ?? "1h"
                guard PrometheusTime.seconds(step) != nil else { throw bad("'step' is a duration such as 5m or 1h, not '\(step)'", e["step"]?.mark ?? item.mark) }
                return .prometheus(url: url, query: query, start: start, end: end, step: step, tokenFile: try e["token_file"].map { try string($0, "token_file") })
            case "sqlite":
                guard (table == nil) != (query == nil) else { throw bad("a sqlite: source needs exactly one of table: or query:", item.mark) }
                return .sqlite(database: try string(e["sqlite"]!, "sqlite"), table: table, query: query, idColumn: id, timeColumn: time, valueColumn: value)
            default:
                guard (table == nil) != (query == nil) else { throw bad("a postgres: source needs exactly one of table: or query:", item.mark) }
                let url = try string(e["postgres"]!, "postgres")
                guard ModelRegistry.isPostgresURL(url) else { throw bad("'postgres' must be a postgres:// or postgresql:// URL", e["postgres"]!.mark) }
                return .postgres(url: url, table: table, query: query, idColumn: id, timeColumn: time, valueColumn: value)
            }
        }
    }
}
