// Row-wise kernels: softmax and log-softmax, LayerNorm, RMSNorm and the RMS-normalised gate, each
// over the last axis. One 256-thread block per row (blocks loop over rows when there are more);
// row sums are shared-memory tree reductions with __syncthreads. The γ/β gradients are sums over
// rows, one thread per column in row order, as the CPU adds them. Twins of CPU/Softmax.swift,
// Norms.swift and Activations.swift (normalizedGated*); gate codes: sigmoid 3, SiLU 1.

#include "reduce.cuh"

// The float sum of `value` over the block's threads, returned to every thread (the maximum is
// reduce.cuh's). `scratch` holds 256 floats; blockDim.x must be 256.
__device__ float seer_block_sum(float value, float *scratch) {
    scratch[threadIdx.x] = value;
    __syncthreads();
    for (unsigned half = blockDim.x / 2; half > 0; half /= 2) {
        if (threadIdx.x < half) scratch[threadIdx.x] += scratch[threadIdx.x + half];
        __syncthreads();
    }
    float total = scratch[0];
    __syncthreads();
    return total;
}

__device__ __forceinline__ float seer_row_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// out = softmax(x) per row of n, or log-softmax when logMode.
extern "C" __global__ void seer_softmax_forward(const float *x, float *out, long rows, long n, int logMode) {
    __shared__ float scratch[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *row = x + r * n;
        float *dst = out + r * n;
        float own = __int_as_float(0xff800000);  // −∞ (NVRTC has no math.h macros)
        for (long j = threadIdx.x; j < n; j += blockDim.x) own = fmaxf(own, row[j]);
        float maximum = seer_block_max_float(own, scratch);
        float partial = 0;
        for (long j = threadIdx.x; j < n; j += blockDim.x) {
            float e = expf(row[j] - maximum);
            if (!logMode) dst[j] = e;
            partial += e;
        }
        float sum = seer_block_sum(partial, scratch);
        if (logMode) {
            float shift = maximum + logf(sum);
            for (long j = threadIdx.x; j < n; j += blockDim.x) dst[j] = row[j] - shift;
        } else {
            float inverse = 1.0f / sum;
            for (long j = threadIdx.x; j < n; j += blockDim.x) dst[j] *= inverse;
        }
    }
}

// softmax: dx += y·(g − Σ g·y); log-softmax: dx += g − exp(y)·Σ g.
extern "C" __global__ void seer_softmax_backward(const float *out, const float *g, float *gradX, long rows, long n, int logMode) {
    __shared__ float scratch[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *y = out + r * n, *gr = g + r * n;
        float *dx = gradX + r * n;
        float partial = 0;
        for (long j = threadIdx.x; j < n; j += blockDim.x) partial += logMode ? gr[j] : gr[j] * y[j];
        float total = seer_block_sum(partial, scratch);
        for (long j = threadIdx.x; j < n; j += blockDim.x) {
            dx[j] += logMode ? gr[j] - expf(y[j]) * total : y[j] * (gr[j] - total);
        }
    }
}

// out = (x − μ)·r·γ + β with r = 1/√(var + ε); mean and rstd saved per row. The moments are taken
// about the row's first value, as the CPU does, so a large mean does not cancel the variance.
extern "C" __global__ void seer_layer_norm_forward(const float *x, const float *gamma, const float *beta, float *out, float *mean,
                                                   float *rstd, long rows, long n, float epsilon) {
    __shared__ float scratch[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *row = x + r * n;
        float shift = row[0], s = 0, q = 0;
        for (long j = threadIdx.x; j < n; j += blockDim.x) {
            float d = row[j] - shift;
            s += d;
            q += d * d;
        }
        float sum = seer_block_sum(s, scratch), squares = seer_block_sum(q, scratch);
        float meanOffset = sum / (float)n, mu = shift + meanOffset;
        float variance = fmaxf(0.0f, squares / (float)n - meanOffset * meanOffset);
        float inv = 1.0f / sqrtf(variance + epsilon);
        if (threadIdx.x == 0) {
            mean[r] = mu;
            rstd[r] = inv;
        }
        for (long j = threadIdx.x; j < n; j += blockDim.x) out[r * n + j] = (row[j] - mu) * inv * gamma[j] + beta[j];
    }
}

