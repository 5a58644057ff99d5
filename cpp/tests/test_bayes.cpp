// Bayesian kernels: model gradients against finite differences, NUTS on a
// Gaussian target whose moments are known, and the convergence diagnostics
// on draws whose answers are known.
#include <cmath>
#include <utility>

#include "check.hpp"
#include "summitcast/bayes/binary_regression.hpp"
#include "summitcast/bayes/density_rows.hpp"
#include "summitcast/bayes/diagnostics.hpp"
#include "summitcast/bayes/logit_log_lik.hpp"
#include "summitcast/bayes/mahalanobis.hpp"
#include "summitcast/bayes/row_layout.hpp"
#include "summitcast/bayes/sampler.hpp"
#include "summitcast/core/rng.hpp"

namespace sc = summitcast;
namespace sb = summitcast::bayes;
namespace dg = summitcast::bayes::diagnostics;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

// N(μ, diag(σ²)) in d dimensions with very different scales.
class Gaussian final : public sb::LogDensity {
 public:
  Gaussian(VectorXd mu, VectorXd sigma) : mu_(std::move(mu)), sigma_(std::move(sigma)) {}
  Index dim() const override { return mu_.size(); }
  double log_density(const VectorXd& th, VectorXd& g, bool) const override {
    const VectorXd z = (th - mu_).cwiseQuotient(sigma_);
    g = -z.cwiseQuotient(sigma_);
    return -0.5 * z.squaredNorm();
  }
  double log_likelihood(const VectorXd& th) const override {
    VectorXd g;
    return log_density(th, g, false);
  }

