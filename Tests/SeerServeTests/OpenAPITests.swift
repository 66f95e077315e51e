// docs/openapi.yaml against the server: its paths and methods are exactly the router's routes,
// and every request example in the README fits its schema, is answered 200 by a live server,
// and the answer fits the response schema. A small schema checker (type, required,
// additionalProperties: false, properties, items, oneOf, enum, $ref): enough for this document,
// no validator package.
import Foundation
import Testing
import Yams
import SeerBase
@testable import SeerServe

@Suite struct OpenAPITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func document() throws -> [String: Any] {
        let text = try String(contentsOf: root.appendingPathComponent("docs/openapi.yaml"), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    @Test func pathsAndMethodsAreTheRoutes() throws {
        let paths = try #require(try Self.document()["paths"] as? [String: Any])
        var documented: Set<String> = []
        for (path, item) in paths {
            for method in (item as? [String: Any] ?? [:]).keys { documented.insert("\(method.uppercased()) \(path)") }
        }
        let server = try SeerServer(ServeConfiguration())
        let routed = Set(server.routeList().map { "\($0.method) \($0.path)" })
        #expect(documented == routed)
        #expect(routed == Set(SeerServer.routes.map { "\($0.method) \($0.path)" }))
    }

    /// The README's `http` examples: method, path and JSON body.
    static func readmeExamples() throws -> [(method: String, path: String, body: String)] {
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var out: [(String, String, String)] = []
        for block in readme.components(separatedBy: "```http\n").dropFirst() {
            let text = block.components(separatedBy: "```").first ?? ""
            let head = text.split(separator: "\n", maxSplits: 1).first.map(String.init) ?? ""
            let parts = head.split(separator: " ")
            guard parts.count == 2 else { continue }
            out.append((String(parts[0]), String(parts[1]), String(text.dropFirst(head.count)).trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        return out
    }

    @Test func readmeExamplesFitTheSchemasAndAreServed() async throws {
        let document = try Self.document()
        let examples = try Self.readmeExamples()
        #expect(examples.count >= 3, "the README's request examples are found")
        // A server with the model folder and registry key the examples name.
        let server = try await ForecastAPITests.serving(modelName: "hourly", key: "api.latency")
        defer { Task { await server.stop() } }
        let checker = SchemaChecker(document: document)
        for example in examples {
            let operation = try #require(((document["paths"] as? [String: Any])?[example.path] as? [String: Any])?[example.method.lowercased()] as? [String: Any])
            let requestSchema = try #require(((((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"]))
            let body = try JSONSerialization.jsonObject(with: Data(example.body.utf8), options: [.fragmentsAllowed])
            #expect(checker.problems(body, requestSchema, at: "body").isEmpty, "\(example.path): \(checker.problems(body, requestSchema, at: "body"))")
            let answer = try await server.request(example.method, example.path, body: example.body)
            #expect(answer.status == 200, "\(example.path): \(answer.body)")
            let responseSchema = try #require(((((operation["responses"] as? [String: Any])?["200"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])?["schema"])
            #expect(checker.problems(answer.json, responseSchema, at: "response").isEmpty, "\(example.path): \(checker.problems(answer.json, responseSchema, at: "response"))")
        }
        // The checker itself catches a wrong body (so the checks above can fail).
        let detect = try #require(((document["components"] as? [String: Any])?["schemas"] as? [String: Any])?["DetectRequest"])
        #expect(!checker.problems(["points": [["series": "a", "value": "x"]]], detect, at: "body").isEmpty)
        #expect(!checker.problems(["points": [["series": "a", "value": 1, "extra": 1]]], detect, at: "body").isEmpty)
        #expect(checker.problems(["points": [["series": "a", "value": NSNull()]]], detect, at: "body").isEmpty)
    }
}

/// Checks a JSON value (Foundation's) against an OpenAPI 3.1 schema (a Yams-loaded dictionary).
struct SchemaChecker {
    let document: [String: Any]

    func resolve(_ schema: Any) -> [String: Any] {
        guard let schema = schema as? [String: Any] else { return [:] }
        guard let ref = schema["$ref"] as? String, ref.hasPrefix("#/") else { return schema }
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(part)] ?? [:] }
        return resolve(node)
    }

    func problems(_ value: Any, _ rawSchema: Any, at path: String) -> [String] {
        let schema = resolve(rawSchema)
        if let options = schema["oneOf"] as? [Any] {
            let fitting = options.filter { problems(value, $0, at: path).isEmpty }.count
            return fitting == 1 ? [] : ["\(path): fits \(fitting) of oneOf's \(options.count) schemas"]
        }
        var out: [String] = []
        if let type = schema["type"] {
            let types = (type as? [String]) ?? [type as? String ?? ""]
            guard types.contains(where: { Self.isType(value, $0) }) else { return ["\(path): \(value) is not \(types)"] }
        }
        if let allowed = schema["enum"] as? [Any], !allowed.contains(where: { "\($0)" == "\(value)" }) { out.append("\(path): \(value) not in \(allowed)") }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any] ?? [:]
            for name in schema["required"] as? [String] ?? [] where object[name] == nil { out.append("\(path).\(name): required") }
            for (name, member) in object {
                if let property = properties[name] {
                    out += problems(member, property, at: "\(path).\(name)")
                } else if schema["additionalProperties"] as? Bool == false {
                    out.append("\(path).\(name): not in the schema")
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    out += problems(member, extra, at: "\(path).\(name)")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] {
            for (i, element) in array.enumerated() { out += problems(element, items, at: "\(path)[\(i)]") }
        }
        return out
    }

    static func isType(_ value: Any, _ type: String) -> Bool {
        switch type {
        case "null": return value is NSNull
        case "object": return value is [String: Any]
        case "array": return value is [Any]
        case "string": return value is String
        case "boolean": return value is Bool
        case "integer": return value is Int || (value as? Double).map { $0 == $0.rounded() } == true
        case "number": return value is Int || value is Double
        default: return false
        }
    }
}
