// The one error type of model files (safetensors, config.json, checkpoint directories). It
// mirrors SeerData's DataError — a kind that picks the exit code and a message naming the file —
// because SeerNN may not import SeerData (ARCHITECTURE.md: SeerNN depends only on SeerTensor).

/// An error reading, validating or writing a model file.
public struct CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of failure this is; the CLI maps it to an exit code (ARCHITECTURE.md).
    public enum Kind: Sendable, Equatable {
        /// The file exists but its content is wrong, or the tensors to write are inconsistent
        /// (exit 65, EX_DATAERR).
        case badFile
        /// The file or model directory does not exist (exit 66, EX_NOINPUT).
        case missing
        /// Reading, writing, syncing or renaming failed at the OS level (exit 74, EX_IOERR).
        case io
        /// The model was written by a newer Seer whose format this build cannot read (exit 65).
        case newerFormat
    }

    public var kind: Kind
    /// The file or directory the problem is in, as the caller named it.
    public var file: String
    /// What went wrong and, where it helps, what was expected.
    public var message: String

    public init(_ kind: Kind, _ message: String, file: String) {
        self.kind = kind
        self.message = message
        self.file = file
    }

    /// The conventional exit code for this error (sysexits.h).
    public var exitCode: Int32 {
        switch kind {
        case .badFile, .newerFormat: return 65
        case .missing: return 66
        case .io: return 74
        }
    }

    public var description: String { "\(file): \(message)" }
}
