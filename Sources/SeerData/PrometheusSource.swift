// Prometheus as a source of series, through its standard HTTP API (`/api/v1/query_range`): each
// series of the answer becomes a Seer series whose id is its label set as Prometheus prints it
// (`up{instance="a",job="b"}`), with the samples stored at the query's step. Long ranges are
// asked for in pieces, since Prometheus refuses more than 11,000 points per series in one
// answer. Unreachable servers, refused queries and empty answers are errors with their own exit
// codes, and a bearer token never appears in a message.
import CCurl
import Foundation
import SeerBase

/// One range query.
public struct PrometheusQuery: Sendable, Equatable {
    /// The server, e.g. `http://127.0.0.1:9090` (a path prefix is kept).
    public var url: String
    /// PromQL.
    public var query: String
    /// Epoch seconds, inclusive.
    public var start: Int64
    public var end: Int64
    /// Seconds between samples.
    public var step: Int64
    /// Sent as `Authorization: Bearer …` when set.
    public var token: String?
    /// Seconds to wait for an answer.
    public var timeout: Double = 30

    public init(url: String, query: String, start: Int64, end: Int64, step: Int64, token: String? = nil) {
        self.url = url
        self.query = query
        self.start = start
        self.end = end
        self.step = step
        self.token = token
    }

    /// `prometheus:QUERY`, as messages name the input.
    public var name: String { "prometheus:\(query)" }

    /// The server as messages show it: any user and password in the URL replaced by `***`.
    public var server: String {
        guard let at = url.firstIndex(of: "@"), let scheme = url.range(of: "://"), scheme.upperBound < at else { return url }
        return url[..<scheme.upperBound] + "***" + url[at...]
    }

    /// Samples Prometheus gives per series in one answer at most; ranges are split below it.
    public static let pointsPerRequest: Int64 = 10_000
}

/// Times and durations in the forms Prometheus users write.
public enum PrometheusTime {
    /// `now`, `now-6h`, `now+5m`, epoch seconds, or an ISO 8601 / RFC 3339 date-time.
    public static func parse(_ text: String, now: Int64) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed == "now" { return now }
        if trimmed.hasPrefix("now-") || trimmed.hasPrefix("now+") {
            guard let offset = seconds(String(trimmed.dropFirst(4))) else { return nil }
            return trimmed.hasPrefix("now-") ? now - offset : now + offset
        }
        if let epoch = Double(trimmed), epoch.isFinite { return Int64(epoch.rounded(.down)) }
        return TimestampParser.parse(trimmed)
    }

    /// A duration in Prometheus' notation (`90s`, `5m`, `1h30m`, `2d`, `1w`, `250ms` rounds up to
    /// 1 s) or plain seconds; nil when it is not one or not positive.
    public static func seconds(_ text: String) -> Int64? {
        if let plain = Int64(text) { return plain > 0 ? plain : nil }
        let units: [(String, Int64)] = [("ms", 0), ("y", 365 * 86_400), ("w", 7 * 86_400), ("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1)]
        var rest = Substring(text), total: Int64 = 0, milliseconds: Int64 = 0
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.0) }) else { return nil }
            rest = rest.dropFirst(unit.0.count)
            if unit.0 == "ms" { milliseconds += value } else { total += value * unit.1 }
        }
        total += (milliseconds + 999) / 1000
        return total > 0 ? total : nil
    }
}

/// Reads series from a Prometheus server.
public enum PrometheusSource {
    /// Every series the query returns over its range, sorted by id.
    public static func load(_ query: PrometheusQuery) throws -> [TimeSeries] {
        guard query.step > 0, query.end >= query.start else {
            throw DataError(.usage, "the range must end at or after its start and the step be positive", file: query.name)
        }
        var samples: [String: [(Int64, Float)]] = [:]
        var pieceStart = query.start
        while pieceStart <= query.end {
            let pieceEnd = min(query.end, pieceStart + (PrometheusQuery.pointsPerRequest - 1) * query.step)
            for (id, points) in try fetch(query, start: pieceStart, end: pieceEnd) { samples[id, default: []] += points }
            pieceStart = pieceEnd + query.step
        }
        guard !samples.isEmpty else {
            throw DataError(.missingInput, "the query matched no series between \(iso(query.start)) and \(iso(query.end))", file: query.name)
        }
        // The column is named after the series too, so a lone series keeps its label set as its id.
        return try samples.keys.sorted().map { id in
            let points = samples[id]!
            return try TimeSeries(id: id, time: .timestamps(points.map(\.0)), columns: [SeriesColumn(name: id, values: points.map(\.1))],
                                  source: query.name)
        }
    }

