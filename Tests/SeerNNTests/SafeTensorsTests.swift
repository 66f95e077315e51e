// safetensors: round trips, the on-disk layout, interchange with the Python reference
// implementation (a committed Python-written fixture, and Seer-written files read by Python),
// the 16-bit float conversions, and atomic writes. Malformed input: SafeTensorsMalformedTests.
import SeerBase
import Foundation
import Testing
@testable import SeerNN

/// Whether the Python reference implementation is installed (for the Seer → Python check).
let pythonHasSafeTensors: Bool = {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", "import safetensors, numpy"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    guard (try? process.run()) != nil else { return false }
    process.waitUntilExit()
    return process.terminationStatus == 0
}()

/// Float arrays compared bit for bit, so NaN payloads and the sign of zero count.
func bits(_ values: [Float]) -> [UInt32] { values.map(\.bitPattern) }

struct SafeTensorsTests {
    /// Shapes of every kind the format allows: matrices, [1], a scalar [], and empty tensors.
    static let sample = SafeTensorsFile(entries: [
        SafeTensorsEntry(name: "layer.1.weight", shape: [2, 3], values: [0, -0.0, 1.5, .infinity, -.infinity, 0x1p-149]),
        SafeTensorsEntry(name: "layer.1.bias", shape: [1], values: [Float(bitPattern: 0x7FC0_1234)]),  // NaN with payload
        SafeTensorsEntry(name: "scalar", shape: [], values: [3.25]),
        SafeTensorsEntry(name: "empty", shape: [0], values: []),
        SafeTensorsEntry(name: "empty.3d", shape: [2, 0, 3], values: []),
        SafeTensorsEntry(name: "big", shape: [17, 5, 3], values: (0..<255).map { Float($0) * 0.37 - 40 }),
        SafeTensorsEntry(name: "ünïcode \"quoted\"\n", shape: [2], values: [1, 2]),
    ], metadata: ["format": "pt", "note": "line\nbreak \"and\" quotes", "ünï": "ok"])

    @Test func roundTripKeepsEveryBit() throws {
        let decoded = try SafeTensors.decode(SafeTensors.encode(Self.sample), source: "memory")
        #expect(decoded.names == Self.sample.names)
        #expect(decoded.metadata == Self.sample.metadata)
        for (got, want) in zip(decoded.entries, Self.sample.entries) {
            #expect(got.shape == want.shape, "\(want.name)")
            #expect(bits(got.values) == bits(want.values), "\(want.name)")
        }
        #expect(decoded["scalar"]?.values == [3.25])
        #expect(decoded["missing"] == nil)
    }

    @Test func emptyFileRoundTrips() throws {
        let bytes = try SafeTensors.encode(SafeTensorsFile(entries: []))
        #expect(bytes.count == 8 + 8, "'{}' padded to 8 bytes")
        let decoded = try SafeTensors.decode(bytes, source: "memory")
        #expect(decoded.entries.isEmpty && decoded.metadata.isEmpty)
    }

    @Test func layoutIsAlignedSortedAndContiguous() throws {
        let bytes = try SafeTensors.encode(Self.sample)
        let length = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        #expect((8 + length) % 8 == 0, "the byte buffer starts 8-byte aligned")
        let headerText = try #require(String(bytes: bytes[8..<(8 + length)], encoding: .utf8))
        #expect(headerText.hasPrefix("{\"__metadata__\":{"))
        let padding = headerText.reversed().prefix { $0 == " " }.count
        #expect(padding < 8 && headerText.dropLast(padding).hasSuffix("}"), "padded with spaces only")

        let header = try #require(try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + length)])) as? [String: Any])
        let names = Self.sample.names
        #expect(names == names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        var end = 0
        for name in names {  // file order is name order, offsets contiguous from 0
            let entry = try #require(header[name] as? [String: Any])
            let offsets = try #require(entry["data_offsets"] as? [Int])
            #expect(entry["dtype"] as? String == "F32")
            #expect(offsets[0] == end, "\(name)")
            end = offsets[1]
        }
        #expect(8 + length + end == bytes.count)
    }

