// The CUDA libraries once opened: each is looked for once per process (CUDALibrarySearch), its
// entry points bound into the CCUDA table, and the outcome kept, so a missing library costs one
// search and then the same clear error every time it is asked for.
import CCUDA
import SeerBase
#if canImport(Glibc)
import Glibc
#endif

/// An opened CUDA library: its entry-point table and the file it came from.
public final class CUDALibrary<Table>: @unchecked Sendable {
    /// The bound entry points (read-only after loading; the functions are thread-safe by CUDA's contract).
    public let api: Table
    /// The library file dlopen loaded.
    public let path: String

    init(api: Table, path: String) {
        self.api = api
        self.path = path
    }
}

/// Process-wide access to the CUDA libraries.
public enum CUDALibraries {
    /// NVRTC, or why it is unavailable.
    public static func nvrtc() throws(DeviceUnavailable) -> CUDALibrary<seer_nvrtc> { try loadedNVRTC.get() }
    /// cuBLAS, or why it is unavailable.
    public static func cublas() throws(DeviceUnavailable) -> CUDALibrary<seer_cublas> { try loadedCuBLAS.get() }
    /// The driver API, or why it is unavailable.
    public static func driver() throws(DeviceUnavailable) -> CUDALibrary<seer_cuda_driver> { try loadedDriver.get() }

    /// Opens and binds `kind` from explicit candidates (the search's, or a test's).
    static func load<Table>(_ kind: CUDALibraryKind, candidates: [String], empty: Table,
                            bind: (UnsafeMutableRawPointer, UnsafeMutablePointer<Table>) -> UnsafePointer<CChar>?)
        -> Result<CUDALibrary<Table>, DeviceUnavailable> {
        var error = [CChar](repeating: 0, count: 512)
        let handle = withCStrings(candidates) { names in
            seer_cuda_dlopen(names, Int32(candidates.count), &error, error.count)
        }
        guard let handle else {
            let reason = error.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return .failure(DeviceUnavailable(device: .cuda(0), reason: "\(kind.displayName) not found (\(kind.installHint))"
                + (reason.isEmpty ? "" : "; the loader said: \(reason)")))
        }
        var table = empty
        if let missing = bind(handle, &table) {
            let path = seer_cuda_library_path(handle).map { String(cString: $0) } ?? kind.sonames[0]
            return .failure(DeviceUnavailable(device: .cuda(0),
                reason: "\(path) lacks \(String(cString: missing)) (a CUDA older than 11? \(kind.installHint))"))
        }
        return .success(CUDALibrary(api: table, path: seer_cuda_library_path(handle).map { String(cString: $0) } ?? kind.sonames[0]))
    }

    private static let environment: [String: String] = {
        var values: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") { values[String(text[..<equals])] = String(text[text.index(after: equals)...]) }
            entry += 1
        }
        return values
    }()

    private static let loadedNVRTC = load(.nvrtc, candidates: CUDALibrarySearch.candidates(for: .nvrtc, environment: environment),
                                          empty: seer_nvrtc()) { seer_cuda_bind_nvrtc($0, $1) }
    private static let loadedCuBLAS = load(.cublas, candidates: CUDALibrarySearch.candidates(for: .cublas, environment: environment),
                                           empty: seer_cublas()) { seer_cuda_bind_cublas($0, $1) }
    private static let loadedDriver = load(.driver, candidates: CUDALibrarySearch.candidates(for: .driver, environment: environment),
                                           empty: seer_cuda_driver()) { seer_cuda_bind_driver($0, $1) }
}
