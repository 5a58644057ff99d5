// Warm-up of the metric from draws and gradients (gradient_adaptation.hpp):
// the estimator against the Fisher-divergence optimum it targets, on
// streams whose answer is known, its schedule, and the sampler built on it.
#include <cmath>

#include "check.hpp"
#include "summitcast/bayes/diagnostics.hpp"
#include "summitcast/bayes/gradient_adaptation.hpp"
#include "summitcast/bayes/sampler.hpp"
#include "summitcast/core/rng.hpp"

namespace sc = summitcast;
namespace sb = summitcast::bayes;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// N(μ, Σ) with a given covariance: log density and gradient −Σ⁻¹(θ − μ).
class CorrelatedGaussian final : public sb::LogDensity {
 public:
  CorrelatedGaussian(VectorXd mu, const MatrixXd& cov) : mu_(std::move(mu)), precision_(cov.inverse()) {}
  Index dim() const override { return mu_.size(); }
  double log_density(const VectorXd& th, VectorXd& g, bool) const override {
    g = -precision_ * (th - mu_);
    return 0.5 * (th - mu_).dot(g);
  }
  double log_likelihood(const VectorXd& th) const override {
    VectorXd g;
    return log_density(th, g, false);
  }

 private:
  VectorXd mu_;
  MatrixXd precision_;
};

