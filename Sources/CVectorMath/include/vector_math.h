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
/// y = tanh(x).
void seer_tanh_forward(const float *x, float *y, size_t n);
/// y = e^(x − shift) (y may equal x); returns Σ y.
float seer_exp_shifted(const float *x, float *y, size_t n, float shift);
/// 1 when the AVX2+FMA versions are in use.
int seer_vector_math_uses_avx2(void);

#endif
