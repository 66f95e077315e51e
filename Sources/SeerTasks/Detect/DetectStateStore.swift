// Where `seer detect --state DIR` keeps a stream's detectors: one JSON file in DIR, replaced
// atomically (temp file, fsync, rename, fsync of the directory), so a crash or a kill at any
// moment leaves the previous save or the new one, never a torn file. A state that cannot be
// read is an error naming the file, never silently replaced by a fresh start.
import Foundation
import SeerBase

/// The state file of one stream.
public struct DetectStateStore: Sendable {
    public let directory: String
    public var path: String { directory + "/detect-state.json" }

    public init(directory: String) { self.directory = DurableFiles.trimmingTrailingSlashes(directory) }

    /// The saved state, or nil when none was saved yet.
    public func load() throws(DataError) -> DetectStreamState? {
        guard try DurableFiles.entryKind(path) != .none else { return nil }
        let bytes = try DurableFiles.readFile(path)
        do {
            return try JSONDecoder().decode(DetectStreamState.self, from: Data(bytes))
        } catch {
            throw DataError.bad("not a detector state Seer wrote (\(error)); move it away to start afresh", file: path)
        }
    }

    /// Saves `state`, replacing the previous save atomically.
    public func save(_ state: DetectStreamState) throws(DataError) {
        if try DurableFiles.entryKind(directory) == .none { try DurableFiles.makeDirectory(directory) }
        let data: Data
        do { data = try JSONEncoder().encode(state) } catch {
            throw DataError(.other, "cannot encode the detector state: \(error)", file: path)
        }
        try DurableFiles.writeAtomically([UInt8](data), to: path)
    }
}
