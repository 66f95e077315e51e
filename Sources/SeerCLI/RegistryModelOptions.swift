// `--registry R --key K [--version V] [--model-store DIR]`: a registered model version (the
// champion by default) in place of a model directory or a fresh fit. `seer predict` and `seer
// forecast` share it, so the morning half of the nightly loop reads the same either way.
import ArgumentParser
import Seer

struct RegistryModelOptions: ParsableArguments {
    @Option(help: "A registry (directory or postgres:// URL) to take the model from, with --key.")
    var registry: String?

    @Option(help: "With --registry: the model key.")
    var key: String?

    @Option(help: "With --registry: the version or alias to use.")
    var version = "champion"

    @Option(help: "With a PostgreSQL registry: the folder holding the model files.")
    var modelStore: String?

    func validate() throws {
        if registry != nil && key == nil { throw ValidationError("--registry needs --key") }
        if key != nil && registry == nil { throw ValidationError("--key goes with --registry") }
    }

    /// The registered version (checked against its checksum), its card, and where it came from;
    /// nil without --registry.
    func load() throws -> (forecaster: Forecaster, card: ModelCard, from: String)? {
        guard let registry, let key else { return nil }
        let store = try ModelRegistry(location: registry, store: modelStore, create: false)
        let chosen = try store.resolve(version, of: key)
        let loaded = try Forecaster.loadWithCard(from: chosen.path, verifiedBy: store, version: chosen)
        return (loaded.forecaster, loaded.card, "version \(chosen.version) of '\(key)' in \(store.location)")
    }
}
