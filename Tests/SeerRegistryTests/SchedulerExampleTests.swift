// The scheduler recipes in examples/ keep the shape seer relies on (there is no cluster here to
// run them): the Kubernetes Job is Indexed with JOB_COMPLETIONS equal to its completions, the
// registry URL comes from a Secret, and the CronJob runs the same pod; the Slurm script is an
// array that leaves the shard to seer.
import Foundation
import Testing
import Yams

@Suite struct SchedulerExampleTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples")

    func load(_ path: String) throws -> [String: Any] {
        let text = try String(contentsOf: Self.examples.appendingPathComponent(path), encoding: .utf8)
        return try #require(try Yams.load(yaml: text) as? [String: Any])
    }

    /// The pod spec's single container and the job spec around it.
    func container(_ jobSpec: [String: Any]) throws -> [String: Any] {
        let template = try #require(jobSpec["template"] as? [String: Any])
        let pod = try #require(template["spec"] as? [String: Any])
        let containers = try #require(pod["containers"] as? [[String: Any]])
        #expect(pod["restartPolicy"] as? String == "Never")
        return try #require(containers.first)
    }

    func checkRetrainJobSpec(_ spec: [String: Any]) throws {
        #expect(spec["completionMode"] as? String == "Indexed")
        let completions = try #require(spec["completions"] as? Int)
        #expect(spec["parallelism"] as? Int ?? 0 >= 1)
        #expect(spec["backoffLimitPerIndex"] as? Int ?? 0 >= 1)
        let seer = try container(spec)
        let command = (seer["command"] as? [String] ?? []) + (seer["args"] as? [String] ?? [])
        #expect(command.prefix(2) == ["seer", "retrain"])
        #expect(command.contains("--registry") && command.contains("$(SEER_REGISTRY)") && command.contains("--model-store"))
        #expect(!command.contains("--shard"), "the shard comes from JOB_COMPLETION_INDEX")
        let env = try #require(seer["env"] as? [[String: Any]])
        let completionsVar = try #require(env.first { $0["name"] as? String == "JOB_COMPLETIONS" })
        #expect(completionsVar["value"] as? String == String(completions))
        let registry = try #require(env.first { $0["name"] as? String == "SEER_REGISTRY" })
        let secret = (registry["valueFrom"] as? [String: Any])?["secretKeyRef"] as? [String: Any]
        #expect(secret?["name"] as? String != nil && secret?["key"] as? String != nil)
    }

    @Test func kubernetesIndexedJob() throws {
        let job = try load("kubernetes/retrain-job.yaml")
        #expect(job["apiVersion"] as? String == "batch/v1" && job["kind"] as? String == "Job")
        try checkRetrainJobSpec(try #require(job["spec"] as? [String: Any]))
    }

    @Test func kubernetesCronJobRunsTheSamePod() throws {
        let cron = try load("kubernetes/retrain-cronjob.yaml")
        #expect(cron["kind"] as? String == "CronJob")
        let spec = try #require(cron["spec"] as? [String: Any])
        #expect((spec["schedule"] as? String)?.split(separator: " ").count == 5)
        #expect(spec["concurrencyPolicy"] as? String == "Forbid")
        let template = try #require(spec["jobTemplate"] as? [String: Any])
        try checkRetrainJobSpec(try #require(template["spec"] as? [String: Any]))
    }

    @Test func slurmArrayLeavesTheShardToSeer() throws {
        let text = try String(contentsOf: Self.examples.appendingPathComponent("slurm/retrain.sbatch"), encoding: .utf8)
        #expect(text.hasPrefix("#!/bin/bash"))
        let directives = text.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }
        let array = try #require(directives.first { $0.contains("--array=") })
        #expect(array.range(of: #"--array=\d+-\d+(:\d+)?%\d+"#, options: .regularExpression) != nil, "a range with a concurrency limit: \(array)")
        #expect(text.contains("retrain \"$JOB\"") && !text.contains("--shard"))
    }
}
