// dlopen-based probe of the CUDA driver API (see include/ccuda.h). The kernels and the full
// backend arrive with the CUDA work; this file only answers "is there a usable GPU here?".
#include "ccuda.h"
#include <dlfcn.h>
#include <stddef.h>

static const char *last_error = "no error";

typedef int (*cu_init_fn)(unsigned int);
typedef int (*cu_device_get_count_fn)(int *);

int seer_cuda_device_count(void) {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) lib = dlopen("libcuda.so", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) { last_error = "libcuda.so.1 not found (no NVIDIA driver installed)"; return -1; }
    cu_init_fn cu_init = (cu_init_fn)dlsym(lib, "cuInit");
    cu_device_get_count_fn cu_count = (cu_device_get_count_fn)dlsym(lib, "cuDeviceGetCount");
    if (cu_init == NULL || cu_count == NULL) { last_error = "libcuda lacks cuInit/cuDeviceGetCount"; return -1; }
    if (cu_init(0) != 0) { last_error = "cuInit failed (driver present but no usable device)"; return -2; }
    int n = 0;
    if (cu_count(&n) != 0) { last_error = "cuDeviceGetCount failed"; return -2; }
    return n;
}

const char *seer_cuda_last_error(void) { return last_error; }
