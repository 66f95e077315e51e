// CUDA C++ to PTX through NVRTC, on first use, for the GPU at hand. Compiling takes about a
// second per kernel file, so the PTX is kept twice: in this process (each file compiles once per
// run) and on disk under the user's cache folder (each file compiles once per machine, NVRTC
// version and source). A cache entry carries its own checksum: a truncated or edited file is
// compiled afresh, never loaded. The cache is an optimisation only — a folder that cannot be
// written just means compiling again next run.
import CCUDA
import SeerBase
#if canImport(Glibc)
import Glibc
#endif

/// A kernel source NVRTC refused: a bug in Seer's kernels (exit 1), with NVRTC's log.
public struct KernelCompileError: SeerError, Sendable {
    public let file: String
    public let log: String
    public var kind: FailureKind { .other }
    public var description: String { "NVRTC could not compile the CUDA kernels in \(file):\n\(log)" }
}

/// PTX for one kernel file and where it came from.
public struct CompiledPTX: Sendable {
    public enum Origin: Sendable, Equatable { case compiled, processCache, diskCache }
    public let ptx: String
    public let origin: Origin
}

/// Compiles CUDA C++ to PTX with NVRTC, cached per process and on disk.
public enum PTXCompiler {
    /// The options every kernel file is compiled with besides the architecture: IEEE division
    /// and square roots and no flush-to-zero, so results match the CPU kernels to ~1e-6.
    static let options = ["-default-device", "--std=c++17", "--ftz=false", "--prec-div=true", "--prec-sqrt=true"]

    /// PTX for `source` (called `file` in messages) for compute capability `architecture`
    /// (major·10 + minor: 80 for an A100, 90 for an H100/H200). `cacheFolder` nil: no disk cache.
    /// `headers` are the files `source` may #include (by name), Seer's shared kernel helpers by default.
    public static func ptx(for source: String, file: String, architecture: Int, headers: [(name: String, source: String)] = CUDAKernelSources.headers,
                           cacheFolder: String? = defaultCacheFolder()) throws -> CompiledPTX {
        let nvrtc = try CUDALibraries.nvrtc()
        var major: Int32 = 0, minor: Int32 = 0
        _ = nvrtc.api.nvrtcVersion(&major, &minor)
        let flags = ["--gpu-architecture=compute_\(architecture)"] + options
        let included = headers.map { "\($0.name)\n\($0.source)" }.joined(separator: "\n")
        let key = SHA256.hex(Array("nvrtc \(major).\(minor)\n\(flags.joined(separator: " "))\n\(included)\n\(source)".utf8))
        if let ptx = processCache.withLock({ $0[key] }) { return CompiledPTX(ptx: ptx, origin: .processCache) }
        let entry = cacheFolder.map { "\($0)/\(key).ptx" }
        if let entry, let ptx = readEntry(entry) {
            processCache.withLock { $0[key] = ptx }
            return CompiledPTX(ptx: ptx, origin: .diskCache)
        }
        let ptx = try compile(source, file: file, headers: headers, flags: flags, nvrtc: nvrtc.api)
        processCache.withLock { $0[key] = ptx }
        if let cacheFolder, let entry { writeEntry(ptx, to: entry, folder: cacheFolder) }
        return CompiledPTX(ptx: ptx, origin: .compiled)
    }

    /// `$SEER_CACHE_DIR/ptx`, else `$XDG_CACHE_HOME/seer/ptx`, else `~/.cache/seer/ptx`.
    public static func defaultCacheFolder() -> String? {
        if let given = getenv("SEER_CACHE_DIR").map({ String(cString: $0) }), !given.isEmpty { return given + "/ptx" }
        if let xdg = getenv("XDG_CACHE_HOME").map({ String(cString: $0) }), !xdg.isEmpty { return xdg + "/seer/ptx" }
        if let home = getenv("HOME").map({ String(cString: $0) }), !home.isEmpty { return home + "/.cache/seer/ptx" }
        return nil
    }

    private static let processCache = Locked<[String: String]>([:])

    /// Empties the process cache (tests use it to reach the disk cache).
    static func forgetProcessCache() { processCache.withLock { $0.removeAll() } }

    private static func compile(_ source: String, file: String, headers: [(name: String, source: String)], flags: [String],
                                nvrtc: seer_nvrtc) throws(KernelCompileError) -> String {
        var program: UnsafeMutableRawPointer?
        let created = withCStrings(headers.map(\.source)) { texts in
            withCStrings(headers.map(\.name)) { names in
                nvrtc.nvrtcCreateProgram(&program, source, file, Int32(headers.count), texts, names)
            }
        }
        guard created == 0, let program else {
            throw KernelCompileError(file: file, log: "nvrtcCreateProgram: \(message(created, nvrtc))")
        }
        defer { var doomed: UnsafeMutableRawPointer? = program; _ = nvrtc.nvrtcDestroyProgram(&doomed) }
        let status = withCStrings(flags) { nvrtc.nvrtcCompileProgram(program, Int32(flags.count), $0) }
        guard status == 0 else {
            throw KernelCompileError(file: file, log: "\(message(status, nvrtc))\n\(log(of: program, nvrtc))")
        }
        var size = 0
        guard nvrtc.nvrtcGetPTXSize(program, &size) == 0, size > 0 else { throw KernelCompileError(file: file, log: "no PTX produced") }
        var bytes = [CChar](repeating: 0, count: size)
        guard nvrtc.nvrtcGetPTX(program, &bytes) == 0 else { throw KernelCompileError(file: file, log: "nvrtcGetPTX failed") }
        return bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func log(of program: UnsafeMutableRawPointer, _ nvrtc: seer_nvrtc) -> String {
        var size = 0
        guard nvrtc.nvrtcGetProgramLogSize(program, &size) == 0, size > 1 else { return "" }
        var bytes = [CChar](repeating: 0, count: size)
        guard nvrtc.nvrtcGetProgramLog(program, &bytes) == 0 else { return "" }
        return bytes.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    private static func message(_ status: Int32, _ nvrtc: seer_nvrtc) -> String {
        nvrtc.nvrtcGetErrorString(status).map { String(cString: $0) } ?? "NVRTC error \(status)"
    }

    /// The trailer line that ends every cache entry: the SHA-256 of the PTX before it.
    private static let trailer = "\n// seer-ptx-sha256 "

    private static func readEntry(_ path: String) -> String? {
        guard let bytes = try? DurableFiles.readFile(path) else { return nil }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let mark = text.ranges(of: trailer).last else { return nil }
        let ptx = String(text[..<mark.lowerBound])
        let recorded = String(text[mark.upperBound...].filter { $0 != "\n" })
        return SHA256.hex(Array(ptx.utf8)) == recorded ? ptx : nil
    }

    private static func writeEntry(_ ptx: String, to path: String, folder: String) {
        var partial = folder.hasPrefix("/") ? "" : "."
        for component in folder.split(separator: "/") {
            partial += "/" + component
            mkdir(partial, 0o755)  // one that exists already is fine; a failure shows in the write
        }
        try? DurableFiles.writeAtomically(Array((ptx + trailer + SHA256.hex(Array(ptx.utf8)) + "\n").utf8), to: path)
    }
}
