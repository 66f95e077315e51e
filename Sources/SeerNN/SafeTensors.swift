// Reading and writing the safetensors format (huggingface/safetensors), so Seer's weights open
// in Python with `safetensors.numpy.load_file` and Python-made weights open in Seer. Layout:
//
//     [8 bytes]  N, the header length, little-endian UInt64
//     [N bytes]  UTF-8 JSON object: {"name": {"dtype": "F32", "shape": [2, 3],
//                "data_offsets": [begin, end]}, ..., "__metadata__": {"key": "value"}}
//     [rest]     the byte buffer; offsets are relative to its start; data little-endian, row-major
//
// Seer writes F32 only, and reads F32, F64, F16 and BF16 (widened to Float). Header checks live
// in SafeTensorsHeader.swift.
import SeerBase

/// Encoder and decoder of safetensors files.
public enum SafeTensors {
    /// The largest header accepted, as in the reference implementation; real headers are far
    /// smaller, and the limit stops a forged length from asking for a huge allocation.
    public static let maximumHeaderLength = 100_000_000

    /// The element types Seer can read, with their byte sizes.
    enum DType: String, CaseIterable {
        case f32 = "F32", f64 = "F64", f16 = "F16", bf16 = "BF16"

        var size: Int {
            switch self {
            case .f32: return 4
            case .f64: return 8
            case .f16, .bf16: return 2
            }
        }
    }

    // MARK: Encoding

    /// The bytes of a safetensors file holding `file`'s tensors as F32, in name order with
    /// contiguous offsets, the header padded with spaces so the byte buffer starts 8-byte aligned
    /// (as the reference writer does, so readers can map it and view it in place). Throws
    /// `.badInput` for a tensor whose value count does not match its shape, a negative dimension,
    /// a duplicate name or the reserved name `__metadata__`.
    public static func encode(_ file: SafeTensorsFile) throws(DataError) -> [UInt8] {
        try encode(file, destination: "safetensors data")
    }

    /// `encode`, with errors naming `destination`.
    static func encode(_ file: SafeTensorsFile, destination: String) throws(DataError) -> [UInt8] {
        func bad(_ message: String) -> DataError { DataError(.badInput, message, file: destination) }
        var header = "{"
        if !file.metadata.isEmpty {
            let pairs = file.metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { key in
                JSONValue.quoted(key) + ":" + JSONValue.quoted(file.metadata[key] ?? "")
            }
            header += "\"__metadata__\":{" + pairs.joined(separator: ",") + "},"
        }
        var names = Set<String>()
        var offset = 0
        for entry in file.entries {
            guard entry.name != "__metadata__" else { throw bad("'__metadata__' is reserved and cannot name a tensor") }
            guard names.insert(entry.name).inserted else { throw bad("two tensors are named '\(entry.name)'") }
            guard let count = SafeTensorsEntry.elementCount(entry.shape) else {
                throw bad("tensor '\(entry.name)' has an invalid shape \(entry.shape)")
            }
            guard count == entry.values.count else {
                throw bad("tensor '\(entry.name)' has \(entry.values.count) values for shape \(entry.shape) (\(count) elements)")
            }
            let end = offset + count * DType.f32.size
            header += JSONValue.quoted(entry.name) + ":{\"dtype\":\"F32\",\"shape\":["
                + entry.shape.map(String.init).joined(separator: ",") + "],\"data_offsets\":[\(offset),\(end)]},"
            offset = end
        }
        if header.hasSuffix(",") { header.removeLast() }
        header += "}"
        let padding = (8 - header.utf8.count % 8) % 8
        header += String(repeating: " ", count: padding)

        let headerBytes = Array(header.utf8)
        guard headerBytes.count <= maximumHeaderLength else {
            throw bad("the header would be \(headerBytes.count) bytes, over the \(maximumHeaderLength)-byte limit readers accept")
        }
        let dataStart = 8 + headerBytes.count
        var bytes = [UInt8](repeating: 0, count: dataStart + offset)
        bytes.withUnsafeMutableBytes { raw in
            raw.storeBytes(of: UInt64(headerBytes.count).littleEndian, toByteOffset: 0, as: UInt64.self)
            UnsafeMutableRawBufferPointer(rebasing: raw[8..<dataStart]).copyBytes(from: headerBytes)
            var position = dataStart
            for entry in file.entries {
                for value in entry.values {
                    raw.storeBytes(of: value.bitPattern.littleEndian, toByteOffset: position, as: UInt32.self)
                    position += 4
                }
            }
        }
        return bytes
    }

    /// Writes `file` to `path` atomically: a crash or error leaves the old file or the new one,
    /// never a torn mix. Nothing is touched when the tensors themselves are invalid.
    public static func write(_ file: SafeTensorsFile, to path: String) throws(DataError) {
        let bytes = try encode(file, destination: path)
        try DurableFiles.writeAtomically(bytes, to: path)
    }

    // MARK: Decoding

    /// Reads and checks the safetensors file at `path`.
    public static func read(_ path: String) throws(DataError) -> SafeTensorsFile {
        try decode(DurableFiles.readFile(path), source: path)
    }

    /// Parses a whole safetensors file. Every length, offset and type in the header is checked
    /// before any data is read, so a malformed or hostile file is a `.badInput` error naming
    /// `source`, never an out-of-bounds read; F64, F16 and BF16 tensors are converted to Float.
    public static func decode(_ bytes: [UInt8], source: String) throws(DataError) -> SafeTensorsFile {
        let header = try SafeTensorsHeader(bytes, source: source)
        let entries = bytes.withUnsafeBytes { raw in
            header.tensors.map { tensor in
                let start = header.dataStart + tensor.begin
                let count = (tensor.end - tensor.begin) / tensor.dtype.size
                return SafeTensorsEntry(name: tensor.name, shape: tensor.shape,
                                        values: values(raw, from: start, count: count, as: tensor.dtype))
            }
        }
        return SafeTensorsFile(entries: entries, metadata: header.metadata)
    }

    /// `count` values of `dtype` at byte `start` of `raw`, widened to Float. The caller has
    /// checked that the span lies inside `raw`.
    private static func values(_ raw: UnsafeRawBufferPointer, from start: Int, count: Int, as dtype: DType) -> [Float] {
        // Array(unsafeUninitializedCapacity: 0) writes 0 into the count of the stdlib's shared
        // empty-array singleton; harmless, but a data race ThreadSanitizer rightly reports when two
        // threads load empty tensors at once.
        guard count > 0 else { return [] }
        return [Float](unsafeUninitializedCapacity: count) { out, initialized in
            for i in 0..<count {
                let offset = start + i * dtype.size
                switch dtype {
                case .f32:
                    out[i] = Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
                case .f64:
                    // IEEE rounding to nearest; magnitudes beyond Float's range become ±infinity,
                    // as numpy's astype(float32) does.
                    out[i] = Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self))))
                case .f16:
                    out[i] = HalfPrecision.float(fromHalfBits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                case .bf16:
                    out[i] = HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
                }
            }
            initialized = count
        }
    }
}
