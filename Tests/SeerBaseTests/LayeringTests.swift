// The module layering of docs/ARCHITECTURE.md, checked on the sources: each module imports only
// the Seer modules below it, SeerModels never SeerData, SeerEval never SeerModels, and only the
// CLI imports swift-argument-parser, and only SeerServe the server stack (Hummingbird, NIO, Prometheus). A new import that points upwards fails here, not in review.
import Foundation
import Testing

struct LayeringTests {
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    /// The modules each module may import (Seer's own and ArgumentParser; system modules are free).
    static let allowed: [String: Set<String>] = [
        "SeerBase": [],
        "SeerTensor": ["SeerBase"],
        "SeerNN": ["SeerBase", "SeerTensor"],
        "SeerData": ["SeerBase"],
        "SeerModels": ["SeerBase", "SeerTensor", "SeerNN"],
        "SeerEval": ["SeerData"],
        "SeerTasks": ["SeerBase", "SeerTensor", "SeerNN", "SeerData", "SeerModels", "SeerEval"],
        "SeerBench": ["SeerBase", "SeerTensor", "SeerNN", "SeerData", "SeerModels", "SeerEval", "SeerTasks", "SeerRegistry"],
        "SeerRegistry": ["SeerBase", "SeerData", "SeerEval", "SeerNN", "SeerTasks"],
        "Seer": ["SeerBase", "SeerTensor", "SeerNN", "SeerData", "SeerModels", "SeerEval", "SeerTasks", "SeerRegistry"],
        "SeerServe": ["SeerBase", "SeerData", "SeerTasks", "SeerRegistry", "Hummingbird", "Prometheus", "ServiceLifecycle", "Logging", "NIOCore", "NIOPosix"],
        "SeerCLI": ["Seer", "SeerBench", "SeerServe", "ArgumentParser"],
    ]

    /// The server stack's modules: only SeerServe may import them, so nothing else builds against NIO.
    static let serverStack: Set<String> = ["Hummingbird", "HummingbirdCore", "Prometheus", "ServiceLifecycle", "Logging", "NIOCore", "NIOPosix", "NIOHTTP1"]

    @Test func importsPointDownwards() throws {
        let files = FileManager.default.enumerator(at: Self.sources, includingPropertiesForKeys: nil)?
            .compactMap { $0 as? URL }.filter { $0.pathExtension == "swift" } ?? []
        #expect(files.count > 50, "the sources are found (\(Self.sources.path))")
        for file in files {
            let module = file.path.dropFirst(Self.sources.path.count + 1).split(separator: "/").first.map(String.init) ?? ""
            guard let allowed = Self.allowed[module] else { continue }
            let text = try String(contentsOf: file, encoding: .utf8)
            for line in text.split(separator: "\n") where line.hasPrefix("import ") || line.hasPrefix("@_exported import ") {
                let name = String(line.split(separator: " ").last ?? "")
                guard name.hasPrefix("Seer") || name == "ArgumentParser" || Self.serverStack.contains(name) else { continue }
                #expect(allowed.contains(name), "\(file.lastPathComponent) in \(module) imports \(name)")
            }
        }
    }

    @Test func commandsStayThin() throws {
        let cli = Self.sources.appendingPathComponent("SeerCLI")
        for name in try FileManager.default.contentsOfDirectory(atPath: cli.path) where name.hasSuffix(".swift") {
            let lines = try String(contentsOf: cli.appendingPathComponent(name), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.count <= 150, "SeerCLI/\(name) has \(lines.count) lines; move the work into a library module")
        }
    }
}
