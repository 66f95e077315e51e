// Where test inputs live: the repo's own `data/` fixtures (always present) and the shared
// datasets in `../shared/data` (tests needing them are disabled with a message when absent).
import Foundation
import Testing

enum TestData {
    /// The package root, found from this file's path.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static let sharedRoot: URL = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/data")

    static var sharedAvailable: Bool { FileManager.default.fileExists(atPath: sharedRoot.appendingPathComponent("README.md").path) }

    static let sharedMissingMessage: Comment = "../shared/data is absent: skipping tests on the shared datasets"

    static func shared(_ relative: String) -> String { sharedRoot.appendingPathComponent(relative).path }

    static func fixture(_ relative: String) -> String { packageRoot.appendingPathComponent("data").appendingPathComponent(relative).path }

    /// Writes `bytes` to a fresh temporary file and returns its path.
    static func temporaryFile(_ bytes: [UInt8], suffix: String = ".csv") throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("seer-test-\(UUID().uuidString)\(suffix)")
        try Data(bytes).write(to: url)
        return url.path
    }

    static func temporaryFile(_ text: String, suffix: String = ".csv") throws -> String {
        try temporaryFile(Array(text.utf8), suffix: suffix)
    }
}
