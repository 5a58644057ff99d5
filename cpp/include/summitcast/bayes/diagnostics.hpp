// Convergence diagnostics for MCMC draws (Vehtari, Gelman, Simpson,
// Carpenter & Bürkner 2021, "Rank-normalization, folding, and localization:
// an improved R-hat").  Every function takes one quantity's draws as a
// chains x draws matrix (row = chain).
//
// * Split chains: each chain is cut into a first and a second half (the
//   middle draw is dropped when the count is odd), doubling the chains.
// * Rank normalisation: every draw is replaced by Phi^{-1}((r - 3/8) /
//   (N + 1/4)), r its average rank among all N draws (Blom 1958), which makes
//   R-hat and ESS well defined for heavy tails.
// * R-hat = sqrt(((n - 1)/n W + B/n) / W) with W the mean within-chain
//   variance and B/n the variance of chain means; the rank version is the
//   larger of the values for the rank-normalised draws (bulk) and for the
//   rank-normalised |draw - median| (tails).
// * ESS = C n / tau, tau = -1 + 2 sum_t rho_t with the autocorrelations
//   rho_t = 1 - (W - mean_c acov_c(t)) / var+ combined over chains and
//   truncated by Geyer's initial positive sequence, then made monotone.
//   Bulk ESS uses the rank-normalised split draws; tail ESS is the smaller
//   ESS of the indicators I(x <= q05) and I(x <= q95).
//
// The conventions (biased autocovariances, quantile type 7, tau >= 1/log10
// of the sample size) are those of ArviZ and the R package posterior, so the
// numbers agree with theirs.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <boost/math/special_functions/erf.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "summitcast/core/errors.hpp"

