// The crash-safe tail every retrained key shares, forecaster or detector: take a version number,
// write the model's directory (atomically, fsynced), check the claim is still ours, then register
// the version, move its aliases and finish the key in one transaction. Written once, so the order
// that the crash tests check cannot drift between the two kinds of job.
import SeerBase

/// A trained challenger and the rule's verdict on it, ready to register.
struct Challenger {
    let accepted: Bool
    let verdict: String
    let score: Double
    let championScore: Double?
    let metrics: [String: JSONValue]
    let config: [String: JSONValue]
    let dataFingerprint: String
    /// Writes the model directory at the given path.
    let save: (String) throws -> Void
}

extension RetrainRun {
    func register(_ challenger: Challenger, for key: String, began: Double) throws -> KeyOutcome {
        let version = try clock.time { try registry.nextVersion(of: key) }
        CrashPoint.reach("versioned")
        try challenger.save(try registry.freshDirectory(for: key, version: version))
        CrashPoint.reach("saved")
        guard try clock.time({ try registry.renew(job: job.name, batch: batch, key: key, owner: runId, lease: job.leaseSeconds) }) else {
            throw DataError(.temporary, "lost the claim on '\(key)' while training (its lease of \(Int(job.leaseSeconds)) s ran out); "
                            + "another process owns it now, so this version is not registered", file: registry.location)
        }
        var metrics = challenger.metrics
        metrics["accepted"] = .bool(challenger.accepted)
        metrics["challenger"] = .number(challenger.score)
        if let championScore = challenger.championScore { metrics["champion"] = .number(championScore) }
        var config = challenger.config
        config["job"] = .string(job.name)
        config["batch"] = .string(batch)
        let decision = challenger.accepted ? "promoted" : "rejected"
        let new = NewVersion(key: key, version: version, dataFingerprint: challenger.dataFingerprint, config: .object(config), metrics: .object(metrics),
                             tags: ["decision": decision, "run": runId], aliases: challenger.accepted ? ["challenger", "champion"] : ["challenger"],
                             runId: runId, reason: "\(decision) by run \(runId): \(challenger.verdict)")
        _ = try clock.time {
            try registry.register(new) { try registry.finishClaim(job: job.name, batch: batch, key: key, owner: runId, version: version) }
        }
        CrashPoint.reach("committed")
        // The job's `keep`: older versions without an alias lose their files (rows stay).
        _ = try? clock.time { try registry.gc(keep: job.keep, key: key) }
        return KeyOutcome(key: key, status: challenger.accepted ? .promoted : .rejected, version: version, challengerScore: challenger.score,
                          championScore: challenger.championScore, message: challenger.verdict, seconds: monotonicSeconds() - began)
    }
}
