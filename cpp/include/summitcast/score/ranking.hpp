// The area under the ROC curve as the Mann–Whitney statistic.
//
// With n₁ forecasts for events (y = 1) and n₀ for non-events (y = 0),
//
//     AUC = (1/(n₁n₀)) Σ_{i: yᵢ=1} Σ_{j: yⱼ=0} [ 1{pᵢ > pⱼ} + ½ 1{pᵢ = pⱼ} ],
//
// the probability that a random event got a higher forecast than a random
// non-event, ties counting one half (Hanley & McNeil 1982).  This equals the
// trapezoidal area under the empirical ROC curve, ties included.  After one
// sort it is a single pass over groups of equal forecasts: every event in a
// group beats the non-events in lower groups and ties those in its own.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <numeric>
#include <vector>

#include "summitcast/core/errors.hpp"

namespace summitcast::score {

// p: n forecasts (finite); y: n outcomes in {0, 1}.  Both classes must occur.
inline double auc_mann_whitney(const Eigen::Ref<const Eigen::VectorXd>& p, const Eigen::Ref<const Eigen::VectorXd>& y) {
  const char* fn = "auc";
  check_size(fn, "y", y.size(), p.size());
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    check_finite(fn, "p", p[i]);
    if (y[i] != 0.0 && y[i] != 1.0) fail_value(fn, "y must be 0 or 1, got ", y[i], " at position ", i);
  }
  const double n1 = y.sum();
  const double n0 = static_cast<double>(y.size()) - n1;
  if (n1 == 0.0 || n0 == 0.0)
    fail_value(fn, "y must contain both outcomes to rank them, got ", n1, " events and ", n0, " non-events");
  std::vector<Eigen::Index> order(static_cast<std::size_t>(p.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return p[a] < p[b]; });
  double wins = 0.0, negatives_below = 0.0;
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    double pos = 0.0, neg = 0.0;
    while (j < order.size() && p[order[j]] == p[order[i]]) {
      (y[order[j]] == 1.0 ? pos : neg) += 1.0;
      ++j;
    }
    wins += pos * (negatives_below + 0.5 * neg);
    negatives_below += neg;
    i = j;
  }
  return wins / (n1 * n0);
}

}  // namespace summitcast::score
