// The CUDA libraries, opened at run time. Seer never links CUDA at build time: the driver
// (libcuda.so.1), the run-time compiler (libnvrtc) and cuBLAS are opened with dlopen when a user
// asks for `--device cuda` or a kernel compile, so `swift build` and `swift test` work on
// machines without a GPU, and one binary serves both. Each library's entry points are resolved
// into a table of function pointers; the Swift side (SeerTensor/CUDA) owns every policy: where to
// look, what to report, what to cache.
#ifndef SEER_CCUDA_H
#define SEER_CCUDA_H

#include <stddef.h>

/// Tries to open the CUDA driver library and initialise it. Returns the number of CUDA devices
/// (>= 0) on success, or -1 when no driver library could be loaded, -2 when cuInit failed.
int seer_cuda_device_count(void);

/// A short human-readable reason for the last failure of seer_cuda_device_count (static storage).
const char *seer_cuda_last_error(void);

/// Opens the first of `candidates` (paths or sonames) that dlopen accepts, RTLD_NOW|RTLD_LOCAL.
/// Returns its handle, or NULL with the loader's message for the last candidate in `error`.
void *seer_cuda_dlopen(const char *const *candidates, int count, char *error, size_t error_size);

/// The file a dlopen handle was loaded from (the path the loader resolved a soname to), or NULL.
const char *seer_cuda_library_path(void *handle);

/// A device pointer (CUdeviceptr).
typedef unsigned long long seer_cu_deviceptr;

/// The driver API entry points Seer uses (CUresult is an int; 0 is success). The _v2 names are
/// the ABI every driver since CUDA 4 exports for the 64-bit calls.
typedef struct seer_cuda_driver {
    int (*cuInit)(unsigned int flags);
    int (*cuDriverGetVersion)(int *version);
    int (*cuDeviceGetCount)(int *count);
    int (*cuDeviceGet)(int *device, int ordinal);
    int (*cuDeviceGetName)(char *name, int length, int device);
    int (*cuDeviceGetAttribute)(int *value, int attribute, int device);
    int (*cuDeviceTotalMem)(size_t *bytes, int device);
    int (*cuDevicePrimaryCtxRetain)(void **context, int device);
    int (*cuCtxSetCurrent)(void *context);
    int (*cuCtxSynchronize)(void);
    int (*cuMemGetInfo)(size_t *free, size_t *total);
    int (*cuMemAlloc)(seer_cu_deviceptr *pointer, size_t bytes);
    int (*cuMemFree)(seer_cu_deviceptr pointer);
    int (*cuMemcpyHtoD)(seer_cu_deviceptr destination, const void *source, size_t bytes);
    int (*cuMemcpyDtoH)(void *destination, seer_cu_deviceptr source, size_t bytes);
    int (*cuMemcpyDtoD)(seer_cu_deviceptr destination, seer_cu_deviceptr source, size_t bytes);
    int (*cuMemsetD32)(seer_cu_deviceptr destination, unsigned int value, size_t count);
    int (*cuModuleLoadData)(void **module, const void *image);
    int (*cuModuleGetFunction)(void **function, void *module, const char *name);
    int (*cuLaunchKernel)(void *function, unsigned int gridX, unsigned int gridY, unsigned int gridZ,
                          unsigned int blockX, unsigned int blockY, unsigned int blockZ, unsigned int sharedBytes,
                          void *stream, void **parameters, void **extra);
    int (*cuGetErrorString)(int result, const char **message);
} seer_cuda_driver;

/// NVRTC, the run-time CUDA C++ compiler (nvrtcResult is an int; 0 is success).
typedef struct seer_nvrtc {
    int (*nvrtcVersion)(int *major, int *minor);
    int (*nvrtcCreateProgram)(void **program, const char *source, const char *name, int headerCount,
                              const char *const *headers, const char *const *includeNames);
    int (*nvrtcCompileProgram)(void *program, int optionCount, const char *const *options);
    int (*nvrtcGetPTXSize)(void *program, size_t *size);
    int (*nvrtcGetPTX)(void *program, char *ptx);
    int (*nvrtcGetProgramLogSize)(void *program, size_t *size);
    int (*nvrtcGetProgramLog)(void *program, char *log);
    int (*nvrtcDestroyProgram)(void **program);
    const char *(*nvrtcGetErrorString)(int result);
} seer_nvrtc;

/// The cuBLAS calls Seer uses (cublasStatus_t is an int; 0 is success; column-major, as cuBLAS is).
typedef struct seer_cublas {
    int (*cublasCreate)(void **handle);
    int (*cublasDestroy)(void *handle);
    int (*cublasSetMathMode)(void *handle, int mode);
    int (*cublasSgemm)(void *handle, int transA, int transB, int m, int n, int k, const float *alpha,
                       const float *a, int lda, const float *b, int ldb, const float *beta, float *c, int ldc);
    int (*cublasSgemmStridedBatched)(void *handle, int transA, int transB, int m, int n, int k, const float *alpha,
                                     const float *a, int lda, long long strideA, const float *b, int ldb,
                                     long long strideB, const float *beta, float *c, int ldc, long long strideC,
                                     int batchCount);
} seer_cublas;

/// Resolve every entry point of a table from an opened library. Return NULL when all were
/// found, or the name of the first missing symbol (the table is then unusable).
const char *seer_cuda_bind_driver(void *handle, seer_cuda_driver *table);
const char *seer_cuda_bind_nvrtc(void *handle, seer_nvrtc *table);
const char *seer_cuda_bind_cublas(void *handle, seer_cublas *table);

#endif
