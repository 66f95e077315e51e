// `POST /v1/detect`: points in, scores out. Each point goes through the same per-series step as
// `seer detect --stream` (so a series scores the same over HTTP as from a file), in the order
// the request lists them; the response has one result per point, in the same order, with the
// count of points scored in its series so far (`rows`), which lets a caller check that no point
// was lost or scored twice.
import Hummingbird
import SeerBase
import SeerData
import SeerTasks

/// One point of a detect request.
struct DetectPoint {
    var point: StreamPoint
    /// The timestamp as the caller wrote it (JSON), or nil without one.
    var timestampEcho: String?
    /// Why the point cannot be scored although its shape is right (a null value).
    var unusable: String?
}

enum DetectEndpoint {
    static let pointKeys: Set<String> = ["series", "timestamp", "value"]

    /// The points of a request body, or a 400 naming the first wrong field.
    static func decode(_ body: JSONParser.Node, maxPoints: Int) throws(RequestError) -> [DetectPoint] {
        let top = try members(body, at: "body", allowed: ["points"])
        let items = try elements(top["points"], at: "points")
        guard items.count <= maxPoints else {
            throw .bad("points: \(items.count) points; at most \(maxPoints) per request (the server's --max-points)")
        }
        var points: [DetectPoint] = []
        points.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            let path = "points[\(i)]"
            let fields = try members(item, at: path, allowed: pointKeys)
            let series = try string(fields["series"], at: path + ".series")!
            var epoch: Int64?, echo: String?
            if let node = fields["timestamp"] { (epoch, echo) = try timestamp(node, at: path + ".timestamp") }
            let value = try number(fields["value"], at: path + ".value")
            var unusable: String?
            var stored = 0.0
            if let value {
                // Rounded to Float32 as every reader stores values, so HTTP scores a series
                // exactly as `seer detect` scores the same rows from a file.
                let rounded = Float(value)
                if rounded.isFinite { stored = Double(rounded) } else { unusable = "value \(value) is beyond the Float32 range Seer stores" }
            } else {
                unusable = "value is null; only finite values are scored"
            }
            points.append(DetectPoint(point: StreamPoint(id: series, timestampText: echo, timestamp: epoch, valueText: "", value: stored),
                                      timestampEcho: echo, unusable: unusable))
        }
        return points
    }

    /// Scores every point and renders the response body.
    static func respond(_ points: [DetectPoint], table: SeriesTable, metrics: ServeMetrics) -> String {
        var out = "{\"results\":["
        out.reserveCapacity(64 + points.count * 120)
        for (i, item) in points.enumerated() {
            if i > 0 { out += "," }
            out += "{\"series\":" + JSONValue.quoted(item.point.id ?? "")
            if let echo = item.timestampEcho { out += ",\"timestamp\":" + echo }
            if let reason = item.unusable {
                metrics.countPoint("skipped")
                out += ",\"status\":\"skipped\",\"reason\":" + JSONValue.quoted(reason) + "}"
                continue
            }
            let (outcome, rows) = table.score(item.point)
            switch outcome {
            case .scored(let scored):
                metrics.countPoint("scored")
                out += ",\"status\":\"scored\",\"score\":\(scored.score.isFinite ? String(scored.score) : "null"),\"anomaly\":\(scored.label),\"rows\":\(rows)}"
            case .alreadyScored:
                metrics.countPoint("already_scored")
                out += ",\"status\":\"already_scored\",\"rows\":\(rows)}"
            case .skipped(let reason):
                metrics.countPoint("skipped")
                out += ",\"status\":\"skipped\",\"reason\":" + JSONValue.quoted(reason) + ",\"rows\":\(rows)}"
            case .header:
                out += ",\"status\":\"skipped\",\"rows\":\(rows)}"
            }
        }
        return out + "]}"
    }
}
