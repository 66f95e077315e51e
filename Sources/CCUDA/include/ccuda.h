// Run-time probe for the optional CUDA backend. Seer never links CUDA at build time: the
// driver library is opened with dlopen when a user asks for `--device cuda`, so `swift build`
// and `swift test` work on machines without a GPU.
#ifndef SEER_CCUDA_H
#define SEER_CCUDA_H

/// Tries to open the CUDA driver library and initialise it. Returns the number of CUDA devices
/// (>= 0) on success, or -1 when no driver library could be loaded, -2 when cuInit failed.
int seer_cuda_device_count(void);

/// A short human-readable reason for the last failure of seer_cuda_device_count (static storage).
const char *seer_cuda_last_error(void);

#endif
