// Device helpers the kernel files share, passed to NVRTC as a header (and found beside the .cu
// files by the CPU emulator): the block-wide double sum behind the squared norm, the regression
// losses and cross-entropy, and the block-wide maximum behind attention's softmax.
#ifndef SEER_REDUCE_CUH
#define SEER_REDUCE_CUH

// The sum of `value` over the block's threads (blockDim.x must be 256), returned to every thread;
// `scratch` is a __shared__ array of 256 doubles.
__device__ double seer_block_sum_double(double value, double *scratch) {
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) scratch[threadIdx.x] += scratch[threadIdx.x + half];
        __syncthreads();
    }
    double total = scratch[0];
    __syncthreads();
    return total;
}

// The largest `value` over the block's threads (blockDim.x must be 256), returned to every thread;
// `scratch` is a __shared__ array of 256 floats. −∞ is the identity, so idle threads pass it.
__device__ float seer_block_max_float(float value, float *scratch) {
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) scratch[threadIdx.x] = fmaxf(scratch[threadIdx.x], scratch[threadIdx.x + half]);
        __syncthreads();
    }
    float largest = scratch[0];
    __syncthreads();
    return largest;
}

#endif
