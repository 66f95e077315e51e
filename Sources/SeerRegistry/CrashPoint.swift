// Fault injection for the crash tests: `SEER_CRASH_AT=name:n` kills the process with SIGKILL the
// n-th time it reaches the named point — no cleanup, no flush, as a power cut or the OOM killer
// would. The points sit between the steps of a retrain (claimed, trained, files written,
// mid-commit, committed), so the tests can check that every prefix of a run leaves the registry
// consistent. Unset (always, outside the tests), a point costs one dictionary lookup.
import Foundation

enum CrashPoint {
    nonisolated(unsafe) private static var hits: [String: Int] = [:]
    private static let target: (name: String, count: Int)? = {
        guard let spec = ProcessInfo.processInfo.environment["SEER_CRASH_AT"] else { return nil }
        let parts = spec.split(separator: ":")
        guard parts.count == 2, let n = Int(parts[1]) else { return nil }
        return (String(parts[0]), n)
    }()

    /// Dies here if the environment asks for it.
    static func reach(_ name: String) {
        guard let target, target.name == name else { return }
        hits[name, default: 0] += 1
        if hits[name] == target.count { kill(getpid(), SIGKILL) }
    }
}
