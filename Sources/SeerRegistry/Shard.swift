// Which part of a job's keys this process takes: `--shard i/n` (i from 0), else a Kubernetes
// Indexed Job's JOB_COMPLETION_INDEX/JOB_COMPLETIONS, else a Slurm array's task id (counted from
// SLURM_ARRAY_TASK_MIN, so `--array=1-4` and `--array=0-3` both work) and SLURM_ARRAY_TASK_COUNT,
// else the whole job. A key belongs to the shard its name hashes to, so every shard agrees on
// the split without talking, even when a source gains a series between two shards' starts.
import SeerBase

/// One shard of n.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1, index >= 0, index < count else {
            throw DataError(.usage, "a shard is i/n with 0 ≤ i < n (got \(index)/\(count))", file: "shard")
        }
        self.index = index
        self.count = count
    }

    public static let whole = try! Shard(index: 0, count: 1)

    /// Parses "i/n".
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw DataError(.usage, "a shard is written i/n, e.g. 0/4 (got '\(text)')", file: "shard")
        }
        try self.init(index: i, count: n)
    }

    /// The shard the scheduler's environment names, or nil outside an array job.
    public static func fromEnvironment(_ environment: [String: String]) throws -> Shard? {
        if let index = environment["JOB_COMPLETION_INDEX"].flatMap(Int.init) {
            guard let count = environment["JOB_COMPLETIONS"].flatMap(Int.init) else {
                throw DataError(.usage, "JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not; pass it from the Job's spec.completions", file: "environment")
            }
            return try Shard(index: index, count: count)
        }
        if let task = environment["SLURM_ARRAY_TASK_ID"].flatMap(Int.init), let count = environment["SLURM_ARRAY_TASK_COUNT"].flatMap(Int.init) {
            return try Shard(index: task - (environment["SLURM_ARRAY_TASK_MIN"].flatMap(Int.init) ?? 0), count: count)
        }
        return nil
    }

    /// Whether `key` is this shard's (FNV-1a of its UTF-8, modulo the count).
    public func owns(_ key: String) -> Bool {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        return Int(hash % UInt64(count)) == index
    }

    public var description: String { "\(index)/\(count)" }
}
