// Decayed causal linear attention (MODELS.md §3), twin of CPU/LinearAttention.swift:
//   S_t = λ S_{t−1} + φk_t v_tᵀ,   o_t = S_tᵀ φq_t,   λ = σ(θ_g) for head h = (sequence, group g)
// in chunks of 64 steps, parallel across heads and chunks wherever the math allows:
//   forward:  U_c = Φk_cᵀ diag(λ^{b−1−j}) V_c per chunk (parallel); the states entering each chunk
//             by a scan over chunks, one thread per state entry (S_{c+1} = λ^b S_c + U_c); then
//             O_c = ((Φq Φkᵀ) ⊙ Γ) V + diag(λ^{i+1}) Φq S_c per chunk (parallel).
//   backward: W_c = Φq_cᵀ diag(λ^{i+1}) dO_c per chunk; the reverse scan G_c = ∂L/∂S_{c+1}
//             (G ← λ^b G + W_c); then every chunk's dΦq, dΦk, dV and its share of ∂L/∂ log λ in
//             one block each; the softmax backward of the features when they came from logits;
//             and dθ per group, summing its heads in order (no atomics anywhere).
// Powers are expf(n·log λ) with log λ = −softplus(−θ), as on the CPU: never λ^{−n}, never ±∞.
// Layouts (Backend.swift): φq of (sequence n, step t, group g) at (n·time + t)·featureStride + g·m,
// φk `keyOffset` further; v, o: [batch, time, groups, e]; states, updates, G: [heads, chunks, m, e].
#include "reduce.cuh"

#define SEER_CHUNK 64

__device__ __forceinline__ float seer_log_sigmoid(float theta) {
    return theta >= 0.0f ? -log1pf(expf(-theta)) : theta - log1pf(expf(theta));
}

__device__ __forceinline__ float seer_decay_power(float logDecay, long n) { return n == 0 ? 1.0f : expf((float)n * logDecay); }

// Where head h's rows start: features (q; k adds keyOffset) and values (v, o, dO, dV).
__device__ __forceinline__ void seer_linear_bases(long h, int groups, long time, int m, int e, long featureStride, long *features,
                                                  long *values) {
    long sequence = h / groups, group = h % groups;
    *features = sequence * time * featureStride + group * m;
    *values = sequence * time * groups * e + group * e;
}

// updates[h, c] = Σ_j λ^{b−1−j} φk_j v_jᵀ over chunk c: one block per (head, chunk), threads over the m·e entries.
extern "C" __global__ void seer_linear_attention_chunk_state(const float *k, const float *v, const float *theta, float *updates,
                                                             long heads, int groups, long time, int m, int e, long featureStride,
                                                             long keyOffset) {
    long chunks = (time + SEER_CHUNK - 1) / SEER_CHUNK;
    for (long block = blockIdx.x; block < heads * chunks; block += gridDim.x) {
        long h = block / chunks, c = block % chunks, start = c * SEER_CHUNK, f, w;
        long b = time - start < SEER_CHUNK ? time - start : SEER_CHUNK;
        seer_linear_bases(h, groups, time, m, e, featureStride, &f, &w);
        float logDecay = seer_log_sigmoid(theta[h % groups]);
        const float *kc = k + f + keyOffset + start * featureStride, *vc = v + w + start * groups * e;
        for (long entry = threadIdx.x; entry < (long)m * e; entry += blockDim.x) {
            long a = entry / e, col = entry % e;
            float sum = 0.0f;
            for (long j = 0; j < b; j++) sum += seer_decay_power(logDecay, b - 1 - j) * kc[j * featureStride + a] * vc[j * groups * e + col];
            updates[(h * chunks + c) * m * e + entry] = sum;
        }
    }
}

// states[h, c] = the state entering chunk c: S_0 = 0, S_{c+1} = λ^{b_c} S_c + updates[h, c]. One thread per (head, entry).
extern "C" __global__ void seer_linear_attention_scan(const float *updates, const float *theta, float *states, long heads, int groups,
                                                      long time, int m, int e) {
    long chunks = (time + SEER_CHUNK - 1) / SEER_CHUNK, size = (long)m * e;
    for (long index = blockIdx.x * (long)blockDim.x + threadIdx.x; index < heads * size; index += (long)gridDim.x * blockDim.x) {
        long h = index / size, entry = index % size;
        float logDecay = seer_log_sigmoid(theta[h % groups]), state = 0.0f;
        for (long c = 0; c < chunks; c++) {
            long b = time - c * SEER_CHUNK < SEER_CHUNK ? time - c * SEER_CHUNK : SEER_CHUNK;
            states[(h * chunks + c) * size + entry] = state;
            state = seer_decay_power(logDecay, b) * state + updates[(h * chunks + c) * size + entry];
        }
    }
}

