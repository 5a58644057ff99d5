// Block bootstrap for time-ordered scores, and the effective number of
// independent observations a mean score rests on.
//
// Scores of forecasts made at consecutive months for overlapping windows are
// not independent: two 12-month windows that share 11 months share most of
// their outcome.  Resampling single observations would then understate the
// uncertainty of a mean score.  A block bootstrap resamples runs of L
// consecutive observations instead, keeping the dependence within a run:
//
// * moving blocks (Künsch 1989): block starts uniform on {0, …, n − L};
// * circular blocks (Politis & Romano 1992): starts uniform on {0, …, n − 1},
//   the series wrapped around, so every observation is equally likely to
//   be drawn.
//
// Blocks are laid end to end and the last one cut so that each replicate has
// exactly n observations.  L = 1 is the ordinary (independent) bootstrap.
// Replicate b draws from the stream (seed, b) of summitcast::Rng, so the
// replicates are the same whatever order or thread computes them.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "summitcast/bayes/diagnostics.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/rng.hpp"

namespace summitcast::score {

struct BlockScheme {
  Eigen::Index block_length = 1;
  bool circular = true;
};

inline void check_scheme(const char* fn, Eigen::Index n, const BlockScheme& s) {
  if (n < 2) fail_value(fn, "the bootstrap needs at least 2 observations, got ", n);
  if (s.block_length < 1 || s.block_length > n)
    fail_value(fn, "block_length must be between 1 and the number of observations (", n, "), got ", s.block_length);
}

// Uniform integer on {0, …, range − 1} from 53 random bits (bias < range/2⁵³).
inline Eigen::Index uniform_index(Rng& rng, Eigen::Index range) {
  const auto k = static_cast<Eigen::Index>(rng.uniform() * static_cast<double>(range));
  return std::min(k, range - 1);
}

// Fill `index` (size n) with the positions of one resampled series.
inline void block_resample(const BlockScheme& s, Rng& rng, std::vector<Eigen::Index>& index) {
  const auto n = static_cast<Eigen::Index>(index.size());
  const Eigen::Index L = s.block_length;
  const Eigen::Index starts = s.circular ? n : n - L + 1;
  for (Eigen::Index filled = 0; filled < n;) {
    const Eigen::Index start = uniform_index(rng, starts);
    for (Eigen::Index k = 0; k < L && filled < n; ++k) index[static_cast<std::size_t>(filled++)] = (start + k) % n;
  }
}

// Column means of `values` (n × k, row t the observations of time t) over
// n_boot resampled series: returns n_boot × k, row b the means of replicate b.
// Means of several columns from the same replicate let a caller bootstrap a
// ratio of means (a skill score, an observed frequency in a bin) coherently.
inline Eigen::MatrixXd block_bootstrap_means(const Eigen::Ref<const Eigen::MatrixXd>& values, const BlockScheme& s,
                                             Eigen::Index n_boot, std::uint64_t seed) {
  const char* fn = "block_bootstrap";
  const Eigen::Index n = values.rows();
  check_scheme(fn, n, s);
  if (n_boot < 1) fail_value(fn, "n_boot must be at least 1, got ", n_boot);
  if (!values.allFinite()) fail_value(fn, "values must be finite");
  Eigen::MatrixXd out(n_boot, values.cols());
  std::vector<Eigen::Index> index(static_cast<std::size_t>(n));
  for (Eigen::Index b = 0; b < n_boot; ++b) {
    Rng rng(seed, static_cast<std::uint64_t>(b));
    block_resample(s, rng, index);
    Eigen::RowVectorXd sum = Eigen::RowVectorXd::Zero(values.cols());
    for (Eigen::Index t : index) sum += values.row(t);
    out.row(b) = sum / static_cast<double>(n);
  }
  return out;
}

// Group means of `values` over n_boot resampled series: values and group are
// n entries in time order, group[t] in {0, …, n_groups − 1} (e.g. the bin of
// forecast t in a reliability diagram, values the outcomes).  Returns
// n_boot × n_groups, entry (b, g) the mean of the values of group g drawn in
// replicate b, NaN when replicate b drew no member of group g.
inline Eigen::MatrixXd block_bootstrap_group_means(const Eigen::Ref<const Eigen::VectorXd>& values,
                                                   const Eigen::Ref<const Eigen::VectorXi>& group,
                                                   Eigen::Index n_groups, const BlockScheme& s, Eigen::Index n_boot,
                                                   std::uint64_t seed) {
  const char* fn = "block_bootstrap_group_means";
  const Eigen::Index n = values.size();
  check_size(fn, "group", group.size(), n);
  check_scheme(fn, n, s);
  if (n_boot < 1) fail_value(fn, "n_boot must be at least 1, got ", n_boot);
  if (!values.allFinite()) fail_value(fn, "values must be finite");
  for (Eigen::Index t = 0; t < n; ++t)
    if (group[t] < 0 || group[t] >= n_groups)
      fail_value(fn, "group must be in 0..", n_groups - 1, ", got ", group[t], " at position ", t);
  Eigen::MatrixXd out(n_boot, n_groups);
  std::vector<Eigen::Index> index(static_cast<std::size_t>(n));
  Eigen::VectorXd sum(n_groups), count(n_groups);
  for (Eigen::Index b = 0; b < n_boot; ++b) {
    Rng rng(seed, static_cast<std::uint64_t>(b));
    block_resample(s, rng, index);
    sum.setZero();
    count.setZero();
    for (Eigen::Index t : index) {
      sum[group[t]] += values[t];
      count[group[t]] += 1.0;
    }
    for (Eigen::Index g = 0; g < n_groups; ++g)
      out(b, g) = count[g] > 0.0 ? sum[g] / count[g] : std::numeric_limits<double>::quiet_NaN();
  }
  return out;
}

// Effective sample size of the mean of a stationary series x (n ≥ 4):
// n / τ with τ = 1 + 2 Σ_{t≥1} ρ_t the integrated autocorrelation time, the
// autocorrelations ρ_t truncated by Geyer's initial monotone sequence — the
// single-chain case of the MCMC effective sample size in
// bayes/diagnostics.hpp (ArviZ's conventions).  Capped at n: negative
// autocorrelation is not taken as more information than n independent
// observations.  A constant series counts as n.
inline double effective_sample_size(const Eigen::Ref<const Eigen::VectorXd>& x) {
  const char* fn = "effective_sample_size";
  if (x.size() < 4) fail_value(fn, "x needs at least 4 observations, got ", x.size());
  if (!x.allFinite()) fail_value(fn, "x must be finite");
  const Eigen::MatrixXd row = x.transpose();
  const double ess = bayes::diagnostics::ess_basic(row);
  return std::min(ess, static_cast<double>(x.size()));
}

}  // namespace summitcast::score
