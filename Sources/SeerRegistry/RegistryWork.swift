// The work of one batch (one night of one job) in the registry, so that many processes on many
// machines do every key exactly once: a key is claimed under a lease before training, and marked
// done in the same transaction that registers its model — only by the process that still holds
// the claim. A process that dies leaves its claim to expire; the next process to reach the key
// takes it over. Runs are recorded with their host, shard and outcome.
import Foundation
import SeerBase
import SeerData

/// What came of trying to claim a key.
public enum ClaimOutcome: Sendable, Equatable {
    /// This process holds the key until the lease ends.
    case claimed
    /// Finished earlier in this batch (with the version it registered).
    case done(version: Int?)
    /// Another process holds a live lease on it.
    case held(by: String)
}

/// One run of a job (one process, one shard).
public struct RegistryRun: Sendable, Equatable {
    public let id: String
    public let job: String
    public let batch: String
    public let started: String
    public let finished: String?
    /// running, succeeded, failed (some keys failed), or stays running when the process died.
    public let status: String
    public let error: String?
    public let shard: String
    public let host: String
}

/// Where a key of a batch stands.
public struct WorkItem: Sendable, Equatable {
    public let key: String
    /// todo, claimed, done or failed.
    public let state: String
    public let owner: String?
    public let attempts: Int
    public let version: Int?
    public let error: String?
}

extension ModelRegistry {
    /// Adds `keys` to the batch as todo (keys already there keep their state).
    public func enqueue(job: String, batch: String, keys: [String]) throws {
        try connection.transaction {
            for key in keys {
                try connection.execute("INSERT INTO work (job, batch, key, state) VALUES (?, ?, ?, 'todo') ON CONFLICT (job, batch, key) DO NOTHING",
                                       [.text(job), .text(batch), .text(key)])
            }
        }
    }

    /// Claims `key` for `owner` for `lease` seconds: a key still to do, one that failed in an
    /// earlier attempt, or one whose holder's lease has run out.
    public func claim(job: String, batch: String, key: String, owner: String, lease: Double) throws -> ClaimOutcome {
        try connection.transaction {
            let now = Self.now().seconds
            let changed = try connection.execute("""
                UPDATE work SET state = 'claimed', owner = ?, lease_until = ?, attempts = attempts + 1, error = NULL
                WHERE job = ? AND batch = ? AND key = ? AND (state IN ('todo', 'failed') OR (state = 'claimed' AND lease_until < ?))
                """, [.text(owner), .real(now + lease), .text(job), .text(batch), .text(key), .real(now)])
            if changed == 1 { return .claimed }
            guard let row = try connection.query("SELECT state, owner, version FROM work WHERE job = ? AND batch = ? AND key = ?",
                                                 [.text(job), .text(batch), .text(key)]).first else {
                throw DataError(.other, "key '\(key)' is not in batch \(batch) of job \(job); enqueue it first", file: location)
            }
            if row[0].text == "done" { return .done(version: row[2].int) }
            return .held(by: row[1].text ?? "another process")
        }
    }

    /// Extends `owner`'s lease on `key`; false when the claim was lost (its lease ran out and
    /// another process took the key over).
    public func renew(job: String, batch: String, key: String, owner: String, lease: Double) throws -> Bool {
        try connection.transaction {
            try connection.execute("UPDATE work SET lease_until = ? WHERE job = ? AND batch = ? AND key = ? AND owner = ? AND state = 'claimed'",
                                   [.real(Self.now().seconds + lease), .text(job), .text(batch), .text(key), .text(owner)]) == 1
        }
    }

    /// Inside a registration transaction: marks `key` done with `version` if `owner` still holds
    /// it, else throws (and the registration rolls back), so a key is never finished twice.
    func finishClaim(job: String, batch: String, key: String, owner: String, version: Int?) throws {
        let changed = try connection.execute("""
            UPDATE work SET state = 'done', version = ?, finished = ?, lease_until = NULL
            WHERE job = ? AND batch = ? AND key = ? AND owner = ? AND state = 'claimed'
            """, [version.map { .integer(Int64($0)) } ?? .null, .text(Self.now().text), .text(job), .text(batch), .text(key), .text(owner)])
        guard changed == 1 else {
            throw DataError(.temporary, "lost the claim on key '\(key)': its lease ran out and another process took it over", file: location)
        }
    }

    /// Marks `key` done without a new version (nothing to register), if `owner` still holds it.
    public func finish(job: String, batch: String, key: String, owner: String) throws {
        try connection.transaction { try finishClaim(job: job, batch: batch, key: key, owner: owner, version: nil) }
    }

    /// Records that `key` failed with `error` (if `owner` still holds it); a later run retries it.
    public func fail(job: String, batch: String, key: String, owner: String, error: String) throws {
        try connection.transaction {
            try connection.execute("""
                UPDATE work SET state = 'failed', error = ?, finished = ?, lease_until = NULL
                WHERE job = ? AND batch = ? AND key = ? AND owner = ? AND state = 'claimed'
                """, [.text(error), .text(Self.now().text), .text(job), .text(batch), .text(key), .text(owner)])
        }
    }

    /// Every key of a batch and where it stands, sorted by key.
    public func work(job: String, batch: String) throws -> [WorkItem] {
        try connection.query("SELECT key, state, owner, attempts, version, error FROM work WHERE job = ? AND batch = ? ORDER BY key",
                             [.text(job), .text(batch)]).map {
            WorkItem(key: $0[0].text ?? "", state: $0[1].text ?? "", owner: $0[2].text, attempts: $0[3].int ?? 0, version: $0[4].int, error: $0[5].text)
        }
    }

    // MARK: runs

    /// Records the start of a run.
    public func beginRun(id: String, job: String, batch: String, shard: String, host: String) throws {
        try connection.transaction {
            try connection.execute("INSERT INTO runs (id, job, batch, started, status, shard, host) VALUES (?, ?, ?, ?, 'running', ?, ?)",
                                   [.text(id), .text(job), .text(batch), .text(Self.now().text), .text(shard), .text(host)])
        }
    }

    /// Records how a run ended.
    public func finishRun(id: String, status: String, error: String?) throws {
        try connection.transaction {
            try connection.execute("UPDATE runs SET finished = ?, status = ?, error = ? WHERE id = ?",
                                   [.text(Self.now().text), .text(status), error.map { .text($0) } ?? .null, .text(id)])
        }
    }

    /// Runs, newest first.
    public func runs(job: String? = nil) throws -> [RegistryRun] {
        let rows = try job.map { try connection.query("SELECT id, job, batch, started, finished, status, error, shard, host FROM runs WHERE job = ? ORDER BY started DESC", [.text($0)]) }
            ?? connection.query("SELECT id, job, batch, started, finished, status, error, shard, host FROM runs ORDER BY started DESC", [])
        return rows.map {
            RegistryRun(id: $0[0].text ?? "", job: $0[1].text ?? "", batch: $0[2].text ?? "", started: $0[3].text ?? "", finished: $0[4].text,
                        status: $0[5].text ?? "", error: $0[6].text, shard: $0[7].text ?? "", host: $0[8].text ?? "")
        }
    }
}
