// The last `capacity` values of a stream in a fixed ring, stored as Float32: detector state that
// must stay small per series (1,000 streams at once) and small on disk (`seer detect --state`
// saves it at an interval). It encodes as base64 of its little-endian bytes in chronological
// order — a JSON array of 8,640 decimal numbers would be five times larger and slower to parse.
import Foundation

/// A fixed-capacity window over the newest values, oldest dropped first.
public struct ScoreRing: Sendable, Equatable {
    public let capacity: Int
    private var storage: [Float] = []
    /// Where the next value goes once the ring is full.
    private var head = 0

    public init(capacity: Int) {
        precondition(capacity >= 1, "a ring holds at least one value")
        self.capacity = capacity
    }

    /// Values held (at most `capacity`).
    public var count: Int { storage.count }

    /// Adds `value`, dropping the oldest when full.
    public mutating func append(_ value: Double) {
        if storage.count < capacity {
            storage.append(Float(value))
        } else {
            storage[head] = Float(value)
            head = (head + 1) % capacity
        }
    }

    /// Mean and sample standard deviation of the values held (in any order; both 0 when empty).
    public func moments() -> (mean: Double, deviation: Double) {
        guard !storage.isEmpty else { return (0, 0) }
        let n = Double(storage.count)
        var sum = 0.0
        for v in storage { sum += Double(v) }
        let mean = sum / n
        guard storage.count > 1 else { return (mean, 0) }
        var squares = 0.0
        for v in storage { let d = Double(v) - mean; squares += d * d }
        return (mean, (squares / (n - 1)).squareRoot())
    }

    /// The values oldest first.
    public var chronological: [Float] { Array(storage[head...] + storage[..<head]) }
}

extension ScoreRing: Codable {
    enum CodingKeys: String, CodingKey { case capacity, values }

    public init(from decoder: Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        capacity = try container.decode(Int.self, forKey: .capacity)
        let bytes = try container.decode(Data.self, forKey: .values)
        guard capacity >= 1, let values = Float32Coding.values(bytes), values.count <= capacity else {
            throw DecodingError.dataCorruptedError(forKey: .values, in: container, debugDescription: "a ring of \(capacity) cannot hold \(bytes.count) bytes")
        }
        storage = values
        head = 0
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(capacity, forKey: .capacity)
        try container.encode(Float32Coding.bytes(chronological), forKey: .values)
    }
}
