// A model directory: `model.safetensors` (the weights) beside `config.json` (architecture,
// hyper-parameters, scaler statistics, Seer and format versions). Saving replaces the whole
// directory in one atomic step, so a failed or interrupted save — full disk, crash, kill —
// leaves the previous model exactly as it was, and a loader never sees new weights with an old
// config.
import SeerBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Saving and loading model directories.
public enum Checkpoint {
    /// The model format this build writes and the newest it reads (config.json `format_version`).
    public static let formatVersion = modelFormatVersion
    /// The weights file inside a model directory.
    public static let tensorsFileName = "model.safetensors"
    /// The configuration file inside a model directory.
    public static let configFileName = "config.json"

    /// Writes `tensors` and `config` as the model directory `directory`, replacing any model
    /// already there. `config` gains `format_version` and `seer_version` (overriding keys of those
    /// names). Both files are written into a fresh sibling directory, synced, and swapped in
    /// with one rename; only then is the old copy deleted. Invalid tensors or config values are
    /// reported before anything is written. An existing `directory` that holds other files than
    /// a model's is refused rather than replaced, so a mistyped path cannot delete unrelated data.
    public static func save(directory: String, tensors: SafeTensorsFile, config: [String: JSONValue],
                            seerVersion: String) throws(DataError) {
        try save(directory: directory, tensors: tensors, config: config, seerVersion: seerVersion,
                 beforeSwap: { _ throws(DataError) in })
    }

    /// `save`, with test hooks: `beforeSwap` is called on the finished, synced staging directory
    /// just before it replaces `directory` (throwing from it stands in for a crash at the worst
    /// moment), and `allowExchange: false` takes the two-rename path of systems without an
    /// atomic exchange.
    static func save(directory: String, tensors: SafeTensorsFile, config: [String: JSONValue], seerVersion: String,
                     allowExchange: Bool = true,
                     beforeSwap: (String) throws(DataError) -> Void) throws(DataError) {
        let target = DurableFiles.trimmingTrailingSlashes(directory)
        guard !target.isEmpty else { throw DataError(.io, "empty model directory path", file: directory) }
        let tensorsPath = target + "/" + tensorsFileName
        let configPath = target + "/" + configFileName

        // Everything that can be wrong with the content is found here, before any file is touched.
        let tensorBytes = try SafeTensors.encode(tensors, destination: tensorsPath)
        var fullConfig = config
        fullConfig["format_version"] = .number(Double(formatVersion))
        fullConfig["seer_version"] = .string(seerVersion)
        let configText: String
        do {
            configText = try JSONValue.object(fullConfig).jsonText(indent: 2) + "\n"
        } catch {
            throw DataError(error.kind, error.message, file: configPath)
        }

        let existing = try DurableFiles.entryKind(target)
        switch existing {
        case .none: break
        case .directory: try checkReplaceable(target)
        case .symbolicLink:
            throw DataError(.io, "is a symbolic link; save to the directory it points to instead", file: target)
        case .other:
            throw DataError(.io, "exists and is not a directory", file: target)
        }

        let staging: String
        do {
            staging = try DurableFiles.createUnique(prefix: target + ".tmp-") { candidate throws(DataError) in
                try DurableFiles.makeDirectory(candidate)
            }
        } catch {
            throw error.staged(for: target, existed: existing != .none)
        }
        do {
            try DurableFiles.create(staging + "/" + tensorsFileName, bytes: tensorBytes)
            try DurableFiles.create(staging + "/" + configFileName, bytes: Array(configText.utf8))
            DurableFiles.syncDirectory(staging)
            try beforeSwap(staging)
            if existing == .none {
                try moveIntoPlace(staging, target)
            } else {
                try swapIntoPlace(staging, target, allowExchange: allowExchange)
            }
        } catch {
            DurableFiles.remove(files: modelFiles, andDirectory: staging)
            throw error.location?.file.hasPrefix(staging) == true ? error.staged(for: target, existed: existing != .none) : error
        }
        DurableFiles.syncDirectory(DurableFiles.parent(of: target))
    }