// Fills `scores` (64×64, row stride 64) with (φq_i·φk_j)·λ^{i−j} for j ≤ i < b and 0 elsewhere.
__device__ void seer_decayed_scores(const float *qc, const float *kc, long featureStride, int m, long b, float logDecay, float *scores) {
    for (long pair = threadIdx.x; pair < SEER_CHUNK * SEER_CHUNK; pair += blockDim.x) {
        long i = pair / SEER_CHUNK, j = pair % SEER_CHUNK;
        float value = 0.0f;
        if (i < b && j <= i) {
            for (int a = 0; a < m; a++) value += qc[i * featureStride + a] * kc[j * featureStride + a];
            value *= seer_decay_power(logDecay, i - j);
        }
        scores[pair] = value;
    }
}

// o_i = Σ_{j ≤ i} A_ij v_j + λ^{i+1} S_cᵀ φq_i, A = (Φq Φkᵀ) ⊙ Γ: one block per (head, chunk).
extern "C" __global__ void seer_linear_attention_output(const float *q, const float *k, const float *v, const float *theta,
                                                        const float *states, float *o, long heads, int groups, long time, int m, int e,
                                                        long featureStride, long keyOffset) {
    __shared__ float scores[SEER_CHUNK * SEER_CHUNK];
    long chunks = (time + SEER_CHUNK - 1) / SEER_CHUNK;
    for (long block = blockIdx.x; block < heads * chunks; block += gridDim.x) {
        long h = block / chunks, c = block % chunks, start = c * SEER_CHUNK, f, w, rv = (long)groups * e;
        long b = time - start < SEER_CHUNK ? time - start : SEER_CHUNK;
        seer_linear_bases(h, groups, time, m, e, featureStride, &f, &w);
        float logDecay = seer_log_sigmoid(theta[h % groups]);
        const float *qc = q + f + start * featureStride, *kc = k + f + keyOffset + start * featureStride, *vc = v + w + start * rv;
        const float *state = states + (h * chunks + c) * m * e;
        seer_decayed_scores(qc, kc, featureStride, m, b, logDecay, scores);
        __syncthreads();
        for (long entry = threadIdx.x; entry < b * e; entry += blockDim.x) {
            long i = entry / e, col = entry % e;
            float sum = 0.0f;
            for (long j = 0; j <= i; j++) sum += scores[i * SEER_CHUNK + j] * vc[j * rv + col];
            if (c > 0) {
                float carried = 0.0f;
                for (int a = 0; a < m; a++) carried += qc[i * featureStride + a] * state[a * e + col];
                sum += seer_decay_power(logDecay, i + 1) * carried;
            }
            o[w + (start + i) * rv + col] = sum;
        }
        __syncthreads();  // `scores` is rewritten for the next chunk
    }
}

// updates[h, c] = Σ_i λ^{i+1} φq_i dO_iᵀ over chunk c (what chunk c's outputs take from the state entering it).
extern "C" __global__ void seer_linear_attention_chunk_query_state(const float *q, const float *gradO, const float *theta, float *updates,
                                                                   long heads, int groups, long time, int m, int e, long featureStride) {
    long chunks = (time + SEER_CHUNK - 1) / SEER_CHUNK;
    for (long block = blockIdx.x; block < heads * chunks; block += gridDim.x) {
        long h = block / chunks, c = block % chunks, start = c * SEER_CHUNK, f, w, rv = (long)groups * e;
        long b = time - start < SEER_CHUNK ? time - start : SEER_CHUNK;
        seer_linear_bases(h, groups, time, m, e, featureStride, &f, &w);
        float logDecay = seer_log_sigmoid(theta[h % groups]);
        const float *qc = q + f + start * featureStride, *gc = gradO + w + start * rv;
        for (long entry = threadIdx.x; entry < (long)m * e; entry += blockDim.x) {
            long a = entry / e, col = entry % e;
            float sum = 0.0f;
            for (long i = 0; i < b; i++) sum += seer_decay_power(logDecay, i + 1) * qc[i * featureStride + a] * gc[i * rv + col];
            updates[(h * chunks + c) * m * e + entry] = sum;
        }
    }
}

