// log(1 + t) for 0 <= t <= 1, four values at once in a v4d with no branch,
// table or library call, so that the loop around it stays in vector
// registers (the log(1 + e^-|eta|) of the logit importance densities,
// bayes/logit_log_lik.hpp, after core/vector_exp.hpp's e^-|eta|).
//
// With u = 1 + t, log u = 2 atanh(s), s = (u - 1)/(u + 1), and
//   2 atanh(s) = 2 s (1 + s^2/3 + s^4/5 + ... ),
// which converges fast for small |s|.  Where u > sqrt 2 the argument is
// halved (u/2 in (0.707, 1], log u = log(u/2) + ln 2), so |s| <= (sqrt2 - 1) /
// (sqrt2 + 1) = 0.1716 and s^2 <= 0.0295 on the whole range; s is formed
// from t without rounding u first:
//   u <= sqrt 2:  s = t / (2 + t)
//   u >  sqrt 2:  s = (t - 1) / (t + 3)   (from u/2 = (1 + t)/2),
// and the series is cut after s^22/23, whose remainder is below
// 0.0295^12 / 25 < 1e-19 relative.  The result is within a few ulps of
// log1p(t) (tested against long double log1p in cpp/tests/test_core.cpp).
#pragma once

#include "summitcast/core/simd.hpp"
#include "summitcast/core/vector_exp.hpp"  // kLn2Hi, kLn2Lo

namespace summitcast {

SUMMITCAST_INLINE_IN_CLONES void log1p_unit(const simd::v4d& t, simd::v4d& out) {
  constexpr double t_sqrt2 = 0.41421356237309504880;  // sqrt 2 - 1
  using simd::v4d;
  const auto halved = t > t_sqrt2;  // lanes of all ones where u is halved
  const v4d k = halved ? 1.0 : 0.0;
  const v4d s = (halved ? t - 1.0 : t) / (halved ? t + 3.0 : t + 2.0);
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

}  // namespace summitcast
