// The airline series from the repository's data/ folder, for the statistical models' tests.
import Foundation

enum StatisticalTestData {
    /// Monthly airline passengers 1949–1960 (144 values).
    static func airline() throws -> [Double] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("data/airline_passengers.csv").path
        let rows = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").dropFirst()
        return rows.map { Double($0.split(separator: ",")[1])! }
    }
}
