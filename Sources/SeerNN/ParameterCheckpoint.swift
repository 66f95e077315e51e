// The bridge between a model's parameters and its safetensors weights: names and shapes must
// match exactly in both directions, so a checkpoint of another architecture is refused with a
// message instead of silently loading part of it.
import SeerBase

extension Checkpoint {
    /// The parameters' current values, keyed by their names.
    public static func tensors(from parameters: [Parameter], metadata: [String: String] = [:]) -> SafeTensorsFile {
        SafeTensorsFile(entries: parameters.map { SafeTensorsEntry(name: $0.name, shape: $0.shape.dims, values: $0.values) },
                        metadata: metadata)
    }

    /// Loads `file` into `parameters`. Every parameter must have an entry of its shape, and
    /// every entry a parameter; nothing is changed unless all match.
    public static func load(_ file: SafeTensorsFile, into parameters: [Parameter], source: String) throws(DataError) {
        var byName: [String: Parameter] = [:]
        for p in parameters { byName[p.name] = p }
        let missing = parameters.map(\.name).filter { file[$0] == nil }
        let extra = file.names.filter { byName[$0] == nil }
        if !missing.isEmpty || !extra.isEmpty {
            var parts: [String] = []
            if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
            if !extra.isEmpty { parts.append("unexpected \(extra.joined(separator: ", "))") }
            throw DataError(.badInput, "weights do not match the model: " + parts.joined(separator: "; "), file: source)
        }
        for p in parameters {
            guard let entry = file[p.name], entry.shape == p.shape.dims else {
                throw DataError(.badInput, "tensor \(p.name) has shape \(file[p.name]?.shape ?? []) but the model needs \(p.shape.dims)",
                                      file: source)
            }
        }
        for p in parameters { if let entry = file[p.name] { p.load(entry.values) } }
    }
}
