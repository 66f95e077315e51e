// Snapshot tests of what a person sees: the whole `--help` of every command and the whole stdout
// of a small deterministic forecast (seasonal-naive, whose numbers are exact arithmetic on any
// CPU), compared with the files in Snapshots/. A change to the CLI's text shows up here as a diff
// to review; after a deliberate change, `SEER_UPDATE_SNAPSHOTS=1 swift test --filter Snapshot`
// rewrites the files (then read the diff before committing it).
import Foundation
import Testing

struct SnapshotTests {
    static let directory = CLITests.packageRoot.appendingPathComponent("Tests/SeerCLITests/Snapshots")

    /// Compares `text` with snapshot `name`, or writes it when updating.
    static func expectSnapshot(_ text: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = directory.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["SEER_UPDATE_SNAPSHOTS"] == "1" {
            try text.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
            Issue.record("no snapshot \(url.path); create it with SEER_UPDATE_SNAPSHOTS=1", sourceLocation: sourceLocation)
            return
        }
        if text != expected {
            let got = text.split(separator: "\n", omittingEmptySubsequences: false), want = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let line = (0..<min(got.count, want.count)).first { got[$0] != want[$0] } ?? min(got.count, want.count)
            Issue.record("""
                \(name) differs from its snapshot at line \(line + 1):
                  snapshot: \(line < want.count ? String(want[line]) : "<end>")
                  now:      \(line < got.count ? String(got[line]) : "<end>")
                """, sourceLocation: sourceLocation)
        }
    }

    /// Every command and subcommand a user can reach, as argument lists.
    static let commands: [[String]] = [[], ["forecast"], ["train"], ["predict"], ["backtest"], ["inspect"], ["bench"],
                                       ["bench", "ingest"], ["bench", "kernels"], ["bench", "speed"], ["bench", "sine"], ["bench", "ett"], ["bench", "everyday"],
                                       ["bench", "stock"], ["bench", "detect"], ["bench", "nab"], ["bench", "ucr"], ["bench", "retrain"],
                                       ["detect"], ["classify"], ["retrain"], ["models"], ["models", "list"], ["models", "show"],
                                       ["models", "promote"], ["models", "rollback"], ["models", "gc"], ["logs"], ["serve"], ["bench", "serve"], ["selftest"]]

    @Test(arguments: commands)
    func helpIsUnchanged(_ command: [String]) throws {
        let run = try CLITests.seer(command + ["--help"])
        #expect(run.status == 0, "\(run.stderr)")
        try Self.expectSnapshot(run.stdout, "help-" + (command.isEmpty ? "seer" : command.joined(separator: "-")))
    }

    @Test func aSmallForecastPrintsExactlyThis() throws {
        let csv = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "6", "--model", "seasonal-naive",
                                     "--levels", "80", "--quiet"])
        #expect(csv.status == 0, "\(csv.stderr)")
        try Self.expectSnapshot(csv.stdout, "forecast-seasonal-naive-csv")
        let json = try CLITests.seer(["forecast", "data/airline_passengers.csv", "--horizon", "3", "--model", "seasonal-naive", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        try Self.expectSnapshot(json.stdout, "forecast-seasonal-naive-json")
        let backtest = try CLITests.seer(["backtest", "data/airline_passengers.csv", "--horizon", "3", "--folds", "2", "--model", "naive", "--quiet"])
        #expect(backtest.status == 0, "\(backtest.stderr)")
        try Self.expectSnapshot(backtest.stdout, "backtest-naive-csv")
    }
}
