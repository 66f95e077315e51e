// Which part of a job's keys this process takes: `--shard i/n` (i from 0), else a Kubernetes
// Indexed Job's JOB_COMPLETION_INDEX/JOB_COMPLETIONS, else a Slurm array's task id (counted from
// SLURM_ARRAY_TASK_MIN in steps of SLURM_ARRAY_TASK_STEP, so `--array=1-4`, `--array=0-3` and
// `--array=0-6:2` all work; a list such as `1,3,4` cannot be numbered and is refused) and SLURM_ARRAY_TASK_COUNT,
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
        func number(_ name: String) throws -> Int? {
            guard let text = environment[name], !text.isEmpty else { return nil }
            guard let value = Int(text) else { throw DataError(.usage, "\(name) is '\(text)', not a whole number", file: "environment") }
            return value
        }
        if let index = try number("JOB_COMPLETION_INDEX") {
            guard let count = try number("JOB_COMPLETIONS") else {
                throw DataError(.usage, "JOB_COMPLETION_INDEX is set but JOB_COMPLETIONS is not; pass it from the Job's spec.completions", file: "environment")
            }
            return try Shard(index: index, count: count)
        }
        if let task = try number("SLURM_ARRAY_TASK_ID"), let count = try number("SLURM_ARRAY_TASK_COUNT") {
            let offset = task - (try number("SLURM_ARRAY_TASK_MIN") ?? 0), step = try number("SLURM_ARRAY_TASK_STEP") ?? 1
            guard step >= 1, offset % step == 0 else {
                throw DataError(.usage, "Slurm array task \(task) is not on the array's range (min + k × step); give the array as a range (--array=0-3) or pass --shard i/n",
                                file: "environment")
            }
            return try Shard(index: offset / step, count: count)
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
