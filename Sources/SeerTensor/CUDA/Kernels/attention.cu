// Causal softmax attention (the GPT baseline), twin of CPU/Attention.swift. One block of 256
// threads per (head, query row), keys in tiles of 256 with an online softmax (a running maximum
// and sum, the output rescaled as the maximum grows), so no T×T matrix exists and memory is the
// log-sum-exp per row — the streamed mode. When `probabilities` is given (the stored mode) the
// forward also writes each row of P. The backward always recomputes P from the log-sum-exp:
// one kernel per query row for dQ, one per key row for dK and dV (each sums over its own rows in
// order, so no atomics), after a kernel for D_i = dO_i·O_i. A head's d columns are one per
// thread, so d ≤ 256 (the Swift side checks it). Rows are placed as AttentionLayout says.
#include "reduce.cuh"

#define SEER_ATTENTION_TILE 256
#define SEER_MINUS_INFINITY __int_as_float(0xff800000)  // NVRTC has no math.h macros

// Offsets of head h's first input row (q; k and v add their offsets) and first output row.
__device__ __forceinline__ void seer_attention_bases(long h, long time, int d, int groups, long rowStride, long outStride,
                                                     long *input, long *output) {
    long sequence = h / groups, group = h % groups;
    *input = sequence * time * rowStride + group * d;
    *output = sequence * time * outStride + group * d;
}

__device__ __forceinline__ float seer_row_dot(const float *a, const float *b, int d) {
    float sum = 0.0f;
    for (int c = 0; c < d; c++) sum += a[c] * b[c];
    return sum;
}

extern "C" __global__ void seer_attention_forward(const float *q, const float *k, const float *v, float *o, float *logsumexp,
                                                  float *probabilities, long heads, long time, int d, int groups, long rowStride,
                                                  long keyOffset, long valueOffset, long outStride, float scale) {
    __shared__ float weights[SEER_ATTENTION_TILE];
    __shared__ float scratch[SEER_ATTENTION_TILE];
    __shared__ double sums[SEER_ATTENTION_TILE];
    for (long row = blockIdx.x; row < heads * time; row += gridDim.x) {
        long h = row / time, i = row % time, input, output;
        seer_attention_bases(h, time, d, groups, rowStride, outStride, &input, &output);
        const float *qi = q + input + i * rowStride, *kh = k + input + keyOffset, *vh = v + input + valueOffset;
        float maximum = SEER_MINUS_INFINITY, accumulated = 0.0f;
        double total = 0.0;
        for (long tile = 0; tile <= i; tile += SEER_ATTENTION_TILE) {
            long j = tile + threadIdx.x;
            float score = j <= i ? scale * seer_row_dot(qi, kh + j * rowStride, d) : SEER_MINUS_INFINITY;
            float grown = fmaxf(maximum, seer_block_max_float(score, scratch));
            float weight = j <= i ? expf(score - grown) : 0.0f;
            weights[threadIdx.x] = weight;
            double tileSum = seer_block_sum_double(weight, sums);  // its barriers publish `weights`
            float correction = expf(maximum - grown);              // 0 on the first tile (−∞)
            total = total * correction + tileSum;
            if (threadIdx.x < d) {
                long count = i + 1 - tile < SEER_ATTENTION_TILE ? i + 1 - tile : SEER_ATTENTION_TILE;
                float a = accumulated * correction;
                for (long t = 0; t < count; t++) a += weights[t] * vh[(tile + t) * rowStride + threadIdx.x];
                accumulated = a;
            }
            maximum = grown;
            __syncthreads();  // `weights` is rewritten by the next tile
        }
        if (threadIdx.x < d) o[output + i * outStride + threadIdx.x] = (float)(accumulated / total);
        float lse = maximum + logf((float)total);
        if (threadIdx.x == 0) logsumexp[row] = lse;
        if (probabilities) {
            float *p = probabilities + row * time;
            for (long j = threadIdx.x; j < time; j += blockDim.x)
                p[j] = j <= i ? expf(scale * seer_row_dot(qi, kh + j * rowStride, d) - lse) : 0.0f;
        }
    }
}

// D[row] = dO_i · O_i, one thread per (head, row).
extern "C" __global__ void seer_attention_row_dot(const float *o, const float *gradO, float *D, long heads, long time, int d, int groups,
                                                  long outStride) {
    for (long row = blockIdx.x * (long)blockDim.x + threadIdx.x; row < heads * time; row += (long)gridDim.x * blockDim.x) {
        long h = row / time, i = row % time, sequence = h / groups, group = h % groups;
        long at = sequence * time * outStride + group * d + i * outStride;
        D[row] = seer_row_dot(gradO + at, o + at, d);
    }
}

