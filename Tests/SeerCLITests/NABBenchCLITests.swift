// `seer bench nab` on a small NAB-layout corpus written here: windows found by timestamp, a
// results folder in NAB's layout, three profiles scored; a window edge that is no row's timestamp
// is refused naming it.
import Foundation
import Testing

struct NABBenchCLITests {
    func corpus(windowEnd: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("seer-nab-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory + "/realThings", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: directory + "/labels", withIntermediateDirectories: true)
        var text = "timestamp,value\n"
        for i in 0..<200 {
            let value = i == 150 ? 50.0 : 10 + sin(Double(i) / 5)
            text += String(format: "2020-01-%02d %02d:%02d:00,%.3f\n", 1 + i / 96, (i % 96) / 4, 15 * (i % 4), value)
        }
        try text.write(toFile: directory + "/realThings/spike.csv", atomically: true, encoding: .utf8)
        let labels = "{\"realThings/spike.csv\": [[\"2020-01-02 13:00:00.000000\", \"\(windowEnd)\"]], \"realThings/absent.csv\": []}"
        try labels.write(toFile: directory + "/labels/combined_windows.json", atomically: true, encoding: .utf8)
        return directory
    }

    @Test func scoresACorpusAndWritesResults() throws {
        let directory = try corpus(windowEnd: "2020-01-02 17:45:00.000000")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try CLITests.seer(["bench", "nab", "--data", directory, "--output", directory + "/results", "--json"])
        #expect(run.status == 0, "\(run.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any])
        #expect(json["files"] as? Int == 1 && json["windows"] as? Int == 1)
        let detector = try #require((json["detectors"] as? [[String: Any]])?.first)
        let profiles = try #require(detector["profiles"] as? [[String: Any]])
        #expect(profiles.count == 3)
        // The spike at row 150 opens... rows 148…167 are the window (13:00 on the 2nd is row 148):
        // detecting it near its start scores close to perfect under every profile.
        for profile in profiles { #expect((profile["score"] as? Double ?? 0) > 80, "\(profile)") }
        let results = try String(contentsOfFile: directory + "/results/gaussian/realThings/gaussian_spike.csv", encoding: .utf8)
        let lines = results.split(separator: "\n")
        #expect(lines.first == "timestamp,value,anomaly_score,label" && lines.count == 201)
        #expect(lines.dropFirst().filter { $0.hasSuffix(",1") }.count == 20)
        #expect(lines[1].hasPrefix("2020-01-01 00:00:00,"))
    }

    @Test func aWindowEdgeThatIsNoRowIsRefused() throws {
        let directory = try corpus(windowEnd: "2020-01-02 17:44:00.000000")
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let run = try CLITests.seer(["bench", "nab", "--data", directory])
        #expect(run.status == 65 && run.stderr.contains("2020-01-02 17:44:00"), "\(run.stderr)")
    }
}
