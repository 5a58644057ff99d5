// Runtime dispatch of the few innermost loops to wider vector units.
//
// The package is built for the baseline x86-64 (SSE2), so that one wheel runs
// everywhere.  A function marked SUMMITCAST_SIMD_CLONES is compiled twice,
// for the baseline and for x86-64-v3 (AVX2 + FMA), and the loader picks the
// clone the processor supports (GCC/Clang function multiversioning through
// an ELF ifunc resolver, run once per process, so every thread runs the
// same clone).  The loops so marked are plain loops over short columns (the
// m x m covariance of a Kalman filter step, padded to a multiple of four
// rows), where four doubles per instruction instead of two is most of the
// speed.  The clones may round differently (FMA contracts a·b + c): results
// agree to a few ulps per operation, not bit for bit, between processors.
// The C++ tests build the structured suite once more with the baseline only
// (SUMMITCAST_NO_SIMD_CLONES, see cpp/tests/CMakeLists.txt), so that both
// clones are checked against the plain general path on any machine that
// runs the tests.
//
// AVX-512 (an x86-64-v4 clone, eight doubles per register, a 16-row column
// in two registers) was measured and left out: on this project's machine
// (AMD Zen 4, which runs a 512-bit operation as two 256-bit halves) a
// filter step took the same time within the noise (97-102 ns with missing
// months, either way), and GCC keeps a 64-byte vector type in memory, not
// in registers, in the clones without AVX-512 (4.7x slower per step), so
// it would need a second copy of every loop.
#pragma once

#include <cstddef>
#include <type_traits>

#if defined(__x86_64__) && defined(__ELF__) && !defined(__SANITIZE_ADDRESS__) && !defined(SUMMITCAST_NO_SIMD_CLONES) && \
    (defined(__clang__) ? __clang_major__ >= 14 : (defined(__GNUC__) && __GNUC__ >= 11))
#define SUMMITCAST_SIMD_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define SUMMITCAST_SIMD_CLONES
#endif

// A helper of a SUMMITCAST_SIMD_CLONES function that must be compiled inside
// each clone (with the clone's instruction set), not once for the baseline.
#if defined(__GNUC__)
#define SUMMITCAST_INLINE_IN_CLONES __attribute__((always_inline)) inline
#define SUMMITCAST_INLINE_LAMBDA __attribute__((always_inline))
#else
#define SUMMITCAST_INLINE_IN_CLONES inline
#define SUMMITCAST_INLINE_LAMBDA
#endif

namespace summitcast::simd {

// Four doubles as one value (GCC/Clang vector extensions), loaded and
// stored at any 8-byte boundary: one AVX2 register in the x86-64-v3 clone,
// two SSE2 registers in the baseline one.
typedef double v4d __attribute__((vector_size(32), aligned(8)));

// The same four doubles with the vector's own 32-byte alignment, for values
// that live in registers or locals (a template argument drops v4d's
// alignment attribute, and GCC warns that it does): never a pointer into an
// array.
typedef double v4d_local __attribute__((vector_size(32)));

// v4u: four unsigned 64-bit integers, for bit operations on the doubles of a
// v4d (a cast between the two types reinterprets the bits).
typedef unsigned long long v4u __attribute__((vector_size(32), aligned(8)));

// The sum of the lanes, in lane order.
SUMMITCAST_INLINE_IN_CLONES double lane_sum(const v4d& x) { return ((x[0] + x[1]) + x[2]) + x[3]; }

// The sum of the lanes as two pairs, (x0 + x1) + (x2 + x3): the reduction
// of four independent accumulators (a shorter chain of additions).
SUMMITCAST_INLINE_IN_CLONES double pairwise_lane_sum(const v4d& x) { return (x[0] + x[1]) + (x[2] + x[3]); }

// Horner's rule, out = ((c[0] x + c[1]) x + ... ) x + c[N - 1], for T =
// double or v4d_local (a polynomial's coefficients from the highest power
// down; the loop is unrolled, the coefficients are constants).
template <class T, std::size_t N>
SUMMITCAST_INLINE_IN_CLONES void horner(const T& x, const double (&c)[N], T& out) {
  T p = x * c[0] + c[1];
  for (std::size_t k = 2; k < N; ++k) p = p * x + c[k];
  out = p;
}

// f(std::integral_constant<int, L>{}) with L = ld for the common column
// lengths (4 to 24 rows), L = 0 (a length known only at run time)
// otherwise, so that the loops over a column are unrolled into whole
// registers.  f is a lambda marked SUMMITCAST_INLINE_LAMBDA, so that it is
// compiled inside the calling clone.
template <class F>
SUMMITCAST_INLINE_IN_CLONES decltype(auto) with_column_length(long ld, F&& f) {
  switch (ld) {
    case 4: return f(std::integral_constant<int, 4>{});
    case 8: return f(std::integral_constant<int, 8>{});
    case 12: return f(std::integral_constant<int, 12>{});
    case 16: return f(std::integral_constant<int, 16>{});
    case 20: return f(std::integral_constant<int, 20>{});
    case 24: return f(std::integral_constant<int, 24>{});
    default: return f(std::integral_constant<int, 0>{});
  }
}

}  // namespace summitcast::simd
