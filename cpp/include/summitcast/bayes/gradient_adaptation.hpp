// Warm-up of a diagonal metric from the draws *and* their gradients, updated
// at every iteration (the scheme nutpie introduced; Seyboldt, Carlson &
// Carpenter, "Preconditioning Hamiltonian Monte Carlo by minimizing Fisher
// divergence", 2025).  Written here from the mathematics below.
//
// Why gradients help.  For the affine map x = m + D^{1/2} z with D diagonal,
// the Fisher divergence between the posterior pushed through the map and
// N(0, I) is E || D^{1/2} grad log p(x) + D^{-1/2} (x - m) ||^2.  Minimising
// it over m and D, coordinate by coordinate, gives
//   D_i = sqrt( var(x_i) / var(g_i) ),     g = grad log p(x),
// the inverse metric used here.  For a Gaussian posterior with variances
// s_i^2 (any correlation aside), var(g_i) = 1 / s_i^2 on the diagonal of the
// precision, and D_i = s_i^2 exactly; for one that is not, the gradients add
// information about the curvature that the draws alone estimate slowly, so a
// few dozen draws already give a usable metric.  Before the first draws the
// metric is D_i = 1 / |g_i| at the initial point (the same estimate with one
// point and a zero-mean guess).
//
// Schedule over `tune` warm-up iterations:
// * Early phase, the first 30%: the estimate is refreshed after every
//   iteration from a window that forgets its oldest draws.  Two running
//   estimators are kept, a foreground one (which sets the metric) and a
//   background one started at the last switch; whenever the background
//   holds `early_window` (10) draws it replaces the foreground and a new
//   background starts, so the foreground always holds between one and two
//   windows of the latest draws and the draws from far out in the tails of
//   the initial transient are soon forgotten.
// * Main phase, up to the last 15%: the same, with windows of 80 draws that
//   grow by half at every switch, so the final estimate rests on many draws.
//   A switch that would leave too few iterations for the next window is
//   skipped, and the foreground keeps growing instead.
// * Final 15%: the metric is frozen and only the step size adapts; its dual
//   averaging starts afresh for the last 10% (see sampler.hpp).
// A draw enters the estimators only if the transition moved (a draw equal to
// its predecessor carries no new information about the spread).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

namespace summitcast::bayes {

// Welford running mean and population variance of a stream of vectors.
class RunningMoments {
 public:
  explicit RunningMoments(Eigen::Index d) : mean_(Eigen::VectorXd::Zero(d)), m2_(Eigen::VectorXd::Zero(d)) {}

  void add(const Eigen::VectorXd& v) {
    ++n_;
    const Eigen::VectorXd delta = v - mean_;
    mean_ += delta / static_cast<double>(n_);
    m2_.array() += (v - mean_).array() * delta.array();
  }
  void restart() {
    n_ = 0;
    mean_.setZero();
    m2_.setZero();
  }
  long count() const { return n_; }
  // Population variance (divides by n); the common factor cancels in D.
  Eigen::VectorXd variance() const { return m2_ / static_cast<double>(n_); }

 private:
  long n_ = 0;
  Eigen::VectorXd mean_, m2_;
};

// The moments of draws and gradients over one window.
struct DrawGradientMoments {
  explicit DrawGradientMoments(Eigen::Index d) : draws(d), gradients(d) {}
  void add(const Eigen::VectorXd& q, const Eigen::VectorXd& g) {
    draws.add(q);
    gradients.add(g);
  }
  void restart() {
    draws.restart();
    gradients.restart();
  }
  long count() const { return draws.count(); }
  RunningMoments draws, gradients;
};

class GradientMetricAdaptation {
 public:
  // Limits on the inverse-metric entries: scales from 1e-5 to 1e5 (variances
  // 1e-10 to 1e10) cover any sensibly parameterised model and keep one
  // degenerate coordinate from stalling the step size of all the others.
  static constexpr double min_variance = 1e-10, max_variance = 1e10;
  static constexpr double early_fraction = 0.3, final_fraction = 0.15, step_size_fraction = 0.1;
  static constexpr double window_growth = 1.5;
  static constexpr long early_window = 10, first_main_window = 80;
  static constexpr long min_draws = 3;  // fewer draws give no estimate at all

  GradientMetricAdaptation(Eigen::Index d, long tune)
      : early_end_(static_cast<long>(early_fraction * static_cast<double>(tune))),
        final_start_(tune - static_cast<long>(final_fraction * static_cast<double>(tune))),
        step_size_start_(tune - static_cast<long>(step_size_fraction * static_cast<double>(tune))),
        window_(early_window),
        foreground_(d),
        background_(d) {}

  // Does the step size's dual averaging start afresh at warm-up iteration
  // `it`?  At the start of its last `step_size_fraction`, inside the final
  // phase with the metric frozen.
  bool step_size_restarts(long it) const { return it == step_size_start_; }

  // D_i = 1 / |g_i| at the initial point, within the limits.
  static Eigen::VectorXd initial_inverse_diagonal(const Eigen::VectorXd& g) {
    Eigen::VectorXd inv(g.size());
    for (Eigen::Index i = 0; i < g.size(); ++i) inv[i] = clamp_variance(1.0 / std::abs(g[i]));
    return inv;
  }

  // Records the state after warm-up iteration `it` (0-based): position q,
  // gradient g, and whether the transition moved.  Returns true when the
  // inverse metric `inv` (the current one on entry) was updated.
  bool observe(long it, const Eigen::VectorXd& q, const Eigen::VectorXd& g, bool moved, Eigen::VectorXd& inv) {
    if (it >= final_start_) return false;
    if (it == early_end_) window_ = std::max(first_main_window, background_.count());
    if (moved) {
      foreground_.add(q, g);
      background_.add(q, g);
    }
    const bool early = it < early_end_;
    const long next_window =
        early ? early_window
              : std::max(window_ + 1, static_cast<long>(std::lround(window_growth * static_cast<double>(window_))));
    if (background_.count() >= window_ && it + next_window <= final_start_) {
      std::swap(foreground_, background_);
      background_.restart();
      if (!early) window_ = next_window;
    }
    return update(inv);
  }

 private:
  static double clamp_variance(double v) {
    if (!(v >= min_variance)) return std::isnan(v) ? 1.0 : min_variance;
    return std::min(v, max_variance);
  }

  // D_i = sqrt(var(q_i) / var(g_i)); a coordinate whose ratio is not a
  // positive finite number (no spread yet) keeps its previous value.
  bool update(Eigen::VectorXd& inv) const {
    if (foreground_.count() < min_draws) return false;
    const Eigen::VectorXd var_q = foreground_.draws.variance(), var_g = foreground_.gradients.variance();
    for (Eigen::Index i = 0; i < inv.size(); ++i) {
      const double ratio = std::sqrt(var_q[i] / var_g[i]);
      if (std::isfinite(ratio) && ratio > 0.0) inv[i] = clamp_variance(ratio);
    }
    return true;
  }

  long early_end_, final_start_, step_size_start_, window_;
  DrawGradientMoments foreground_, background_;
};

}  // namespace summitcast::bayes
