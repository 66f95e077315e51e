// `seer retrain`: one process's share of a nightly job. For each key of its shard it claims the
// key, trains a challenger on everything but the latest `horizon` steps, scores it and the
// champion on those steps, and — only when the challenger is finite and not worse than the
// champion by more than the job's tolerance — makes it champion.
// Every challenger is registered (alias `challenger`), so a rejected one can still be inspected
// or promoted by hand. A key that fails is recorded with its error and the run goes on.
import Foundation
import SeerBase
import SeerData
import SeerEval
import SeerTasks

/// What happened to one key.
public struct KeyOutcome: Sendable, Equatable {
    /// skipped: finished earlier in the batch; held: another live run holds it (or took it over
    /// when this run's lease ran out), so it is not done by this run.
    public enum Status: String, Sendable { case promoted, rejected, skipped, held, failed }
    public let key: String
    public let status: Status
    public let version: Int?
    public let challengerScore: Double?
    public let championScore: Double?
    /// Why: the rule's verdict, the claim's holder, or the error.
    public let message: String
    public let seconds: Double
}

/// Seconds spent in registry calls (claims, lookups, version numbers, registration with its
/// checksum), for the benchmark's overhead per key.
final class RegistryClock: @unchecked Sendable {
    private(set) var seconds = 0.0

    func time<T>(_ body: () throws -> T) rethrows -> T {
        let began = monotonicSeconds()
        defer { seconds += monotonicSeconds() - began }
        return try body()
    }
}

/// A run's outcome.
public struct RetrainSummary: Sendable {
    public let job: String, batch: String, runId: String, shard: Shard
    public let outcomes: [KeyOutcome]
    public let seconds: Double
    /// Of `seconds`, the time spent in registry calls.
    public let registrySeconds: Double
    /// The process's peak resident set size when the run ended.
    public let peakRSSBytes: Int
    public var failed: Int { outcomes.filter { $0.status == .failed }.count }
    /// Keys another run holds: this shard is not finished until a later run does them.
    public var held: Int { outcomes.filter { $0.status == .held }.count }

    /// The summary as one JSON object.
    public var json: JSONValue {
        func count(_ s: KeyOutcome.Status) -> JSONValue { .number(Double(outcomes.filter { $0.status == s }.count)) }
        return .object([
            "job": .string(job), "batch": .string(batch), "run": .string(runId), "shard": .string(shard.description),
            "seconds": .number(seconds), "registry_seconds": .number(registrySeconds), "peak_rss_bytes": .number(Double(peakRSSBytes)),
            "keys": .number(Double(outcomes.count)),
            "promoted": count(.promoted), "rejected": count(.rejected), "skipped": count(.skipped), "held": count(.held), "failed": count(.failed),
            "outcomes": .array(outcomes.map { o in
                .object(["key": .string(o.key), "status": .string(o.status.rawValue), "version": o.version.map { .number(Double($0)) } ?? .null,
                         "challenger_score": o.challengerScore.map { .number($0) } ?? .null,
                         "champion_score": o.championScore.map { .number($0) } ?? .null,
                         "message": .string(o.message), "seconds": .number(o.seconds)])
            }),
        ])
    }
}

/// One process's run of a job over its shard.
public struct RetrainRun {
    public let job: RetrainJob
    public let registry: ModelRegistry
    public let shard: Shard
    /// The night this run belongs to: runs of one batch share the work (default: today, UTC).
    public let batch: String
    public let runId: String
    let clock = RegistryClock()
    /// Called after each key (for the progress line).
    public var onKey: ((Int, Int, KeyOutcome) -> Void)?

    public init(job: RetrainJob, registry: ModelRegistry, shard: Shard = .whole, batch: String? = nil, runId: String? = nil) {
        self.job = job
        self.registry = registry
        self.shard = shard
        self.batch = batch ?? Self.today()
        self.runId = runId ?? Self.newRunId()
    }