// dx += r·(g·γ − mean(g·γ) − x̂·mean(g·γ·x̂)), x̂ = (x − μ)·r.
extern "C" __global__ void seer_layer_norm_backward_x(const float *x, const float *gamma, const float *mean, const float *rstd,
                                                      const float *g, float *gradX, long rows, long n) {
    __shared__ float scratch[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *row = x + r * n, *gr = g + r * n;
        float mu = mean[r], inv = rstd[r], sd = 0, sdx = 0;
        for (long j = threadIdx.x; j < n; j += blockDim.x) {
            float d = gr[j] * gamma[j];
            sd += d;
            sdx += d * (row[j] - mu);
        }
        float meanD = seer_block_sum(sd, scratch) / (float)n;
        float meanDX = seer_block_sum(sdx, scratch) * inv / (float)n;
        for (long j = threadIdx.x; j < n; j += blockDim.x) {
            float xhat = (row[j] - mu) * inv;
            gradX[r * n + j] += inv * (gr[j] * gamma[j] - meanD - xhat * meanDX);
        }
    }
}

// dγ += Σ_r g·x̂, dβ += Σ_r g (either null), one thread per column.
extern "C" __global__ void seer_layer_norm_backward_parameters(const float *x, const float *mean, const float *rstd, const float *g,
                                                               float *gradGamma, float *gradBeta, long rows, long n) {
    for (long j = blockIdx.x * (long)blockDim.x + threadIdx.x; j < n; j += (long)gridDim.x * blockDim.x) {
        float dg = gradGamma ? gradGamma[j] : 0, db = gradBeta ? gradBeta[j] : 0;
        for (long r = 0; r < rows; r++) {
            float gr = g[r * n + j];
            dg += gr * (x[r * n + j] - mean[r]) * rstd[r];
            db += gr;
        }
        if (gradGamma) gradGamma[j] = dg;
        if (gradBeta) gradBeta[j] = db;
    }
}

// out = x·r·γ, r = 1/√(mean(x²) + ε), saved per row.
extern "C" __global__ void seer_rms_norm_forward(const float *x, const float *gamma, float *out, float *rstd, long rows, long n,
                                                 float epsilon) {
    __shared__ float scratch[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *row = x + r * n;
        float q = 0;
        for (long j = threadIdx.x; j < n; j += blockDim.x) q += row[j] * row[j];
        float inv = 1.0f / sqrtf(seer_block_sum(q, scratch) / (float)n + epsilon);
        if (threadIdx.x == 0) rstd[r] = inv;
        for (long j = threadIdx.x; j < n; j += blockDim.x) out[r * n + j] = row[j] * inv * gamma[j];
    }
}

// dx += r·(g·γ − x̂·mean(g·γ·x̂)), x̂ = x·r.
extern "C" __global__ void seer_rms_norm_backward_x(const float *x, const float *gamma, const float *rstd, const float *g,
                                                    float *gradX, long rows, long n) {
    __shared__ float scratch[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *row = x + r * n, *gr = g + r * n;
        float inv = rstd[r], p = 0;
        for (long j = threadIdx.x; j < n; j += blockDim.x) p += gr[j] * gamma[j] * row[j];
        float meanDX = seer_block_sum(p, scratch) * inv / (float)n;
        for (long j = threadIdx.x; j < n; j += blockDim.x) gradX[r * n + j] += inv * (gr[j] * gamma[j] - row[j] * inv * meanDX);
    }
}

// dγ += Σ_r g·x·r, one thread per column.
extern "C" __global__ void seer_rms_norm_backward_gamma(const float *x, const float *rstd, const float *g, float *gradGamma,
                                                        long rows, long n) {
    for (long j = blockIdx.x * (long)blockDim.x + threadIdx.x; j < n; j += (long)gridDim.x * blockDim.x) {
        float dg = gradGamma[j];
        for (long r = 0; r < rows; r++) dg += g[r * n + j] * x[r * n + j] * rstd[r];
        gradGamma[j] = dg;
    }
}

