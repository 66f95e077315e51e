// The CUDA C++ kernel files, embedded in the binary at build time (SwiftPM's embedInCode), so a
// copied `seer` binary carries its kernels and compiles them with NVRTC for whatever GPU it
// meets. The same files are compiled for the CPU emulator in the tests.

/// Seer's CUDA kernel sources.
public enum CUDAKernelSources {
    /// Each kernel file's name and text.
    public static let files: [(name: String, source: String)] = [
        ("training.cu", String(decoding: PackageResources.training_cu, as: UTF8.self)),
        ("elementwise.cu", String(decoding: PackageResources.elementwise_cu, as: UTF8.self)),
        ("rows.cu", String(decoding: PackageResources.rows_cu, as: UTF8.self)),
        ("sequence.cu", String(decoding: PackageResources.sequence_cu, as: UTF8.self)),
        ("layout.cu", String(decoding: PackageResources.layout_cu, as: UTF8.self)),
        ("attention.cu", String(decoding: PackageResources.attention_cu, as: UTF8.self)),
        ("linear_attention.cu", String(decoding: PackageResources.linear_attention_cu, as: UTF8.self)),
    ]

    /// The headers the kernel files include (by name), given to NVRTC with each file.
    public static let headers: [(name: String, source: String)] = [
        ("reduce.cuh", String(decoding: PackageResources.reduce_cuh, as: UTF8.self)),
    ]

    /// The kernel entry points every file defines, in file order.
    public static var kernelNames: [String] { files.flatMap { kernelNames(in: $0.source) } }

    /// The kernels a source defines: the names of its `extern "C" __global__ void` functions
    /// (each such declaration starts a line, as the files are written).
    public static func kernelNames(in source: String) -> [String] {
        let prefix = "extern \"C\" __global__ void "
        return source.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix(prefix) else { return nil }
            let rest = line.dropFirst(prefix.count)
            return rest.firstIndex(of: "(").map { String(rest[..<$0]) }
        }
    }
}
