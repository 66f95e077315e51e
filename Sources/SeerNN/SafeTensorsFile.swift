// The content of a safetensors file as plain values — names, shapes, Float values and string
// metadata — independent of Seer's Tensor type, so the format code needs no tensor core and a
// model decides itself how its parameters map to entries.

/// One named tensor: a row-major array of Floats with its shape.
public struct SafeTensorsEntry: Equatable, Sendable {
    public var name: String
    /// Dimensions, outermost first. `[]` is a scalar (one value); a zero dimension means no values.
    public var shape: [Int]
    /// `shape`'s product many values, row-major (the last dimension varies fastest).
    public var values: [Float]

    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }

    /// The number of elements `shape` describes; nil for a negative dimension or an overflowing
    /// product, so a hostile header cannot make Seer allocate or index with a wrapped count.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for dimension in shape {
            guard dimension >= 0 else { return nil }
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow else { return nil }
            count = product
        }
        return count
    }
}

/// The tensors and metadata of one safetensors file.
public struct SafeTensorsFile: Equatable, Sendable {
    /// The tensors, sorted by name (by UTF-8 bytes, the order the reference writer uses).
    public private(set) var entries: [SafeTensorsEntry]
    /// The header's `__metadata__`: free-form string pairs.
    public var metadata: [String: String]

    /// Sorts `entries` by name. Duplicate names are allowed here and refused when encoding.
    public init(entries: [SafeTensorsEntry], metadata: [String: String] = [:]) {
        self.entries = entries.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        self.metadata = metadata
    }

    /// The entry called `name`, if any.
    public subscript(name: String) -> SafeTensorsEntry? {
        entries.first { $0.name == name }
    }

    /// The entry names, in file order.
    public var names: [String] { entries.map(\.name) }
}
