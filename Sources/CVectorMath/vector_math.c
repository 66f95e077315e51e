// See include/vector_math.h. Every kernel is a plain loop of branch-free arithmetic (no libm
// calls), written once in KERNELS(...) and compiled twice: for baseline x86-64 and, through a
// target attribute, for AVX2+FMA; the compiler's loop vectoriser widens both and fuses a·b + c
// in the second. A dispatcher picks the AVX2 set once, when the CPU has it.
//
// exp: x = n·ln2 + r, e^r by a degree-7 polynomial (relative error ≈ 1e-7); adding 1.5·2^23
// rounds x·log2(e) to n and leaves n in the low mantissa bits, from which 2^n is built.
// erf: Abramowitz & Stegun 7.1.26 (absolute error ≤ 1.5e-7) where e^(−x²) is needed anyway
// (GELU's derivative); 7.1.28 (≤ 3e-7, no exp: a polynomial raised to the 16th) for GELU itself.
#include "vector_math.h"
#include <stdint.h>
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#define SEER_KERNELS(SUFFIX, ATTR)                                                                  \
    ATTR static inline float exp_##SUFFIX(float v) {                                                \
        float x = v < -87.3f ? -87.3f : (v > 88.7f ? 88.7f : v);                                    \
        float shifted = x * 1.44269504088896341f + 12582912.0f;                                     \
        float k = shifted - 12582912.0f;                                                            \
        float r = x - k * 0.693359375f + k * 2.12194440e-4f;                                        \
        float p = 1.9875691500e-4f;                                                                 \
        p = p * r + 1.3981999507e-3f;                                                               \
        p = p * r + 8.3334519073e-3f;                                                               \
        p = p * r + 4.1665795894e-2f;                                                               \
        p = p * r + 1.6666665459e-1f;                                                               \
        p = p * r + 5.0000001201e-1f;                                                               \
        p = p * r * r + r + 1.0f;                                                                   \
        uint32_t bits;                                                                              \
        memcpy(&bits, &shifted, 4);                                                                 \
        bits = (bits - 0x4B400000u + 127u) << 23;                                                   \
        float scale;                                                                                \
        memcpy(&scale, &bits, 4);                                                                   \
        return p * scale;                                                                           \
    }                                                                                               \
    ATTR static inline float erf_##SUFFIX(float x, float gaussian) {                                \
        float a = x < 0 ? -x : x;                                                                   \
        float t = 1.0f / (1.0f + 0.3275911f * a);                                                   \
        float poly = ((((1.061405429f * t - 1.453152027f) * t + 1.421413741f) * t - 0.284496736f)   \
                      * t + 0.254829592f) * t;                                                      \
        float positive = 1.0f - poly * gaussian;                                                    \
        return x < 0 ? -positive : positive;                                                        \
    }                                                                                               \
    /* erf without exp, Abramowitz & Stegun 7.1.28 (absolute error ≤ 3e-7): 1 − 1/P(|x|)^16 */    \
    ATTR static inline float erf_direct_##SUFFIX(float x) {                                         \
        float a = x < 0 ? -x : x;                                                                   \
        float p = ((((((0.0000430638f * a + 0.0002765672f) * a + 0.0001520143f) * a + 0.0092705272f) \
                    * a + 0.0422820123f) * a + 0.0705230784f) * a + 1.0f);                          \
        p = p * p;                                                                                  \
        p = p * p;                                                                                  \
        p = p * p;                                                                                  \
        p = p * p;                                                                                  \
        float positive = 1.0f - 1.0f / p;                                                           \
        return x < 0 ? -positive : positive;                                                        \
    }                                                                                               \
    ATTR static inline float sigmoid_##SUFFIX(float x) { return 1.0f / (1.0f + exp_##SUFFIX(-x)); } \
    ATTR static void gelu_forward_##SUFFIX(const float *x, float *y, size_t n) {                    \
        for (size_t i = 0; i < n; i++) {                                                            \
            float v = x[i], u = v * 0.70710678118654752f;                                           \
            y[i] = 0.5f * v * (1.0f + erf_direct_##SUFFIX(u));                                     \
        }                                                                                           \
    }                                                                                               \
    ATTR static void gelu_backward_##SUFFIX(const float *x, const float *g, float *gx, size_t n) {  \
        for (size_t i = 0; i < n; i++) {                                                            \
            float v = x[i], u = v * 0.70710678118654752f;                                           \
            float gaussian = exp_##SUFFIX(-(u * u));                                                \
            gx[i] += g[i] * (0.5f * (1.0f + erf_##SUFFIX(u, gaussian))                              \
                             + v * gaussian * 0.39894228040143268f);                                \
        }                                                                                           \
    }                                                                                               \
    ATTR static void silu_forward_##SUFFIX(const float *x, float *y, size_t n) {                    \
        for (size_t i = 0; i < n; i++) y[i] = x[i] * sigmoid_##SUFFIX(x[i]);                        \
    }                                                                                               \
    ATTR static void silu_backward_##SUFFIX(const float *x, const float *g, float *gx, size_t n) {  \
        for (size_t i = 0; i < n; i++) {                                                            \
            float s = sigmoid_##SUFFIX(x[i]);                                                       \
            gx[i] += g[i] * s * (1.0f + x[i] * (1.0f - s));                                         \
        }                                                                                           \
    }                                                                                               \
    ATTR static void sigmoid_forward_##SUFFIX(const float *x, float *y, size_t n) {                 \
        for (size_t i = 0; i < n; i++) y[i] = sigmoid_##SUFFIX(x[i]);                               \
    }                                                                                               \
    /* a = ε + softplus(x) = ε + max(x, 0) + log1p(e), e = e^(−|x|) ≤ 1, and slope σ(x). log1p(e) */ \
    /* = 2·atanh(t), t = e/(2 + e) ≤ 1/3: the odd series to t^15 (truncation ≤ 2e-9 relative),   */ \
    /* exact in relative terms for tiny e, so no cancellation anywhere.                           */ \
    ATTR static void softplus_slope_##SUFFIX(const float *x, float *a, float *s, size_t n, float eps) { \
        for (size_t i = 0; i < n; i++) {                                                            \
            float v = x[i], e = exp_##SUFFIX(v < 0 ? v : -v);                                       \
            float t = e / (2.0f + e), t2 = t * t;                                                   \
            float p = 1.0f / 15.0f;                                                                 \
            p = p * t2 + 1.0f / 13.0f;                                                              \
            p = p * t2 + 1.0f / 11.0f;                                                              \
            p = p * t2 + 1.0f / 9.0f;                                                               \
            p = p * t2 + 1.0f / 7.0f;                                                               \
            p = p * t2 + 1.0f / 5.0f;                                                               \
            p = p * t2 + 1.0f / 3.0f;                                                               \
            p = p * t2 + 1.0f;                                                                      \
            float r = 1.0f / (1.0f + e);                                                            \
            a[i] = eps + ((v > 0 ? v : 0.0f) + 2.0f * t * p);                                       \
            s[i] = v >= 0 ? r : e * r;                                                              \
        }                                                                                           \
    }                                                                                               \
    /* tanh through e^(−2|x|); an odd polynomial near 0, where 1 − e^(−2|x|) would cancel. */      \
    ATTR static void tanh_forward_##SUFFIX(const float *x, float *y, size_t n) {                    \
        for (size_t i = 0; i < n; i++) {                                                            \
            float v = x[i], a = v < 0 ? -v : v;                                                     \
            float e = exp_##SUFFIX(-2.0f * a);                                                      \
            float far = (1.0f - e) / (1.0f + e);                                                    \
            float a2 = a * a;                                                                       \
            float near = a * (1.0f + a2 * (-0.333333333f + a2 * (0.133333333f                       \
                              + a2 * (-0.053968254f + a2 * 0.021869488f))));                        \
            float m = a > 0.25f ? far : near;                                                       \
            y[i] = v < 0 ? -m : m;                                                                  \
        }                                                                                           \
    }                                                                                               \
    ATTR static float exp_shifted_##SUFFIX(const float *x, float *y, size_t n, float shift) {       \
        /* In place (attention's rows) gets its own loop: with x == y the vectoriser's overlap */   \
        /* check fails and the two-pointer loop would run scalar. */                                \
        if (x == y) {                                                                               \
            for (size_t i = 0; i < n; i++) y[i] = exp_##SUFFIX(y[i] - shift);                      \
        } else {                                                                                    \
            for (size_t i = 0; i < n; i++) y[i] = exp_##SUFFIX(x[i] - shift);                      \
        }                                                                                           \
        float sums[16] = {0};                                                                       \
        size_t i = 0;                                                                               \
        for (; i + 16 <= n; i += 16)                                                                \
            for (int j = 0; j < 16; j++) sums[j] += y[i + j];                                       \
        float total = 0;                                                                            \
        for (; i < n; i++) total += y[i];                                                           \
        for (int j = 0; j < 16; j++) total += sums[j];                                              \
        return total;                                                                               \
    }                                                                                               \
    /* max by 16 independent lanes (a plain max reduction is not vectorised without fast-math) */  \
    ATTR static void softmax_row_##SUFFIX(const float *x, float *y, size_t n) {                     \
        float lanes[16];                                                                            \
        for (int j = 0; j < 16; j++) lanes[j] = -INFINITY;                                          \
        size_t i = 0;                                                                               \
        for (; i + 16 <= n; i += 16)                                                                \
            for (int j = 0; j < 16; j++) lanes[j] = x[i + j] > lanes[j] ? x[i + j] : lanes[j];      \
        float maximum = -INFINITY;                                                                  \
        for (; i < n; i++) maximum = x[i] > maximum ? x[i] : maximum;                               \
        for (int j = 0; j < 16; j++) maximum = lanes[j] > maximum ? lanes[j] : maximum;             \
        float inverse = 1.0f / exp_shifted_##SUFFIX(x, y, n, maximum);                              \
        for (size_t k = 0; k < n; k++) y[k] *= inverse;                                             \
    }

