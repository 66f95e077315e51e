// Training-state kernels: gradient accumulation, the squared norm and finiteness checks behind
// clipping and divergence detection, the Adam/AdamW and SGD steps and the weights' moving
// average. Twins of CPU/TrainingState.swift, element for element (the CPU's formulas, in the
// same order, so results agree to rounding). Every kernel walks its range with a grid-stride
// loop, so any launch size is correct; the backend launches 256-thread blocks.
#include "reduce.cuh"

// into[i] += g[i], or -= when negated.
extern "C" __global__ void seer_accumulate(const float *g, float *into, long n, int negated) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        into[i] = negated ? into[i] - g[i] : into[i] + g[i];
    }
}

// x[i] *= factor.
extern "C" __global__ void seer_scale_in_place(float *x, float factor, long n) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) x[i] *= factor;
}

// *sum += Σ x[i]² in double: each block reduces its share in shared memory (blockDim.x must be
// 256), then adds it with one atomic.
extern "C" __global__ void seer_sum_of_squares(const float *x, long n, double *sum) {
    __shared__ double partial[256];
    double own = 0;
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        own += (double)x[i] * (double)x[i];
    }
    double total = seer_block_sum_double(own, partial);
    if (threadIdx.x == 0) atomicAdd(sum, total);
}

// *bad = 1 when some x[i] is NaN or infinite (it must start at 0).
extern "C" __global__ void seer_any_non_finite(const float *x, long n, int *bad) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        if (!isfinite(x[i])) atomicExch(bad, 1);
    }
}

// One Adam step (see Backend.adamStep): stepSize = lr / (1 − β1^t), inverseRoot2 = 1 / √(1 − β2^t).
extern "C" __global__ void seer_adam_step(float *w, const float *g, const float *mask, float *m, float *v, long n,
                                          float learningRate, float stepSize, float inverseRoot2, float beta1, float beta2,
                                          float epsilon, float decay, int decoupled) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        float grad = g[i];
        if (decoupled) {
            w[i] -= learningRate * decay * mask[i] * w[i];
        } else {
            grad += decay * mask[i] * w[i];
        }
        m[i] = beta1 * m[i] + (1 - beta1) * grad;
        v[i] = beta2 * v[i] + (1 - beta2) * grad * grad;
        w[i] -= stepSize * m[i] / (sqrtf(v[i]) * inverseRoot2 + epsilon);
    }
}

// One SGD step with momentum: v ← μ·v + g + λ·mask·w, w ← w − lr·v.
extern "C" __global__ void seer_sgd_step(float *w, const float *g, const float *mask, float *velocity, long n,
                                         float learningRate, float momentum, float decay) {
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        float grad = g[i] + decay * mask[i] * w[i];
        velocity[i] = momentum * velocity[i] + grad;
        w[i] -= learningRate * velocity[i];
    }
}

// average[i] ← decay·average[i] + (1 − decay)·values[i].
extern "C" __global__ void seer_moving_average(float *average, const float *values, long n, float decay) {
    float keep = 1 - decay;
    for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < n; i += (long)gridDim.x * blockDim.x) {
        average[i] = decay * average[i] + keep * values[i];
    }
}
