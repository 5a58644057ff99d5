// Scalar distribution functions through Boost.Math with an explicit error
// policy: domain errors throw (and are reported as ValueError), overflow
// returns infinity instead of throwing.  Upper tails go through complement(),
// never 1 − cdf, so small tail probabilities keep their precision.
#pragma once

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/fisher_f.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>

#include "summitcast/core/errors.hpp"

namespace summitcast::dist {

using Policy = boost::math::policies::policy<boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                             boost::math::policies::domain_error<boost::math::policies::throw_on_error>>;

// P(X > x) for X ~ χ²(df).
inline double chi2_sf(double x, double df) {
  check_positive("chi2_sf", "df", df);
  if (std::isnan(x)) fail_value("chi2_sf", "x must not be NaN");
  if (x <= 0.0) return 1.0;
  boost::math::chi_squared_distribution<double, Policy> d(df);
  return boost::math::cdf(boost::math::complement(d, x));
}

// P(X > x) for X ~ F(d1, d2).
inline double f_sf(double x, double d1, double d2) {
  check_positive("f_sf", "d1", d1);
  check_positive("f_sf", "d2", d2);
  if (std::isnan(x)) fail_value("f_sf", "x must not be NaN");
  if (x <= 0.0) return 1.0;
  boost::math::fisher_f_distribution<double, Policy> d(d1, d2);
  return boost::math::cdf(boost::math::complement(d, x));
}

// Standard normal quantile Φ⁻¹(p).
inline double normal_ppf(double p) {
  if (!(p > 0.0 && p < 1.0)) fail_value("normal_ppf", "p must be in (0, 1), got ", p);
  boost::math::normal_distribution<double, Policy> d(0.0, 1.0);
  return boost::math::quantile(d, p);
}

// Standard normal cdf Φ(x).
inline double normal_cdf(double x) {
  if (std::isnan(x)) fail_value("normal_cdf", "x must not be NaN");
  boost::math::normal_distribution<double, Policy> d(0.0, 1.0);
  if (x > 0) return 1.0 - boost::math::cdf(boost::math::complement(d, x));
  return boost::math::cdf(d, x);
}

}  // namespace summitcast::dist