SEER_KERNELS(base, )
#if defined(__x86_64__)
SEER_KERNELS(avx2, __attribute__((target("avx2,fma"))))
SEER_KERNELS(avx512, __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma"), min_vector_width(512))))
/* Softmax's rows by hand in AVX-512: e^x = 2^k · e^r with k = round(x·log2 e) and 2^k applied by
   vscalefps, which also flushes very negative x to 0 — no clamps and no integer exponent tricks,
   about a third fewer instructions per element than the vectorised generic exp above. Tails are
   masked loads and stores. Softmax is exp-bound at row lengths that stay in L1. */
#define AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,avx2,fma")))
AVX512 static inline __m512 exp16_avx512(__m512 x) {
    __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(k, _mm512_set1_ps(-2.12194440e-4f), r);
    /* degree 6: the r^7 term (≤ 1.3e-7 relative on |r| ≤ ln2/2) is below Float32's rounding */
    __m512 p = _mm512_set1_ps(1.3981999507e-3f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, k);
}
/* e^(x − shift) for softmax rows, in base 2: t = x·log2(e) − shift·log2(e) in one FMA (exact
   product, one rounding), k = round(t), 2^(t−k) by its degree-6 Taylor polynomial (relative
   error ≤ 1.3e-7 on |t−k| ≤ 1/2), 2^k by vscalefps. Ten instructions per 16 values. The rounding
   of shift·log2(e) scales a whole row by one common factor, which normalisation cancels. */
AVX512 static inline __m512 exp_shifted16_avx512(__m512 x, __m512 shift2) {
    __m512 t = _mm512_fmsub_ps(x, _mm512_set1_ps(1.44269504088896341f), shift2);
    __m512 k = _mm512_roundscale_ps(t, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 f = _mm512_sub_ps(t, k);
    __m512 p = _mm512_set1_ps(1.540353e-04f);
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.333356e-03f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(9.618129e-03f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.550411e-02f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(2.402265e-01f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(6.931472e-01f));
    p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.0f));
    return _mm512_scalef_ps(p, k);
}
AVX512 static float exp_shifted_avx512_intrinsics(const float *x, float *y, size_t n, float shift) {
    __m512 s = _mm512_set1_ps(shift * 1.44269504088896341f), total = _mm512_setzero_ps();
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 e = exp_shifted16_avx512(_mm512_loadu_ps(x + i), s);
        _mm512_storeu_ps(y + i, e);
        total = _mm512_add_ps(total, e);
    }
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        __m512 e = exp_shifted16_avx512(_mm512_maskz_loadu_ps(m, x + i), s);
        _mm512_mask_storeu_ps(y + i, m, e);
        total = _mm512_add_ps(total, _mm512_maskz_mov_ps(m, e));
    }
    return _mm512_reduce_add_ps(total);
}
AVX512 static void softmax_row_avx512_intrinsics(const float *x, float *y, size_t n) {
    __m512 lanes = _mm512_set1_ps(-INFINITY);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) lanes = _mm512_max_ps(lanes, _mm512_loadu_ps(x + i));
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        lanes = _mm512_mask_max_ps(lanes, m, lanes, _mm512_maskz_loadu_ps(m, x + i));
    }
    float maximum = _mm512_reduce_max_ps(lanes);
    __m512 inverse = _mm512_set1_ps(1.0f / exp_shifted_avx512_intrinsics(x, y, n, maximum));
    for (i = 0; i + 16 <= n; i += 16) _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), inverse));
    for (; i < n; i++) y[i] *= inverse[0];
}
/* SiLU through the same exp: σ(x) = 1/(1 + e^(−x)); e^(−x) = +inf for x ≪ 0 gives σ = 0. */
AVX512 static void silu_forward_avx512_intrinsics(const float *x, float *y, size_t n) {
    __m512 one = _mm512_set1_ps(1.0f);
    size_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 v = _mm512_loadu_ps(x + i);
        __m512 s = _mm512_div_ps(one, _mm512_add_ps(one, exp16_avx512(_mm512_sub_ps(_mm512_setzero_ps(), v))));
        _mm512_storeu_ps(y + i, _mm512_mul_ps(v, s));
    }
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 s = _mm512_div_ps(one, _mm512_add_ps(one, exp16_avx512(_mm512_sub_ps(_mm512_setzero_ps(), v))));
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(v, s));
    }
}
AVX512 static void silu_backward_avx512_intrinsics(const float *x, const float *g, float *gx, size_t n) {
    __m512 one = _mm512_set1_ps(1.0f);
    size_t i = 0;
    for (; i < n; i += 16) {
        __mmask16 m = n - i >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << (n - i)) - 1u);
        __m512 v = _mm512_maskz_loadu_ps(m, x + i);
        __m512 s = _mm512_div_ps(one, _mm512_add_ps(one, exp16_avx512(_mm512_sub_ps(_mm512_setzero_ps(), v))));
        __m512 d = _mm512_mul_ps(s, _mm512_fmadd_ps(v, _mm512_sub_ps(one, s), one));
        __m512 acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, g + i), d, _mm512_maskz_loadu_ps(m, gx + i));
        _mm512_mask_storeu_ps(gx + i, m, acc);
    }
}
#undef AVX512