    /// Reads the model directory `directory`: config first, so a model from a newer Seer is
    /// refused (a `.badInput` error naming the version) before its weights are parsed under rules that may have changed.
    /// The returned config includes `format_version` and `seer_version`.
    public static func load(directory: String) throws(DataError) -> (tensors: SafeTensorsFile, config: [String: JSONValue]) {
        let target = DurableFiles.trimmingTrailingSlashes(directory)
        switch try DurableFiles.entryKind(target) {
        case .none: throw DataError(.missingInput, "no such model directory", file: directory)
        case .directory, .symbolicLink: break  // loading through a link is harmless
        case .other:
            throw DataError(.badInput, "is not a model directory (expected \(configFileName) and \(tensorsFileName) inside)",
                                  file: directory)
        }
        let configPath = target + "/" + configFileName
        let parsed = try JSONValue(parsing: DurableFiles.readFile(configPath), source: configPath)
        guard case .object(let config) = parsed else {
            throw DataError(.badInput, "must hold a JSON object", file: configPath)
        }
        guard let versionValue = config["format_version"] else {
            throw DataError(.badInput, "has no format_version", file: configPath)
        }
        guard let version = versionValue.intValue, version >= 1 else {
            throw DataError(.badInput, "format_version must be a positive integer", file: configPath)
        }
        guard version <= formatVersion else {
            throw DataError(.badInput, "model format version \(version) was written by a newer Seer; "
                                  + "this Seer reads versions up to \(formatVersion)", file: configPath)
        }
        let tensors = try SafeTensors.read(target + "/" + tensorsFileName)
        return (tensors, config)
    }

    /// The only names a model directory holds, and so the only ones save ever deletes.
    private static let modelFiles = [tensorsFileName, configFileName]

    /// Replacing `directory` deletes its old content, so it must look like a model directory.
    private static func checkReplaceable(_ directory: String) throws(DataError) {
        let foreign = try DurableFiles.contents(ofDirectory: directory).filter { !modelFiles.contains($0) }.sorted()
        guard foreign.isEmpty else {
            let shown = foreign.prefix(3).map { "'\($0)'" }.joined(separator: ", ")
            let more = foreign.count > 3 ? ", ..." : ""
            throw DataError(.io, "refusing to replace: it holds files that are not part of a Seer model (\(shown)\(more))",
                                  file: directory)
        }
    }

    /// First save: `target` does not exist, so one rename publishes the staged model.
    private static func moveIntoPlace(_ staging: String, _ target: String) throws(DataError) {
        guard rename(staging, target) == 0 else {
            throw DataError(.io, "cannot move the saved model into place: \(DurableFiles.reason())", file: target)
        }
    }

    /// Replacement: exchange the staged and the old directory in one step, then delete the old
    /// copy (now under the staging name). Where the OS cannot exchange, fall back to two renames
    /// (old aside, new in), restoring the old one if the second fails; between the two, `target`
    /// briefly does not exist, but the old model is never deleted before the new one is in place.
    private static func swapIntoPlace(_ staging: String, _ target: String, allowExchange: Bool) throws(DataError) {
        if allowExchange, try DurableFiles.exchange(staging, target) {
            // The new model is in place; failing to delete the old copy must not turn a
            // successful save into an error, so the cleanup is best effort.
            DurableFiles.remove(files: modelFiles, andDirectory: staging)
            return
        }
        let aside = try DurableFiles.createUnique(prefix: target + ".old-") { candidate throws(DataError) in
            guard rename(target, candidate) == 0 else {
                throw DataError(.io, "cannot move the old model aside: \(DurableFiles.reason())", file: target)
            }
        }
        guard rename(staging, target) == 0 else {
            let message = "cannot move the saved model into place: \(DurableFiles.reason())"
            _ = rename(aside, target)
            throw DataError(.io, message, file: target)
        }
        DurableFiles.remove(files: modelFiles, andDirectory: aside)
    }
}
