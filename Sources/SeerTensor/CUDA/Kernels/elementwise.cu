// Element-wise kernels: binary operations with a broadcast operand, the gradient of a broadcast
// (a sum over leading rows), scaling, sums over an axis, activations and sigmoid/SiLU gates.
// Twins of CPU/Elementwise.swift, Reduce.swift and Activations.swift. Operation codes follow the
// Swift enums' order: BinaryOp add 0, sub 1, mul 2, div 3; UnaryOp gelu 0, silu 1, tanh 2,
// sigmoid 3, relu 4. Sums over rows run one thread per column in row order, as the CPU adds.

#include "reduce.cuh"

#define SEER_GRID_LOOP(i, n) for (long i = blockIdx.x * (long)blockDim.x + threadIdx.x; i < (n); i += (long)gridDim.x * blockDim.x)

__device__ __forceinline__ float seer_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

// GELU, the exact (erf) form, and its derivative Φ(x) + x·φ(x).
__device__ __forceinline__ float seer_gelu(float x) { return 0.5f * x * (1.0f + erff(x * 0.70710678118654752f)); }
__device__ __forceinline__ float seer_gelu_derivative(float x) {
    float cdf = 0.5f * (1.0f + erff(x * 0.70710678118654752f));
    return cdf + x * 0.39894228040143268f * expf(-0.5f * x * x);
}

// out[o, i] = a[o, i] ∘ b[o, i], or a[o, i] ∘ b[i] when broadcastB.
extern "C" __global__ void seer_binary_forward(int op, const float *a, const float *b, float *out, long outer, long inner,
                                               int broadcastB) {
    SEER_GRID_LOOP(idx, outer * inner) {
        float x = a[idx], y = b[broadcastB ? idx % inner : idx];
        out[idx] = op == 0 ? x + y : op == 1 ? x - y : op == 2 ? x * y : x / y;
    }
}

// gradA[o, i] += ∂/∂a: g (add, sub), g·b (mul), g/b (div).
extern "C" __global__ void seer_binary_backward_a(int op, const float *b, const float *g, float *gradA, long outer, long inner,
                                                  int broadcastB) {
    SEER_GRID_LOOP(idx, outer * inner) {
        float y = b[broadcastB ? idx % inner : idx];
        gradA[idx] += op <= 1 ? g[idx] : op == 2 ? g[idx] * y : g[idx] / y;
    }
}

__device__ __forceinline__ float seer_binary_b_term(int op, const float *a, const float *b, const float *g, long idx, long j) {
    return op == 0 ? g[idx] : op == 1 ? -g[idx] : op == 2 ? g[idx] * a[idx] : -g[idx] * a[idx] / (b[j] * b[j]);
}

// gradB += ∂/∂b (1, −1, a, −a/b²)·g; a broadcast b sums over the rows, one thread per column.
extern "C" __global__ void seer_binary_backward_b(int op, const float *a, const float *b, const float *g, float *gradB,
                                                  long outer, long inner, int broadcastB) {
    if (broadcastB) {
        SEER_GRID_LOOP(i, inner) {
            float sum = gradB[i];
            for (long o = 0; o < outer; o++) sum += seer_binary_b_term(op, a, b, g, o * inner + i, i);
            gradB[i] = sum;
        }
    } else {
        SEER_GRID_LOOP(idx, outer * inner) gradB[idx] += seer_binary_b_term(op, a, b, g, idx, idx);
    }
}

// into[i] ±= Σ_o g[o, i].
extern "C" __global__ void seer_reduce_leading(const float *g, float *into, long outer, long inner, int negated) {
    float sign = negated ? -1.0f : 1.0f;
    SEER_GRID_LOOP(i, inner) {
        float sum = into[i];
        for (long o = 0; o < outer; o++) sum += sign * g[o * inner + i];
        into[i] = sum;
    }
}

// out = x·s.
extern "C" __global__ void seer_scale_forward(const float *x, float s, float *out, long n) {
    SEER_GRID_LOOP(i, n) out[i] = x[i] * s;
}

// gradX += gradOut·s.
extern "C" __global__ void seer_scale_backward(float s, const float *g, float *gradX, long n) {
    SEER_GRID_LOOP(i, n) gradX[i] += g[i] * s;
}

// out[o, i] = scale·Σ_d x[o, d, i].
extern "C" __global__ void seer_reduce_sum_forward(const float *x, float *out, long outer, long dim, long inner, float scale) {
    SEER_GRID_LOOP(idx, outer * inner) {
        long o = idx / inner, i = idx % inner;
        float sum = 0;
        for (long d = 0; d < dim; d++) sum += x[(o * dim + d) * inner + i];
        out[idx] = sum * scale;
    }
}