/// 0: baseline, 1: AVX2+FMA, 2: AVX-512 (16 lanes). Decided once.
// Set only by tests, to check every instruction set this CPU runs. Thread-local: a test that
// switches the level must not change the arithmetic of other tests running at the same time (a
// net trained twice in another test came out different, and its bit-for-bit checks failed).
static _Thread_local int level_override = -1;
static int level(void) {
    // Threads may race to fill it, all with the same answer; relaxed atomics make that race
    // defined behaviour (a plain int was a data race, reported by ThreadSanitizer) at no cost.
    static int state = -1;
    if (level_override >= 0) return level_override;
    int known = __atomic_load_n(&state, __ATOMIC_RELAXED);
    if (known < 0) {
        int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        known = avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") ? 2 : avx2;
        __atomic_store_n(&state, known, __ATOMIC_RELAXED);
    }
    return known;
}
static int use_avx2(void) { return level() >= 1; }
int seer_vector_math_level(void) { return level(); }
int seer_vector_math_supported_level(void) {
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") ? 2 : avx2;
}
void seer_vector_math_set_level(int wanted) {
    int best = seer_vector_math_supported_level();
    (void)level();
    level_override = wanted < 0 ? -1 : (wanted > best ? best : wanted);
}
#define DISPATCH(NAME, ...) \
    (level() == 2 ? NAME##_avx512(__VA_ARGS__) : level() == 1 ? NAME##_avx2(__VA_ARGS__) : NAME##_base(__VA_ARGS__))
#else
static int use_avx2(void) { return 0; }
int seer_vector_math_level(void) { return 0; }
int seer_vector_math_supported_level(void) { return 0; }
void seer_vector_math_set_level(int wanted) { (void)wanted; }
#define DISPATCH(NAME, ...) NAME##_base(__VA_ARGS__)
#endif

void seer_gelu_backward(const float *x, const float *g, float *gx, size_t n) { DISPATCH(gelu_backward, x, g, gx, n); }
void seer_gelu_forward(const float *x, float *y, size_t n) { DISPATCH(gelu_forward, x, y, n); }
void seer_sigmoid_forward(const float *x, float *y, size_t n) { DISPATCH(sigmoid_forward, x, y, n); }
void seer_tanh_forward(const float *x, float *y, size_t n) { DISPATCH(tanh_forward, x, y, n); }
void seer_softplus_slope(const float *x, float *a, float *s, size_t n, float epsilon) {
    DISPATCH(softplus_slope, x, a, s, n, epsilon);
}
#if defined(__x86_64__)
#define DISPATCH_HAND(NAME, ...) \
    (level() == 2 ? NAME##_avx512_intrinsics(__VA_ARGS__) : level() == 1 ? NAME##_avx2(__VA_ARGS__) : NAME##_base(__VA_ARGS__))
#else
#define DISPATCH_HAND DISPATCH
#endif
void seer_silu_forward(const float *x, float *y, size_t n) { DISPATCH_HAND(silu_forward, x, y, n); }
void seer_silu_backward(const float *x, const float *g, float *gx, size_t n) { DISPATCH_HAND(silu_backward, x, g, gx, n); }
float seer_exp_shifted(const float *x, float *y, size_t n, float shift) { return DISPATCH_HAND(exp_shifted, x, y, n, shift); }
void seer_softmax_row(const float *x, float *y, size_t n) { DISPATCH_HAND(softmax_row, x, y, n); }
int seer_vector_math_uses_avx2(void) { return use_avx2(); }
