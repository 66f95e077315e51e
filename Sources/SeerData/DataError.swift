// The one error type of the ingestion layer. Every message names where the problem is (file,
// line, column) and what was expected, so the CLI can print it as-is and pick the exit code.

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

/// An error reading or validating input data.
public struct DataError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; the CLI maps it to an exit code (ARCHITECTURE.md).
    public enum Kind: Sendable, Equatable {
        /// The input exists but its content is wrong (exit 65, EX_DATAERR).
        case badInput
        /// The input file or table does not exist (exit 66, EX_NOINPUT).
        case missingInput
        /// Reading or writing failed at the OS or database level (exit 74, EX_IOERR).
        case io
        /// The request itself is inconsistent, e.g. an option naming no column (exit 64, EX_USAGE).
        case usage
    }

    public var kind: Kind
    public var location: SourceLocation?
    public var message: String

    public init(_ kind: Kind, _ message: String, at location: SourceLocation? = nil) {
        self.kind = kind
        self.message = message
        self.location = location
    }

    /// Shorthand for bad content at a place in a file.
    public static func bad(_ message: String, file: String, line: Int? = nil, column: Int? = nil,
                           columnName: String? = nil) -> DataError {
        DataError(.badInput, message,
                  at: SourceLocation(file: file, line: line, column: column, columnName: columnName))
    }

    /// The conventional exit code for this error (sysexits.h).
    public var exitCode: Int32 {
        switch kind {
        case .badInput: return 65
        case .missingInput: return 66
        case .io: return 74
        case .usage: return 64
        }
    }

    public var description: String {
        guard let location else { return message }
        var text = "\(location): "
        if let name = location.columnName { text += "column '\(name)': " }
        return text + message
    }
}
