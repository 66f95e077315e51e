// Pieces of the UCR/UEA readers that are not about either format: the class table (declared
// or collected labels), a byte-buffer line splitter, and whole-file reading with POSIX calls.
import SeerBase
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Class names in order and their indices; either declared up front or collected as seen.
struct ClassTable {
    private(set) var names: [String] = []
    private var indices: [String: Int] = [:]
    /// True once a header listed the classes: any other label is then an error.
    private(set) var declared = false

    /// Adds a declared class; false when it was already listed.
    mutating func declare(_ name: String) -> Bool {
        declared = true
        guard indices[name] == nil else { return false }
        indices[name] = names.count
        names.append(name)
        return true
    }

    /// The index of `label`, adding it when the classes were not declared.
    mutating func index(of label: UnsafeBufferPointer<UInt8>, path: String, line: Int,
                        column: Int, where place: String) throws -> Int {
        guard !label.isEmpty else { throw DataError.bad("empty class label in \(place)", file: path, line: line, column: column) }
        guard let name = String(validating: label, as: UTF8.self) else {
            throw DataError.bad("invalid UTF-8 in the class label in \(place)", file: path, line: line, column: column)
        }
        if let index = indices[name] { return index }
        guard !declared else {
            throw DataError.bad("class label '\(name)' in \(place) is not one of those in @classLabel (\(names.joined(separator: " ")))",
                                file: path, line: line, column: column)
        }
        indices[name] = names.count
        names.append(name)
        return names.count - 1
    }
}

/// Splits a byte buffer into lines (a CR before the LF dropped), numbering them from 1; a
/// UTF-8 byte-order mark at the start is skipped.
struct ByteLines {
    let buffer: UnsafeBufferPointer<UInt8>
    var position = 0
    /// The number of the line last returned.
    private(set) var number = 0

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        self.buffer = buffer
        if buffer.count >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF { position = 3 }
    }

    mutating func next() -> (number: Int, bytes: UnsafeBufferPointer<UInt8>)? {
        guard position < buffer.count, let base = buffer.baseAddress else { return nil }
        let start = position
        let found = memchr(base + start, 0x0A, buffer.count - start)
        var end = found.map { UnsafeRawPointer($0) - UnsafeRawPointer(base) } ?? buffer.count
        position = end + 1
        if end > start && buffer[end - 1] == 0x0D { end -= 1 }
        number += 1
        return (number, UnsafeBufferPointer(rebasing: buffer[start..<end]))
    }
}

extension UCRReader {
    /// The file name without directory, extension and a `_TRAIN`/`_TEST` suffix.
    static func problemName(fromPath path: String) -> String {
        var name = Substring(path.split(separator: "/").last ?? Substring(path))
        if let dot = name.lastIndex(of: ".") { name = name[..<dot] }
        for suffix in ["_TRAIN", "_TEST"] where name.hasSuffix(suffix) { name = name.dropLast(suffix.count) }
        return String(name)
    }

    /// The whole file, read with POSIX calls.
    static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw CSVReader.openError(path: path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        if fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR {
            throw DataError(.missingInput, "is a directory, not a UCR data file", at: SourceLocation(file: path))
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(max(Int(info.st_size), 0) + 1)
        let chunk = min(1 << 20, max(Int(info.st_size), 0) + 1)  // a small file needs no 1 MB block
        let block = UnsafeMutablePointer<UInt8>.allocate(capacity: chunk)
        defer { block.deallocate() }
        while true {
            let got = read(fd, block, chunk)
            if got < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, "read failed: \(String(cString: strerror(errno)))", at: SourceLocation(file: path))
            }
            if got == 0 { return bytes }
            bytes.append(contentsOf: UnsafeBufferPointer(start: block, count: got))
        }
    }
}
