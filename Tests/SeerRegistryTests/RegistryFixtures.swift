// Shared fixtures: a fresh registry folder, a long CSV of seasonal series, and a job file over it.
import Foundation
@testable import SeerRegistry

enum RegistryFixtures {
    /// A new empty folder under the temporary directory.
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("seer-registry-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// `unique_id,ds,y` rows: `series` seasonal series of `length` steps (season 12, a trend,
    /// deterministic noise); series named in `short` get only 10 steps.
    static func salesCSV(series: Int, length: Int = 96, short: Set<String> = [], seed: Int = 0) -> String {
        var text = "unique_id,ds,y\n"
        for s in 0..<series {
            let id = "s\(s)"
            for t in 0..<(short.contains(id) ? 10 : length) {
                let noise = sin(Double(t * 7919 + s * 104_729 + seed * 31)) * 0.3
                let y = 10 + Double(s) + 0.05 * Double(t) + 3 * sin(2 * Double.pi * Double(t) / 12) + noise
                text += "\(id),\(t),\(String(format: "%.4f", y))\n"
            }
        }
        return text
    }

    /// A job folder with data.csv and job.yaml (registry `reg` beside them); returns the job path.
    static func job(series: Int = 3, model: String = "rlinear", extra: String = "", short: Set<String> = []) throws -> String {
        let dir = try folder()
        try salesCSV(series: series, short: short).write(toFile: dir + "/data.csv", atomically: true, encoding: .utf8)
        let yaml = """
            job: test-job
            registry: reg
            sources:
              - csv: "data*.csv"
            model: \(model)
            horizon: 12
            season: 12
            max_steps: 60
            \(extra)
            """
        try yaml.write(toFile: dir + "/job.yaml", atomically: true, encoding: .utf8)
        return dir + "/job.yaml"
    }
}