// P_ij = exp(scale·q_i·k_j − lse_i) and dS_ij = P_ij·(dO_i·v_j − D_i), for j ≤ i.
__device__ __forceinline__ float seer_attention_score_gradient(const float *qi, const float *kj, const float *goi, const float *vj,
                                                               float lse, float rowDot, float scale, int d, float *p) {
    *p = expf(scale * seer_row_dot(qi, kj, d) - lse);
    return *p * (seer_row_dot(goi, vj, d) - rowDot);
}

// dQ_i += scale · Σ_{j ≤ i} dS_ij k_j: one block per (head, query row), keys in tiles.
extern "C" __global__ void seer_attention_backward_query(const float *q, const float *k, const float *v, const float *logsumexp,
                                                         const float *D, const float *gradO, float *gradQ, long heads, long time, int d,
                                                         int groups, long rowStride, long keyOffset, long valueOffset, long outStride,
                                                         float scale) {
    __shared__ float gradients[SEER_ATTENTION_TILE];
    for (long row = blockIdx.x; row < heads * time; row += gridDim.x) {
        long h = row / time, i = row % time, input, output;
        seer_attention_bases(h, time, d, groups, rowStride, outStride, &input, &output);
        const float *qi = q + input + i * rowStride, *kh = k + input + keyOffset, *vh = v + input + valueOffset;
        const float *goi = gradO + output + i * outStride;
        float sum = 0.0f, p;
        for (long tile = 0; tile <= i; tile += SEER_ATTENTION_TILE) {
            long j = tile + threadIdx.x;
            gradients[threadIdx.x] = j <= i ? seer_attention_score_gradient(qi, kh + j * rowStride, goi, vh + j * rowStride, logsumexp[row],
                                                                            D[row], scale, d, &p) : 0.0f;
            __syncthreads();
            if (threadIdx.x < d) {
                long count = i + 1 - tile < SEER_ATTENTION_TILE ? i + 1 - tile : SEER_ATTENTION_TILE;
                for (long t = 0; t < count; t++) sum += gradients[t] * kh[(tile + t) * rowStride + threadIdx.x];
            }
            __syncthreads();
        }
        if (threadIdx.x < d) gradQ[input + i * rowStride + threadIdx.x] += scale * sum;
    }
}

// dK_j += scale · Σ_{i ≥ j} dS_ij q_i and dV_j += Σ_{i ≥ j} P_ij dO_i: one block per (head, key row).
extern "C" __global__ void seer_attention_backward_key(const float *q, const float *k, const float *v, const float *logsumexp,
                                                       const float *D, const float *gradO, float *gradK, float *gradV, long heads,
                                                       long time, int d, int groups, long rowStride, long keyOffset, long valueOffset,
                                                       long outStride, float scale) {
    __shared__ float weights[SEER_ATTENTION_TILE];
    __shared__ float gradients[SEER_ATTENTION_TILE];
    for (long row = blockIdx.x; row < heads * time; row += gridDim.x) {
        long h = row / time, j = row % time, input, output;
        seer_attention_bases(h, time, d, groups, rowStride, outStride, &input, &output);
        const float *kj = k + input + keyOffset + j * rowStride, *vj = v + input + valueOffset + j * rowStride;
        float keySum = 0.0f, valueSum = 0.0f;
        for (long tile = j; tile < time; tile += SEER_ATTENTION_TILE) {
            long i = tile + threadIdx.x;
            float p = 0.0f, g = 0.0f;
            if (i < time)
                g = seer_attention_score_gradient(q + input + i * rowStride, kj, gradO + output + i * outStride, vj,
                                                  logsumexp[h * time + i], D[h * time + i], scale, d, &p);
            weights[threadIdx.x] = p;
            gradients[threadIdx.x] = g;
            __syncthreads();
            if (threadIdx.x < d) {
                long count = time - tile < SEER_ATTENTION_TILE ? time - tile : SEER_ATTENTION_TILE;
                for (long t = 0; t < count; t++) {
                    keySum += gradients[t] * q[input + (tile + t) * rowStride + threadIdx.x];
                    valueSum += weights[t] * gradO[output + (tile + t) * outStride + threadIdx.x];
                }
            }
            __syncthreads();
        }
        if (threadIdx.x < d) {
            gradK[input + keyOffset + j * rowStride + threadIdx.x] += scale * keySum;
            gradV[input + valueOffset + j * rowStride + threadIdx.x] += valueSum;
        }
    }
}
