// The CRPS of a forecast given as m samples (an ensemble, or draws of a
// simulated predictive distribution).
//
// With x₁..x_m the members and y the outcome,
//
//     plain:  CRPS = (1/m) Σᵢ |xᵢ − y| − 1/(2m²)       Σᵢ Σⱼ |xᵢ − xⱼ|
//     fair:   CRPS = (1/m) Σᵢ |xᵢ − y| − 1/(2m(m − 1)) Σᵢ Σⱼ |xᵢ − xⱼ|
//
// The plain form is the CRPS of the empirical distribution of the members
// (Gneiting & Raftery 2007, eq. 21 with F the empirical CDF).  The fair form
// (Ferro 2014; Zamo & Naveau 2018) replaces the V-statistic for E|X − X'| by
// its unbiased U-statistic, so that for members drawn independently from F its
// expectation is the CRPS of F itself, whatever m.
//
// The double sum costs O(m²) as written; after sorting, x₍₁₎ ≤ … ≤ x₍ₘ₎,
//     Σᵢ Σⱼ |xᵢ − xⱼ| = 2 Σₖ (2k − m − 1) x₍ₖ₎,
// so one forecast costs O(m log m).  Members are shifted by y first (the
// score is invariant to a common shift), which keeps the weighted sum free of
// the cancellation a large common offset would cause.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

#include "summitcast/core/errors.hpp"

namespace summitcast::score {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// CRPS of the members in `work` (overwritten: shifted and sorted) at y.
inline double crps_sorted_members(std::vector<double>& work, double y, bool fair) {
  const auto m = static_cast<double>(work.size());
  for (double& x : work) x -= y;
  std::sort(work.begin(), work.end());
  double abs_error = 0.0, spread = 0.0;
  for (std::size_t k = 0; k < work.size(); ++k) {
    abs_error += std::abs(work[k]);
    spread += (2.0 * static_cast<double>(k) + 1.0 - m) * work[k];  // (2(k+1) − m − 1) with 0-based k
  }
  const double half_mean_pair = spread / (fair ? m * (m - 1.0) : m * m);
  return abs_error / m - half_mean_pair;
}

// samples: n × m, row i the m members of forecast i; y: n outcomes.
// Returns the n scores.  Every value must be finite; fair needs m ≥ 2.
inline Eigen::VectorXd crps_ensemble(const Eigen::Ref<const Eigen::VectorXd>& y,
                                     const Eigen::Ref<const RowMatrix>& samples, bool fair) {
  const char* fn = "crps_ensemble";
  check_size(fn, "samples rows", samples.rows(), y.size());
  if (samples.cols() < 1) fail_value(fn, "samples must have at least one member per forecast, got 0");
  if (fair && samples.cols() < 2)
    fail_value(fn, "the fair CRPS needs at least two members per forecast, got ", samples.cols());
  std::vector<double> work(static_cast<std::size_t>(samples.cols()));
  Eigen::VectorXd out(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    check_finite(fn, "y", y[i]);
    for (Eigen::Index j = 0; j < samples.cols(); ++j) {
      const double x = samples(i, j);
      if (!std::isfinite(x)) fail_value(fn, "samples must be finite, got ", x, " at row ", i, ", member ", j);
      work[static_cast<std::size_t>(j)] = x;
    }
    out[i] = crps_sorted_members(work, y[i], fair);
  }
  return out;
}

}  // namespace summitcast::score
