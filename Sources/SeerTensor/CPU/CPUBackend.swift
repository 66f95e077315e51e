// The CPU backend: OpenBLAS for every matrix product (forward and both backward products),
// tight pointer loops elsewhere, fanned out over `Parallelism.forEachChunk`. Each kernel pair
// lives in its own file as an extension of this type.

/// Kernels on the CPU.
public struct CPUBackend: Backend {
    public init() {}
    public var device: Device { .cpu }
}
