// Seer's CUDA kernels run on the CPU, for tests on machines without a GPU. The kernel sources
// the CUDA backend compiles with NVRTC are compiled here as C++ against a small model of CUDA's
// execution model (cuda_builtins.h): each block's threads are real threads, __syncthreads a
// barrier, atomics real atomics, blocks one after another. Launches take the same parameter
// array as the driver's cuLaunchKernel, so the Swift code that marshals a launch is the one
// tested. It checks a kernel's arithmetic and indexing against its CPU twin; speed, memory
// coalescing and warp-level behaviour need a real GPU.
#ifndef SEER_CUDA_EMULATOR_H
#define SEER_CUDA_EMULATOR_H

#ifdef __cplusplus
extern "C" {
#endif

/// Runs kernel `name` over a grid of gridX·gridY·gridZ blocks of blockX·blockY·blockZ threads;
/// `parameters[i]` points at argument i, as for cuLaunchKernel. Returns 0, or 1 for a kernel
/// this emulator does not know (then nothing ran).
int seer_emulator_launch(const char *name, unsigned gridX, unsigned gridY, unsigned gridZ, unsigned blockX, unsigned blockY,
                         unsigned blockZ, void **parameters);

/// How many kernels the emulator knows, and the name of the i-th (for cross-checks with the PTX).
int seer_emulator_kernel_count(void);
const char *seer_emulator_kernel_name(int index);

#ifdef __cplusplus
}
#endif
#endif
