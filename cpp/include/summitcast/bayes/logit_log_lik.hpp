// The weighted logit log-likelihood of one linear predictor, the inner loop
// of the logit importance densities (BinaryRegression::log_density_block):
//
//   sum_i w_i [y_i eta_i - log(1 + e^eta_i)],
//   log(1 + e^eta) = max(eta, 0) + log1p(e^-|eta|),
//
// with e^-|eta| in (0, 1] from core/vector_exp.hpp and log1p on [0, 1] from
// core/vector_log.hpp (each within 3 ulps, no library call), four
// observations at a time in one v4d, compiled for the processor
// (core/simd.hpp: AVX2 + FMA where it has them).  Each lane keeps its own
// sum and the lanes and the remainder are combined in a fixed order, so the
// result depends on the data alone (never on the thread that computes it);
// it differs from a term-by-term sum with the library's exp and log1p in
// the last bits (below 1e-14 relative on the forecaster's hazards).
#pragma once

#include <Eigen/Dense>
#include <algorithm>

#include "summitcast/core/simd.hpp"
#include "summitcast/core/vector_exp.hpp"
#include "summitcast/core/vector_log.hpp"

namespace summitcast::bayes {

// wy = w_i y_i, w = w_i and eta: n entries each.
SUMMITCAST_SIMD_CLONES inline double logit_log_lik_sum(const double* wy, const double* w, const double* eta,
                                                       Eigen::Index n) {
  using simd::v4d;
  using simd::v4u;
  constexpr unsigned long long magnitude = 0x7FFFFFFFFFFFFFFFULL;  // clears the sign bit: |x|
  constexpr int kLanes = 4, kChains = 4;  // four v4d per step: independent chains keep the units busy
  v4d sums[kChains] = {};
  const auto add_terms = [](const v4d& e, const v4d& weight, const v4d& weighted_y, v4d& sum)
                             SUMMITCAST_INLINE_LAMBDA {
    const v4d minus_abs = -reinterpret_cast<v4d>(reinterpret_cast<v4u>(e) & magnitude);
    v4d t, log_d;
    exp_nonpositive(minus_abs, t);
    log1p_unit(t, log_d);
    const v4d positive = e > 0.0 ? e : 0.0;  // max(eta, 0)
    sum += weighted_y * e - weight * (positive + log_d);
  };
  const auto at = [](const double* p, Eigen::Index i) SUMMITCAST_INLINE_LAMBDA -> const v4d& {
    return *reinterpret_cast<const v4d*>(p + i);
  };
  const Eigen::Index steps = n / (kLanes * kChains);
  for (Eigen::Index s = 0; s < steps; ++s)
    for (int c = 0; c < kChains; ++c) {
      const Eigen::Index i = (s * kChains + c) * kLanes;
      add_terms(at(eta, i), at(w, i), at(wy, i), sums[c]);
    }
  // the last n mod 16 observations, four at a time, the final ones padded with
  // zeros (a zero weight adds 0)
  for (Eigen::Index i = steps * kLanes * kChains, c = 0; i < n; i += kLanes, ++c) {
    v4d e = {0, 0, 0, 0}, weight = e, weighted_y = e;
    for (Eigen::Index k = i; k < std::min(i + kLanes, n); ++k) {
      e[k - i] = eta[k];
      weight[k - i] = w[k];
      weighted_y[k - i] = wy[k];
    }
    add_terms(e, weight, weighted_y, sums[c]);
  }
  return simd::pairwise_lane_sum((sums[0] + sums[1]) + (sums[2] + sums[3]));
}

}  // namespace summitcast::bayes
