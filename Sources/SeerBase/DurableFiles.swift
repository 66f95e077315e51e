// The POSIX file operations model files need: whole-file reads with errors that name the file,
// crash-safe writes (temp file, fsync, rename, fsync of the directory) and an atomic swap of two
// directories. Plain POSIX rather than Foundation, which the lower modules do not link.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads and durable writes of model files; every failure is a DataError naming the path.
public enum DurableFiles {
    /// The text of the current errno, for messages.
    public static func reason(_ code: Int32 = errno) -> String {
        guard let text = strerror(code) else { return "error \(code)" }
        return String(cString: text)
    }

    /// The whole content of a regular file. A missing file is `.missingInput`; anything else the OS
    /// refuses is `.io`.
    public static func readFile(_ path: String) throws(DataError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            throw DataError(code == ENOENT || code == ENOTDIR ? .missingInput : .io, "cannot open: \(reason(code))", file: path)
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw DataError(.io, "cannot stat: \(reason())", file: path) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw DataError(.io, "is not a regular file", file: path) }
        // One byte beyond the expected size, so a file that matches its size ends in one read
        // that fills the buffer and one that returns 0; a file that grew meanwhile still reads whole.
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while true {
            if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(1 << 16, bytes.count / 2))) }
            let count = bytes.withUnsafeMutableBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return read(fd, base + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw DataError(.io, "cannot read: \(reason())", file: path)
            }
            if count == 0 { break }
            filled += count
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Replaces `path` with `bytes` so that a crash or error at any point leaves either the old
    /// file or the new one, never a mix: write a temp file beside it, fsync, rename over the
    /// target, fsync the directory. On failure the temp file is removed and the old file kept.
    public static func writeAtomically(_ bytes: [UInt8], to path: String) throws(DataError) {
        let existed = access(path, F_OK) == 0
        let temp: String
        do {
            temp = try createUnique(prefix: path + ".tmp-") { candidate throws(DataError) in
                try create(candidate, bytes: bytes)
            }
        } catch {
            throw error.staged(for: path, existed: existed)
        }
        guard rename(temp, path) == 0 else {
            let message = "cannot rename \(temp) over it: \(reason())"
            unlink(temp)
            throw DataError(.io, message, file: path)
        }
        syncDirectory(parent(of: path))
    }

    /// Creates `path` (which must not exist) holding `bytes`, flushed to disk before returning.
    /// A partly written file is removed again.
    public static func create(_ path: String, bytes: [UInt8]) throws(DataError) {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw DataError(.io, "cannot create: \(reason())", file: path)
        }
        var failure: String?
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return write(fd, base + written, buffer.count - written)
            }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { failure = "cannot write: \(reason())"; break }
            written += count
        }
        if failure == nil && fsync(fd) != 0 { failure = "cannot fsync: \(reason())" }
        // close can report a deferred write error (NFS), so it counts too.
        if close(fd) != 0 && failure == nil { failure = "cannot close: \(reason())" }
        if let failure {
            unlink(path)
            throw DataError(.io, failure, file: path)
        }
    }

    /// Calls `make` with fresh names `prefix<pid>-<clock>` until one does not exist yet. The
    /// names need only be unique, not unpredictable, so the clock does instead of a random source.
    public static func createUnique(prefix: String, _ make: (String) throws(DataError) -> Void) throws(DataError) -> String {
        var attempt = 0
        while true {
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            let stamp = UInt64(truncatingIfNeeded: now.tv_sec) &* 1_000_000_000 &+ UInt64(truncatingIfNeeded: now.tv_nsec)
            let candidate = "\(prefix)\(getpid())-\(String(stamp, radix: 36))"
            do {
                try make(candidate)
                return candidate
            } catch where attempt < 8 && access(candidate, F_OK) == 0 {
                attempt += 1  // someone else's temp file: try another name
            }
        }
    }

    /// The size in bytes of the file at `path` (following links).
    public static func fileSize(_ path: String) throws(DataError) -> Int {
        var info = stat()
        guard stat(path, &info) == 0 else { throw DataError(.io, "cannot stat: \(reason())", file: path) }
        return Int(info.st_size)
    }

    /// Makes `path` as a new directory (mode 0755).
    public static func makeDirectory(_ path: String) throws(DataError) {
        guard mkdir(path, 0o755) == 0 else {
            throw DataError(.io, "cannot create directory: \(reason())", file: path)
        }
    }

    /// Flushes a directory's entries (new names, renames) to disk. Best effort: some file
    /// systems refuse fsync on directories, and the data files themselves are already synced.
    public static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        _ = fsync(fd)
        close(fd)
    }

    /// The directory holding `path` ("." for a bare name).
    public static func parent(of path: String) -> String {
        let trimmed = trimmingTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// `path` without trailing slashes ("/" stays "/"), so sibling names can be built from it.
    public static func trimmingTrailingSlashes(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed = trimmed.dropLast() }
        return String(trimmed)
    }

    /// What is at `path`, without following a final symbolic link.
    public enum EntryKind { case none, directory, symbolicLink, other }

    public static func entryKind(_ path: String) throws(DataError) -> EntryKind {
        var info = stat()
        guard lstat(path, &info) == 0 else {
            if errno == ENOENT { return .none }
            throw DataError(.io, "cannot stat: \(reason())", file: path)
        }
        switch info.st_mode & S_IFMT {
        case S_IFDIR: return .directory
        case S_IFLNK: return .symbolicLink
        default: return .other
        }
    }

    /// The names in a directory, without "." and "..".
    public static func contents(ofDirectory path: String) throws(DataError) -> [String] {
        guard let dir = opendir(path) else { throw DataError(.io, "cannot list: \(reason())", file: path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            // d_name is a fixed-size C array imported as a tuple; its name ends at the first NUL.
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Removes `files` from `directory`, then the directory itself if that left it empty. Only
    /// named files are removed — never a recursive delete — so a wrong path cannot take more
    /// than a model's own files with it. Returns whether the directory is gone.
    @discardableResult
    public static func remove(files: [String], andDirectory directory: String) -> Bool {
        for file in files { unlink(directory + "/" + file) }
        return rmdir(directory) == 0
    }

    /// Atomically exchanges two existing paths (Linux renameat2 RENAME_EXCHANGE, macOS
    /// renamex_np RENAME_SWAP). Returns false where the OS or file system cannot, so the caller
    /// can fall back to two renames.
    public static func exchange(_ first: String, _ second: String) throws(DataError) -> Bool {
        #if os(Linux)
        // Glibc declares renameat2 only under _GNU_SOURCE, which Swift's Glibc module does not
        // set, and syscall(2) is variadic, which Swift cannot call; so look the symbol up.
        typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>?, Int32, UnsafePointer<CChar>?, UInt32) -> Int32
        guard let handle = dlopen(nil, RTLD_NOW) else { return false }
        defer { dlclose(handle) }
        guard let symbol = dlsym(handle, "renameat2") else { return false }
        let renameat2 = unsafeBitCast(symbol, to: RenameAt2.self)
        let renameExchange: UInt32 = 2  // RENAME_EXCHANGE in <linux/fs.h>
        guard renameat2(AT_FDCWD, first, AT_FDCWD, second, renameExchange) == 0 else {
            // ENOSYS: kernel before 3.15; EINVAL: a file system without exchange support.
            if errno == ENOSYS || errno == EINVAL { return false }
            throw DataError(.io, "cannot swap \(first) into place: \(reason())", file: second)
        }
        return true
        #elseif canImport(Darwin)
        guard renamex_np(first, second, UInt32(RENAME_SWAP)) == 0 else {
            if errno == ENOTSUP || errno == EINVAL { return false }
            throw DataError(.io, "cannot swap \(first) into place: \(reason())", file: second)
        }
        return true
        #else
        return false
        #endif
    }
}

/// Writes `text` to `path` atomically (temp file, fsync, rename): an error or crash leaves the
/// old file, never half a new one. For every output file the CLI writes.
public func writeFileAtomically(_ text: String, to path: String) throws(DataError) {
    try DurableFiles.writeAtomically(Array(text.utf8), to: path)
}

extension DataError {
    /// This error of writing a staging file (`x.tmp-…`, already removed), told about the file or
    /// directory it was to replace: a user knows that name, not the staging one, and should hear
    /// that what they had is still there.
    public func staged(for target: String, existed: Bool) -> DataError {
        DataError(kind, message + (existed ? " (the previous one is unchanged)" : " (nothing was written)"), file: target)
    }
}
