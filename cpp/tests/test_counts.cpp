// INGARCH count models: the log-likelihood against a direct evaluation of
// its recursion, its gradient against finite differences, and the count
// distributions against their closed forms.
#include <cmath>

#include "check.hpp"
#include "summitcast/core/rng.hpp"
#include "summitcast/counts/count_distributions.hpp"
#include "summitcast/counts/ingarch_model.hpp"
#include "summitcast/counts/ingarch_predict.hpp"

namespace sc = summitcast;
namespace cn = summitcast::counts;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

cn::IngarchSpec spec_with(cn::Link link, cn::Family family) {
  cn::IngarchSpec s;
  s.past_obs = {1};
  s.past_mean = {2};
  s.k_exog = 1;
  s.link = link;
  s.family = family;
  s.init = cn::Init::firstobs;
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(counts)

BOOST_AUTO_TEST_CASE(poisson_log_link_loglike_equals_its_recursion) {
  // ν_t = β₀ + β₁ log(1 + y_{t−1}) + α₂ ν_{t−2} + η x_t, λ_t = exp ν_t, and
  // ℓ_t = log Poisson(y_t; λ_t): checked term by term from t = 2 on (the
  // pre-sample values are the model's own convention).
  const cn::IngarchSpec s = spec_with(cn::Link::log, cn::Family::poisson);
  VectorXd theta(4);
  theta << 0.4, 0.3, 0.2, 0.5;
  const Index n = 150;
  MatrixXd X(n, 1);
  for (Index t = 0; t < n; ++t) X(t, 0) = std::sin(0.2 * t);
  const VectorXd y = cn::simulate_ingarch(s, theta, X, 100, 3).cast<double>();
  const cn::IngarchModel model(s, y, X);
  VectorXd ll_t;
  const double ll = model.loglike(theta, nullptr, &ll_t);
  SUMMITCAST_CHECK_CLOSE(ll, ll_t.sum(), 1e-12);
  VectorXd nu;
  BOOST_REQUIRE(model.recursion(theta, nu, nullptr));
  for (Index t = 2; t < n; ++t) {
    const double expected = theta[0] + theta[1] * std::log1p(y[t - 1]) + theta[2] * nu[t - 2] + theta[3] * X(t, 0);
    SUMMITCAST_CHECK_CLOSE(nu[t], expected, 1e-12);
    SUMMITCAST_CHECK_CLOSE(ll_t[t], cn::poisson_logpmf(y[t], std::exp(nu[t])), 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(score_matches_finite_differences) {
  for (auto link : {cn::Link::log, cn::Link::identity})
    for (auto family : {cn::Family::poisson, cn::Family::negbin}) {
      cn::IngarchSpec s = spec_with(link, family);
      s.init = cn::Init::marginal;
      VectorXd theta(family == cn::Family::negbin ? 5 : 4);
      theta.head(4) << (link == cn::Link::log ? 0.4 : 1.5), 0.3, 0.2, (link == cn::Link::log ? 0.5 : 0.4);
      if (family == cn::Family::negbin) theta[4] = 0.3;
      const Index n = 120;
      MatrixXd X(n, 1);
      for (Index t = 0; t < n; ++t) X(t, 0) = 1.0 + std::sin(0.2 * t);
      const VectorXd y = cn::simulate_ingarch(s, theta, X, 100, 5).cast<double>();
      const cn::IngarchModel model(s, y, X);
      VectorXd g;
      model.loglike(theta, &g);
      for (Index k = 0; k < theta.size(); ++k) {
        const double h = 1e-6 * std::max(1.0, std::abs(theta[k]));
        VectorXd up = theta, down = theta;
        up[k] += h;
        down[k] -= h;
        SUMMITCAST_CHECK_CLOSE(g[k], (model.loglike(up) - model.loglike(down)) / (2.0 * h), 1e-6);
      }
    }
}

BOOST_AUTO_TEST_CASE(count_distributions_match_closed_forms) {
  // Poisson(3): P(Y = 2) = 9 e^{−3}/2; NB2 with mean 3, α = 0.5 (size 2):
  // P(Y = 0) = (2/(2 + 3))² = 0.16.
  SUMMITCAST_CHECK_CLOSE(std::exp(cn::poisson_logpmf(2.0, 3.0)), 4.5 * std::exp(-3.0), 1e-14);
  SUMMITCAST_CHECK_CLOSE(std::exp(cn::negbin_logpmf(0.0, 3.0, 0.5)), 0.16, 1e-14);
  double total = 0.0;
  for (int k = 0; k < 200; ++k) total += std::exp(cn::negbin_logpmf(k, 3.0, 0.5));
  SUMMITCAST_CHECK_CLOSE(total, 1.0, 1e-12);
  SUMMITCAST_CHECK_CLOSE(cn::count_sf_at_least(cn::Family::poisson, 1.0, 3.0, 0.0), -std::expm1(-3.0), 1e-14);
  sc::Rng rng(1, 0);
  double mean = 0.0;
  for (int i = 0; i < 100000; ++i) mean += static_cast<double>(cn::count_draw(rng, cn::Family::negbin, 3.0, 0.5));
  BOOST_CHECK_SMALL(mean / 100000 - 3.0, 0.02);  // sd of the mean sqrt(3 + 0.5·9)/316 = 0.0087
}

BOOST_AUTO_TEST_SUITE_END()
