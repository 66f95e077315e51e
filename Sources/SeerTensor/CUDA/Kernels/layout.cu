// Data movement and masks: dropout (the CPU's counter-based mask, bit for bit), the embedding
// gather and its scatter-add, copies of a range along one axis (slice, split, concat), axis
// permutations, and the starting rows of an accumulated product (bias and/or residual). Twins of
// CPU/Dropout.swift, Gather.swift, Layout.swift and Matmul.swift (fillRows). The embedding's
// backward is one thread per column walking the rows in order, so repeated indices add up in the
// CPU's order.

#define SEER_LAYOUT_LOOP(i, n) for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < (n); i += (long)gridDim.x * blockDim.x)

// CounterRandom.uniform: a SplitMix64 finaliser of (seed, index), 24 bits in [0, 1).
__device__ __forceinline__ float seer_counter_uniform(unsigned long long seed, unsigned long long index) {
    unsigned long long z = seed + (index + 1ULL) * 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z = z ^ (z >> 31);
    return (float)(z >> 40) * 5.9604644775390625e-8f;  // 2^-24
}

// mask[i] = 1/(1 − p) when uniform(seed, i) ≥ p, else 0; out = x·mask.
extern "C" __global__ void seer_dropout_forward(const float *x, float *out, float *mask, long n, float probability,
                                                unsigned long long seed) {
    float keep = 1.0f / (1.0f - probability);
    SEER_LAYOUT_LOOP(i, n) {
        float m = seer_counter_uniform(seed, (unsigned long long)i) >= probability ? keep : 0.0f;
        mask[i] = m;
        out[i] = x[i] * m;
    }
}

// gradX += g·mask.
extern "C" __global__ void seer_dropout_backward(const float *mask, const float *g, float *gradX, long n) {
    SEER_LAYOUT_LOOP(i, n) gradX[i] += g[i] * mask[i];
}

// out[r, j] = table[indices[r], j].
extern "C" __global__ void seer_embedding_forward(const float *table, const int *indices, float *out, long rows, long d) {
    SEER_LAYOUT_LOOP(idx, rows * d) out[idx] = table[(long)indices[idx / d] * d + idx % d];
}

// gradTable[indices[r], j] += g[r, j], rows in order: one thread per column j.
extern "C" __global__ void seer_embedding_backward(const int *indices, const float *g, float *gradTable, long rows, long d) {
    SEER_LAYOUT_LOOP(j, d) {
        for (long r = 0; r < rows; r++) gradTable[(long)indices[r] * d + j] += g[r * d + j];
    }
}

// dst[o, dstStart + k, i] (+)= src[o, srcStart + k, i] for k < length.
extern "C" __global__ void seer_copy_axis_range(const float *src, long srcDim, long srcStart, float *dst, long dstDim, long dstStart,
                                                long length, long outer, long inner, int accumulate) {
    SEER_LAYOUT_LOOP(idx, outer * length * inner) {
        long i = idx % inner, k = (idx / inner) % length, o = idx / (inner * length);
        float value = src[(o * srcDim + srcStart + k) * inner + i];
        float *target = dst + (o * dstDim + dstStart + k) * inner + i;
        *target = accumulate ? *target + value : value;
    }
}

// out (+)= x with axes permuted: layout[0 ..< rank] is out's shape, layout[rank ..< 2·rank] the
// stride in x of each of out's axes.
extern "C" __global__ void seer_permute(const float *x, float *out, const long *layout, int rank, long total, int accumulate) {
    SEER_LAYOUT_LOOP(idx, total) {
        long rest = idx, offset = 0;
        for (int a = rank - 1; a >= 0; a--) {
            offset += (rest % layout[a]) * layout[rank + a];
            rest /= layout[a];
        }
        out[idx] = accumulate ? out[idx] + x[offset] : x[offset];
    }
}

// out[r, j] = bias[j] + residual[r·residualStride + j], either term absent (null) = 0; residual
// already points at its offset.
extern "C" __global__ void seer_fill_rows(float *out, long rows, long n, const float *bias, const float *residual, long residualStride) {
    SEER_LAYOUT_LOOP(idx, rows * n) {
        long r = idx / n, j = idx % n;
        out[idx] = (bias ? bias[j] : 0.0f) + (residual ? residual[r * residualStride + j] : 0.0f);
    }
}