// following[h, c] = ∂L/∂S_{c+1} (0 for the last chunk), by G ← λ^{b_c} G + updates[h, c] from the last chunk back.
extern "C" __global__ void seer_linear_attention_reverse_scan(const float *updates, const float *theta, float *following, long heads,
                                                              int groups, long time, int m, int e) {
    long chunks = (time + SEER_CHUNK - 1) / SEER_CHUNK, size = (long)m * e;
    for (long index = blockIdx.x * (long)blockDim.x + threadIdx.x; index < heads * size; index += (long)gridDim.x * blockDim.x) {
        long h = index / size, entry = index % size;
        float logDecay = seer_log_sigmoid(theta[h % groups]), g = 0.0f;
        for (long c = chunks - 1; c >= 0; c--) {
            long b = time - c * SEER_CHUNK < SEER_CHUNK ? time - c * SEER_CHUNK : SEER_CHUNK;
            following[(h * chunks + c) * size + entry] = g;
            g = seer_decay_power(logDecay, b) * g + updates[(h * chunks + c) * size + entry];
        }
    }
}

// One chunk's gradients, one block per (head, chunk), with P = (Φq Φkᵀ) ⊙ Γ recomputed, dP = dO Vᵀ,
// dA = dP ⊙ Γ, S = the state entering the chunk and G = ∂L/∂(the state leaving it):
//   dV_j  += Σ_i P_ij dO_i + λ^{b−1−j} Gᵀ φk_j
//   dΦq_i += Σ_j dA_ij φk_j + λ^{i+1} S dO_i                  (the second term for c > 0)
//   dΦk_j += Σ_i dA_ij φq_i + λ^{b−1−j} G v_j                 (the G terms for chunks before the last)
// and partials[h, c] = this chunk's λ·∂L/∂λ: Σ_{j<i} dP_ij P_ij (i−j) + Σ_i (i+1)λ^{i+1}⟨φq_i, S dO_i⟩
// + b λ^b ⟨G, S⟩ + Σ_j (b−1−j) λ^{b−1−j} ⟨Gᵀφk_j, v_j⟩ (each where its term exists). dΦ goes to
// gradQ/gradK in the features' layout, or, when `features` is given, to its rows [heads, time, 2m]
// (φq's then φk's) for the softmax backward.
extern "C" __global__ void seer_linear_attention_backward_chunk(const float *q, const float *k, const float *v, const float *theta,
                                                                const float *states, const float *following, const float *gradO,
                                                                float *gradQ, float *gradK, float *gradV, float *features,
                                                                double *partials, long heads, int groups, long time, int m, int e,
                                                                long featureStride, long keyOffset) {
    __shared__ float p[SEER_CHUNK * SEER_CHUNK];
    __shared__ float dp[SEER_CHUNK * SEER_CHUNK];
    __shared__ double sums[256];
    long chunks = (time + SEER_CHUNK - 1) / SEER_CHUNK;
    for (long block = blockIdx.x; block < heads * chunks; block += gridDim.x) {
        long h = block / chunks, c = block % chunks, start = c * SEER_CHUNK, f, w, rv = (long)groups * e;
        long b = time - start < SEER_CHUNK ? time - start : SEER_CHUNK;
        int earlier = c > 0, later = c + 1 < chunks;
        seer_linear_bases(h, groups, time, m, e, featureStride, &f, &w);
        float logDecay = seer_log_sigmoid(theta[h % groups]);
        const float *qc = q + f + start * featureStride, *kc = k + f + keyOffset + start * featureStride;
        const float *vc = v + w + start * rv, *gc = gradO + w + start * rv;
        const float *state = states + (h * chunks + c) * m * e, *g = following + (h * chunks + c) * m * e;
        float *gq, *gk;
        long rg;
        if (features) {
            gq = features + (h * time + start) * 2 * m;
            gk = gq + m;
            rg = 2 * m;
        } else {
            gq = gradQ + f + start * featureStride;
            gk = gradK + f + keyOffset + start * featureStride;
            rg = featureStride;
        }
        float *gv = gradV + w + start * rv;
        double weighted = 0.0;

        seer_decayed_scores(qc, kc, featureStride, m, b, logDecay, p);
        for (long pair = threadIdx.x; pair < SEER_CHUNK * SEER_CHUNK; pair += blockDim.x) {
            long i = pair / SEER_CHUNK, j = pair % SEER_CHUNK;
            float value = 0.0f;
            if (i < b && j < b)
                for (int col = 0; col < e; col++) value += gc[i * rv + col] * vc[j * rv + col];
            dp[pair] = value;
        }
        __syncthreads();
        // The λ-term of Γ, then dA = dP ⊙ Γ in place (Γ is P's mask and powers: 0 above the diagonal).
        for (long pair = threadIdx.x; pair < SEER_CHUNK * SEER_CHUNK; pair += blockDim.x) {
            long i = pair / SEER_CHUNK, j = pair % SEER_CHUNK;
            if (j < i) weighted += (double)dp[pair] * p[pair] * (double)(i - j);
            dp[pair] = j <= i && i < b ? dp[pair] * seer_decay_power(logDecay, i - j) : 0.0f;
        }
        __syncthreads();
        for (long entry = threadIdx.x; entry < b * e; entry += blockDim.x) {
            long j = entry / e, col = entry % e;
            float sum = 0.0f;
            for (long i = j; i < b; i++) sum += p[i * SEER_CHUNK + j] * gc[i * rv + col];
            if (later) {
                float kg = 0.0f;
                for (int a = 0; a < m; a++) kg += kc[j * featureStride + a] * g[a * e + col];
                float power = seer_decay_power(logDecay, b - 1 - j);
                sum += power * kg;
                weighted += (double)(b - 1 - j) * power * kg * vc[j * rv + col];
            }
            gv[j * rv + col] += sum;
        }
        for (long entry = threadIdx.x; entry < b * m; entry += blockDim.x) {
            long i = entry / m, a = entry % m;
            float sum = 0.0f;
            for (long j = 0; j <= i; j++) sum += dp[i * SEER_CHUNK + j] * kc[j * featureStride + a];
            if (earlier) {
                float sd = 0.0f;
                for (int col = 0; col < e; col++) sd += gc[i * rv + col] * state[a * e + col];
                float power = seer_decay_power(logDecay, i + 1);
                sum += power * sd;
                weighted += (double)(i + 1) * power * qc[i * featureStride + a] * sd;
            }
            gq[i * rg + a] += sum;
        }
        for (long entry = threadIdx.x; entry < b * m; entry += blockDim.x) {
            long j = entry / m, a = entry % m;
            float sum = 0.0f;
            for (long i = j; i < b; i++) sum += dp[i * SEER_CHUNK + j] * qc[i * featureStride + a];
            if (later) {
                float gvj = 0.0f;
                for (int col = 0; col < e; col++) gvj += g[a * e + col] * vc[j * rv + col];
                sum += seer_decay_power(logDecay, b - 1 - j) * gvj;
            }
            gk[j * rg + a] += sum;
        }
        if (earlier && later) {
            float power = seer_decay_power(logDecay, b);
            for (long entry = threadIdx.x; entry < (long)m * e; entry += blockDim.x) weighted += (double)b * power * g[entry] * state[entry];
        }
        double total = seer_block_sum_double(weighted, sums);
        if (threadIdx.x == 0) partials[h * chunks + c] = total;
        __syncthreads();  // `p` and `dp` are rewritten for the next chunk
    }
}

