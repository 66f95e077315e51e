// C string arrays for C APIs that take `const char *const *` (NVRTC's options and headers,
// dlopen candidates, libcurl's request headers).
#if canImport(Glibc)
import Glibc
#endif

/// Calls `body` with a NULL-terminated C array of C strings for `strings` (valid only inside `body`).
public func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let copies = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    let pointers = copies.map { UnsafePointer($0) } + [nil]  // NULL-terminated, and never empty
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
