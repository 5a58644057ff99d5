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
// so one forecast costs O(m log m).  The weighted sum runs over the members
// minus y (the score is invariant to a common shift), which keeps it free of
// the cancellation a large common offset would cause.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <vector>

#include "summitcast/core/errors.hpp"

namespace summitcast::score {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// CRPS of m members sorted in increasing order, x[0..m-1], at y.
inline double crps_of_sorted_members(const double* x, Eigen::Index m, double y, bool fair) {
  const auto md = static_cast<double>(m);
  double abs_error = 0.0, spread = 0.0;
  for (Eigen::Index k = 0; k < m; ++k) {
    const double d = x[k] - y;
    abs_error += std::abs(d);
    spread += (2.0 * static_cast<double>(k) + 1.0 - md) * d;  // (2(k+1) − m − 1) with 0-based k
  }
  return abs_error / md - spread / (fair ? md * (md - 1.0) : md * md);
}

// samples: n × m, row i the m members of forecast i; y: n outcomes.
// Returns the n scores.  Every value must be finite; fair needs m ≥ 2.
// presorted = true promises rows already in increasing order (as after
// numpy's vectorised sort); it is checked, O(m) per row, instead of sorting.
inline Eigen::VectorXd crps_ensemble(const Eigen::Ref<const Eigen::VectorXd>& y,
                                     const Eigen::Ref<const RowMatrix>& samples, bool fair, bool presorted) {
  const char* fn = "crps_ensemble";
  const Eigen::Index m = samples.cols();
  check_size(fn, "samples rows", samples.rows(), y.size());
  if (m < 1) fail_value(fn, "samples must have at least one member per forecast, got 0");
  if (fair && m < 2) fail_value(fn, "the fair CRPS needs at least two members per forecast, got ", m);
  std::vector<double> work(presorted ? 0 : static_cast<std::size_t>(m));
  Eigen::VectorXd out(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) {
    check_finite(fn, "y", y[i]);
    const double* row = samples.row(i).data();
    if (!presorted) {
      for (Eigen::Index j = 0; j < m; ++j)
        if (!std::isfinite(row[j])) fail_value(fn, "samples must be finite, got ", row[j], " at row ", i, ", member ", j);
      std::copy(row, row + m, work.begin());
      std::sort(work.begin(), work.end());
      row = work.data();
    } else {
      // Sorted with finite ends means all finite: a NaN fails the comparison.
      bool ordered = true;
      for (Eigen::Index j = 1; j < m; ++j) ordered &= row[j] >= row[j - 1];
      if (!ordered || !std::isfinite(row[0]) || !std::isfinite(row[m - 1]))
        fail_value(fn, "samples were declared sorted and finite, but row ", i, " is not");
    }
    out[i] = crps_of_sorted_members(row, m, y[i], fair);
  }
  return out;
}

}  // namespace summitcast::score
