// Validation of a safetensors header. Everything a reader later trusts — the header length, each
// tensor's dtype, shape and byte range, and how the ranges tile the buffer — is checked here
// against the actual file size, with overflow-checked arithmetic, before a single value is read.
import SeerBase

/// The checked header of a safetensors file: where the byte buffer starts and each tensor's span.
struct SafeTensorsHeader {
    /// One tensor's header entry, checked: `end - begin` is exactly shape's product × dtype size,
    /// and `begin..<end` lies inside the byte buffer.
    struct Tensor {
        var name: String
        var dtype: SafeTensors.DType
        var shape: [Int]
        var begin: Int
        var end: Int
    }

    /// Byte offset of the byte buffer in the file (8 + header length).
    let dataStart: Int
    /// The tensors in header order.
    let tensors: [Tensor]
    let metadata: [String: String]

    /// Checks the first 8 + N bytes of `bytes` and every entry against the rest.
    init(_ bytes: [UInt8], source: String) throws(DataError) {
        func bad(_ message: String) -> DataError { DataError(.badInput, message, file: source) }

        guard bytes.count >= 8 else {
            throw bad("file is \(bytes.count) bytes; a safetensors file starts with an 8-byte header length")
        }
        let declared = bytes[0..<8].reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard declared <= UInt64(SafeTensors.maximumHeaderLength) else {
            throw bad("header length \(declared) is over the \(SafeTensors.maximumHeaderLength)-byte limit; "
                      + "this is not a safetensors file or it is corrupt")
        }
        guard declared <= UInt64(bytes.count - 8) else {
            throw bad("header length \(declared) runs past the end of the file (\(bytes.count) bytes); the file is truncated or corrupt")
        }
        dataStart = 8 + Int(declared)
        let bufferLength = bytes.count - dataStart

        let root: JSONParser.Node
        do {
            root = try JSONParser.parse(bytes[8..<dataStart])
        } catch {
            throw bad("header is not valid JSON: \(error.message) (header byte \(error.offset))")
        }
        guard case .object(let members) = root else {
            throw bad("header must be a JSON object, found \(root.kindName)")
        }

        var metadata: [String: String] = [:]
        var tensors: [Tensor] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try Self.metadata(value, bad)
            } else {
                tensors.append(try Self.tensor(key, value, bufferLength: bufferLength, bad))
            }
        }
        try Self.checkTiling(tensors, bufferLength: bufferLength, bad)
        self.tensors = tensors
        self.metadata = metadata
    }

    /// `__metadata__` must map strings to strings. null counts as absent, as in the reference
    /// reader, whose field is optional.
    private static func metadata(_ node: JSONParser.Node, _ bad: (String) -> DataError) throws(DataError) -> [String: String] {
        if case .null = node { return [:] }
        guard case .object(let pairs) = node else { throw bad("__metadata__ must be an object, found \(node.kindName)") }
        var metadata: [String: String] = [:]
        for (key, value) in pairs {
            guard case .string(let text) = value else {
                throw bad("__metadata__ value '\(key)' must be a string, found \(value.kindName)")
            }
            metadata[key] = text
        }
        return metadata
    }

    /// One entry: `{"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}`. Other keys
    /// are ignored, as the reference reader does, so files with future annotations still load.
    private static func tensor(_ name: String, _ node: JSONParser.Node, bufferLength: Int,
                               _ bad: (String) -> DataError) throws(DataError) -> Tensor {
        guard case .object(let fields) = node else {
            throw bad("tensor '\(name)' must be an object with dtype, shape and data_offsets, found \(node.kindName)")
        }
        func field(_ key: String) throws(DataError) -> JSONParser.Node {
            guard let value = fields.first(where: { $0.key == key })?.value else { throw bad("tensor '\(name)' has no \(key)") }
            return value
        }
        /// A JSON array of integers ≥ 0, or an error naming what was wrong.
        func naturals(_ key: String) throws(DataError) -> [Int] {
            let node = try field(key)
            guard case .array(let elements) = node else { throw bad("tensor '\(name)': \(key) must be an array, found \(node.kindName)") }
            var numbers: [Int] = []
            for element in elements {
                guard let number = element.exactInteger, number >= 0 else {
                    let shown: String
                    if case .number(let text) = element { shown = text } else { shown = element.kindName }
                    throw bad("tensor '\(name)': \(key) must hold non-negative integers, found \(shown)")
                }
                numbers.append(number)
            }
            return numbers
        }

        let dtypeNode = try field("dtype")
        guard case .string(let dtypeName) = dtypeNode else { throw bad("tensor '\(name)': dtype must be a string, found \(dtypeNode.kindName)") }
        guard let dtype = SafeTensors.DType(rawValue: dtypeName) else {
            throw bad("tensor '\(name)' has dtype \(dtypeName); Seer reads only F32, F64, F16 and BF16")
        }
        let shape = try naturals("shape")
        let offsets = try naturals("data_offsets")
        guard offsets.count == 2 else { throw bad("tensor '\(name)': data_offsets must be [begin, end], found \(offsets.count) numbers") }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin <= end else { throw bad("tensor '\(name)': data_offsets begin \(begin) is after end \(end)") }
        guard end <= bufferLength else {
            throw bad("tensor '\(name)': data_offsets end \(end) is past the end of the byte buffer (\(bufferLength) bytes)")
        }
        guard let count = SafeTensorsEntry.elementCount(shape) else {
            throw bad("tensor '\(name)': shape \(shape) has more elements than can be counted")
        }
        let (byteCount, overflow) = count.multipliedReportingOverflow(by: dtype.size)
        guard !overflow, byteCount == end - begin else {
            let needed = overflow ? "more" : String(byteCount)
            throw bad("tensor '\(name)': shape \(shape) of \(dtypeName) needs \(needed) bytes but data_offsets span \(end - begin)")
        }
        return Tensor(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The format requires the tensors to cover the byte buffer exactly: no byte shared by two
    /// tensors (which would let one write show through another) and no byte owned by none
    /// (room to smuggle data past readers).
    private static func checkTiling(_ tensors: [Tensor], bufferLength: Int, _ bad: (String) -> DataError) throws(DataError) {
        let ordered = tensors.sorted { ($0.begin, $0.end) < ($1.begin, $1.end) }
        var covered = 0
        var previous: Tensor?
        for tensor in ordered {
            if tensor.begin < covered, let previous {
                throw bad("tensors '\(previous.name)' (bytes \(previous.begin)..<\(previous.end)) and "
                          + "'\(tensor.name)' (bytes \(tensor.begin)..<\(tensor.end)) overlap")
            }
            if tensor.begin > covered {
                throw bad("bytes \(covered)..<\(tensor.begin) of the byte buffer belong to no tensor (the tensors must cover it without holes)")
            }
            covered = tensor.end
            previous = tensor
        }
        if covered < bufferLength {
            throw bad("bytes \(covered)..<\(bufferLength) of the byte buffer belong to no tensor (the tensors must cover it without holes)")
        }
    }
}