namespace summitcast::bayes::diagnostics {

using Draws = Eigen::MatrixXd;  // chains x draws

inline void check_draws(const char* fn, const Draws& x) {
  if (x.rows() < 1) fail_value(fn, "draws must have at least one chain, got 0");
  if (x.cols() < 4) fail_value(fn, "draws must have at least 4 draws per chain, got ", x.cols());
}

inline bool any_nonfinite(const Draws& x) { return !x.allFinite(); }

inline Draws split_chains(const Draws& x) {
  const Eigen::Index half = x.cols() / 2;
  Draws out(2 * x.rows(), half);
  out.topRows(x.rows()) = x.leftCols(half);
  out.bottomRows(x.rows()) = x.rightCols(half);
  return out;
}

// Type-7 quantile (linear interpolation between order statistics) of all entries.
inline double quantile(const Draws& x, double prob) {
  std::vector<double> v(x.data(), x.data() + x.size());
  std::sort(v.begin(), v.end());
  const double h = (static_cast<double>(v.size()) - 1.0) * prob;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

inline double median(const Draws& x) { return quantile(x, 0.5); }

// Rank-normalised values, same shape; ties get their average rank.
inline Draws z_scale(const Draws& x) {
  const Eigen::Index n = x.size();
  std::vector<Eigen::Index> order(static_cast<std::size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  const double* v = x.data();
  std::stable_sort(order.begin(), order.end(), [v](Eigen::Index a, Eigen::Index b) { return v[a] < v[b]; });
  Draws z(x.rows(), x.cols());
  double* out = z.data();
  const double denom = static_cast<double>(n) + 0.25;
  for (Eigen::Index i = 0; i < n;) {
    Eigen::Index j = i;
    while (j + 1 < n && v[order[j + 1]] == v[order[i]]) ++j;
    const double rank = 0.5 * static_cast<double>(i + j) + 1.0;  // average of ranks i+1..j+1
    const double u = (rank - 0.375) / denom;
    const double zval = -1.4142135623730950488 * boost::math::erfc_inv(2.0 * u);
    for (Eigen::Index k = i; k <= j; ++k) out[order[k]] = zval;
    i = j + 1;
  }
  return z;
}

// Basic R-hat of the rows of x (no splitting).
inline double rhat_basic(const Draws& x) {
  const double n = static_cast<double>(x.cols());
  const Eigen::VectorXd means = x.rowwise().mean();
  double within = 0.0;
  for (Eigen::Index c = 0; c < x.rows(); ++c) within += (x.row(c).array() - means[c]).square().sum() / (n - 1.0);
  within /= static_cast<double>(x.rows());
  const double mbar = means.mean();
  const double between = n * (means.array() - mbar).square().sum() / (static_cast<double>(x.rows()) - 1.0);
  return std::sqrt((between / within + n - 1.0) / n);
}

// Effective sample size of the rows of x treated as chains (no splitting).
inline double ess_basic(const Draws& x) {
  if (any_nonfinite(x)) return std::numeric_limits<double>::quiet_NaN();
  if (x.maxCoeff() - x.minCoeff() < 1e-15) return static_cast<double>(x.size());
  const Eigen::Index chains = x.rows(), n = x.cols();
  const double nd = static_cast<double>(n);
  const Draws centred = x.colwise() - x.rowwise().mean();
  // Mean over chains of the biased autocovariance at `lag`, computed on demand:
  // the positive-sequence truncation usually needs only a few lags.
  auto mean_acov = [&](Eigen::Index lag) {
    double s = 0.0;
    for (Eigen::Index c = 0; c < chains; ++c)
      s += centred.row(c).head(n - lag).dot(centred.row(c).tail(n - lag)) / nd;
    return s / static_cast<double>(chains);
  };
  const double mean_var = mean_acov(0) * nd / (nd - 1.0);
  double var_plus = mean_var * (nd - 1.0) / nd;
  if (chains > 1) {
    const Eigen::VectorXd means = x.rowwise().mean();
    var_plus += (means.array() - means.mean()).square().sum() / (static_cast<double>(chains) - 1.0);
  }
  std::vector<double> rho(static_cast<std::size_t>(n), 0.0);
  double rho_even = 1.0;
  rho[0] = rho_even;
  double rho_odd = 1.0 - (mean_var - mean_acov(1)) / var_plus;
  rho[1] = rho_odd;
  // Geyer's initial positive sequence: sums of adjacent pairs stay positive.
  Eigen::Index t = 1;
  while (t < n - 3 && rho_even + rho_odd > 0.0) {
    rho_even = 1.0 - (mean_var - mean_acov(t + 1)) / var_plus;
    rho_odd = 1.0 - (mean_var - mean_acov(t + 2)) / var_plus;
    if (rho_even + rho_odd >= 0.0) {
      rho[static_cast<std::size_t>(t + 1)] = rho_even;
      rho[static_cast<std::size_t>(t + 2)] = rho_odd;
    }
    t += 2;
  }
  const Eigen::Index max_t = t - 2;
  if (rho_even > 0.0) rho[static_cast<std::size_t>(max_t + 1)] = rho_even;
  // Geyer's initial monotone sequence: pair sums do not increase.
  for (t = 1; t <= max_t - 2; t += 2) {
    const auto i = static_cast<std::size_t>(t);
    if (rho[i + 1] + rho[i + 2] > rho[i - 1] + rho[i]) {
      rho[i + 1] = 0.5 * (rho[i - 1] + rho[i]);
      rho[i + 2] = rho[i + 1];
    }
  }
  const double total = static_cast<double>(chains) * nd;
  double tau = -1.0;
  for (Eigen::Index i = 0; i <= max_t; ++i) tau += 2.0 * rho[static_cast<std::size_t>(i)];
  if (max_t + 1 < n) tau += rho[static_cast<std::size_t>(max_t + 1)];
  tau = std::max(tau, 1.0 / std::log10(total));
  for (double r : rho)
    if (std::isnan(r)) return std::numeric_limits<double>::quiet_NaN();
  return total / tau;
}

// Rank-normalised split R-hat (max of bulk and folded/tail versions).
inline double rhat(const Draws& x) {
  check_draws("rhat", x);
  if (any_nonfinite(x)) return std::numeric_limits<double>::quiet_NaN();
  const Draws split = split_chains(x);
  const double bulk = rhat_basic(z_scale(split));
  const Draws folded = (split.array() - median(split)).abs().matrix();
  const double tail = rhat_basic(z_scale(folded));
  return std::max(bulk, tail);
}

inline double ess_bulk(const Draws& x) {
  check_draws("ess_bulk", x);
  if (any_nonfinite(x)) return std::numeric_limits<double>::quiet_NaN();
  return ess_basic(z_scale(split_chains(x)));
}

// ESS of the indicator I(x <= q_prob).
inline double ess_quantile(const Draws& x, double prob) {
  check_draws("ess_quantile", x);
  if (any_nonfinite(x)) return std::numeric_limits<double>::quiet_NaN();
  const double q = quantile(x, prob);
  const Draws indicator = (x.array() <= q).cast<double>().matrix();
  return ess_basic(split_chains(indicator));
}

inline double ess_tail(const Draws& x) { return std::min(ess_quantile(x, 0.05), ess_quantile(x, 0.95)); }

inline double ess_mean(const Draws& x) {
  check_draws("ess_mean", x);
  return ess_basic(split_chains(x));
}

// Sample standard deviation (ddof = 1) of all draws.
inline double sd(const Draws& x) {
  const double m = x.mean();
  return std::sqrt((x.array() - m).square().sum() / (static_cast<double>(x.size()) - 1.0));
}

// Monte Carlo standard error of the posterior mean: sd / sqrt(ESS_mean).
inline double mcse_mean(const Draws& x) { return sd(x) / std::sqrt(ess_mean(x)); }

// Monte Carlo standard error of the posterior sd, by the delta method on the
// variance: Var(s^2) ~ Var((x - m)^2) / ESS, and d sd = d var / (2 sd).
inline double mcse_sd(const Draws& x) {
  check_draws("mcse_sd", x);
  const Draws sq = (x.array() - x.mean()).square().matrix();
  const double ess = ess_mean(sq);
  const double evar = sq.mean();
  const double varvar = (sq.array().square().mean() - evar * evar) / ess;
  return std::sqrt(varvar / evar / 4.0);
}

// Estimated Bayesian fraction of missing information per chain (Betancourt
// 2016): mean squared energy change between draws over the energy variance.
inline Eigen::VectorXd bfmi(const Draws& energy) {
  if (energy.cols() < 2) fail_value("bfmi", "energy must have at least 2 draws per chain, got ", energy.cols());
  Eigen::VectorXd out(energy.rows());
  const double n = static_cast<double>(energy.cols());
  for (Eigen::Index c = 0; c < energy.rows(); ++c) {
    const Eigen::RowVectorXd e = energy.row(c);
    const double num = (e.tail(e.size() - 1) - e.head(e.size() - 1)).squaredNorm() / (n - 1.0);
    const double m = e.mean();
    const double den = (e.array() - m).square().sum() / (n - 1.0);
    out[c] = num / den;
  }
  return out;
}

}  // namespace summitcast::bayes::diagnostics
