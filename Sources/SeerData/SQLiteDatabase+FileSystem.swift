// Where a SQLite file lives, as SQLite itself does not say: whether its file system is mounted
// read-only or full (for the messages of failed writes, and to open a read-only file as
// immutable), and the `file:` URI that tells SQLite a file cannot change.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import SeerBase

extension SQLiteDatabase {
    /// `file:PATH?immutable=1`, with the characters a URI gives meaning to escaped.
    static func immutableURI(_ path: String) -> String {
        var escaped = ""
        for character in path {
            switch character {
            case "%": escaped += "%25"
            case "?": escaped += "%3f"
            case "#": escaped += "%23"
            default: escaped.append(character)
            }
        }
        return "file:" + escaped + "?immutable=1"
    }

    /// Whether the file system holding `path` (a file, or the folder it would be in) is mounted
    /// read-only, and whether it has no space left: what a failed write should say.
    package static func fileSystemState(of path: String) -> (readOnly: Bool, full: Bool) {
        var info = statvfs()
        let folder = DurableFiles.parent(of: path)
        guard statvfs(path, &info) == 0 || statvfs(folder, &info) == 0 else { return (false, false) }
        // ST_RDONLY is 1 on Linux and the BSDs.
        return (info.f_flag & 1 != 0, info.f_bavail == 0)
    }
}