    static func today() -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date())
    }

    static func newRunId() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<2).map { _ in String(generator.next() as UInt64, radix: 16) }.joined()
    }

    /// Runs every key of the shard; never throws for one key's failure (it is in the summary).
    public func run() throws -> RetrainSummary {
        let began = monotonicSeconds()
        let host = ProcessInfo.processInfo.hostName
        try clock.time { try registry.beginRun(id: runId, job: job.name, batch: batch, shard: shard.description, host: host) }
        let keyed: [KeyData]
        do {
            keyed = try JobData.load(job).filter { shard.owns($0.key) }
        } catch {
            try? registry.finishRun(id: runId, status: "failed", error: "\(error)")
            throw error
        }
        try clock.time { try registry.enqueue(job: job.name, batch: batch, keys: keyed.map(\.key)) }
        var outcomes: [KeyOutcome] = []
        // A registry that stops answering (its server gone, its disk full) fails every later key
        // the same way: stop at once and say what is kept, instead of a failure line per key.
        func stopping(_ error: any Error) -> RegistryLost {
            try? registry.finishRun(id: runId, status: "failed", error: "\(error)")
            return RegistryLost(underlying: error, done: outcomes.count, keys: keyed.count, batch: batch, lease: job.leaseSeconds)
        }
        for (i, item) in keyed.enumerated() {
            let outcome: KeyOutcome
            do { outcome = try retrain(item) } catch { throw stopping(error) }
            outcomes.append(outcome)
            onKey?(i + 1, keyed.count, outcome)
        }
        // Keys another run holds: wait for it to finish them, or for its lease to run out (it
        // died: a requeued pod or array task must not exit before the dead claim is taken over).
        var pending = outcomes.indices.filter { outcomes[$0].status == .held }
        let deadline = monotonicSeconds() + job.leaseSeconds + 5
        while !pending.isEmpty && monotonicSeconds() < deadline {
            Thread.sleep(forTimeInterval: min(2, max(0.05, job.leaseSeconds / 10)))
            var stillHeld: [Int] = []
            for i in pending {
                do { outcomes[i] = try retrain(keyed[i]) } catch { throw stopping(error) }
                if outcomes[i].status != .held { onKey?(i + 1, keyed.count, outcomes[i]) } else { stillHeld.append(i) }
            }
            pending = stillHeld
        }
        let failed = outcomes.filter { $0.status == .failed }.count, held = outcomes.filter { $0.status == .held }.count
        try clock.time {
            try registry.finishRun(id: runId, status: failed > 0 ? "failed" : held > 0 ? "incomplete" : "succeeded",
                                   error: failed > 0 ? "\(failed) of \(outcomes.count) keys failed" : held > 0 ? "\(held) keys held by other runs" : nil)
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return RetrainSummary(job: job.name, batch: batch, runId: runId, shard: shard, outcomes: outcomes, seconds: monotonicSeconds() - began,
                              registrySeconds: clock.seconds, peakRSSBytes: usage.ru_maxrss * 1024)
    }

    /// One key, from claim to registration; any error after the claim becomes a recorded
    /// failure. A claim that fails means the registry itself cannot be used: that throws.
    func retrain(_ item: KeyData) throws -> KeyOutcome {
        let began = monotonicSeconds()
        func outcome(_ status: KeyOutcome.Status, _ version: Int?, _ scores: (Double?, Double?), _ message: String) -> KeyOutcome {
            KeyOutcome(key: item.key, status: status, version: version, challengerScore: scores.0, championScore: scores.1, message: message,
                       seconds: monotonicSeconds() - began)
        }
        let claim = try clock.time { try registry.claim(job: job.name, batch: batch, key: item.key, owner: runId, lease: job.leaseSeconds) }
        switch claim {
        case .done(let version): return outcome(.skipped, version, (nil, nil), "done earlier in batch \(batch)")
        case .held(let owner):
            return outcome(.held, nil, (nil, nil), "held by run \(owner) until its lease (\(Int(job.leaseSeconds)) s) runs out; a later run of this batch takes it over")
        case .claimed: break
        }
        CrashPoint.reach("claimed")
        do {
            return try train(item, began: began)
        } catch let error as DataError where error.kind == .temporary {
            // The claim was lost to another run: that run does the key; this one registered nothing.
            return outcome(.held, nil, (nil, nil), error.message)
        } catch {
            try? clock.time { try registry.fail(job: job.name, batch: batch, key: item.key, owner: runId, error: "\(error)") }
            return outcome(.failed, nil, (nil, nil), "\(error)")
        }
    }
}

/// The registry stopped answering partway through a run: what was kept and how to finish.
public struct RegistryLost: SeerError {
    public let underlying: any Error
    /// Keys finished (or recorded as failed) before the registry went away, of `keys`.
    public let done: Int
    public let keys: Int
    public let batch: String
    public let lease: Double

    public var kind: FailureKind { (underlying as? any SeerError)?.kind ?? .io }

    public var description: String {
        "\(underlying); stopped after \(done) of \(keys) keys, since every later key needs the registry. "
            + "What was registered is kept; rerun batch \(batch) to finish (a key this run had claimed waits for its lease of \(Int(lease)) s to run out)"
    }
}