// Feeds `tune` exact draws q = μ + L z (L L' = Σ) and their gradients to the
// adaptation; returns the final inverse-metric diagonal.
VectorXd adapt_on_exact_draws(const VectorXd& mu, const MatrixXd& cov, long tune, std::uint64_t seed) {
  const Index d = mu.size();
  const MatrixXd L = cov.llt().matrixL();
  const MatrixXd precision = cov.inverse();
  sc::Rng rng(seed, 0);
  sb::GradientMetricAdaptation adaptation(d, tune);
  VectorXd inv = VectorXd::Ones(d), z(d);
  for (long it = 0; it < tune; ++it) {
    for (Index i = 0; i < d; ++i) z[i] = rng.normal();
    const VectorXd q = mu + L * z;
    adaptation.observe(it, q, -precision * (q - mu), true, inv);
  }
  return inv;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(bayes_adaptation)

BOOST_AUTO_TEST_CASE(estimate_recovers_independent_scales_from_exact_draws) {
  // Independent coordinates: g_i = −(q_i − μ_i)/σ_i², so var(g_i) =
  // var(q_i)/σ_i⁴ for the sample variances too, and the estimate is σ_i²
  // up to rounding whatever the draws (the variance of the draws alone
  // would be off by its sampling error, about 10% with 200 draws).
  VectorXd mu(4), sigma(4);
  mu << 1.0, -2.0, 0.0, 5.0;
  sigma << 1.0, 0.01, 100.0, 3.0;
  const MatrixXd cov = sigma.cwiseAbs2().asDiagonal();
  const VectorXd inv = adapt_on_exact_draws(mu, cov, 1000, 3);
  for (Index i = 0; i < 4; ++i) SUMMITCAST_CHECK_CLOSE(inv[i] / (sigma[i] * sigma[i]), 1.0, 1e-9);
}

BOOST_AUTO_TEST_CASE(estimate_is_the_fisher_optimum_for_correlated_gaussians) {
  // With correlation the optimum D_i = sqrt(Σ_ii / (Σ⁻¹)_ii) lies between
  // the conditional variance 1/(Σ⁻¹)_ii and the marginal variance Σ_ii; for
  // ρ = 0.9 these differ by a factor 5.3, so the check discriminates.  The
  // last window holds several hundred draws: the ratio's sampling error is
  // a few per cent, and 20% is several of them.
  MatrixXd cov(2, 2);
  cov << 4.0, 0.9 * 2.0 * 0.5, 0.9 * 2.0 * 0.5, 0.25;
  const MatrixXd precision = cov.inverse();
  const VectorXd inv = adapt_on_exact_draws(VectorXd::Zero(2), cov, 4000, 11);
  for (Index i = 0; i < 2; ++i) {
    const double optimum = std::sqrt(cov(i, i) / precision(i, i));
    SUMMITCAST_CHECK_CLOSE(inv[i] / optimum, 1.0, 0.2);
    BOOST_CHECK_LT(inv[i], 0.75 * cov(i, i));
    BOOST_CHECK_GT(inv[i], 1.5 / precision(i, i));
  }
}

BOOST_AUTO_TEST_CASE(window_forgets_the_initial_transient_and_metric_freezes_at_the_end) {
  // 100 draws far out (centred at 1000) and then draws from N(0, 1), each
  // with its exact gradient: a window holding draws from both would report
  // a variance near 10⁵; once the transient is forgotten the estimate is 1
  // up to rounding.  In the last 15% of warm-up the metric must not change.
  const long tune = 1000;
  sb::GradientMetricAdaptation adaptation(1, tune);
  sc::Rng rng(4, 0);
  VectorXd inv = VectorXd::Ones(1), q(1), g(1);
  long changes_late = 0;
  for (long it = 0; it < tune; ++it) {
    q[0] = rng.normal() + (it < 100 ? 1000.0 : 0.0);
    g[0] = -(q[0] - (it < 100 ? 1000.0 : 0.0));
    const bool changed = adaptation.observe(it, q, g, true, inv);
    if (it >= tune - 150 && changed) ++changes_late;
  }
  SUMMITCAST_CHECK_CLOSE(inv[0], 1.0, 1e-9);
  BOOST_CHECK_EQUAL(changes_late, 0);
}

BOOST_AUTO_TEST_CASE(initial_metric_is_inverse_absolute_gradient_within_limits) {
  VectorXd g(4);
  g << -4.0, 0.5, 0.0, 1e30;
  const VectorXd inv = sb::GradientMetricAdaptation::initial_inverse_diagonal(g);
  BOOST_CHECK_EQUAL(inv[0], 0.25);
  BOOST_CHECK_EQUAL(inv[1], 2.0);
  BOOST_CHECK_EQUAL(inv[2], sb::GradientMetricAdaptation::max_variance);
  BOOST_CHECK_EQUAL(inv[3], sb::GradientMetricAdaptation::min_variance);
}

BOOST_AUTO_TEST_CASE(sampler_adapts_known_scales_and_is_thread_independent) {
  // NUTS on N(μ, diag σ²) with scales 10⁴ apart: the adapted inverse metric
  // of every chain is σ² (exactly, as above, since every draw carries its
  // exact gradient), and the draws are the same whatever the thread count.
  VectorXd mu(4), sigma(4);
  mu << 1.0, -2.0, 0.0, 5.0;
  sigma << 1.0, 0.01, 100.0, 3.0;
  const CorrelatedGaussian target(mu, MatrixXd(sigma.cwiseAbs2().asDiagonal()));
  sb::SamplerOptions opt;
  opt.draws = 200;
  opt.tune = 1000;
  opt.chains = 3;
  BOOST_REQUIRE(opt.metric_adaptation == sb::MetricAdaptation::gradients);  // the default
  const auto one = sb::run_nuts(target, opt, 23, 1);
  const auto two = sb::run_nuts(target, opt, 23, 2);
  for (std::size_t c = 0; c < one.size(); ++c) {
    BOOST_CHECK(one[c].draws == two[c].draws);
    BOOST_CHECK(one[c].inverse_metric_diagonal == two[c].inverse_metric_diagonal);
    for (Index i = 0; i < 4; ++i)
      SUMMITCAST_CHECK_CLOSE(one[c].inverse_metric_diagonal[i] / (sigma[i] * sigma[i]), 1.0, 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(dense_metric_requires_stan_windows) {
  const CorrelatedGaussian target(VectorXd::Zero(2), MatrixXd::Identity(2, 2));
  sb::SamplerOptions opt;
  opt.dense_metric = true;
  BOOST_CHECK_THROW(sb::run_nuts(target, opt, 1, 1), std::invalid_argument);
  opt.metric_adaptation = sb::MetricAdaptation::stan_windows;
  opt.draws = opt.tune = 50;
  BOOST_CHECK_NO_THROW(sb::run_nuts(target, opt, 1, 1));
}

BOOST_AUTO_TEST_SUITE_END()
