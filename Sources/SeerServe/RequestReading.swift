// Request bodies → typed requests, by hand over Seer's strict JSON parser rather than Codable:
// every message names the field it is about (`points[3].value: expected a number, found a
// string`), unknown keys are refused rather than ignored, and duplicate keys are an error. A
// `RequestError` becomes a 4xx response with `{"error":{"message":…}}`.
import Hummingbird
import NIOCore
import SeerBase
import SeerData

/// A request the server refuses, with the status and the message the caller sees.
struct RequestError: Error {
    let status: HTTPResponse.Status
    let message: String

    static func bad(_ message: String) -> RequestError { RequestError(status: .badRequest, message: message) }

    var httpError: HTTPError { HTTPError(status, message: message) }
}

/// Reads a whole body, at most `limit` bytes, and parses it as JSON.
func readJSON(_ request: Request, limit: Int) async throws -> JSONParser.Node {
    let body: ByteBuffer
    do {
        body = try await request.body.collect(upTo: limit)
    } catch is NIOTooManyBytesError {
        throw RequestError(status: .contentTooLarge, message: "the body is over \(limit) bytes (the server's --max-body)")
    }
    guard body.readableBytes > 0 else { throw RequestError.bad("body: empty; expected a JSON object") }
    do {
        return try JSONParser.parse(body.readableBytesView)
    } catch {
        throw RequestError.bad("body: not JSON at byte \(error.offset): \(error.message)")
    }
}

/// The members of an object at `path`, refusing keys outside `allowed`.
func members(_ node: JSONParser.Node, at path: String, allowed: Set<String>) throws(RequestError) -> [String: JSONParser.Node] {
    guard case .object(let pairs) = node else { throw .bad("\(path): expected an object, found \(node.kindName)") }
    var out: [String: JSONParser.Node] = [:]
    for (key, value) in pairs {
        guard allowed.contains(key) else {
            throw .bad("\(path == "body" ? "" : path + ".")\(key): unknown field (expected \(allowed.sorted().joined(separator: ", ")))")
        }
        out[key] = value
    }
    return out
}

/// The elements of an array at `path`.
func elements(_ node: JSONParser.Node?, at path: String) throws(RequestError) -> [JSONParser.Node] {
    guard let node else { throw .bad("\(path): missing; expected an array") }
    guard case .array(let items) = node else { throw .bad("\(path): expected an array, found \(node.kindName)") }
    return items
}

/// A string at `path` (nil when absent and optional).
func string(_ node: JSONParser.Node?, at path: String, required: Bool = true) throws(RequestError) -> String? {
    guard let node else {
        if required { throw .bad("\(path): missing; expected a string") }
        return nil
    }
    guard case .string(let text) = node else { throw .bad("\(path): expected a string, found \(node.kindName)") }
    return text
}

/// A finite number at `path`; nil for JSON null (a missing value).
func number(_ node: JSONParser.Node?, at path: String) throws(RequestError) -> Double? {
    guard let node else { throw .bad("\(path): missing; expected a number") }
    switch node {
    case .null: return nil
    case .number(let text):
        // The parser only passes literals that are finite Doubles.
        return Double(text)
    default: throw .bad("\(path): expected a number, found \(node.kindName)")
    }
}

/// A timestamp at `path`: epoch seconds (an integer) or a date-time text (ISO 8601 and the other
/// forms Seer's readers take). Returns the epoch seconds and the JSON to echo back.
func timestamp(_ node: JSONParser.Node, at path: String) throws(RequestError) -> (epoch: Int64, echo: String) {
    switch node {
    case .number(let text):
        guard let seconds = Int64(text) else { throw .bad("\(path): expected whole epoch seconds or a date-time string, found \(text)") }
        return (seconds, text)
    case .string(let text):
        guard let seconds = TimestampParser.parse(text) else { throw .bad("\(path): '\(text)' is not a timestamp") }
        return (seconds, JSONValue.quoted(text))
    default:
        throw .bad("\(path): expected epoch seconds or a date-time string, found \(node.kindName)")
    }
}
