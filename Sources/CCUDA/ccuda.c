// dlopen and dlsym for the CUDA libraries (see include/ccuda.h): the one place Seer touches the
// dynamic loader for CUDA. Symbol names are the exported ABI names (the _v2 ones where the driver
// versions its 64-bit calls); the tables name them without the suffix.
#define _GNU_SOURCE
#include "ccuda.h"
#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

// Set with atomics: threads may probe at the same time (each stores one of these static strings).
static const char *last_error = "no error";
static void fail_with(const char *reason) { __atomic_store_n(&last_error, reason, __ATOMIC_RELEASE); }

// Resolves `symbol` into `slot`, or returns the symbol's name from the enclosing function.
#define BIND(slot, symbol)                                          \
    do {                                                            \
        void *found = dlsym(handle, symbol);                        \
        if (found == NULL) return symbol;                           \
        memcpy(&(table->slot), &found, sizeof(found));              \
    } while (0)

int seer_cuda_device_count(void) {
    static const char *const names[] = {"libcuda.so.1", "libcuda.so"};
    char error[256];
    void *lib = seer_cuda_dlopen(names, 2, error, sizeof error);
    if (lib == NULL) { fail_with("libcuda.so.1 not found (no NVIDIA driver installed)"); return -1; }
    seer_cuda_driver driver;
    if (seer_cuda_bind_driver(lib, &driver) != NULL) {
        fail_with("libcuda.so.1 lacks entry points Seer needs (a driver older than CUDA 11?)");
        return -1;
    }
    if (driver.cuInit(0) != 0) { fail_with("cuInit failed (driver present but no usable device)"); return -2; }
    int n = 0;
    if (driver.cuDeviceGetCount(&n) != 0) { fail_with("cuDeviceGetCount failed"); return -2; }
    return n;
}

const char *seer_cuda_last_error(void) { return __atomic_load_n(&last_error, __ATOMIC_ACQUIRE); }

void *seer_cuda_dlopen(const char *const *candidates, int count, char *error, size_t error_size) {
    if (error_size > 0) error[0] = 0;
    for (int i = 0; i < count; i++) {
        void *handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
        if (handle != NULL) return handle;
        const char *why = dlerror();
        if (error_size > 0) snprintf(error, error_size, "%s", why ? why : candidates[i]);
    }
    return NULL;
}

const char *seer_cuda_library_path(void *handle) {
    struct link_map *map = NULL;
    if (dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || map == NULL) return NULL;
    return map->l_name;
}

const char *seer_cuda_bind_driver(void *handle, seer_cuda_driver *table) {
    BIND(cuInit, "cuInit");
    BIND(cuDriverGetVersion, "cuDriverGetVersion");
    BIND(cuDeviceGetCount, "cuDeviceGetCount");
    BIND(cuDeviceGet, "cuDeviceGet");
    BIND(cuDeviceGetName, "cuDeviceGetName");
    BIND(cuDeviceGetAttribute, "cuDeviceGetAttribute");
    BIND(cuDeviceTotalMem, "cuDeviceTotalMem_v2");
    BIND(cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
    BIND(cuCtxSetCurrent, "cuCtxSetCurrent");
    BIND(cuCtxSynchronize, "cuCtxSynchronize");
    BIND(cuMemGetInfo, "cuMemGetInfo_v2");
    BIND(cuMemAlloc, "cuMemAlloc_v2");
    BIND(cuMemFree, "cuMemFree_v2");
    BIND(cuMemcpyHtoD, "cuMemcpyHtoD_v2");
    BIND(cuMemcpyDtoH, "cuMemcpyDtoH_v2");
    BIND(cuMemcpyDtoD, "cuMemcpyDtoD_v2");
    BIND(cuMemsetD32, "cuMemsetD32_v2");
    BIND(cuModuleLoadData, "cuModuleLoadData");
    BIND(cuModuleGetFunction, "cuModuleGetFunction");
    BIND(cuLaunchKernel, "cuLaunchKernel");
    BIND(cuGetErrorString, "cuGetErrorString");
    return NULL;
}

const char *seer_cuda_bind_nvrtc(void *handle, seer_nvrtc *table) {
    BIND(nvrtcVersion, "nvrtcVersion");
    BIND(nvrtcCreateProgram, "nvrtcCreateProgram");
    BIND(nvrtcCompileProgram, "nvrtcCompileProgram");
    BIND(nvrtcGetPTXSize, "nvrtcGetPTXSize");
    BIND(nvrtcGetPTX, "nvrtcGetPTX");
    BIND(nvrtcGetProgramLogSize, "nvrtcGetProgramLogSize");
    BIND(nvrtcGetProgramLog, "nvrtcGetProgramLog");
    BIND(nvrtcDestroyProgram, "nvrtcDestroyProgram");
    BIND(nvrtcGetErrorString, "nvrtcGetErrorString");
    return NULL;
}

const char *seer_cuda_bind_cublas(void *handle, seer_cublas *table) {
    BIND(cublasCreate, "cublasCreate_v2");
    BIND(cublasDestroy, "cublasDestroy_v2");
    BIND(cublasSetMathMode, "cublasSetMathMode");
    BIND(cublasSgemm, "cublasSgemm_v2");
    BIND(cublasSgemmStridedBatched, "cublasSgemmStridedBatched");
    return NULL;
}