    @Test func encodeRefusesInconsistentTensors() {
        let cases: [(SafeTensorsFile, String)] = [
            (SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [2, 3], values: [1, 2])]), "2 values for shape [2, 3]"),
            (SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [-1], values: [])]), "invalid shape"),
            (SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [1], values: [1]),
                                       SafeTensorsEntry(name: "w", shape: [1], values: [2])]), "two tensors are named 'w'"),
            (SafeTensorsFile(entries: [SafeTensorsEntry(name: "__metadata__", shape: [], values: [1])]), "reserved"),
        ]
        for (file, fragment) in cases {
            let error = #expect(throws: DataError.self) { try SafeTensors.encode(file) }
            #expect(error?.kind == .badInput && error?.message.contains(fragment) == true, "\(String(describing: error))")
        }
    }

    // MARK: Python interchange

    @Test func pythonWrittenFixtureLoads() throws {
        let url = try #require(Bundle.module.url(forResource: "python_written", withExtension: "safetensors", subdirectory: "Fixtures"))
        let file = try SafeTensors.read(url.path)
        #expect(file.names == ["bf16", "dense.bias", "dense.weight", "half", "wide"])
        #expect(file.metadata == ["format": "pt", "note": "seer fixture"])
        // F32: exact.
        #expect(file["dense.weight"]?.shape == [2, 3])
        #expect(file["dense.weight"]?.values == [0, 0.5, 1, 1.5, 2, 2.5])
        #expect(file["dense.bias"]?.shape == [1] && file["dense.bias"]?.values == [-1.75])
        // F16 bit patterns 0x3C00, 0xC100, 0x0001 (smallest subnormal), 0x7C00.
        #expect(file["half"]?.shape == [4])
        #expect(file["half"]?.values == [1, -2.5, 0x1p-24, .infinity])
        // BF16 bit patterns 0x3F80, 0xC040, 0x0001 (subnormal 2^-133), 0xFF80.
        #expect(file["bf16"]?.shape == [2, 2])
        #expect(file["bf16"]?.values == [1, -3, 0x1p-133, -.infinity])
        // F64 rounded to the nearest Float.
        #expect(file["wide"]?.values == [Float(0.1 as Double), -2, Float(1.0 / 3.0)])
    }

    @Test(.enabled(if: pythonHasSafeTensors,
                   "python3 with safetensors and numpy is not installed (pip install safetensors numpy); skipping the Seer → Python check"))
    func pythonReadsSeerWrittenFile() throws {
        // Python's checker wants finite values (JSON has no NaN) and float32 tensors.
        let file = SafeTensorsFile(entries: Self.sample.entries.filter { $0.values.allSatisfy(\.isFinite) },
                                   metadata: ["format": "pt", "written by": "seer"])
        try withScratchDirectory { directory throws in
            let path = directory + "/seer.safetensors"
            try SafeTensors.write(file, to: path)
            var tensors: [String: JSONValue] = [:]
            for entry in file.entries {
                tensors[entry.name] = ["shape": .array(entry.shape.map { .number(Double($0)) }),
                                       "values": .array(entry.values.map { .number(Double($0)) })]
            }
            let expectation = try JSONValue.object([
                "tensors": .object(tensors),
                "metadata": .object(file.metadata.mapValues(JSONValue.string)),
            ]).jsonText(indent: 0)

            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("../../scripts/safetensors_fixture.py").standardized.path
            let process = Process()
            let input = Pipe(), errors = Pipe()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script, "check", path]
            process.standardInput = input
            process.standardError = errors
            try process.run()
            input.fileHandleForWriting.write(Data(expectation.utf8))
            try input.fileHandleForWriting.close()
            let complaint = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "Python's safetensors disagrees: \(complaint)")
        }
    }

    // MARK: 16-bit floats

    @Test func halfConversionHitsKnownBitPatterns() {
        let cases: [(UInt16, UInt32)] = [
            (0x0000, 0x0000_0000), (0x8000, 0x8000_0000),  // ±0
            (0x0001, 0x3380_0000), (0x03FF, 0x387F_C000),  // smallest and largest subnormal
            (0x0400, 0x3880_0000), (0x3C00, 0x3F80_0000),  // smallest normal, 1
            (0x7BFF, 0x477F_E000), (0xC100, 0xC020_0000),  // 65504, -2.5
            (0x7C00, 0x7F80_0000), (0xFC00, 0xFF80_0000),  // ±infinity
            (0x7E00, 0x7FC0_0000), (0x7C01, 0x7F80_2000),  // quiet NaN, signalling NaN keeps its payload
        ]
        for (half, float) in cases {
            #expect(HalfPrecision.float(fromHalfBits: half).bitPattern == float, "0x\(String(half, radix: 16))")
        }
    }

    #if !(os(macOS) && arch(x86_64))  // Float16 is missing on Intel Macs
    @Test func halfConversionMatchesFloat16ForAllPatterns() {
        for pattern in UInt16.min...UInt16.max {
            let ours = HalfPrecision.float(fromHalfBits: pattern)
            let swift = Float(Float16(bitPattern: pattern))
            #expect(ours.bitPattern == swift.bitPattern || (ours.isNaN && swift.isNaN), "0x\(String(pattern, radix: 16))")
        }
    }
    #endif

    @Test func bfloat16ConversionHitsKnownBitPatterns() {
        let cases: [(UInt16, Float)] = [
            (0x0000, 0), (0x3F80, 1), (0xC040, -3), (0x4049, 3.140625),
            (0x0001, 0x1p-133), (0x007F, 0x1.fcp-127),  // subnormals
            (0x7F80, .infinity), (0xFF80, -.infinity), (0x7F7F, 0x1.fep127),
        ]
        for (pattern, value) in cases {
            #expect(HalfPrecision.float(fromBFloat16Bits: pattern) == value, "0x\(String(pattern, radix: 16))")
        }
        #expect(HalfPrecision.float(fromBFloat16Bits: 0x8000).bitPattern == 0x8000_0000)
        #expect(HalfPrecision.float(fromBFloat16Bits: 0x7FC1).bitPattern == 0x7FC1_0000)
    }

    // MARK: Atomic writes

    @Test func writeReplacesAtomicallyAndLeavesNoTempFiles() throws {
        try withScratchDirectory { directory throws in
            let path = directory + "/model.safetensors"
            try SafeTensors.write(Self.sample, to: path)
            let before = try snapshot(directory)
            #expect(try SafeTensors.read(path).names == Self.sample.names)

            let broken = SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [4], values: [1])])
            let error = #expect(throws: DataError.self) { try SafeTensors.write(broken, to: path) }
            #expect(error?.file == path)
            #expect(try snapshot(directory) == before, "a refused write leaves the old file untouched")

            let small = SafeTensorsFile(entries: [SafeTensorsEntry(name: "w", shape: [1], values: [7])])
            try SafeTensors.write(small, to: path)
            #expect(try SafeTensors.read(path) == small)
            #expect(try listing(directory) == ["model.safetensors"], "no temp file left behind")
        }
    }

    @Test func readAndWriteReportMissingPaths() throws {
        try withScratchDirectory { directory throws in
            let missing = #expect(throws: DataError.self) { try SafeTensors.read(directory + "/nope.safetensors") }
            #expect(missing?.kind == .missingInput && missing?.exitCode == 66)
            #expect(missing?.description.hasPrefix(directory + "/nope.safetensors: ") == true)

            let noDirectory = #expect(throws: DataError.self) {
                try SafeTensors.write(Self.sample, to: directory + "/absent/model.safetensors")
            }
            #expect(noDirectory?.kind == .io && noDirectory?.exitCode == 74)
            #expect(try listing(directory).isEmpty)

            let isDirectory = #expect(throws: DataError.self) { try SafeTensors.read(directory) }
            #expect(isDirectory?.kind == .io)
        }
    }
}
