// Malformed and hostile safetensors files: each must give a `.badInput` error that says what is
// wrong, never a crash or an out-of-bounds read. Files are built by hand so each breaks exactly
// one rule.
import SeerBase
import Testing
@testable import SeerNN

struct SafeTensorsMalformedTests {
    /// A file with `header` as its JSON, `buffer` after it, and the true header length unless
    /// `declaredLength` overrides it.
    func file(_ header: String, buffer: [UInt8] = [], declaredLength: UInt64? = nil) -> [UInt8] {
        let json = Array(header.utf8)
        let length = declaredLength ?? UInt64(json.count)
        return (0..<8).map { UInt8(truncatingIfNeeded: length >> (8 * $0)) } + json + buffer
    }

    /// Decoding `bytes` fails with `.badFile` and a message containing `fragment`.
    func expectBad(_ bytes: [UInt8], _ fragment: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let error = #expect(throws: DataError.self, sourceLocation: sourceLocation) {
            try SafeTensors.decode(bytes, source: "bad.safetensors")
        }
        #expect(error?.kind == .badInput, sourceLocation: sourceLocation)
        #expect(error?.file == "bad.safetensors", sourceLocation: sourceLocation)
        #expect(error?.message.contains(fragment) == true, "\(String(describing: error))", sourceLocation: sourceLocation)
    }

    func f32(_ name: String, _ shape: [Int], _ begin: Int, _ end: Int) -> String {
        "\"\(name)\":{\"dtype\":\"F32\",\"shape\":\(shape),\"data_offsets\":[\(begin),\(end)]}"
    }

    let eight = [UInt8](repeating: 0, count: 8)

    @Test func truncatedAndOversizedHeaders() {
        expectBad([], "8-byte header length")
        expectBad([1, 0, 0], "8-byte header length")
        expectBad(file("{}", declaredLength: 200_000_000), "over the 100000000-byte limit")
        expectBad(file("{}", declaredLength: UInt64.max), "over the 100000000-byte limit")
        expectBad(file("{}", declaredLength: 100), "runs past the end of the file")
        expectBad(file("{}", declaredLength: 0), "unexpected end of JSON")
    }

    @Test func headersThatAreNotJSONObjects() {
        expectBad(file("{not json"), "not valid JSON")
        expectBad(file("{\"a\":1} x"), "unexpected text after")
        expectBad(file("[1, 2]"), "must be a JSON object, found an array")
        expectBad(file("\"text\""), "found a string")
        expectBad([2, 0, 0, 0, 0, 0, 0, 0, 0xC3, 0x28], "not valid UTF-8")
        expectBad([4, 0, 0, 0, 0, 0, 0, 0, 0x22, 0xC0, 0x80, 0x22], "not valid UTF-8")  // overlong NUL
        expectBad([5, 0, 0, 0, 0, 0, 0, 0, 0x22, 0xED, 0xA0, 0x80, 0x22], "not valid UTF-8")  // encoded surrogate
        expectBad(file(String(repeating: "[", count: 100_000)), "nesting deeper")
        expectBad(file("{\"a\":\"\\ud800\"}"), "surrogate")
        expectBad(file("{\"a\":1e999}"), "out of range")
    }

    @Test func entriesWithMissingOrMistypedFields() {
        expectBad(file("{\"w\":[1]}"), "tensor 'w' must be an object")
        expectBad(file("{\"w\":{\"shape\":[2],\"data_offsets\":[0,8]}}", buffer: eight), "tensor 'w' has no dtype")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,8]}}", buffer: eight), "has no shape")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", buffer: eight), "has no data_offsets")
        expectBad(file("{\"w\":{\"dtype\":32,\"shape\":[2],\"data_offsets\":[0,8]}}", buffer: eight), "dtype must be a string")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":2,\"data_offsets\":[0,8]}}", buffer: eight), "shape must be an array")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0]}}", buffer: eight), "must be [begin, end]")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8,9]}}", buffer: eight), "must be [begin, end]")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[\"0\",8]}}", buffer: eight), "found a string")
        expectBad(file("{\"__metadata__\":{\"k\":1}}"), "__metadata__ value 'k' must be a string")
        expectBad(file("{\"__metadata__\":[\"k\"]}"), "__metadata__ must be an object")
    }

    @Test func badShapes() {
        expectBad(file("{" + f32("w", [-2], 0, 8) + "}", buffer: eight), "non-negative integers, found -2")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2.0],\"data_offsets\":[0,8]}}", buffer: eight), "found 2.0")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", buffer: eight), "found 1.5")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[true],\"data_offsets\":[0,8]}}", buffer: eight), "found a boolean")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[99999999999999999999],\"data_offsets\":[0,8]}}", buffer: eight),
                  "found 99999999999999999999")
        // Each dimension fits an Int; the product does not.
        expectBad(file("{" + f32("w", [1 << 40, 1 << 40], 0, 8) + "}", buffer: eight), "more elements than can be counted")
        // The element count fits; times the dtype size it does not.
        expectBad(file("{" + f32("w", [1 << 62], 0, 8) + "}", buffer: eight), "needs more bytes")
    }

    @Test func badOffsets() {
        expectBad(file("{" + f32("w", [0], 8, 4) + "}", buffer: eight), "begin 8 is after end 4")
        expectBad(file("{" + f32("w", [4], 0, 16) + "}", buffer: eight), "past the end of the byte buffer (8 bytes)")
        expectBad(file("{" + f32("w", [3], 0, 8) + "}", buffer: eight), "needs 12 bytes but data_offsets span 8")
        expectBad(file("{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[-8,0]}}", buffer: eight), "found -8")
    }

    @Test func rangesMustTileTheBuffer() {
        let twelve = [UInt8](repeating: 0, count: 12)
        expectBad(file("{" + f32("a", [2], 0, 8) + "," + f32("b", [2], 4, 12) + "}", buffer: twelve),
                  "tensors 'a' (bytes 0..<8) and 'b' (bytes 4..<12) overlap")
        expectBad(file("{" + f32("a", [2], 0, 8) + "," + f32("b", [2], 0, 8) + "}", buffer: eight), "overlap")
        expectBad(file("{" + f32("a", [1], 0, 4) + "," + f32("b", [1], 8, 12) + "}", buffer: twelve),
                  "bytes 4..<8 of the byte buffer belong to no tensor")
        expectBad(file("{" + f32("a", [1], 4, 8) + "}", buffer: eight), "bytes 0..<4 of the byte buffer")
        expectBad(file("{" + f32("a", [1], 0, 4) + "}", buffer: eight), "bytes 4..<8 of the byte buffer belong to no tensor")
        // Out-of-order offsets are fine as long as they tile the buffer.
        #expect(throws: Never.self) {
            try SafeTensors.decode(self.file("{" + self.f32("a", [1], 4, 8) + "," + self.f32("b", [1], 0, 4) + "}", buffer: self.eight), source: "ok")
        }
    }

    @Test func unsupportedDtypesAreNamed() {
        for dtype in ["I8", "I32", "I64", "U8", "BOOL", "F8_E4M3", "F8_E5M2", "C64", "f32", "float32"] {
            expectBad(file("{\"w\":{\"dtype\":\"\(dtype)\",\"shape\":[1],\"data_offsets\":[0,8]}}", buffer: eight),
                      "tensor 'w' has dtype \(dtype); Seer reads only F32, F64, F16 and BF16")
        }
    }

    @Test func duplicateNamesAreRefused() {
        expectBad(file("{" + f32("w", [1], 0, 4) + "," + f32("w", [1], 4, 8) + "}", buffer: eight), "duplicate key 'w'")
    }

    /// Every truncation of a valid file and thousands of random corruptions either decode or
    /// throw DataError; none may crash (a crash fails the whole test run).
    @Test func truncationsAndCorruptionsNeverCrash() throws {
        let valid = try SafeTensors.encode(SafeTensorsTests.sample)
        for length in 0..<valid.count {
            #expect(throws: DataError.self) { try SafeTensors.decode(Array(valid[..<length]), source: "cut") }
        }
        var rng = SeededGenerator(seed: 2024)
        var decoded = 0
        for _ in 0..<3000 {
            var bytes = valid
            for _ in 0...Int.random(in: 0...2, using: &rng) {
                // Mostly the header, where the structure lives; sometimes the length itself.
                let index = Int.random(in: 0..<min(bytes.count, 400), using: &rng)
                bytes[index] = UInt8.random(in: 0...255, using: &rng)
            }
            if (try? SafeTensors.decode(bytes, source: "fuzz")) != nil { decoded += 1 }
        }
        #expect(decoded < 3000, "most corruptions are detected")
    }
}
