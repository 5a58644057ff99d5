// The CRPS of Poisson and negative-binomial predictive distributions at
// observed counts: the checked entry points.  The Poisson CRPS is its closed
// form (crps_closed_form.hpp, a few hundred ns); the negative binomial's
// closed form needs a quadrature (several µs), so it is used only where
// summing the CRPS's definition over the support would take longer.
//
// For a distribution on {0, 1, 2, …} the CDF is a step function, so
//
//     CRPS(F, y) = Σ_{k≥0} (F(k) − 1{y ≤ k})²
//                = Σ_{k<y} F(k)² + Σ_{k≥y} S(k)²,     S(k) = 1 − F(k),
//
// exactly.  The mass function follows from f(0) = pⁿ and the ratio
// f(k+1)/f(k) = (1 − p)(k + n)/(k + 1), so the sum needs no special function.
// F(k) is the forward cumulative sum and S(k) a backward sum of the stored
// masses, each summed from its small end, so neither loses relative accuracy
// in its tail.  The sum stops at the first K ≥ max(y, mean) where the mass
// beyond K, bounded by f(K) q/(1 − q) with q ≥ every later ratio, is below
// 1e-18.  For a count forecast of moderate mean this takes tens to hundreds
// of terms (a few ns each) and is several times faster than the closed form;
// when it would take more than `max_terms` terms (large means, heavy tails),
// or f(0) underflows, the closed form is used instead.  max_terms = 0 forces
// the closed form (the tests compare the two).
//
// Shapes: y, and the parameters, are vectors of equal length n (one entry per
// forecast, broadcast by the caller); the result has length n.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "summitcast/core/errors.hpp"
#include "summitcast/score/crps_closed_form.hpp"

namespace summitcast::score {

namespace detail {

inline void check_count(const char* fn, double y) {
  if (!(y >= 0.0) || !std::isfinite(y) || y != std::floor(y))
    fail_value(fn, "y must be a non-negative integer count, got ", y);
}

// Σ_k (F(k) − 1{y ≤ k})² for a distribution on {0, 1, …} with f(0) = pmf0
// and f(k+1)/f(k) = ratio(k), whose ratios beyond k never exceed
// max(ratio(k), tail_ratio).  `pmf` is a workspace.  Returns NaN when more
// than max_terms terms would be needed.
template <class Ratio>
double count_crps_by_summation(double y, double mean, double pmf0, Ratio ratio, double tail_ratio, long max_terms,
                               std::vector<double>& pmf) {
  const double fail = std::numeric_limits<double>::quiet_NaN();
  if (!(pmf0 > 1e-280) || max_terms < 1) return fail;
  pmf.clear();
  const double past = std::max(y, mean);
  double f = pmf0;
  for (long k = 0;; ++k) {
    pmf.push_back(f);
    const double r = ratio(static_cast<double>(k));
    if (static_cast<double>(k) >= past) {
      const double q = std::max(r, tail_ratio);
      if (q < 1.0 && f * q <= 1e-18 * (1.0 - q)) break;
    }
    if (k + 1 >= max_terms) return fail;
    f *= r;
  }
  const auto top = static_cast<long>(pmf.size());  // > y, since the loop ran past y
  const auto iy = static_cast<long>(y);
  double crps = 0.0, cdf = 0.0;
  for (long k = 0; k < iy; ++k) {
    cdf += pmf[static_cast<std::size_t>(k)];
    crps += cdf * cdf;
  }
  double survival = 0.0;  // S(k) = Σ_{j>k} f(j), the mass beyond `top` neglected
  for (long k = top - 1; k >= iy; --k) {
    crps += survival * survival;
    survival += pmf[static_cast<std::size_t>(k)];
  }
  return crps;
}

}  // namespace detail

// The length beyond which the negative binomial's closed form is cheaper
// (measured: a summation term costs 3–5 ns, the closed form about 6 µs).
constexpr long negbin_max_terms = 2000;

// CRPS of Poisson(μ) at the count y; μ = 0 is the point mass at 0 (CRPS = y).
inline double crps_poisson(double y, double mu) {
  detail::check_count("crps_poisson", y);
  check_nonnegative("crps_poisson", "mu", mu);
  return mu == 0.0 ? y : crps_poisson_closed_form(y, mu);
}

// CRPS of the negative binomial (size n > 0, prob p in (0, 1]) at the count
// y; p = 1 is the point mass at 0 (CRPS = y).
inline double crps_negbin(double y, double size, double prob, long max_terms, std::vector<double>& work) {
  detail::check_count("crps_negbin", y);
  check_positive("crps_negbin", "size", size);
  if (!(prob > 0.0 && prob <= 1.0)) fail_value("crps_negbin", "prob must be in (0, 1], got ", prob);
  if (prob == 1.0) return y;
  const double q = 1.0 - prob;
  const double sum = detail::count_crps_by_summation(
      y, size * q / prob, std::exp(size * std::log(prob)), [size, q](double k) { return q * (k + size) / (k + 1.0); },
      q, max_terms, work);
  return std::isnan(sum) ? crps_negbin_closed_form(y, size, prob) : sum;
}

inline Eigen::VectorXd crps_poisson_many(const Eigen::Ref<const Eigen::VectorXd>& y,
                                         const Eigen::Ref<const Eigen::VectorXd>& mu) {
  check_size("crps_poisson", "mu", mu.size(), y.size());
  Eigen::VectorXd out(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) out[i] = crps_poisson(y[i], mu[i]);
  return out;
}

inline Eigen::VectorXd crps_negbin_many(const Eigen::Ref<const Eigen::VectorXd>& y,
                                        const Eigen::Ref<const Eigen::VectorXd>& size,
                                        const Eigen::Ref<const Eigen::VectorXd>& prob, long max_terms) {
  check_size("crps_negbin", "size", size.size(), y.size());
  check_size("crps_negbin", "prob", prob.size(), y.size());
  std::vector<double> work;
  Eigen::VectorXd out(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) out[i] = crps_negbin(y[i], size[i], prob[i], max_terms, work);
  return out;
}

}  // namespace summitcast::score
