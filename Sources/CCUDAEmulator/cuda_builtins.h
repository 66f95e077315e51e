// The CUDA built-ins Seer's kernels use, modelled on the CPU (see include/cuda_emulator.h): the
// qualifiers vanish, thread and block indices are thread-locals, __shared__ arrays are static
// (one block runs at a time), __syncthreads waits for the block's other threads, atomics are atomic.
#ifndef SEER_CUDA_BUILTINS_H
#define SEER_CUDA_BUILTINS_H

#include <math.h>
#include <pthread.h>

#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static

struct dim3 { unsigned x, y, z; };

namespace seer_emulator {
extern thread_local dim3 thread_index, block_index;
extern dim3 block_size, grid_size;
extern pthread_barrier_t block_barrier;
}

#define threadIdx (seer_emulator::thread_index)
#define blockIdx (seer_emulator::block_index)
#define blockDim (seer_emulator::block_size)
#define gridDim (seer_emulator::grid_size)

namespace seer_emulator { void synchronize(); }
inline void __syncthreads() { seer_emulator::synchronize(); }

template <typename T> inline T atomicAdd(T *address, T value) {
    T old, desired;
    __atomic_load(address, &old, __ATOMIC_RELAXED);
    do { desired = old + value; } while (!__atomic_compare_exchange(address, &old, &desired, false, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
    return old;
}
inline float __int_as_float(unsigned bits) {
    float value;
    __builtin_memcpy(&value, &bits, sizeof value);
    return value;
}
inline int atomicExch(int *address, int value) { return __atomic_exchange_n(address, value, __ATOMIC_ACQ_REL); }

#endif
