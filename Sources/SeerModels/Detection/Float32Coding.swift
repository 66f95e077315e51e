// Float32 arrays as the bytes a state file keeps: little-endian, four bytes a value, so a ring of
// 8,640 scores or a small net's weights cost a fifth of their decimal text and come back bit for
// bit. `Data` encodes as base64 in JSON.
import Foundation

enum Float32Coding {
    /// The values' little-endian bytes.
    static func bytes(_ values: some Collection<Float>) -> Data {
        var bytes = Data(capacity: values.count * 4)
        for value in values {
            let bits = value.bitPattern
            for k in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt32(k)))) }
        }
        return bytes
    }

    /// The values of `bytes`, or nil when they are not whole values.
    static func values(_ bytes: Data) -> [Float]? {
        guard bytes.count % 4 == 0 else { return nil }
        let raw = [UInt8](bytes)
        return stride(from: 0, to: raw.count, by: 4).map { i -> Float in
            var bits: UInt32 = 0
            for k in 0..<4 { bits |= UInt32(raw[i + k]) << (8 * UInt32(k)) }
            return Float(bitPattern: bits)
        }
    }
}