// out = f(gate)·x·r per row, r = 1/√(mean(x²) + ε) saved; f = sigmoid (3) or SiLU (1).
extern "C" __global__ void seer_normalized_gated_forward(int op, const float *gate, const float *x, float *out, float *rstd, long rows,
                                                         long n, float epsilon) {
    __shared__ float scratch[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *row = x + r * n, *gr = gate + r * n;
        float q = 0;
        for (long j = threadIdx.x; j < n; j += blockDim.x) q += row[j] * row[j];
        float inv = 1.0f / sqrtf(seer_block_sum(q, scratch) / (float)n + epsilon);
        if (threadIdx.x == 0) rstd[r] = inv;
        for (long j = threadIdx.x; j < n; j += blockDim.x) {
            float s = seer_row_sigmoid(gr[j]);
            out[r * n + j] = (op == 3 ? s : gr[j] * s) * row[j] * inv;
        }
    }
}

// With x̂ = x·r and d = g·f(gate): gradGate += g·x̂·f'(gate); gradX += r·(d − x̂·mean(d·x̂)).
extern "C" __global__ void seer_normalized_gated_backward(int op, const float *gate, const float *x, const float *rstd, const float *g,
                                                          float *gradGate, float *gradX, long rows, long n) {
    __shared__ float scratch[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *row = x + r * n, *ga = gate + r * n, *y = g + r * n;
        float inv = rstd[r], p = 0;
        for (long j = threadIdx.x; j < n; j += blockDim.x) {
            float s = seer_row_sigmoid(ga[j]), normed = row[j] * inv;
            float d = op == 3 ? y[j] * s : y[j] * ga[j] * s;
            p += d * normed;
            if (gradGate) {
                float derivative = op == 3 ? s * (1.0f - s) : s * (1.0f + ga[j] * (1.0f - s));
                gradGate[r * n + j] += y[j] * normed * derivative;
            }
        }
        float meanDX = seer_block_sum(p, scratch) / (float)n;
        if (gradX) {
            for (long j = threadIdx.x; j < n; j += blockDim.x) {
                float s = seer_row_sigmoid(ga[j]), normed = row[j] * inv;
                float d = op == 3 ? y[j] * s : y[j] * ga[j] * s;
                gradX[r * n + j] += inv * (d - normed * meanDX);
            }
        }
    }
}

// Cross-entropy, per row: probabilities = softmax(logits), and the row's weighted negative
// log-likelihood w[y]·(log Σ exp(logits − max) + max − logits[y]) and weight w[y] written in double
// to perRow[2r], perRow[2r + 1]; the host adds the rows in order, as the CPU does. weights may be null.
extern "C" __global__ void seer_cross_entropy_forward(const float *logits, const int *targets, const float *weights,
                                                      float *probabilities, double *perRow, long rows, long classes) {
    __shared__ float scratch[256];
    __shared__ double partials[256];
    for (long r = blockIdx.x; r < rows; r += gridDim.x) {
        const float *row = logits + r * classes;
        float own = __int_as_float(0xff800000);
        for (long j = threadIdx.x; j < classes; j += blockDim.x) own = fmaxf(own, row[j]);
        float maximum = seer_block_max_float(own, scratch);
        float partial = 0;
        double partialDouble = 0;
        for (long j = threadIdx.x; j < classes; j += blockDim.x) {
            float e = expf(row[j] - maximum);
            probabilities[r * classes + j] = e;
            partial += e;
            partialDouble += exp((double)(row[j] - maximum));
        }
        float inverse = 1.0f / seer_block_sum(partial, scratch);
        for (long j = threadIdx.x; j < classes; j += blockDim.x) probabilities[r * classes + j] *= inverse;
        double expSum = seer_block_sum_double(partialDouble, partials);
        if (threadIdx.x == 0) {
            int y = targets[r];
            double w = weights ? (double)weights[y] : 1.0;
            perRow[2 * r] = w * (log(expSum) + (double)maximum - (double)row[y]);
            perRow[2 * r + 1] = w;
        }
    }
}

// gradLogits[r] += base·w[y_r]·(p_r − onehot(y_r)), base = gradLoss / Σ w[y].
extern "C" __global__ void seer_cross_entropy_backward(const float *probabilities, const int *targets, const float *weights, float base,
                                                       float *gradLogits, long rows, long classes) {
    for (long idx = blockIdx.x * (long)blockDim.x + threadIdx.x; idx < rows * classes; idx += (long)gridDim.x * blockDim.x) {
        long r = idx / classes, j = idx % classes;
        int y = targets[r];
        float factor = base * (weights ? weights[y] : 1.0f);
        gradLogits[idx] += factor * probabilities[idx] - (j == y ? factor : 0.0f);
    }
}
