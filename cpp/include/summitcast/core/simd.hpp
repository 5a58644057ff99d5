// Runtime dispatch of the few innermost loops to wider vector units.
//
// The package is built for the baseline x86-64 (SSE2), so that one wheel runs
// everywhere.  A function marked SUMMITCAST_SIMD_CLONES is compiled twice,
// for the baseline and for x86-64-v3 (AVX2 + FMA), and the loader picks the
// clone the processor supports (GCC/Clang function multiversioning, ELF
// only).  The loops so marked are plain loops over short columns (the m x m
// covariance of a Kalman filter step), where four doubles per instruction
// instead of two is most of the speed.  The clones may round differently
// (FMA contracts a·b + c): results agree to a few ulps per operation, not
// bit for bit, between processors.
#pragma once

#if defined(__x86_64__) && defined(__ELF__) && !defined(__SANITIZE_ADDRESS__) && \
    (defined(__clang__) ? __clang_major__ >= 14 : (defined(__GNUC__) && __GNUC__ >= 8))
#define SUMMITCAST_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SUMMITCAST_SIMD_CLONES
#endif

// A helper of a SUMMITCAST_SIMD_CLONES function that must be compiled inside
// each clone (with the clone's instruction set), not once for the baseline.
#if defined(__GNUC__)
#define SUMMITCAST_INLINE_IN_CLONES __attribute__((always_inline)) inline
#else
#define SUMMITCAST_INLINE_IN_CLONES inline
#endif

// Four doubles as one value (GCC/Clang vector extensions), loaded and
// stored at any 8-byte boundary: one AVX2 register in the x86-64-v3 clone,
// two SSE2 registers in the baseline one.
// v4u: four unsigned 64-bit integers, for bit operations on the doubles of a
// v4d (a cast between the two types reinterprets the bits).
namespace summitcast::simd {
typedef double v4d __attribute__((vector_size(32), aligned(8)));
typedef unsigned long long v4u __attribute__((vector_size(32), aligned(8)));
}  // namespace summitcast::simd
