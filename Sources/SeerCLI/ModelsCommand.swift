// `seer models list|show|promote|rollback|gc --registry DIR`: reading and steering the registry by
// hand — what each key's champion is, every version with its scores and tags, moving the
// champion, and deleting old versions' files.
import ArgumentParser
import Foundation
import Seer

struct ModelsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List, inspect, promote, roll back and clean up the models in a registry.",
        subcommands: [List.self, Show.self, Promote.self, Rollback.self, GC.self])

    struct RegistryOption: ParsableArguments {
        @Option(help: "The registry: a directory, or a postgres:// URL.")
        var registry: String

        @Option(help: "With a PostgreSQL registry: the folder holding the model files.")
        var modelStore: String?

        func open() throws -> ModelRegistry { try ModelRegistry(location: registry, store: modelStore, create: false) }
    }

    static func score(_ version: ModelVersion, _ name: String) -> String {
        version.metrics[name]?.doubleValue.map { String(format: "%.4g", $0) } ?? "–"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every model key with its champion, challenger and version count.")
        @OptionGroup var options: RegistryOption

        func run() throws {
            try reportingErrors {
                let registry = try options.open()
                var table = TextTable(["key", "champion", "challenger", "versions", "champion score", "created"])
                for key in try registry.keys() {
                    let aliases = try registry.aliases(of: key), versions = try registry.versions(of: key)
                    let champion = aliases["champion"].flatMap { n in versions.first { $0.version == n } }
                    table.add([key, aliases["champion"].map { "v\($0)" } ?? "–", aliases["challenger"].map { "v\($0)" } ?? "–",
                               String(versions.filter { $0.status == "ready" }.count),
                               champion.map { ModelsCommand.score($0, "challenger") + " " + ($0.metrics["metric"]?.stringValue ?? "") } ?? "–",
                               champion?.createdAt ?? "–"])
                }
                print(table.render(), terminator: table.render().hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every version of one key: scores, decision, status and aliases.")
        @OptionGroup var options: RegistryOption
        @Argument(help: "The model key.") var key: String

        func run() throws {
            try reportingErrors {
                let registry = try options.open()
                let versions = try registry.versions(of: key)
                guard !versions.isEmpty else { throw DataError(.missingInput, "has no model key '\(key)'", file: registry.location) }
                let aliases = try registry.aliases(of: key)
                var table = TextTable(["version", "aliases", "status", "decision", "metric", "challenger", "champion then", "created", "checksum"])
                for v in versions {
                    let names = aliases.filter { $0.value == v.version }.keys.sorted().joined(separator: ",")
                    table.add(["v\(v.version)", names.isEmpty ? "–" : names, v.status, try registry.tags(of: key, version: v.version)["decision"] ?? "–",
                               v.metrics["metric"]?.stringValue ?? "–", ModelsCommand.score(v, "challenger"), ModelsCommand.score(v, "champion"),
                               v.createdAt, String(v.checksum.prefix(19))])
                }
                print(table.render(), terminator: table.render().hasSuffix("\n") ? "" : "\n")
            }
        }
    }

    struct Promote: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make a version the champion (its files are checked first).")
        @OptionGroup var options: RegistryOption
        @Argument(help: "The model key.") var key: String
        @Argument(help: "The version (3 or v3) or an alias (challenger).") var version: String

        func run() throws {
            try reportingErrors {
                let registry = try options.open()
                let target = try registry.resolve(version, of: key)
                try registry.promote(key, version: target.version)
                print("\(key): champion is now v\(target.version)")
            }
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Move the champion back to the one before it.")
        @OptionGroup var options: RegistryOption
        @Argument(help: "The model key.") var key: String

        func run() throws {
            try reportingErrors {
                let version = try options.open().rollback(key)
                print("\(key): champion is now v\(version)")
            }
        }
    }

    struct GC: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "gc", abstract: "Delete the files of versions that are neither aliased nor among the newest --keep of their key.")
        @OptionGroup var options: RegistryOption
        @Option(help: "Versions to keep per key besides the aliased ones.") var keep = 5
        @Option(help: "Only this key (default: every key, and unregistered leftovers older than an hour).") var key: String?

        func validate() throws { if keep < 0 { throw ValidationError("--keep must be 0 or more") } }

        func run() throws {
            try reportingErrors {
                let removed = try options.open().gc(keep: keep, key: key)
                print("deleted \(removed.count) version(s)" + (removed.isEmpty ? "" : ": " + removed.map { "\($0.key) v\($0.version)" }.joined(separator: ", ")))
            }
        }
    }
}
