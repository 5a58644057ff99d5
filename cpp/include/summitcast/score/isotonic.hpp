// Isotonic (monotone) recalibration by the pool-adjacent-violators algorithm,
// the core of the CORP reliability diagram (Dimitriadis, Gneiting & Jordan
// 2021, "Stable reliability diagrams for probabilistic classifiers", PNAS).
//
// Given forecasts p₁..p_n and binary outcomes y₁..y_n, PAV finds the
// non-decreasing function c of the forecast value minimising Σ (c(pᵢ) − yᵢ)²;
// c(pᵢ) is the recalibrated forecast, the conditional event probability
// given the forecast under the sole assumption that it is monotone in p.
// Equal forecast values must get equal recalibrated values, so ties are
// pooled first (their outcomes averaged, weighted by the count), then the
// weighted PAV runs over the distinct values in increasing order: keep a
// stack of blocks (weight, mean); push each value as a block and, while the
// top block's mean is below the one beneath it, merge the two.  O(n log n)
// for the sort, O(n) for the pooling.
//
// The same fit serves any score whose optimal point forecast is a mean
// (the Brier score here); the decomposition built on it lives in Python.
#pragma once

#include <Eigen/Core>
#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

#include "summitcast/core/errors.hpp"
#include "summitcast/score/block_bootstrap.hpp"

namespace summitcast::score {

// A monotone step function: at the distinct forecast values `x` (increasing),
// the recalibrated values `fit` (non-decreasing) and the counts `weight`.
struct IsotonicFit {
  Eigen::VectorXd x, fit, weight;
};

// Weighted PAV over values already in increasing order of the regressor.
// mean, weight: k entries.  Returns the k fitted values.
inline Eigen::VectorXd pool_adjacent_violators(const Eigen::VectorXd& mean, const Eigen::VectorXd& weight) {
  struct Block {
    double weight, mean;
    Eigen::Index count;  // how many input values the block covers
  };
  std::vector<Block> stack;
  stack.reserve(static_cast<std::size_t>(mean.size()));
  for (Eigen::Index i = 0; i < mean.size(); ++i) {
    stack.push_back({weight[i], mean[i], 1});
    while (stack.size() > 1 && stack[stack.size() - 2].mean >= stack.back().mean) {
      const Block top = stack.back();
      stack.pop_back();
      Block& below = stack.back();
      const double w = below.weight + top.weight;
      below.mean = (below.weight * below.mean + top.weight * top.mean) / w;
      below.weight = w;
      below.count += top.count;
    }
  }
  Eigen::VectorXd fit(mean.size());
  Eigen::Index i = 0;
  for (const Block& b : stack)
    for (Eigen::Index k = 0; k < b.count; ++k) fit[i++] = b.mean;
  return fit;
}

// Isotonic fit of y on p; p in [0, 1] and y in {0, 1} are checked by the
// caller (Python), finiteness here.  p, y: n entries (n ≥ 1).
inline IsotonicFit isotonic_calibration(const Eigen::Ref<const Eigen::VectorXd>& p,
                                        const Eigen::Ref<const Eigen::VectorXd>& y) {
  const char* fn = "isotonic_calibration";
  check_size(fn, "y", y.size(), p.size());
  if (p.size() == 0) fail_value(fn, "p is empty");
  for (Eigen::Index i = 0; i < p.size(); ++i) {
    check_finite(fn, "p", p[i]);
    check_finite(fn, "y", y[i]);
  }
  std::vector<Eigen::Index> order(static_cast<std::size_t>(p.size()));
  std::iota(order.begin(), order.end(), Eigen::Index{0});
  std::stable_sort(order.begin(), order.end(), [&](Eigen::Index a, Eigen::Index b) { return p[a] < p[b]; });
  // Pool ties: one entry per distinct forecast value.
  std::vector<double> xs, sums, counts;
  for (Eigen::Index idx : order) {
    if (xs.empty() || p[idx] != xs.back()) {
      xs.push_back(p[idx]);
      sums.push_back(0.0);
      counts.push_back(0.0);
    }
    sums.back() += y[idx];
    counts.back() += 1.0;
  }
  const auto k = static_cast<Eigen::Index>(xs.size());
  IsotonicFit out;
  out.x = Eigen::Map<const Eigen::VectorXd>(xs.data(), k);
  out.weight = Eigen::Map<const Eigen::VectorXd>(counts.data(), k);
  const Eigen::VectorXd means = Eigen::Map<const Eigen::VectorXd>(sums.data(), k).cwiseQuotient(out.weight);
  out.fit = pool_adjacent_violators(means, out.weight);
  return out;
}

// The fitted step function evaluated at new forecast values q (any order),
// by linear interpolation between the fitted points and held constant beyond
// the first and last (as scikit-learn's IsotonicRegression.predict with
// out_of_bounds="clip").
inline Eigen::VectorXd isotonic_predict(const IsotonicFit& f, const Eigen::Ref<const Eigen::VectorXd>& q) {
  Eigen::VectorXd out(q.size());
  const Eigen::Index k = f.x.size();
  for (Eigen::Index i = 0; i < q.size(); ++i) {
    const double v = q[i];
    if (v <= f.x[0]) {
      out[i] = f.fit[0];
    } else if (v >= f.x[k - 1]) {
      out[i] = f.fit[k - 1];
    } else {
      const auto hi = static_cast<Eigen::Index>(std::upper_bound(f.x.data(), f.x.data() + k, v) - f.x.data());
      const Eigen::Index lo = hi - 1;
      const double t = (v - f.x[lo]) / (f.x[hi] - f.x[lo]);
      out[i] = f.fit[lo] + t * (f.fit[hi] - f.fit[lo]);
    }
  }
  return out;
}

// Bootstrap of the isotonic curve: resample blocks of consecutive (p, y)
// pairs (see block_bootstrap.hpp), refit, and evaluate each refit at q.
// p, y: n entries in time order; q: the points of the band.  Returns
// n_boot × q.size(), row b from replicate b (stream (seed, b)).
inline Eigen::MatrixXd isotonic_bootstrap(const Eigen::Ref<const Eigen::VectorXd>& p,
                                          const Eigen::Ref<const Eigen::VectorXd>& y,
                                          const Eigen::Ref<const Eigen::VectorXd>& q, const BlockScheme& s,
                                          Eigen::Index n_boot, std::uint64_t seed) {
  const char* fn = "isotonic_bootstrap";
  const Eigen::Index n = p.size();
  check_size(fn, "y", y.size(), n);
  check_scheme(fn, n, s);
  if (n_boot < 1) fail_value(fn, "n_boot must be at least 1, got ", n_boot);
  Eigen::MatrixXd out(n_boot, q.size());
  std::vector<Eigen::Index> index(static_cast<std::size_t>(n));
  Eigen::VectorXd pb(n), yb(n);
  for (Eigen::Index b = 0; b < n_boot; ++b) {
    Rng rng(seed, static_cast<std::uint64_t>(b));
    block_resample(s, rng, index);
    for (Eigen::Index t = 0; t < n; ++t) {
      pb[t] = p[index[static_cast<std::size_t>(t)]];
      yb[t] = y[index[static_cast<std::size_t>(t)]];
    }
    out.row(b) = isotonic_predict(isotonic_calibration(pb, yb), q).transpose();
  }
  return out;
}

}  // namespace summitcast::score