    /// One `query_range` request: series id → samples.
    static func fetch(_ query: PrometheusQuery, start: Int64, end: Int64) throws -> [String: [(Int64, Float)]] {
        let base = query.url.hasSuffix("/") ? String(query.url.dropLast()) : query.url
        let parameters = [("query", query.query), ("start", String(start)), ("end", String(end)), ("step", String(query.step))]
        let text = base + "/api/v1/query_range?" + parameters.map { "\($0.0)=\(percentEncoded($0.1))" }.joined(separator: "&")
        guard let scheme = URL(string: text)?.scheme, ["http", "https"].contains(scheme) else {
            throw DataError(.usage, "is not an http:// or https:// URL", file: query.server)
        }
        let headers = ["Accept: application/json"] + (query.token.map { ["Authorization: Bearer \($0)"] } ?? [])
        let (body, status) = try HTTPGet.send(text, headers: headers, timeout: query.timeout, server: query.server)
        return try samples(answer: body, status: status, query: query)
    }

    /// The series of one `query_range` answer (its body and HTTP status), or why there are none.
    static func samples(answer body: [UInt8], status: Int, query: PrometheusQuery) throws -> [String: [(Int64, Float)]] {
        let answer: JSONValue
        do {
            answer = try JSONValue(parsing: body, source: query.server)
        } catch {
            throw DataError(status == 200 ? .badInput : .unavailable, "answered \(status) with something that is not Prometheus' JSON: \(String(decoding: body.prefix(120), as: UTF8.self))", file: query.server)
        }
        guard answer["status"]?.stringValue == "success" else {
            let kind = answer["errorType"]?.stringValue ?? "error"
            let message = answer["error"]?.stringValue ?? "no reason given"
            // A query Prometheus cannot run is the request's fault; a server in trouble is not.
            throw DataError(status >= 400 && status < 500 ? .usage : .unavailable, "Prometheus refused the query (\(status) \(kind)): \(message)", file: query.name)
        }
        guard let data = answer["data"], data["resultType"]?.stringValue == "matrix", let results = data["result"]?.arrayValue else {
            throw DataError(.badInput, "Prometheus answered without a matrix of series (resultType \(answer["data"]?["resultType"]?.stringValue ?? "none"))", file: query.name)
        }
        var out: [String: [(Int64, Float)]] = [:]
        for result in results {
            let labels = result["metric"]?.objectValue ?? [:]
            var points: [(Int64, Float)] = []
            for pair in result["values"]?.arrayValue ?? [] {
                guard let items = pair.arrayValue, items.count == 2, let t = items[0].doubleValue, let v = items[1].stringValue else {
                    throw DataError(.badInput, "a sample is not [time, \"value\"]", file: query.name)
                }
                // "NaN" and infinities (a counter reset, a division by zero) are missing values.
                let value = Double(v).flatMap { $0.isFinite ? Float($0) : nil } ?? .nan
                points.append((Int64(t.rounded()), value.isFinite ? value : .nan))
            }
            out[seriesId(labels), default: []] += points
        }
        return out
    }

    /// A label set as Prometheus prints it: the metric name, then the other labels sorted.
    public static func seriesId(_ labels: [String: JSONValue]) -> String {
        let name = labels["__name__"]?.stringValue ?? ""
        let rest = labels.filter { $0.key != "__name__" }.sorted { $0.key < $1.key }
            .map { "\($0.key)=\(JSONValue.quoted($0.value.stringValue ?? ""))" }
        return rest.isEmpty && !name.isEmpty ? name : name + "{" + rest.joined(separator: ",") + "}"
    }

    /// Query-string encoding: everything but unreserved characters (PromQL's `+` would otherwise read as a space).
    static func percentEncoded(_ text: String) -> String {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        return text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    static func iso(_ t: Int64) -> String { TimestampFormat(dateOnly: false).format(t) }
}

/// A blocking HTTP GET through libcurl, opened at run time (commands are synchronous).
enum HTTPGet {
    /// The most of an answer kept: Prometheus caps each series at 11,000 points per request, so a
    /// larger body is a server gone wrong, not data.
    static let maximumBytes = 1 << 30

    /// The body and status; a transport failure is `unavailable` (exit 69), naming the server.
    static func send(_ url: String, headers: [String], timeout: Double, server: String) throws -> ([UInt8], Int) {
        var body: UnsafeMutablePointer<CChar>?
        var length = 0, status = 0
        var error = [CChar](repeating: 0, count: 512)
        let milliseconds = Int(min(max(timeout, 0.001), 86_400) * 1000)
        let failed = withCStrings(headers) { headerList in
            seer_curl_get(url, headerList, milliseconds, maximumBytes, &body, &length, &status, &error, error.count)
        }
        guard failed == 0 else {
            let reason = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            throw DataError(.unavailable, "cannot reach Prometheus: \(reason)", file: server)
        }
        defer { seer_curl_free(body) }
        return (body.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? [], status)
    }
}