 private:
  VectorXd mu_, sigma_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(bayes)

BOOST_AUTO_TEST_CASE(density_rows_equal_one_call_per_row_for_any_thread_count) {
  const Gaussian model(VectorXd::LinSpaced(3, -1.0, 1.0), VectorXd::LinSpaced(3, 0.5, 2.0));
  sc::Rng rng(5, 0);
  MatrixXd thetas(257, 3);
  for (Index i = 0; i < thetas.rows(); ++i)
    for (Index j = 0; j < 3; ++j) thetas(i, j) = rng.normal();
  const VectorXd serial = sb::log_density_rows(model, thetas, true, 1);
  VectorXd g(3);
  for (Index i = 0; i < thetas.rows(); ++i) {
    const VectorXd row = thetas.row(i).transpose();
    BOOST_CHECK_EQUAL(serial[i], model.log_density(row, g, true));
  }
  for (int threads : {2, 3, 0}) BOOST_CHECK(sb::log_density_rows(model, thetas, true, threads) == serial);
  BOOST_CHECK_THROW(sb::log_density_rows(model, MatrixXd::Zero(4, 2), true, 1), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(logit_density_blocks_match_one_call_per_row_for_any_thread_count) {
  // the blocked matrix product gives each row's log p to rounding, and the
  // same numbers whatever the thread count (the blocks are fixed)
  sc::Rng rng(3, 0);
  const Index n = 1174, k = 4, m = 2 * sb::kDensityBlock + 17;  // n mod 16 = 6: the kernel's remainder; a short block
  MatrixXd X(n, k);
  VectorXd y(n), offset(n), weights(n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < k; ++j) X(i, j) = rng.normal();
    y[i] = rng.uniform() < 0.3 ? 1.0 : 0.0;
    offset[i] = 0.1 * rng.normal();
    weights[i] = 1.0 + rng.uniform();
  }
  const std::pair<sb::Link, bool> cases[] = {{sb::Link::logit, false}, {sb::Link::logit, true}, {sb::Link::probit, true}};
  for (const auto& [link, weighted] : cases) {
    const sb::BinaryRegression model(X, y, link, true, sb::Prior::normal(0.0, 2.5), sb::Prior::student_t(3.0, 0.0, 2.5),
                                     offset, weighted ? weights : VectorXd());
    MatrixXd thetas(m, model.dim());
    for (Index i = 0; i < m; ++i)
      for (Index j = 0; j < model.dim(); ++j) thetas(i, j) = rng.normal();
    const VectorXd serial = sb::log_density_rows(model, thetas, true, 1);
    VectorXd g(model.dim());
    for (Index i = 0; i < m; ++i) {
      const VectorXd row = thetas.row(i).transpose();
      SUMMITCAST_CHECK_CLOSE(serial[i], model.log_density(row, g, true), 1e-12);
    }
    for (int threads : {2, 3, 0}) BOOST_CHECK(sb::log_density_rows(model, thetas, true, threads) == serial);
  }
}

BOOST_AUTO_TEST_CASE(pooled_logit_density_blocks_use_zero_patterns) {
  // a pooled design (shared features, series dummies, dummy x feature
  // columns) with weights tied within a month, as the forecaster's
  // discounted hazards have: the rows are grouped by zero pattern, and each
  // row's log p still matches one call per row
  sc::Rng rng(6, 0);
  const Index groups = 5, months = 300, shared = 4, n = groups * months - 7;  // an unbalanced last group
  const Index p = shared + 2 * groups;
  MatrixXd X = MatrixXd::Zero(n, p);
  VectorXd y(n), weights(n);
  for (Index i = 0; i < n; ++i) {
    const Index g = i / months, month = i % months;
    for (Index j = 0; j < shared; ++j) X(i, j) = rng.normal();
    X(i, shared + g) = 1.0;
    X(i, shared + groups + g) = X(i, 0);
    y[i] = rng.uniform() < 0.2 ? 1.0 : 0.0;
    weights[i] = std::pow(2.0, -(months - 1 - month) / 120.0);
  }
  X(3, 1) = 0.0;  // a zero in a shared column does not split the groups
  const sb::RowLayout layout(X);
  BOOST_CHECK_EQUAL(layout.groups().size(), static_cast<std::size_t>(groups));
  const sb::RowLayout dense(MatrixXd::Ones(40, 3));
  BOOST_CHECK_EQUAL(dense.groups().size(), 1u);  // nothing to gain: one group of every row and column
  for (const bool weighted : {false, true}) {
    const sb::BinaryRegression model(X, y, sb::Link::logit, true, sb::Prior::normal(0.0, 1.0),
                                     sb::Prior::normal(-3.0, 2.0), VectorXd(), weighted ? weights : VectorXd());
    MatrixXd thetas(sb::kDensityBlock + 9, model.dim());
    for (Index i = 0; i < thetas.rows(); ++i)
      for (Index j = 0; j < model.dim(); ++j) thetas(i, j) = rng.normal();
    const VectorXd rows = sb::log_density_rows(model, thetas, true, 1);
    VectorXd g(model.dim());
    for (Index i = 0; i < thetas.rows(); ++i) {
      const VectorXd row = thetas.row(i).transpose();
      SUMMITCAST_CHECK_CLOSE(rows[i], model.log_density(row, g, true), 1e-12);
    }
    BOOST_CHECK(sb::log_density_rows(model, thetas, true, 2) == rows);
  }
}

BOOST_AUTO_TEST_CASE(vectorised_logit_tiles_match_a_long_double_sum) {
  // sum_i w_i [y_i eta_ik - log(1 + e^eta_ik)], eta_ik = x_i' b_k + offset_i +
  // alpha_k, against the same sum in long double with the library's log1p
  // and exp, for every row count to 40 (whole tiles of 8 and the padded
  // last one) and a long design, at 1 to 9 coefficient vectors (whole and
  // partial groups of 4), with and without intercepts; eta includes 0,
  // tiny values and |eta| past 708, where e^-|eta| is 0 in the kernel
  sc::Rng rng(11, 0);
  std::vector<Index> lengths;
  for (Index n = 0; n <= 40; ++n) lengths.push_back(n);
  lengths.push_back(2221);
  const Index cols = 3;
  for (const Index n : lengths) {
    MatrixXd X(n, cols);
    VectorXd offset(n), w(n), wy(n);
    for (Index i = 0; i < n; ++i) {
      const double special[] = {0.0, 1e-300, -1e-17, 250.0, -270.0, 12.2};
      for (Index j = 0; j < cols; ++j) X(i, j) = i % 7 == 3 ? (j == 0 ? special[(i / 7) % 6] : 0.0) : 3.0 * rng.normal();
      offset[i] = i % 7 == 3 ? 0.0 : 0.5 * rng.normal();
      w[i] = i % 5 == 0 ? 1.0 : rng.uniform();
      wy[i] = rng.uniform() < 0.3 ? w[i] : 0.0;
    }
    for (const Index m : {1, 4, 9}) {
      MatrixXd B(m, cols);
      VectorXd alpha(m);
      for (Index k = 0; k < m; ++k) {
        alpha[k] = rng.normal();
        B.row(k) = k == 0 ? Eigen::RowVector3d(3.0, 0.0, 0.0) : Eigen::RowVector3d(rng.normal(), rng.normal(), rng.normal());
      }
      for (const bool with_alpha : {false, true}) {
        VectorXd sums = VectorXd::Constant(m, 0.25);  // the kernel adds to what is there
        sb::logit_log_lik_tiles(X.data(), n, cols, B.data(), m, m, offset.data(), w.data(), wy.data(),
                                with_alpha ? alpha.data() : nullptr, sums.data());
        for (Index k = 0; k < m; ++k) {
          long double ref = 0.25L, scale = 1.0L;
          for (Index i = 0; i < n; ++i) {
            long double e = offset[i] + (with_alpha ? alpha[k] : 0.0);
            for (Index j = 0; j < cols; ++j) e += static_cast<long double>(X(i, j)) * B(k, j);
            const long double term = wy[i] * e - w[i] * (std::max(e, 0.0L) + std::log1p(std::exp(-std::abs(e))));
            ref += term;
            scale += std::abs(term);
          }
          BOOST_CHECK_MESSAGE(std::abs(sums[k] - static_cast<double>(ref)) <= 1e-14 * static_cast<double>(scale),
                              "n = " << n << ", m = " << m << ", k = " << k << ": " << sums[k] << " vs "
                                     << static_cast<double>(ref));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(intercept_only_logit_blocks_match_one_call_per_row) {
  // a design with no columns (an intercept alone): the block density reads no coefficients
  sc::Rng rng(12, 0);
  const Index n = 37;
  VectorXd y(n), weights(n);
  for (Index i = 0; i < n; ++i) {
    y[i] = rng.uniform() < 0.4 ? 1.0 : 0.0;
    weights[i] = 0.5 + rng.uniform();
  }
  const sb::BinaryRegression model(MatrixXd(n, 0), y, sb::Link::logit, true, sb::Prior::normal(0.0, 1.0),
                                   sb::Prior::normal(-3.0, 2.0), VectorXd(), weights);
  MatrixXd thetas(6, 1);
  for (Index i = 0; i < thetas.rows(); ++i) thetas(i, 0) = 2.0 * rng.normal();
  const VectorXd rows = sb::log_density_rows(model, thetas, true, 1);
  VectorXd g(1);
  for (Index i = 0; i < thetas.rows(); ++i) {
    const VectorXd row = thetas.row(i).transpose();
    SUMMITCAST_CHECK_CLOSE(rows[i], model.log_density(row, g, true), 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(mahalanobis_rows_match_the_inverse_scale) {
  sc::Rng rng(4, 0);
  const Index d = 5, m = 40;
  MatrixXd A(d, d), thetas(m, d);
  VectorXd c(d);
  for (Index i = 0; i < d; ++i) {
    c[i] = rng.normal();
    for (Index j = 0; j < d; ++j) A(i, j) = rng.normal();
  }
  const MatrixXd scale = A * A.transpose() + MatrixXd::Identity(d, d);
  for (Index i = 0; i < m; ++i)
    for (Index j = 0; j < d; ++j) thetas(i, j) = rng.normal();
  const MatrixXd root = Eigen::LLT<MatrixXd>(scale).matrixL();
  const VectorXd delta = sb::mahalanobis_rows(thetas, c, root);
  const MatrixXd inverse = scale.inverse();
  for (Index i = 0; i < m; ++i) {
    const VectorXd e = thetas.row(i).transpose() - c;
    SUMMITCAST_CHECK_CLOSE(delta[i], e.dot(inverse * e), 1e-10);
  }
  MatrixXd bad = root;
  bad(0, 0) = 0.0;
  BOOST_CHECK_THROW(sb::mahalanobis_rows(thetas, c, bad), std::invalid_argument);
  BOOST_CHECK_THROW(sb::mahalanobis_rows(thetas, VectorXd::Zero(d - 1), root), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(logit_gradient_matches_finite_differences) {
  sc::Rng rng(2, 0);
  const Index n = 60, k = 3;
  MatrixXd X(n, k);
  VectorXd y(n);
  for (Index i = 0; i < n; ++i) {
    for (Index j = 0; j < k; ++j) X(i, j) = rng.normal();
    y[i] = rng.uniform() < 1.0 / (1.0 + std::exp(-X(i, 0))) ? 1.0 : 0.0;
  }
  for (auto link : {sb::Link::logit, sb::Link::probit}) {
    const sb::BinaryRegression model(X, y, link, true, sb::Prior::normal(0.0, 2.5), sb::Prior::student_t(3.0, 0.0, 2.5));
    VectorXd th(model.dim()), g(model.dim()), unused(model.dim());
    for (Index j = 0; j < th.size(); ++j) th[j] = 0.3 * rng.normal();
    model.log_density(th, g);
    for (Index j = 0; j < th.size(); ++j) {
      VectorXd up = th, down = th;
      up[j] += 1e-6;
      down[j] -= 1e-6;
      SUMMITCAST_CHECK_CLOSE(g[j], (model.log_density(up, unused) - model.log_density(down, unused)) / 2e-6, 1e-6);
    }
  }
}

BOOST_AUTO_TEST_CASE(nuts_recovers_gaussian_moments_and_is_thread_independent) {
  VectorXd mu(4), sigma(4);
  mu << 1.0, -2.0, 0.0, 5.0;
  sigma << 1.0, 0.01, 100.0, 3.0;  // scales 10⁴ apart: the metric must adapt
  const Gaussian target(mu, sigma);
  sb::SamplerOptions opt;
  opt.draws = 1000;
  opt.tune = 1000;
  opt.chains = 4;
  const auto one = sb::run_nuts(target, opt, 17, 1);
  const auto two = sb::run_nuts(target, opt, 17, 2);
  for (int c = 0; c < opt.chains; ++c) BOOST_CHECK(one[static_cast<std::size_t>(c)].draws == two[static_cast<std::size_t>(c)].draws);
  for (Index j = 0; j < mu.size(); ++j) {
    dg::Draws x(opt.chains, opt.draws);
    for (int c = 0; c < opt.chains; ++c) x.row(c) = one[static_cast<std::size_t>(c)].draws.col(j).transpose();
    const double ess = dg::ess_bulk(x);
    BOOST_CHECK_GE(ess, 1000.0);
    BOOST_CHECK_LE(dg::rhat(x), 1.01);
    // |mean − μ| within 4 Monte Carlo standard errors; sd within 10%.
    BOOST_CHECK_LE(std::abs(x.mean() - mu[j]), 4.0 * sigma[j] / std::sqrt(ess));
    SUMMITCAST_CHECK_CLOSE(dg::sd(x) / sigma[j], 1.0, 0.1);
  }
}

BOOST_AUTO_TEST_CASE(diagnostics_on_known_draws) {
  // Independent draws: R-hat ≈ 1, bulk ESS ≈ the number of draws.  Chains
  // stuck at different means: R-hat far above 1.  An AR(1) with ρ = 0.9:
  // ESS ≈ N (1 − ρ)/(1 + ρ).
  sc::Rng rng(8, 0);
  const Index chains = 4, n = 5000;
  dg::Draws iid(chains, n), shifted(chains, n), ar(chains, n);
  for (Index c = 0; c < chains; ++c) {
    double a = rng.normal() / std::sqrt(1 - 0.81);
    for (Index t = 0; t < n; ++t) {
      iid(c, t) = rng.normal();
      shifted(c, t) = rng.normal() + 2.0 * static_cast<double>(c);
      a = 0.9 * a + rng.normal();
      ar(c, t) = a;
    }
  }
  BOOST_CHECK_LE(std::abs(dg::rhat(iid) - 1.0), 0.01);
  SUMMITCAST_CHECK_CLOSE(dg::ess_bulk(iid) / (chains * n), 1.0, 0.1);
  BOOST_CHECK_GE(dg::rhat(shifted), 2.0);
  const double expected = chains * n * 0.1 / 1.9;
  SUMMITCAST_CHECK_CLOSE(dg::ess_mean(ar) / expected, 1.0, 0.2);
}

BOOST_AUTO_TEST_SUITE_END()
