// A JSON value as a plain Swift enum, for config.json: the architecture, hyper-parameters and
// scaler statistics a model needs beside its tensors. An enum instead of `[String: Any]` keeps
// configs Equatable and Sendable, and makes every reader say which type it expects.

/// Any JSON value. Numbers are Doubles, as in JavaScript; integers up to 2⁵³ are exact.
public enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The member `key` of an object; nil for a missing key or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// The number, if this is one.
    public var doubleValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }

    /// The number as an Int, if this is a number with no fractional part that fits.
    public var intValue: Int? {
        guard case .number(let value) = self else { return nil }
        return Int(exactly: value)
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, if this is an object.
    public var objectValue: [String: JSONValue]? {
        if case .object(let value) = self { return value }
        return nil
    }
}

// MARK: - Text

extension JSONValue {
    /// Parses JSON text (UTF-8). Duplicate object keys are an error rather than last-one-wins,
    /// so a hand-edited config cannot silently disagree with itself.
    public init(parsing bytes: [UInt8], source: String) throws(DataError) {
        do {
            self.init(try JSONParser.parse(bytes))
        } catch {
            throw DataError(.badInput, "invalid JSON at byte \(error.offset): \(error.message)", file: source)
        }
    }

    init(_ node: JSONParser.Node) {
        switch node {
        case .null: self = .null
        case .bool(let value): self = .bool(value)
        // The parser has already checked that every number literal is a finite Double.
        case .number(let text): self = .number(Double(text) ?? 0)
        case .string(let value): self = .string(value)
        case .array(let elements): self = .array(elements.map(JSONValue.init))
        case .object(let members):
            self = .object(Dictionary(members.map { ($0.key, JSONValue($0.value)) }, uniquingKeysWith: { first, _ in first }))
        }
    }

    /// JSON text with keys sorted, so equal values always give identical files. `indent` > 0
    /// pretty-prints with that many spaces per level. Throws for NaN and infinities, which JSON
    /// cannot hold.
    public func jsonText(indent: Int = 2) throws(DataError) -> String {
        var text = ""
        try write(into: &text, indent: max(0, indent), level: 0)
        return text
    }

    private func write(into text: inout String, indent: Int, level: Int) throws(DataError) {
        let newline = indent > 0 ? "\n" : ""
        let pad = String(repeating: " ", count: indent * (level + 1))
        let closingPad = String(repeating: " ", count: indent * level)
        switch self {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .number(let value): text += try Self.numberText(value)
        case .string(let value): text += Self.quoted(value)
        case .array(let elements):
            guard !elements.isEmpty else { text += "[]"; return }
            text += "[" + newline
            for (index, element) in elements.enumerated() {
                text += pad
                try element.write(into: &text, indent: indent, level: level + 1)
                text += (index + 1 < elements.count ? "," : "") + newline
            }
            text += closingPad + "]"
        case .object(let members):
            guard !members.isEmpty else { text += "{}"; return }
            text += "{" + newline
            let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (index, key) in keys.enumerated() {
                text += pad + Self.quoted(key) + (indent > 0 ? ": " : ":")
                try members[key]?.write(into: &text, indent: indent, level: level + 1)
                text += (index + 1 < keys.count ? "," : "") + newline
            }
            text += closingPad + "}"
        }
    }

    /// Integers print without a fraction ("3", not "3.0"), so hand-written configs and ours
    /// look alike; other values use Swift's shortest round-tripping form, which is valid JSON.
    public static func numberText(_ value: Double) throws(DataError) -> String {
        guard value.isFinite else {
            // The caller that knows the file name replaces `file` (Checkpoint does).
            throw DataError(.badInput, "cannot write \(value) as JSON (JSON has no NaN or infinity)", file: "JSON")
        }
        if value == value.rounded(), abs(value) < 9_007_199_254_740_992 { return String(Int64(value)) }
        return "\(value)"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped, the rest as
    /// UTF-8.
    public static func quoted(_ string: String) -> String {
        var text = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        return text + "\""
    }
}

// MARK: - Codable and literals

extension JSONValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

extension JSONValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral {
    public init(nilLiteral: ()) { self = .null }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(Double(value)) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
