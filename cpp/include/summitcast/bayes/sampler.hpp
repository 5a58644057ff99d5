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
#include "summitcast/bayes/gradient_adaptation.hpp"
#include "summitcast/bayes/log_density.hpp"
#include "summitcast/bayes/metric.hpp"
#include "summitcast/bayes/nuts.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/parallel.hpp"
#include "summitcast/core/rng.hpp"

namespace summitcast::bayes {

// How warm-up adapts the metric: from the draws and their gradients at every
// iteration (gradient_adaptation.hpp; diagonal only), or from the draws in
// Stan's doubling windows (adaptation.hpp; diagonal or dense).
enum class MetricAdaptation { gradients, stan_windows };

struct SamplerOptions {
  long draws = 1000;
  long tune = 1000;
  int chains = 4;
  int max_tree_depth = 10;
  double target_accept = 0.8;
  bool dense_metric = false;
  MetricAdaptation metric_adaptation = MetricAdaptation::gradients;
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
    if (dense_metric && metric_adaptation == MetricAdaptation::gradients)
      fail_value(fn, "the gradient-based metric adaptation is diagonal; a dense metric needs metric_adaptation = ",
                 "stan");
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

// The shared stop flag and progress counter seen by one chain.
struct ChainControl {
  const std::atomic<bool>* stop;
  std::atomic<long long>* progress;
  bool stopped() const { return stop != nullptr && stop->load(std::memory_order_relaxed); }
  void advance() const {
    if (progress) progress->fetch_add(1, std::memory_order_relaxed);
  }
};

// Stan's warm-up: step size by dual averaging throughout, restarted after
// every slow window at whose end the metric becomes the (regularised)
// covariance of the window's draws.  Returns the step size for sampling.
inline double warm_up_in_windows(NutsChain& nuts, Metric& metric, const SamplerOptions& opt,
                                 const ChainControl& control, bool& interrupted) {
  double eps = nuts.find_reasonable_step_size(1.0);
  DualAveraging da;
  da.delta = opt.target_accept;
  da.restart(eps);
  WindowSchedule windows(opt.tune);
  CovarianceEstimator estimator(metric.dim(), opt.dense_metric);
  for (long it = 0; it < opt.tune; ++it) {
    if (control.stopped()) {
      interrupted = true;
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
    control.advance();
  }
  return opt.tune > 0 ? da.final_step_size() : eps;
}

// Warm-up with the diagonal metric from draws and gradients, refreshed at
// every iteration (gradient_adaptation.hpp).  Dual averaging adapts the step
// size throughout; it restarts from a fresh step-size search when the first
// estimate from draws replaces the metric from the initial gradient, and
// once more for the last 10% of warm-up, after the metric has frozen, so
// that the step size used for sampling is averaged over the final metric
// only (as Stan's final buffer does).  Returns the step size for sampling.
inline double warm_up_from_gradients(NutsChain& nuts, Metric& metric, const SamplerOptions& opt,
                                     const ChainControl& control, bool& interrupted) {
  GradientMetricAdaptation adaptation(metric.dim(), opt.tune);
  Eigen::VectorXd inv = GradientMetricAdaptation::initial_inverse_diagonal(nuts.gradient());
  metric.set_inverse_diagonal(inv);
  double eps = nuts.find_reasonable_step_size(1.0);
  DualAveraging da;
  da.delta = opt.target_accept;
  da.restart(eps);
  bool first_estimate = true;
  Eigen::VectorXd previous = nuts.position();
  for (long it = 0; it < opt.tune; ++it) {
    if (control.stopped()) {
      interrupted = true;
      break;
    }
    if (adaptation.step_size_restarts(it)) da.restart(eps);
    const TransitionStats s = nuts.transition(eps);
    const bool moved = nuts.position() != previous;
    previous = nuts.position();
    if (adaptation.observe(it, nuts.position(), nuts.gradient(), moved, inv)) {
      metric.set_inverse_diagonal(inv);
      if (first_estimate) {
        first_estimate = false;
        eps = nuts.find_reasonable_step_size(eps);
        da.restart(eps);
        control.advance();
        continue;
      }
    }
    eps = da.learn(s.accept_stat);
    control.advance();
  }
  return da.counter > 0 ? da.final_step_size() : eps;
}

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

  const ChainControl control{stop, progress};
  double eps = opt.tune > 0 && opt.metric_adaptation == MetricAdaptation::gradients
                   ? warm_up_from_gradients(nuts, metric, opt, control, out.interrupted)
                   : warm_up_in_windows(nuts, metric, opt, control, out.interrupted);
  for (long it = 0; it < opt.draws && !out.interrupted; ++it) {
    if (control.stopped()) {
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
    control.advance();
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