// gradX[o, d, i] += scale·gradOut[o, i].
extern "C" __global__ void seer_reduce_sum_backward(const float *g, float *gradX, long outer, long dim, long inner, float scale) {
    SEER_GRID_LOOP(idx, outer * dim * inner) {
        long o = idx / (dim * inner), i = idx % inner;
        gradX[idx] += scale * g[o * inner + i];
    }
}

// out = f(x).
extern "C" __global__ void seer_unary_forward(int op, const float *x, float *out, long n) {
    SEER_GRID_LOOP(i, n) {
        float v = x[i];
        out[i] = op == 0 ? seer_gelu(v) : op == 1 ? v * seer_sigmoid(v) : op == 2 ? tanhf(v) : op == 3 ? seer_sigmoid(v) : fmaxf(v, 0.0f);
    }
}

// gradX += gradOut·f'(x); tanh and sigmoid differentiate through their outputs.
extern "C" __global__ void seer_unary_backward(int op, const float *x, const float *out, const float *g, float *gradX, long n) {
    SEER_GRID_LOOP(i, n) {
        float v = x[i], derivative;
        if (op == 0) derivative = seer_gelu_derivative(v);
        else if (op == 1) { float s = seer_sigmoid(v); derivative = s * (1.0f + v * (1.0f - s)); }
        else if (op == 2) derivative = 1.0f - out[i] * out[i];
        else if (op == 3) derivative = out[i] * (1.0f - out[i]);
        else derivative = v > 0.0f ? 1.0f : 0.0f;
        gradX[i] += g[i] * derivative;
    }
}

// out = f(gate)·x, f = sigmoid (op 3) or SiLU (op 1).
extern "C" __global__ void seer_gated_forward(int op, const float *gate, const float *x, float *out, long n) {
    SEER_GRID_LOOP(i, n) {
        float s = seer_sigmoid(gate[i]);
        out[i] = (op == 3 ? s : gate[i] * s) * x[i];
    }
}

// gradGate += g·x·f'(gate), gradX += g·f(gate); either may be null.
extern "C" __global__ void seer_gated_backward(int op, const float *gate, const float *x, const float *g, float *gradGate,
                                               float *gradX, long n) {
    SEER_GRID_LOOP(i, n) {
        float a = gate[i], s = seer_sigmoid(a);
        float f = op == 3 ? s : a * s;
        float derivative = op == 3 ? s * (1.0f - s) : s * (1.0f + a * (1.0f - s));
        if (gradX) gradX[i] += g[i] * f;
        if (gradGate) gradGate[i] += g[i] * (x[i] * derivative);
    }
}

// Regression losses, codes: MSE 0, MAE 1, Huber 2 (with delta). The forward adds each block's
// Σ ℓ(p − t) in double into *sum (which must start at 0; blockDim.x must be 256); the host divides.
__device__ __forceinline__ double seer_regression_term(int loss, float delta, float p, float t) {
    double d = (double)(p - t), a = fabs(d);
    return loss == 0 ? d * d : loss == 1 ? a : (a <= (double)delta ? 0.5 * d * d : (double)delta * (a - 0.5 * (double)delta));
}

extern "C" __global__ void seer_regression_loss_forward(int loss, float delta, const float *prediction, const float *target, long n,
                                                        double *sum) {
    __shared__ double partial[256];
    double own = 0;
    SEER_GRID_LOOP(i, n) own += seer_regression_term(loss, delta, prediction[i], target[i]);
    double total = seer_block_sum_double(own, partial);
    if (threadIdx.x == 0) atomicAdd(sum, total);
}

// gradPrediction += scale·slope, gradTarget −= scale·slope (either null); slope 2d, sign(d), clamp(d, ±δ).
extern "C" __global__ void seer_regression_loss_backward(int loss, float delta, const float *prediction, const float *target, float scale,
                                                         float *gradPrediction, float *gradTarget, long n) {
    SEER_GRID_LOOP(i, n) {
        float d = prediction[i] - target[i];
        float slope = loss == 0 ? 2.0f * d : loss == 1 ? (d > 0.0f ? 1.0f : (d < 0.0f ? -1.0f : 0.0f)) : fminf(fmaxf(d, -delta), delta);
        if (gradPrediction) gradPrediction[i] += scale * slope;
        if (gradTarget) gradTarget[i] -= scale * slope;
    }
}
