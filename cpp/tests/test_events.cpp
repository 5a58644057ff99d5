// Hawkes processes: the O(N) recursive log-likelihood against the O(N²)
// definition, its gradient against finite differences, and the fixed-decay
// fit at a stationary point of the likelihood.
#include <algorithm>
#include <cmath>
#include <vector>

#include "check.hpp"
#include "summitcast/core/rng.hpp"
#include "summitcast/events/hawkes_fit.hpp"
#include "summitcast/events/hawkes_model.hpp"
#include "summitcast/events/hawkes_simulate.hpp"

namespace sc = summitcast;
namespace se = summitcast::events;
using Eigen::Index;
using Eigen::VectorXd;

namespace {

// ℓ straight from its definition: every pair of events, every kernel.
double brute_force_loglike(const std::vector<VectorXd>& times, double T, const se::HawkesShape& s,
                           const VectorXd& th) {
  double ll = 0.0;
  for (Index i = 0; i < s.D; ++i) {
    for (Index k = 0; k < times[i].size(); ++k) {
      const double t = times[i][k];
      double lam = th[i];
      for (Index j = 0; j < s.D; ++j)
        for (Index l = 0; l < times[j].size(); ++l)
          if (times[j][l] < t)
            for (Index u = 0; u < s.U; ++u) {
              const double b = th[s.beta_index(u)];
              lam += th[s.alpha_index(i, j, u)] * b * std::exp(-b * (t - times[j][l]));
            }
      ll += std::log(lam);
    }
    double compensator = th[i] * T;
    for (Index j = 0; j < s.D; ++j)
      for (Index l = 0; l < times[j].size(); ++l)
        for (Index u = 0; u < s.U; ++u)
          compensator += th[s.alpha_index(i, j, u)] * (1.0 - std::exp(-th[s.beta_index(u)] * (T - times[j][l])));
    ll -= compensator;
  }
  return ll;
}

std::vector<VectorXd> random_times(Index D, Index per_dim, double T, std::uint64_t seed) {
  sc::Rng rng(seed, 0);
  std::vector<VectorXd> out;
  for (Index j = 0; j < D; ++j) {
    VectorXd t(per_dim);
    for (Index k = 0; k < per_dim; ++k) t[k] = T * rng.uniform();
    std::sort(t.data(), t.data() + per_dim);
    out.push_back(t);
  }
  return out;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(events)

BOOST_AUTO_TEST_CASE(recursive_loglike_equals_the_definition) {
  const double T = 50.0;
  for (Index D : {1, 2})
    for (Index U : {1, 2}) {
      se::HawkesShape s{D, U};
      VectorXd th(s.k_params());
      for (Index i = 0; i < D; ++i) th[i] = 0.3 + 0.1 * i;
      for (Index i = 0; i < D * D * U; ++i) th[D + i] = 0.1 + 0.05 * (i % 3);
      for (Index u = 0; u < U; ++u) th[s.beta_index(u)] = 0.7 * std::pow(4.0, u);
      const auto times = random_times(D, 40, T, 10 * D + U);
      const se::HawkesData d = se::make_hawkes_data(times, T);
      SUMMITCAST_CHECK_CLOSE(se::hawkes_loglike(d, s, th), brute_force_loglike(times, T, s, th), 1e-12);
    }
}

BOOST_AUTO_TEST_CASE(gradient_matches_finite_differences) {
  const double T = 80.0;
  se::HawkesShape s{2, 2};
  VectorXd th(s.k_params());
  th << 0.4, 0.2, 0.1, 0.05, 0.2, 0.1, 0.15, 0.05, 0.1, 0.2, 0.8, 3.0;
  const se::HawkesData d = se::make_hawkes_data(random_times(2, 60, T, 4), T);
  VectorXd g;
  se::hawkes_loglike(d, s, th, &g);
  for (Index k = 0; k < th.size(); ++k) {
    const double h = 1e-6 * std::max(1.0, std::abs(th[k]));
    VectorXd up = th, down = th;
    up[k] += h;
    down[k] -= h;
    SUMMITCAST_CHECK_CLOSE(g[k], (se::hawkes_loglike(d, s, up) - se::hawkes_loglike(d, s, down)) / (2.0 * h), 1e-6);
  }
}

BOOST_AUTO_TEST_CASE(fixed_decay_fit_is_a_stationary_point) {
  // Simulated from μ = 0.5, α = 0.6, β = 2 on [0, 2000].
  const se::HawkesShape s{1, 1};
  VectorXd truth(3);
  truth << 0.5, 0.6, 2.0;
  const se::SimulatedEvents sim = se::simulate_hawkes(s, truth, 2000.0, 9);
  std::vector<VectorXd> times{Eigen::Map<const VectorXd>(sim.time.data(), static_cast<Index>(sim.time.size()))};
  const se::HawkesData d = se::make_hawkes_data(times, 2000.0);
  const se::HawkesFit fit = se::fit_hawkes(d, s, VectorXd::Constant(1, 2.0), VectorXd());
  BOOST_CHECK(fit.converged);
  // ∂ℓ/∂μ and ∂ℓ/∂α vanish relative to the event count; the estimates are
  // within four standard errors of the truth.
  BOOST_CHECK_SMALL(fit.gradient[0] / static_cast<double>(d.size()), 1e-9);
  BOOST_CHECK_SMALL(fit.gradient[1] / static_cast<double>(d.size()), 1e-9);
  SUMMITCAST_CHECK_CLOSE(fit.value, se::hawkes_loglike(d, s, fit.params), 1e-13);
  const Eigen::MatrixXd cov = (-fit.hessian).inverse();
  for (Index k = 0; k < 2; ++k) BOOST_CHECK_LE(std::abs(fit.params[k] - truth[k]), 4.0 * std::sqrt(cov(k, k)));
}

BOOST_AUTO_TEST_CASE(decay_factors_match_std_exp) {
  // The vectorised pass of exponentials (the clone for this processor) on
  // simulated gaps, a zero gap's neighbours and gaps far beyond underflow.
  const se::HawkesShape s{1, 1};
  VectorXd truth(3);
  truth << 0.5, 0.6, 2.0;
  const se::SimulatedEvents sim = se::simulate_hawkes(s, truth, 3000.0, 5);
  std::vector<double> t(sim.time.begin(), sim.time.end());
  t.push_back(t.back() + 400.0);  // β Δt = 800: below e^{−708}, so 0
  t.push_back(t.back() + 1e-12);
  std::vector<double> w(t.size());
  se::decay_factors(t.data(), static_cast<Index>(t.size()), 2.0, w.data());
  double worst = 0.0;
  for (size_t k = 0; k + 2 < t.size(); ++k) {
    const double ref = std::exp(-2.0 * (t[k] - (k ? t[k - 1] : 0.0)));
    worst = std::max(worst, std::abs(w[k] - ref) / ref);
  }
  BOOST_CHECK_LT(worst, 4e-16);
  BOOST_CHECK_EQUAL(w[t.size() - 2], 0.0);
  SUMMITCAST_CHECK_CLOSE(w.back(), std::exp(-2.0 * (t.back() - t[t.size() - 2])), 1e-15);
}

BOOST_AUTO_TEST_CASE(profile_newton_fast_path_matches_the_general_fit) {
  // The fixed-decay fast path (profile Newton/Halley on the caller's array,
  // work arrays reused between calls) against the general BFGS fit, which
  // runs when starting values are given, on three series of different
  // lengths in an order that makes the work arrays shrink and grow.
  const se::HawkesShape s{1, 1};
  VectorXd truth(3);
  truth << 0.5, 0.6, 2.0;
  const VectorXd beta = VectorXd::Constant(1, 2.0);
  for (double T : {4000.0, 500.0, 8000.0}) {
    const se::SimulatedEvents sim = se::simulate_hawkes(s, truth, T, 11);
    const std::vector<Eigen::Map<const VectorXd>> times{
        Eigen::Map<const VectorXd>(sim.time.data(), static_cast<Index>(sim.time.size()))};
    const se::HawkesFit fast = se::fit_hawkes(times, T, s, beta, VectorXd());
    BOOST_CHECK_EQUAL(fast.message, "profile Newton converged");
    VectorXd start(3);
    start << 0.3, 0.3, 2.0;
    summitcast::optim::BfgsOptions tight;
    tight.gradient_tol = 1e-9;
    const se::HawkesFit general = se::fit_hawkes(se::make_hawkes_data(times, T), s, beta, start, tight);
    BOOST_CHECK(general.converged);
    BOOST_CHECK(general.message != fast.message);
    SUMMITCAST_CHECK_CLOSE(fast.params[0], general.params[0], 1e-6);
    SUMMITCAST_CHECK_CLOSE(fast.params[1], general.params[1], 1e-6);
    BOOST_CHECK_GE(fast.value, general.value - 1e-9 * std::abs(general.value));
    // The profile equation is solved to rounding: ∂ℓ/∂α ≈ 0 relative to N.
    BOOST_CHECK_SMALL(fast.gradient[1] / static_cast<double>(sim.time.size()), 1e-10);
  }
}

BOOST_AUTO_TEST_SUITE_END()
