// e^x for x <= 0, written so that a loop of calls vectorises (no branch, no
// table, no library call), for the one pass of exponentials of the Hawkes fit.
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

SUMMITCAST_INLINE_IN_CLONES double exp_nonpositive(double x) {
  constexpr double lowest = -708.0;
  constexpr double log2e = 1.4426950408889634074;
  constexpr double ln2_hi = 6.93147180369123816490e-01;  // 0x3FE62E42FEE00000: 21 trailing zero bits
  constexpr double ln2_lo = 1.90821492927058770002e-10;
  constexpr double shifter = 6755399441055744.0;  // 1.5 · 2^52
  const double kd = x * log2e + shifter;
  const double n = kd - shifter;
  const double r = (x - n * ln2_hi) - n * ln2_lo;
  // 1/k! for k = 13 down to 2.
  double p = 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  p = p * r + 0.5;
  p = p * r + 1.0;
  p = p * r + 1.0;
  // Below the lowest x (or at −∞, where p is NaN) both factors are set to
  // +0 through their bits: a mask, not a branch, so that the loop vectorises.
  // The shift is done on unsigned bits: below the lowest x, n + 1023 is
  // negative, and a left shift of a negative signed value is undefined (the
  // mask then discards the result anyway).
  const std::uint64_t keep = -static_cast<std::uint64_t>(x >= lowest);  // all ones or zero
  std::uint64_t bits, pbits;
  std::memcpy(&bits, &kd, sizeof bits);
  std::memcpy(&pbits, &p, sizeof pbits);
  bits = ((bits - 0x4338000000000000ULL + 1023U) << 52) & keep;  // the bits of 2^n
  pbits &= keep;
  double scale;
  std::memcpy(&scale, &bits, sizeof scale);
  std::memcpy(&p, &pbits, sizeof p);
  return p * scale;
}

}  // namespace summitcast
