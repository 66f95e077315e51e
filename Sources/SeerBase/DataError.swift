// The concrete error of everything that reads or writes files and tables — CSV, SQLite, `.ts`
// inputs and model files alike. Every message names where the problem is (file, line, column)
// and what was expected, so the CLI can print it as-is; its kind picks the exit code.

/// Where in an input a problem was found. Lines and columns are 1-based; a column is a field
/// number for CSV (with its header name when known) and a row for SQLite results.
public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var columnName: String?

    public init(file: String, line: Int? = nil, column: Int? = nil, columnName: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
    }

    /// `file:line:column` in the style compilers use, so editors can jump to it.
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        if let column { text += ":\(column)" }
        return text
    }
}

/// A setting of a reader or a task that would resolve an error, named in the library's words
/// (the CLI renders it as the flag that sets it).
public enum Setting: String, Sendable, Equatable {
    case duplicateTimestamps = "duplicate-timestamp policy"
    case missingValues = "missing-value policy"
}

/// What to change: a setting and the values that would work.
public struct Remedy: Sendable, Equatable {
    public var setting: Setting
    public var values: [String]

    public init(_ setting: Setting, _ values: [String]) {
        self.setting = setting
        self.values = values
    }

    /// "a, b or c".
    public var choices: String {
        values.count > 1 ? values.dropLast().joined(separator: ", ") + " or " + values.last! : values.joined()
    }
}

/// An error reading, validating or writing an input, an output or a model file.
public struct DataError: SeerError, Sendable, Equatable {
    public typealias Kind = FailureKind

    public var kind: Kind
    public var location: SourceLocation?
    public var message: String
    /// A setting that would resolve it, when one would.
    public var remedy: Remedy?

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil, remedy: Remedy? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
        self.remedy = remedy
    }

    /// An error about the file or directory `file` as a whole (no line or column).
    public init(_ kind: Kind, _ message: String, file: String) {
        self.init(kind, message, at: SourceLocation(file: file))
    }

    /// Shorthand for bad content at a place in a file.
    public static func bad(_ message: String, file: String, line: Int? = nil, column: Int? = nil,
                           columnName: String? = nil) -> DataError {
        DataError(.badInput, message,
                  at: SourceLocation(file: file, line: line, column: column, columnName: columnName))
    }

    /// The file (or directory, or `DB:table`) the problem is in, when known.
    public var file: String? { location?.file }

    /// The place and the message, without the remedy.
    public var placedMessage: String {
        guard let location else { return message }
        var text = "\(location): "
        if let name = location.columnName { text += "column '\(name)': " }
        return text + message
    }

    public var description: String {
        placedMessage + (remedy.map { "; set the \($0.setting.rawValue) to \($0.choices)" } ?? "")
    }
}
