// Continued-fraction ladders and the causal depthwise convolution. Twins of
// CPU/ContinuedFraction.swift and CausalConv.swift. A ladder is one thread: its continuants run in
// double (they grow like a^K, past float's range, while their ratios stay small) and are kept in
// a local array, so the depth is bounded by SEER_LADDER_MAX_DEPTH (the Swift side checks it).
// The convolution is one thread per output element, its weight and bias gradients one thread per
// tap or channel summing over (batch, time) in order, as the CPU does.

#define SEER_LADDER_MAX_DEPTH 32

// a_k = ε + softplus(x_k) (positive) or x_k (signed); slope = da/dx.
__device__ __forceinline__ float seer_partial_denominator(float x, int positive, float epsilon, float *slope) {
    if (!positive) { *slope = 1.0f; return x; }
    float e = expf(-fabsf(x));
    *slope = x >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
    return epsilon + fmaxf(x, 0.0f) + log1pf(e);
}

__device__ __forceinline__ double seer_clipped(double q, float epsilon) {
    return q >= 0 ? fmax(q, (double)epsilon) : fmin(q, -(double)epsilon);
}

// z[r, j] = 1/(a_1 + 1/(a_2 + … + 1/a_K)) of x[r, j·K ..< (j+1)·K], through the continuants
// Q_0 = 1, Q_1 = a_K, Q_k = a_{K−k+1}·Q_{k−1} + Q_{k−2}: z = Q_{K−1}/Q_K.
extern "C" __global__ void seer_continued_fraction_forward(const float *x, float *z, long count, int depth, int positive,
                                                           float epsilon) {
    for (long index = blockIdx.x * (long)blockDim.x + threadIdx.x; index < count; index += (long)gridDim.x * blockDim.x) {
        const float *xs = x + index * depth;
        float slope;
        double previous = 1.0, current = seer_partial_denominator(xs[depth - 1], positive, epsilon, &slope);
        for (int k = 2; k <= depth; k++) {
            double next = (double)seer_partial_denominator(xs[depth - k], positive, epsilon, &slope) * current + previous;
            previous = current;
            current = next;
        }
        z[index] = (float)(previous / (positive ? current : seer_clipped(current, epsilon)));
    }
}

// gradX[r, j·K + k − 1] += gradZ[r, j]·(−1)^k·(Q_{K−k}/Q_K)²·da_k/dx_k.
extern "C" __global__ void seer_continued_fraction_backward(const float *x, const float *gradZ, float *gradX, long count, int depth,
                                                            int positive, float epsilon) {
    for (long index = blockIdx.x * (long)blockDim.x + threadIdx.x; index < count; index += (long)gridDim.x * blockDim.x) {
        const float *xs = x + index * depth;
        double q[SEER_LADDER_MAX_DEPTH + 1];
        float slope;
        q[0] = 1.0;
        q[1] = seer_partial_denominator(xs[depth - 1], positive, epsilon, &slope);
        for (int k = 2; k <= depth; k++) q[k] = (double)seer_partial_denominator(xs[depth - k], positive, epsilon, &slope) * q[k - 1] + q[k - 2];
        double reciprocal = 1.0 / (positive ? q[depth] : seer_clipped(q[depth], epsilon)), upstream = gradZ[index];
        for (int k = 1; k <= depth; k++) {
            double ratio = q[depth - k] * reciprocal;
            double df = (k % 2 == 0 ? 1.0 : -1.0) * ratio * ratio;
            seer_partial_denominator(xs[k - 1], positive, epsilon, &slope);
            gradX[index * depth + k - 1] += (float)(upstream * df * (double)slope);
        }
    }
}

// y[b, t, c] = bias[c] + Σ_j w[c, j]·x[b, t − (K−1) + j, c] (zeros before the start); bias may be null.
extern "C" __global__ void seer_causal_conv_forward(const float *x, const float *weight, const float *bias, float *y, long batch, long time,
                                                    long channels, int kernel) {
    for (long idx = blockIdx.x * (long)blockDim.x + threadIdx.x; idx < batch * time * channels; idx += (long)gridDim.x * blockDim.x) {
        long c = idx % channels, bt = idx / channels, t = bt % time;
        float sum = bias ? bias[c] : 0.0f;
        for (int j = 0; j < kernel; j++) {
            long source = t - (kernel - 1) + j;
            if (source >= 0) sum += weight[c * kernel + j] * x[(bt - t + source) * channels + c];
        }
        y[idx] = sum;
    }
}

// dx[b, s, c] += Σ_j w[c, j]·g[b, s + K−1−j, c] (each thread gathers its own element).
extern "C" __global__ void seer_causal_conv_backward_x(const float *weight, const float *g, float *gradX, long batch, long time,
                                                       long channels, int kernel) {
    for (long idx = blockIdx.x * (long)blockDim.x + threadIdx.x; idx < batch * time * channels; idx += (long)gridDim.x * blockDim.x) {
        long c = idx % channels, bs = idx / channels, s = bs % time;
        float sum = gradX[idx];
        for (int j = 0; j < kernel; j++) {
            long t = s + (kernel - 1) - j;
            if (t < time) sum += weight[c * kernel + j] * g[(bs - s + t) * channels + c];
        }
        gradX[idx] = sum;
    }
}

// dw[c, j] += Σ_{b,t} x[b, t − K+1+j, c]·g[b, t, c]: one thread per tap.
extern "C" __global__ void seer_causal_conv_backward_weight(const float *x, const float *g, float *gradWeight, long batch, long time,
                                                            long channels, int kernel) {
    for (long idx = blockIdx.x * (long)blockDim.x + threadIdx.x; idx < channels * kernel; idx += (long)gridDim.x * blockDim.x) {
        long c = idx / kernel;
        int j = (int)(idx % kernel);
        float sum = gradWeight[idx];
        for (long bt = 0; bt < batch * time; bt++) {
            long t = bt % time, source = t - (kernel - 1) + j;
            if (source >= 0) sum += x[(bt - t + source) * channels + c] * g[bt * channels + c];
        }
        gradWeight[idx] = sum;
    }
}

// dbias[c] += Σ_{b,t} g[b, t, c]: one thread per channel.
extern "C" __global__ void seer_causal_conv_backward_bias(const float *g, float *gradBias, long batch, long time, long channels) {
    for (long c = blockIdx.x * (long)blockDim.x + threadIdx.x; c < channels; c += (long)gridDim.x * blockDim.x) {
        float sum = gradBias[c];
        for (long bt = 0; bt < batch * time; bt++) sum += g[bt * channels + c];
        gradBias[c] = sum;
    }
}
