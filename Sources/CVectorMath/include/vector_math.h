// Transcendental element-wise kernels for the CPU backend, in C so that one build carries both
// a baseline and an AVX2+FMA version of each and picks one at run time (Swift cannot select
// instruction sets per function, and its SIMD code neither fuses multiply-adds nor vectorises
// well on baseline x86-64). Each function processes n floats; `accumulate` variants add into
// their output.
#ifndef SEER_VECTOR_MATH_H
#define SEER_VECTOR_MATH_H

#include <stddef.h>

/// y = GELU(x) = x/2 · (1 + erf(x/√2)).
void seer_gelu_forward(const float *x, float *y, size_t n);
/// gx += g · GELU'(x).
void seer_gelu_backward(const float *x, const float *g, float *gx, size_t n);
/// y = x · σ(x).
void seer_silu_forward(const float *x, float *y, size_t n);
/// gx += g · σ(x)(1 + x(1 − σ(x))).
void seer_silu_backward(const float *x, const float *g, float *gx, size_t n);
/// y = σ(x).
void seer_sigmoid_forward(const float *x, float *y, size_t n);
/// a = ε + softplus(x) and s = σ(x) = softplus'(x) (relative error ≈ 1e-7; tiny values exact
/// in relative terms).
void seer_softplus_slope(const float *x, float *a, float *s, size_t n, float epsilon);
/// y = tanh(x).
void seer_tanh_forward(const float *x, float *y, size_t n);
/// y = e^(x − shift) (y may equal x); returns Σ y.
float seer_exp_shifted(const float *x, float *y, size_t n, float shift);
/// y = softmax(x) over one row of n values (max-subtracted).
void seer_softmax_row(const float *x, float *y, size_t n);
/// 1 when the AVX2+FMA (or AVX-512) versions are in use.
int seer_vector_math_uses_avx2(void);

/// The instruction set in use (0 baseline, 1 AVX2+FMA, 2 AVX-512) and the best this CPU runs.
int seer_vector_math_level(void);
int seer_vector_math_supported_level(void);
/// Tests only: use `level` on the calling thread (clamped to what the CPU runs; −1 restores automatic choice).
void seer_vector_math_set_level(int level);

#endif
