// Where the CUDA libraries may be on a machine, in the order they are tried. Seer ships without
// CUDA, so it finds what the machine has: a directory the user names, the pip wheels PyTorch
// users already have (nvidia-cuda-nvrtc-cu12, nvidia-cublas-cu12), a CUDA toolkit under
// /usr/local/cuda, and last the dynamic loader's own search (LD_LIBRARY_PATH, ldconfig).
#if canImport(Glibc)
import Glibc
#endif

/// One of the CUDA libraries Seer opens at run time.
public enum CUDALibraryKind: String, Sendable, CaseIterable {
    case driver, nvrtc, cublas

    /// The sonames tried, newest ABI first.
    var sonames: [String] {
        switch self {
        case .driver: return ["libcuda.so.1", "libcuda.so"]
        case .nvrtc: return ["libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so.11.2", "libnvrtc.so"]
        case .cublas: return ["libcublas.so.13", "libcublas.so.12", "libcublas.so.11", "libcublas.so"]
        }
    }

    /// The library's folder inside the `nvidia` package of a pip wheel (the driver has no wheel).
    var wheelFolder: String? {
        switch self {
        case .driver: return nil
        case .nvrtc: return "cuda_nvrtc/lib"
        case .cublas: return "cublas/lib"
        }
    }

    /// The library as messages name it.
    var displayName: String {
        switch self {
        case .driver: return "the CUDA driver (libcuda.so.1)"
        case .nvrtc: return "NVRTC (libnvrtc.so)"
        case .cublas: return "cuBLAS (libcublas.so)"
        }
    }

    /// What to install when it is missing, for messages.
    var installHint: String {
        switch self {
        case .driver: return "install the NVIDIA driver"
        case .nvrtc: return "pip install nvidia-cuda-nvrtc-cu12, or set SEER_CUDA_LIBRARY_PATH to a folder with libnvrtc.so"
        case .cublas: return "pip install nvidia-cublas-cu12, or set SEER_CUDA_LIBRARY_PATH to a folder with libcublas.so"
        }
    }
}

/// Candidate paths for the CUDA libraries.
public enum CUDALibrarySearch {
    /// The paths and sonames to try for `kind`, first to last. `environment` is the process's
    /// (injected so tests can point it at a folder).
    public static func candidates(for kind: CUDALibraryKind, environment: [String: String]) -> [String] {
        var folders: [String] = []
        if let given = environment["SEER_CUDA_LIBRARY_PATH"] {
            folders += given.split(separator: ":").map(String.init).filter { !$0.isEmpty }
        }
        if let wheel = kind.wheelFolder {
            folders += sitePackages(environment: environment).map { "\($0)/nvidia/\(wheel)" }
        }
        if kind != .driver { folders += ["/usr/local/cuda/lib64", "/usr/local/cuda/targets/x86_64-linux/lib"] }
        var paths: [String] = []
        for folder in folders {
            for soname in kind.sonames where access("\(folder)/\(soname)", R_OK) == 0 { paths.append("\(folder)/\(soname)") }
        }
        return paths + kind.sonames  // bare names: the dynamic loader's search
    }

    /// Python site-packages folders that may hold NVIDIA's wheels: a virtual environment, the
    /// user's, pyenv's and the system's.
    static func sitePackages(environment: [String: String]) -> [String] {
        var prefixes: [String] = []
        if let venv = environment["VIRTUAL_ENV"] { prefixes.append(venv) }
        if let home = environment["HOME"] {
            prefixes.append("\(home)/.local")
            prefixes += expand("\(home)/.pyenv/versions/*")
        }
        prefixes += ["/usr/local", "/usr"]
        var folders: [String] = []
        for prefix in prefixes {
            folders += expand("\(prefix)/lib/python3*/site-packages") + expand("\(prefix)/lib/python3*/dist-packages")
        }
        return folders + ["/usr/lib/python3/dist-packages"]
    }

    /// The paths a shell glob matches, sorted (empty when none).
    static func expand(_ pattern: String) -> [String] {
        var matches = glob_t()
        defer { globfree(&matches) }
        guard glob(pattern, 0, nil, &matches) == 0 else { return [] }
        return (0..<Int(matches.gl_pathc)).compactMap { matches.gl_pathv[$0].map { String(cString: $0) } }.sorted()
    }
}
