// Multi-chain NUTS with Stan's warm-up: several chains on a pool of threads.
//
// Chain c draws all its randomness from its own stream Rng(seed, c), and
// threads only decide *when* a chain runs, never what it draws, so the output
// is identical for any number of threads.  A shared stop flag (set on Ctrl-C)
// ends every chain at its next iteration; a shared counter reports progress.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "summitcast/bayes/adaptation.hpp"
#include "summitcast/bayes/log_density.hpp"
#include "summitcast/bayes/metric.hpp"
#include "summitcast/bayes/nuts.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/parallel.hpp"
#include "summitcast/core/rng.hpp"

namespace summitcast::bayes {

struct SamplerOptions {
  long draws = 1000;
  long tune = 1000;
  int chains = 4;
  int max_tree_depth = 10;
  double target_accept = 0.8;
  bool dense_metric = false;
  double init_radius = 2.0;  // initial values uniform on (-R, R) per coordinate
  double max_delta_h = 1000.0;

  void validate() const {
    const char* fn = "sample";
    if (draws < 1) fail_value(fn, "draws must be at least 1, got ", draws);
    if (tune < 0) fail_value(fn, "tune must be non-negative, got ", tune);
    if (chains < 1) fail_value(fn, "chains must be at least 1, got ", chains);
    if (max_tree_depth < 1 || max_tree_depth > 30)
      fail_value(fn, "max_tree_depth must be in [1, 30], got ", max_tree_depth);
    if (!(target_accept > 0.0 && target_accept < 1.0))
      fail_value(fn, "target_accept must be in (0, 1), got ", target_accept);
    check_nonnegative(fn, "init_radius", init_radius);
  }
};

struct ChainResult {
  Eigen::MatrixXd draws;  // draws x d, unconstrained parameters
  Eigen::VectorXd lp, accept_stat, step_size, energy;
  Eigen::VectorXi tree_depth, n_leapfrog, divergent;
  double final_step_size = 0.0;
  Eigen::VectorXd inverse_metric_diagonal;
  Eigen::MatrixXd inverse_metric;  // dense only
  long long gradient_evaluations = 0;
  long completed = 0;  // draws completed (less than requested if stopped)
  bool interrupted = false;
};

// Runs one chain: initialisation, warm-up with adaptation, then `draws` draws.
inline ChainResult run_nuts_chain(const LogDensity& model, const SamplerOptions& opt, std::uint64_t seed, int chain,
                                  const std::atomic<bool>* stop, std::atomic<long long>* progress,
                                  const Eigen::VectorXd* init = nullptr) {
  const Eigen::Index d = model.dim();
  Rng rng(seed, static_cast<std::uint64_t>(chain));
  Metric metric(d, opt.dense_metric);
  NutsChain nuts(model, metric, rng, opt.max_tree_depth, opt.max_delta_h);

  // Initial values: the given point, or uniform(-R, R) like Stan, retried
  // until the density and gradient are finite.
  bool ok = false;
  for (int attempt = 0; attempt < 100 && !ok; ++attempt) {
    Eigen::VectorXd q(d);
    if (init != nullptr) {
      q = *init;
    } else {
      for (Eigen::Index i = 0; i < d; ++i) q[i] = opt.init_radius * (2.0 * rng.uniform() - 1.0);
    }
    nuts.set_position(q);
    ok = nuts.position_is_finite();
    if (init != nullptr) break;
  }
  if (!ok) throw NumericalError("sample: no initial value with a finite log density and gradient was found");

  ChainResult out;
  out.draws.resize(opt.draws, d);
  out.lp.resize(opt.draws);
  out.accept_stat.resize(opt.draws);
  out.step_size.resize(opt.draws);
  out.energy.resize(opt.draws);
  out.tree_depth.resize(opt.draws);
  out.n_leapfrog.resize(opt.draws);
  out.divergent.resize(opt.draws);

  double eps = nuts.find_reasonable_step_size(1.0);
  DualAveraging da;
  da.delta = opt.target_accept;
  da.restart(eps);
  WindowSchedule windows(opt.tune);
  CovarianceEstimator estimator(d, opt.dense_metric);
  auto stopped = [&] { return stop != nullptr && stop->load(std::memory_order_relaxed); };

  for (long it = 0; it < opt.tune; ++it) {
    if (stopped()) {
      out.interrupted = true;
      break;
    }
    const TransitionStats s = nuts.transition(eps);
    eps = da.learn(s.accept_stat);
    const bool in_window = windows.in_window();
    const bool window_ends = windows.window_ends();
    if (in_window) estimator.add(nuts.position());
    if (window_ends) {
      if (opt.dense_metric) metric.set_inverse(estimator.regularised_covariance());
      else metric.set_inverse_diagonal(estimator.regularised_variance());
      estimator.restart();
      eps = nuts.find_reasonable_step_size(eps);
      da.restart(eps);
    }
    windows.step(window_ends);
    if (progress) progress->fetch_add(1, std::memory_order_relaxed);
  }
  if (opt.tune > 0) eps = da.final_step_size();

  for (long it = 0; it < opt.draws && !out.interrupted; ++it) {
    if (stopped()) {
      out.interrupted = true;
      break;
    }
    const TransitionStats s = nuts.transition(eps);
    out.draws.row(it) = nuts.position().transpose();
    out.lp[it] = s.lp;
    out.accept_stat[it] = s.accept_stat;
    out.step_size[it] = s.step_size;
    out.energy[it] = s.energy;
    out.tree_depth[it] = s.tree_depth;
    out.n_leapfrog[it] = s.n_leapfrog;
    out.divergent[it] = s.divergent ? 1 : 0;
    out.completed = it + 1;
    if (progress) progress->fetch_add(1, std::memory_order_relaxed);
  }
  out.final_step_size = eps;
  out.inverse_metric_diagonal = metric.inverse_diagonal();
  if (opt.dense_metric) out.inverse_metric = metric.inverse_dense();
  out.gradient_evaluations = nuts.gradient_evaluations();
  return out;
}

// Runs opt.chains chains on `threads` worker threads (0 = hardware concurrency).
inline std::vector<ChainResult> run_nuts(const LogDensity& model, const SamplerOptions& opt, std::uint64_t seed,
                                         int threads, const std::atomic<bool>* stop = nullptr,
                                         std::atomic<long long>* progress = nullptr,
                                         const std::vector<Eigen::VectorXd>* inits = nullptr) {
  opt.validate();
  if (threads < 0) fail_value("sample", "cores must be positive, got ", threads);
  if (inits != nullptr) {
    check_size("sample", "init (number of chains)", static_cast<long long>(inits->size()), opt.chains);
    for (const auto& v : *inits) check_size("sample", "init", v.size(), model.dim());
  }
  std::vector<ChainResult> results(static_cast<std::size_t>(opt.chains));
  parallel_for(opt.chains, threads, [&](int c) {
    const Eigen::VectorXd* init = inits ? &(*inits)[static_cast<std::size_t>(c)] : nullptr;
    results[static_cast<std::size_t>(c)] = run_nuts_chain(model, opt, seed, c, stop, progress, init);
  });
  return results;
}

}  // namespace summitcast::bayes
