// The one error contract of Seer: every module's errors adopt `SeerError`, which carries a
// message that stands on its own (file, line, column, what was expected) and the exit code the
// command line returns for it. The CLI therefore catches one protocol, not a list of types, and
// no library error ever names a command-line flag — the CLI adds its own advice where it helps.

/// The kinds of failure Seer distinguishes, each with its sysexits.h exit code (ARCHITECTURE.md).
public enum FailureKind: Sendable, Equatable {
    /// The request itself is inconsistent, e.g. an option naming no column (64, EX_USAGE).
    case usage
    /// The input exists but its content is wrong (65, EX_DATAERR).
    case badInput
    /// The input file, table or model does not exist (66, EX_NOINPUT).
    case missingInput
    /// A device or service the request needs is not there (69, EX_UNAVAILABLE).
    case unavailable
    /// Reading or writing failed at the OS or database level (74, EX_IOERR).
    case io
    /// A lock or lease is held elsewhere; trying again later may work (75, EX_TEMPFAIL).
    case temporary
    /// Anything else (1).
    case other

    /// The conventional exit code (sysexits.h).
    public var exitCode: Int32 {
        switch self {
        case .usage: return 64
        case .badInput: return 65
        case .missingInput: return 66
        case .unavailable: return 69
        case .io: return 74
        case .temporary: return 75
        case .other: return 1
        }
    }
}

/// An error Seer reports to a person: `description` is the whole message, `kind` picks the exit code.
public protocol SeerError: Error, CustomStringConvertible {
    var kind: FailureKind { get }
}

extension SeerError {
    /// The exit code the command line returns for this error.
    public var exitCode: Int32 { kind.exitCode }
}
