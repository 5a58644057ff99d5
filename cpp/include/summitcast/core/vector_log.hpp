// Logarithms four values at once in a v4d with no branch, table or library
// call, so that the loop around them stays in vector registers:
//
// - log1p_unit(t), log(1 + t) for 0 <= t <= 1: the log(1 + e^-|eta|) of the
//   logit importance densities (bayes/logit_log_lik.hpp), after
//   core/vector_exp.hpp's e^-|eta|;
// - log_normal(x), log x for positive normal x: the log F_t of a Kalman
//   filter's steps, taken for a block of steps at once
//   (statespace/framed_steps.hpp).
//
// Both reduce to u in (0.707, 1.414] with log of the input = k ln 2 + log u,
// and log u = 2 atanh(s), s = (u - 1)/(u + 1), with
//   2 atanh(s) = 2 s (1 + s^2/3 + s^4/5 + ... ),
// which converges fast for small |s|: |s| <= (sqrt2 - 1) / (sqrt2 + 1) =
// 0.1716 and s^2 <= 0.0295 on the whole range, and the series is cut after
// s^22/23, whose remainder is below 0.0295^12 / 25 < 1e-19 relative.
//
// log1p_unit: where u = 1 + t > sqrt 2 the argument is halved (u/2 in
// (0.707, 1], k = 1); s is formed from t without rounding u first:
//   u <= sqrt 2:  s = t / (2 + t)
//   u >  sqrt 2:  s = (t - 1) / (t + 3)   (from u/2 = (1 + t)/2).
// log_normal: x = 2^e m with m in [1, 2) read from the bits of x (the
// exponent field and the significand with the exponent of 1); where
// m > sqrt 2, u = m / 2 and k = e + 1, else u = m and k = e.  u - 1 is then
// exact (Sterbenz), so s carries one rounding, and the result is within a
// few ulps of log x relative to log x (and of ln 2 absolute where k != 0).
// Zero, negative, subnormal, infinite and NaN inputs are the caller's to
// avoid (their lanes give meaningless numbers, not a trap).
// Both are tested against long double references in cpp/tests/test_core.cpp.
#pragma once

#include "summitcast/core/simd.hpp"
#include "summitcast/core/vector_exp.hpp"  // kLn2Hi, kLn2Lo

namespace summitcast {

namespace detail {

// k ln 2 + 2 atanh(s) for |s| <= 0.1716 (see above).
SUMMITCAST_INLINE_IN_CLONES void log_from_atanh(const simd::v4d& s, const simd::v4d& k, simd::v4d& out) {
  using simd::v4d;
  const v4d z = s * s;
  // 1/(2j + 1) for j = 11 down to 1, by Horner's rule in z = s^2
  static constexpr double kOddInverses[] = {1.0 / 23.0, 1.0 / 21.0, 1.0 / 19.0, 1.0 / 17.0, 1.0 / 15.0, 1.0 / 13.0,
                                            1.0 / 11.0, 1.0 / 9.0,  1.0 / 7.0,  1.0 / 5.0,  1.0 / 3.0};
  simd::v4d_local p;
  simd::horner(simd::v4d_local(z), kOddInverses, p);
  // 2 s (1 + z p) = 2s + 2s z p: the leading term kept apart, added last
  const v4d two_s = s + s;
  out = k * kLn2Hi + (two_s + (two_s * z * p + k * kLn2Lo));
}

}  // namespace detail

SUMMITCAST_INLINE_IN_CLONES void log1p_unit(const simd::v4d& t, simd::v4d& out) {
  constexpr double t_sqrt2 = 0.41421356237309504880;  // sqrt 2 - 1
  using simd::v4d;
  const auto halved = t > t_sqrt2;  // lanes of all ones where u is halved
  const v4d k = halved ? 1.0 : 0.0;
  const v4d s = (halved ? t - 1.0 : t) / (halved ? t + 3.0 : t + 2.0);
  detail::log_from_atanh(s, k, out);
}

SUMMITCAST_INLINE_IN_CLONES void log_normal(const simd::v4d& x, simd::v4d& out) {
  using simd::v4d;
  using simd::v4u;
  constexpr double sqrt2 = 1.41421356237309504880;
  constexpr unsigned long long kSignificand = 0x000FFFFFFFFFFFFFULL, kOneExponent = 0x3FF0000000000000ULL;
  constexpr unsigned long long kTwo52Bits = 0x4330000000000000ULL;  // the bits of 2^52
  const v4u bits = reinterpret_cast<v4u>(x);
  const v4u m_bits = (bits & kSignificand) | kOneExponent;
  const v4d m = reinterpret_cast<v4d>(m_bits);  // in [1, 2)
  // the biased exponent as a double: 2^52 + field, read back as a double,
  // minus 2^52 (exact: the field is below 2^11)
  const v4u e_bits = (bits >> 52) | kTwo52Bits;
  const v4d biased = reinterpret_cast<v4d>(e_bits) - 4503599627370496.0;
  const auto halved = m > sqrt2;
  const v4d u = halved ? m * 0.5 : m;
  const v4d k = (biased - 1023.0) + (halved ? 1.0 : 0.0);
  const v4d s = (u - 1.0) / (u + 1.0);
  detail::log_from_atanh(s, k, out);
}

}  // namespace summitcast
