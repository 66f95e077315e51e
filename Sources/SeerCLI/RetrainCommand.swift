// `seer retrain JOB.yaml [--shard i/n]`: this process's share of a nightly retraining job — a
// progress line per key on stderr, a JSON summary on stdout with --json, and a non-zero exit
// when any key failed (after every other key was done).
import ArgumentParser
import Foundation
import Seer

struct RetrainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retrain",
        abstract: "Retrain every model of a job (YAML/JSON), promoting challengers only by the job's rule.",
        discussion: """
            Each model key is claimed in the registry under a lease, trained without the latest \
            horizon, scored on it beside the champion, and promoted only when not worse than the \
            champion by more than the job's tolerance (the model scored is the model registered). Files are \
            written and synced before the registry commit; a key that fails is recorded and the \
            run goes on. Exit 0 when every key is done, 1 when some failed, 75 when another \
            run still holds some (rerun the batch after their lease).

            Shards: --shard i/n (0 ≤ i < n), else JOB_COMPLETION_INDEX/JOB_COMPLETIONS \
            (Kubernetes Indexed Job) or SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT (Slurm array).
            """)

    @Argument(help: "The job file (YAML or JSON).")
    var job: String

    @Option(help: "The registry: a directory, or a postgres:// URL (default: the job's registry:, relative to the job file).")
    var registry: String?

    @Option(help: "With a PostgreSQL registry: the folder for model files, seen by every machine (default: the job's model_store:).")
    var modelStore: String?

    @Option(help: "This process's shard, i/n with 0 ≤ i < n (default: from the scheduler's environment, else the whole job).")
    var shard: String?

    @Option(help: "The batch this run belongs to: runs of one batch share the work and skip finished keys (default: today's UTC date).")
    var batch: String?

    @Flag(help: "Print the summary as one JSON document on stdout.")
    var json = false

    @Flag(help: "No progress lines.")
    var quiet = false

    func run() throws {
        try reportingErrors {
            let job = try RetrainJob.load(self.job)
            guard let location = registry ?? job.registry.map({ ModelRegistry.isPostgresURL($0) ? $0 : job.resolve($0) }) else {
                throw DataError(.usage, "the job names no registry: and no --registry was given", file: self.job)
            }
            let shard = try self.shard.map(Shard.init(parsing:)) ?? Shard.fromEnvironment(ProcessInfo.processInfo.environment) ?? .whole
            let store = modelStore ?? job.modelStore.map(job.resolve)
            var run = RetrainRun(job: job, registry: try ModelRegistry(location: location, store: store), shard: shard, batch: batch)
            if !quiet {
                run.onKey = { i, n, outcome in
                    let version = outcome.version.map { " v\($0)" } ?? ""
                    let line = String(format: "[%d/%d] %@%@ %@: %@ (%.1f s)\n", i, n, outcome.key, version, outcome.status.rawValue, outcome.message, outcome.seconds)
                    FileHandle.standardError.write(Data(line.utf8))
                }
            }
            let summary = try run.run()
            if json { print(try summary.json.jsonText(indent: 2)) }
            if !quiet {
                let line = "retrain \(job.name) batch \(summary.batch) shard \(shard): \(summary.outcomes.count) keys in "
                    + String(format: "%.1f s", summary.seconds) + "; \(summary.failed) failed" + (summary.held > 0 ? ", \(summary.held) held by other runs" : "") + "\n"
                FileHandle.standardError.write(Data(line.utf8))
            }
            if summary.failed > 0 { throw ExitCode(1) }
            if summary.held > 0 { throw ExitCode(FailureKind.temporary.exitCode) }
        }
    }
}