// Through the features' softmax: dz += φ ⊙ (dφ − ⟨φ, dφ⟩) per row of m, for φq and φk of every
// (head, step); one thread per row.
extern "C" __global__ void seer_linear_attention_softmax_backward(const float *q, const float *k, const float *features, float *gradQ,
                                                                  float *gradK, long heads, int groups, long time, int m, long featureStride,
                                                                  long keyOffset) {
    for (long index = blockIdx.x * (long)blockDim.x + threadIdx.x; index < heads * time * 2; index += (long)gridDim.x * blockDim.x) {
        long h = index / (time * 2), t = (index / 2) % time, isKey = index % 2, f, w;
        seer_linear_bases(h, groups, time, m, 1, featureStride, &f, &w);
        long at = f + t * featureStride + (isKey ? keyOffset : 0);
        const float *phi = (isKey ? k : q) + at, *dphi = features + (h * time + t) * 2 * m + (isKey ? m : 0);
        float *dz = (isKey ? gradK : gradQ) + at;
        float dot = 0.0f;
        for (int a = 0; a < m; a++) dot += phi[a] * dphi[a];
        for (int a = 0; a < m; a++) dz[a] += phi[a] * (dphi[a] - dot);
    }
}

// gradTheta[g] += (1 − λ_g)·Σ over the heads of group g (in order) of their chunks' partials summed:
// λ·∂L/∂λ·(1 − λ) = ∂L/∂θ. One thread per group.
extern "C" __global__ void seer_linear_attention_theta(const double *partials, const float *theta, float *gradTheta, long heads,
                                                       int groups, long time) {
    long chunks = (time + SEER_CHUNK - 1) / SEER_CHUNK;
    for (long group = blockIdx.x * (long)blockDim.x + threadIdx.x; group < groups; group += (long)gridDim.x * blockDim.x) {
        float decay = expf(seer_log_sigmoid(theta[group]));
        for (long h = group; h < heads; h += groups) {
            double sum = 0.0;
            for (long c = 0; c < chunks; c++) sum += partials[h * chunks + c];
            gradTheta[group] += (1.0f - decay) * (float)sum;
        }
    }
}
