// e^x for x <= 0, written so that a loop of calls vectorises (no branch, no
// table, no library call), for the one pass of exponentials of the Hawkes fit
// and the e^{-|eta|} of the logit importance densities (four at a time, in a
// v4d, see bayes/logit_log_lik.hpp).
//
// Range reduction: x = n ln 2 + r with n = round(x / ln 2) and |r| <= ln 2 / 2,
// so e^x = 2^n e^r.  n is rounded by adding 1.5 · 2^52 (the sum's last bits are
// then n, in two's complement, which also gives 2^n by integer arithmetic on
// the bits: (n + 1023) << 52 is the double 2^n).  r = x − n ln2_hi − n ln2_lo
// with ln 2 split in two (Cody & Waite) so that n ln2_hi is exact for
// |n| < 2^21.  e^r is its Taylor polynomial of degree 13, whose truncation
// error on |r| <= 0.347 is below 0.347^14 / 14! < 5e-18 relative, summed by
// Horner's rule: the result is within a few ulps of e^x (tested against
// std::exp in cpp/tests/test_core.cpp).  Below x = −708 (where 2^n would be
// subnormal) the result is 0, as e^x < 3.3e-308 there; −∞ gives 0 too.
#pragma once

#include <cstdint>
#include <cstring>

#include "summitcast/core/simd.hpp"

namespace summitcast {

// The arithmetic of the range reduction and the polynomial, shared by the
// scalar and the four-lane forms (T = double or simd::v4d_local, whose
// operators act lane by lane): from x, p = e^r and kd = x log2(e) +
// 1.5 · 2^52, whose low bits hold n.  The three live in one local struct,
// passed by reference (a vector passed by value changes the calling
// convention between the clones).
// ln 2 split so that k · kLn2Hi is exact for |k| < 2^21 (kLn2Hi has 21
// trailing zero bits, 0x3FE62E42FEE00000) and kLn2Hi + kLn2Lo = ln 2 to
// about 1e-26: the range reductions of the exponential here and of
// core/vector_log.hpp's log1p.
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;

template <class T>
struct ExpParts {
  T x, p, kd;
};

template <class T>
SUMMITCAST_INLINE_IN_CLONES void exp_reduced(ExpParts<T>& e) {
  constexpr double log2e = 1.4426950408889634074;
  constexpr double shifter = 6755399441055744.0;  // 1.5 · 2^52
  e.kd = e.x * log2e + shifter;
  const T n = e.kd - shifter;
  const T r = (e.x - n * kLn2Hi) - n * kLn2Lo;
  // the Taylor coefficients 1/k! for k = 13 down to 0
  static constexpr double kInverseFactorials[] = {
      1.0 / 6227020800.0, 1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
      1.0 / 40320.0,      1.0 / 5040.0,      1.0 / 720.0,      1.0 / 120.0,     1.0 / 24.0,
      1.0 / 6.0,          0.5,               1.0,              1.0};
  simd::horner(r, kInverseFactorials, e.p);
}

inline constexpr double kExpLowest = -708.0;
inline constexpr std::uint64_t kExpShifterBits = 0x4338000000000000ULL;  // the bits of 1.5 · 2^52

SUMMITCAST_INLINE_IN_CLONES double exp_nonpositive(double x) {
  ExpParts<double> e{x, 0.0, 0.0};
  exp_reduced(e);
  double p = e.p;
  // Below the lowest x (or at −∞, where p is NaN) both factors are set to
  // +0 through their bits: a mask, not a branch, so that the loop vectorises.
  // The shift is done on unsigned bits: below the lowest x, n + 1023 is
  // negative, and a left shift of a negative signed value is undefined (the
  // mask then discards the result anyway).
  const std::uint64_t keep = -static_cast<std::uint64_t>(x >= kExpLowest);  // all ones or zero
  std::uint64_t bits, pbits;
  std::memcpy(&bits, &e.kd, sizeof bits);
  std::memcpy(&pbits, &p, sizeof pbits);
  bits = ((bits - kExpShifterBits + 1023U) << 52) & keep;  // the bits of 2^n
  pbits &= keep;
  double scale;
  std::memcpy(&scale, &bits, sizeof scale);
  std::memcpy(&p, &pbits, sizeof p);
  return p * scale;
}

// exp_nonpositive of four values at once into out (lane k is
// exp_nonpositive(x[k]), the same arithmetic on the lanes of a v4d; where a
// clone contracts a·b + c into one FMA the two forms may differ in the last
// bit).
SUMMITCAST_INLINE_IN_CLONES void exp_nonpositive(const simd::v4d& x, simd::v4d& out) {
  using simd::v4u;
  ExpParts<simd::v4d_local> e{x, {}, {}};
  exp_reduced(e);
  const v4u keep = reinterpret_cast<v4u>(x >= kExpLowest);  // all ones or zero per lane
  const v4u scale = ((reinterpret_cast<v4u>(e.kd) - kExpShifterBits + 1023U) << 52) & keep;
  out = reinterpret_cast<simd::v4d>(reinterpret_cast<v4u>(e.p) & keep) * reinterpret_cast<simd::v4d>(scale);
}

}  // namespace summitcast
