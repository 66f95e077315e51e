// The PostgreSQL server of the tests: `make test` starts one on loopback (scripts/test-postgres.sh)
// and names it in SEER_TEST_POSTGRES; without it the PostgreSQL cases skip with a message. Each
// registry gets a database of its own, so tests never see each other's rows.
import Foundation
@testable import SeerRegistry

enum PostgresFixture {
    static let adminURL = ProcessInfo.processInfo.environment["SEER_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// A new empty database's URL, or nil (with a message) when no server is configured.
    static func freshDatabase() throws -> String? {
        guard let adminURL else {
            print("SEER_TEST_POSTGRES is not set (make test starts a server): skipping the PostgreSQL registry case")
            return nil
        }
        let name = "seer_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        try PostgresConnection(url: adminURL).execute("CREATE DATABASE \(name)", [])
        guard let slash = adminURL.lastIndex(of: "/") else { return nil }
        return String(adminURL[..<slash]) + "/" + name
    }
}

/// The registry backends a test runs on.
enum Backend: String, CaseIterable, Sendable {
    case sqlite, postgres

    /// A fresh registry on this backend, or nil when PostgreSQL is not available.
    func registry() throws -> ModelRegistry? {
        let folder = try RegistryFixtures.folder()
        switch self {
        case .sqlite: return try ModelRegistry(location: folder)
        case .postgres: return try PostgresFixture.freshDatabase().map { try ModelRegistry(location: $0, store: folder + "/models") }
        }
    }
}
