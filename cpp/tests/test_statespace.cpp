// The Kalman filter, smoother and score against dense brute force: on a
// small system the observations are one multivariate normal vector, so the
// log-likelihood is its log-density and the smoothed states are conditional
// means, computed here directly from the joint covariance.
#include <cmath>
#include <limits>
#include <vector>

#include "check.hpp"
#include "summitcast/core/rng.hpp"
#include "summitcast/statespace/aggregation.hpp"
#include "summitcast/statespace/kalman_filter.hpp"
#include "summitcast/statespace/score.hpp"
#include "summitcast/statespace/smoother.hpp"
#include "summitcast/statespace/uc_model.hpp"

namespace sc = summitcast;
namespace ss = summitcast::statespace;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

const double kNaN = std::numeric_limits<double>::quiet_NaN();

// A time-invariant system with p = 2 series and m = 3 states (a rotation
// pair and a random walk), proper initial state, intercepts d and c.
ss::SystemMatrices small_system(double kappa = 0.0) {
  ss::SystemMatrices s;
  MatrixXd Z(2, 3), H = MatrixXd::Zero(2, 2), T(3, 3), R = MatrixXd::Identity(3, 3), Q(3, 3);
  Z << 1.0, 0.0, 1.0, 0.5, -1.0, 0.0;
  H(0, 0) = 0.7;
  H(1, 1) = 0.3;
  const double l = 2.0 * M_PI / 12.0;
  T << std::cos(l), std::sin(l), 0.0, -std::sin(l), std::cos(l), 0.0, 0.0, 0.0, 1.0;
  Q << 0.2, 0.05, 0.0, 0.05, 0.1, 0.0, 0.0, 0.0, 0.4;
  s.Z = {Z};
  s.H = {H};
  s.T = {T};
  s.R = {R};
  s.Q = {Q};
  s.d = (MatrixXd(2, 1) << 0.3, -0.2).finished();
  s.c = (MatrixXd(3, 1) << 0.0, 0.1, 0.05).finished();
  s.a1 = VectorXd::Constant(3, 0.5);
  s.P1_star = MatrixXd::Identity(3, 3) + (kappa > 0.0 ? kappa : 0.0) * MatrixXd::Identity(3, 3);
  s.P1_inf = MatrixXd::Zero(3, 3);
  return s;
}

MatrixXd small_data(Index n, bool missing) {
  sc::Rng rng(11, 0);
  MatrixXd y(2, n);
  for (Index t = 0; t < n; ++t)
    for (Index i = 0; i < 2; ++i) y(i, t) = std::sin(0.4 * t + i) + rng.normal();
  if (missing) {
    y(0, 2) = kNaN;            // one element
    y.col(5).setConstant(kNaN);  // a whole time point
    y(1, n - 1) = kNaN;
  }
  return y;
}

// Mean (m n) and covariance of the stacked states α_1..α_n.
void state_moments(const ss::SystemMatrices& s, Index n, VectorXd& mean, MatrixXd& cov) {
  const Index m = s.m();
  mean.resize(m * n);
  cov.resize(m * n, m * n);
  mean.head(m) = s.a1;
  cov.topLeftCorner(m, m) = s.P1_star;
  const MatrixXd& T = s.T[0];
  const MatrixXd RQR = s.R[0] * s.Q[0] * s.R[0].transpose();
  for (Index t = 1; t < n; ++t) {
    mean.segment(t * m, m) = T * mean.segment((t - 1) * m, m) + s.c.col(0);
    for (Index u = 0; u < t; ++u) {  // Cov(α_t, α_u) = T Cov(α_{t−1}, α_u)
      cov.block(t * m, u * m, m, m) = T * cov.block((t - 1) * m, u * m, m, m);
      cov.block(u * m, t * m, m, m) = cov.block(t * m, u * m, m, m).transpose();
    }
    cov.block(t * m, t * m, m, m) = T * cov.block((t - 1) * m, (t - 1) * m, m, m) * T.transpose() + RQR;
  }
}

struct Observed {
  VectorXd y, mean;
  MatrixXd cov;       // of the observed elements
  MatrixXd cross;     // Cov(α, y_obs): (m n) x k
};

Observed observed_moments(const ss::SystemMatrices& s, const MatrixXd& y) {
  const Index n = y.cols(), p = y.rows(), m = s.m();
  VectorXd am;
  MatrixXd ac;
  state_moments(s, n, am, ac);
  std::vector<std::pair<Index, Index>> obs;
  for (Index t = 0; t < n; ++t)
    for (Index i = 0; i < p; ++i)
      if (!std::isnan(y(i, t))) obs.emplace_back(t, i);
  const Index k = static_cast<Index>(obs.size());
  Observed o;
  o.y.resize(k);
  o.mean.resize(k);
  o.cov.resize(k, k);
  o.cross.resize(m * n, k);
  const MatrixXd& Z = s.Z[0];
  for (Index a = 0; a < k; ++a) {
    const auto [ta, ia] = obs[static_cast<std::size_t>(a)];
    o.y[a] = y(ia, ta);
    o.mean[a] = s.d(ia, 0) + Z.row(ia).dot(am.segment(ta * m, m));
    o.cross.col(a) = ac.middleCols(ta * m, m) * Z.row(ia).transpose();
    for (Index b = 0; b < k; ++b) {
      const auto [tb, ib] = obs[static_cast<std::size_t>(b)];
      o.cov(a, b) = Z.row(ia) * ac.block(ta * m, tb * m, m, m) * Z.row(ib).transpose();
      if (a == b) o.cov(a, b) += s.H[0](ia, ia);
    }
  }
  return o;
}

double gaussian_logpdf(const VectorXd& x, const VectorXd& mean, const MatrixXd& cov) {
  Eigen::LLT<MatrixXd> llt(cov);
  const VectorXd z = llt.matrixL().solve(x - mean);
  const double logdet = 2.0 * llt.matrixL().toDenseMatrix().diagonal().array().log().sum();
  return -0.5 * (static_cast<double>(x.size()) * ss::kLog2Pi + logdet + z.squaredNorm());
}

ss::FilterOutput run_filter(const ss::SystemMatrices& s, const MatrixXd& y, bool store, bool steady = true) {
  ss::FilterOptions opt;
  opt.store = store;
  opt.steady_state = steady;
  ss::KalmanFilter kf(s, y, opt);
  return kf.run();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(statespace)

BOOST_AUTO_TEST_CASE(loglike_is_the_gaussian_density_of_the_observations) {
  const ss::SystemMatrices s = small_system();
  for (bool missing : {false, true}) {
    const MatrixXd y = small_data(9, missing);
    const Observed o = observed_moments(s, y);
    SUMMITCAST_CHECK_CLOSE(run_filter(s, y, false).loglike, gaussian_logpdf(o.y, o.mean, o.cov), 1e-12);
  }
}

BOOST_AUTO_TEST_CASE(smoothed_states_are_conditional_means_and_covariances) {
  const ss::SystemMatrices s = small_system();
  const MatrixXd y = small_data(9, true);
  const Observed o = observed_moments(s, y);
  VectorXd am;
  MatrixXd ac;
  state_moments(s, y.cols(), am, ac);
  const MatrixXd gain = o.cross * o.cov.inverse();
  const VectorXd mean = am + gain * (o.y - o.mean);
  const MatrixXd cov = ac - gain * o.cross.transpose();
  const ss::FilterOutput f = run_filter(s, y, true);
  const ss::SmootherOutput sm = ss::smooth(s, f, true, false);
  const Index m = s.m();
  for (Index t = 0; t < y.cols(); ++t) {
    SUMMITCAST_CHECK_MATRIX(sm.state.col(t), mean.segment(t * m, m), 1e-11);
    SUMMITCAST_CHECK_MATRIX(sm.state_cov.middleCols(t * m, m), cov.block(t * m, t * m, m, m), 1e-11);
  }
}

BOOST_AUTO_TEST_CASE(exact_diffuse_loglike_is_the_limit_of_a_vague_prior) {
  // With P1 = κ I the log-likelihood behaves as ℓ_exact − ½ d log κ + O(1/κ),
  // d the number of diffuse observations; the exact filter gives the limit.
  ss::SystemMatrices exact = small_system();
  exact.P1_star.setZero();
  exact.P1_inf.setIdentity();
  const MatrixXd y = small_data(9, true);
  const ss::FilterOutput f = run_filter(exact, y, false);
  BOOST_CHECK_EQUAL(f.nobs_diffuse, 3);
  for (double kappa : {1e5, 1e6}) {
    ss::SystemMatrices vague = small_system();
    vague.P1_star = MatrixXd::Identity(3, 3) * kappa;
    const Observed o = observed_moments(vague, y);
    const double limit = gaussian_logpdf(o.y, o.mean, o.cov) + 0.5 * f.nobs_diffuse * std::log(kappa);
    SUMMITCAST_CHECK_CLOSE(f.loglike, limit, 30.0 / kappa);
  }
}

BOOST_AUTO_TEST_CASE(block_transition_equals_dense_products) {
  // Every block shape, alone and together, plus a dense leftover block:
  // T x, T'x, T P T' and T'P T against Eigen's dense products.
  sc::Rng rng(3, 0);
  auto random_block_T = [&](bool with_dense) {
    std::vector<MatrixXd> parts;
    parts.push_back((MatrixXd(2, 2) << 1, 1, 0, 1).finished());      // level + trend
    MatrixXd seasonal = MatrixXd::Zero(5, 5);                         // dummy seasonal, s = 6
    seasonal.row(0).setConstant(-1.0);
    for (Index j = 1; j < 5; ++j) seasonal(j, j - 1) = 1.0;
    parts.push_back(seasonal);
    const double l = 2.0 * M_PI / 7.0;
    parts.push_back((MatrixXd(2, 2) << std::cos(l), std::sin(l), -std::sin(l), std::cos(l)).finished());
    parts.push_back(MatrixXd::Identity(3, 3));                        // regression states
    if (with_dense) parts.push_back((MatrixXd(2, 2) << 0.5, 0.2, -0.1, 0.9).finished());
    Index m = 0;
    for (const auto& b : parts) m += b.rows();
    MatrixXd T = MatrixXd::Zero(m, m);
    Index at = 0;
    for (const auto& b : parts) {
      T.block(at, at, b.rows(), b.rows()) = b;
      at += b.rows();
    }
    return T;
  };
  for (bool with_dense : {false, true}) {
    const MatrixXd T = random_block_T(with_dense);
    const Index m = T.rows();
    const ss::BlockTransition bt = ss::BlockTransition::detect(T);
    BOOST_CHECK_EQUAL(bt.structured(), !with_dense);
    BOOST_CHECK_EQUAL(bt.blocks().size(), with_dense ? 7u : 6u);  // the identity splits into 1 x 1 blocks
    MatrixXd A(m, m);
    for (Index k = 0; k < A.size(); ++k) A.data()[k] = rng.normal();
    const MatrixXd P = A * A.transpose();
    const VectorXd x = A.col(0);
    for (bool transposed : {false, true}) {
      const MatrixXd Tt = transposed ? MatrixXd(T.transpose()) : T;
      VectorXd y = x;
      bt.apply(y.data(), transposed);
      SUMMITCAST_CHECK_MATRIX(y, VectorXd(Tt * x), 1e-15);
      MatrixXd out = P;
      bt.propagate(out, transposed);
      SUMMITCAST_CHECK_MATRIX(out, MatrixXd(Tt * P * Tt.transpose()), 1e-14);
    }
  }
}

BOOST_AUTO_TEST_CASE(steady_state_shortcut_keeps_the_loglike) {
  // A long series with gaps: the frozen recursion re-entered after every
  // missing value must agree with the full recursion to 1e-10.
  ss::SystemMatrices s = small_system();
  MatrixXd y = small_data(2000, false);
  for (Index t = 100; t < 2000; t += 97) y(t % 2, t) = kNaN;
  for (Index t = 1000; t < 1011; ++t) y.col(t).setConstant(kNaN);
  const ss::FilterOutput fast = run_filter(s, y, true, true), full = run_filter(s, y, true, false);
  BOOST_CHECK_GE(fast.converged_at, 0);
  BOOST_CHECK_LE(std::abs(fast.loglike - full.loglike), 1e-10 * std::abs(full.loglike));
  SUMMITCAST_CHECK_MATRIX(fast.v, full.v, 1e-9);
}

BOOST_AUTO_TEST_CASE(time_varying_path_equals_time_invariant_one) {
  // The general path (matrices given once per time point) and the
  // time-invariant path agree exactly on the same system.
  const ss::SystemMatrices s = small_system();
  const MatrixXd y = small_data(30, true);
  ss::SystemMatrices tv = s;
  tv.T.assign(30, s.T[0]);
  tv.Z.assign(30, s.Z[0]);
  SUMMITCAST_CHECK_CLOSE(run_filter(tv, y, false).loglike, run_filter(s, y, false, false).loglike, 1e-12);
}

BOOST_AUTO_TEST_CASE(inconsistent_dimensions_are_refused) {
  const ss::SystemMatrices s = small_system();
  MatrixXd one_series = small_data(9, false).topRows(1);
  BOOST_CHECK_THROW(ss::KalmanFilter(s, one_series), sc::ValueError);
  BOOST_CHECK_THROW(ss::KalmanFilter(s, MatrixXd(2, 0)), sc::ValueError);
  ss::SystemMatrices bad = s;
  bad.P1_star(0, 1) = bad.P1_star(1, 0) = 3.0;
  BOOST_CHECK_THROW(bad.validate_covariances("f", 9), sc::ValueError);
  ss::FilterOptions opt;
  opt.loglikelihood_burn = 9;
  BOOST_CHECK_THROW(ss::KalmanFilter(s, small_data(9, false), opt), sc::ValueError);
}

BOOST_AUTO_TEST_CASE(analytic_score_matches_finite_differences) {
  // Local linear trend + dummy seasonal(4) + one regressor, with gaps.
  ss::ComponentSpec spec;
  spec.trend = spec.stochastic_trend = true;
  spec.seasonal = 4;
  spec.k_exog = 1;
  sc::Rng rng(5, 0);
  const Index n = 80;
  VectorXd y(n);
  MatrixXd x(n, 1);
  for (Index t = 0; t < n; ++t) {
    x(t, 0) = std::cos(0.3 * t);
    y[t] = 0.05 * t + ((t % 4) - 1.5) + 2.0 * x(t, 0) + rng.normal();
  }
  y[7] = y[40] = y[41] = kNaN;
  const ss::UnobservedComponentsModel model(spec, y, x);
  VectorXd params(5);
  params << 0.8, 0.3, 0.01, 0.05, 1.7;
  VectorXd grad;
  model.loglike_and_score(params, grad);
  for (Index k = 0; k < params.size(); ++k) {
    const double h = 1e-6 * std::max(1.0, std::abs(params[k]));
    VectorXd up = params, down = params;
    up[k] += h;
    down[k] -= h;
    const double fd = (model.loglike(up) - model.loglike(down)) / (2.0 * h);
    SUMMITCAST_CHECK_CLOSE(grad[k], fd, 1e-5);
  }
}

// Temporal aggregation: with every month observed and no aggregate the
// cumulator adds nothing, so the model is the unobserved-components model
// (the irregular carried as a state instead of as observation noise); with
// aggregates, the smoothed months of each aggregated period add up to it.
namespace {

ss::ComponentSpec trend_and_seasonal() {
  ss::ComponentSpec spec;
  spec.trend = spec.stochastic_trend = true;
  spec.seasonal = 4;
  return spec;
}

ss::AggregationLayout yearly_layout(Index n, double scale) {
  ss::AggregationLayout layout;
  layout.scale = VectorXd::Constant(n, scale);
  layout.weight = VectorXd::Ones(n);
  layout.period_start.assign(static_cast<size_t>(n), false);
  for (Index t = 0; t < n; t += 12) layout.period_start[static_cast<size_t>(t)] = true;
  return layout;
}

}  // namespace

BOOST_AUTO_TEST_CASE(aggregation_without_aggregates_is_the_component_model) {
  sc::Rng rng(11, 0);
  const Index n = 48;
  VectorXd y(n);
  for (Index t = 0; t < n; ++t) y[t] = 0.1 * t + ((t % 4) - 1.5) + rng.normal();
  y[9] = kNaN;
  VectorXd params(4);
  params << 0.7, 0.2, 0.01, 0.05;
  const ss::UnobservedComponentsModel uc(trend_and_seasonal(), y, MatrixXd::Zero(n, 0));
  const ss::AggregationModel agg(trend_and_seasonal(), y, VectorXd::Constant(n, kNaN), yearly_layout(n, 1.0));
  SUMMITCAST_CHECK_CLOSE(agg.loglike(params), uc.loglike(params), 1e-10);
}

BOOST_AUTO_TEST_CASE(aggregated_months_add_up_to_their_aggregate) {
  sc::Rng rng(12, 0);
  const Index n = 48;
  VectorXd y(n), totals = VectorXd::Constant(n, kNaN);
  for (Index t = 0; t < n; ++t) y[t] = 10.0 + 0.1 * t + ((t % 4) - 1.5) + rng.normal();
  totals[35] = y.segment(24, 12).sum() + 3.0;  // the third year: only its total
  totals[47] = y.segment(36, 12).sum() - 2.0;  // the fourth: its total and two months
  for (Index t = 24; t < 48; ++t)
    if (t != 40 && t != 41) y[t] = kNaN;
  VectorXd params(4);
  params << 0.7, 0.2, 0.01, 0.05;
  const ss::AggregationModel agg(trend_and_seasonal(), y, totals, yearly_layout(n, 2.0));
  const ss::AggregationSmooth s = agg.smooth(params, VectorXd::Constant(3, 2.0));
  SUMMITCAST_CHECK_CLOSE(s.mean.segment(24, 12).sum(), totals[35], 1e-9);
  SUMMITCAST_CHECK_CLOSE(s.mean.segment(36, 12).sum(), totals[47], 1e-9);
  SUMMITCAST_CHECK_CLOSE(s.mean[40], y[40], 1e-9);  // observed months are reproduced
  BOOST_CHECK_LE(s.variance[40], 1e-9);
  BOOST_CHECK_GT(s.variance[30], 0.1);
  BOOST_CHECK_GT(s.variance[49], s.variance[48]);  // predictions after the data widen
}

BOOST_AUTO_TEST_CASE(aggregation_refuses_bad_layouts) {
  const Index n = 24;
  const VectorXd y = VectorXd::Ones(n), none = VectorXd::Constant(n, kNaN);
  ss::AggregationLayout bad = yearly_layout(n, 1.0);
  bad.scale[3] = -1.0;
  BOOST_CHECK_THROW(ss::AggregationModel(trend_and_seasonal(), y, none, bad), sc::ValueError);
  bad = yearly_layout(n, 1.0);
  bad.weight.resize(5);
  BOOST_CHECK_THROW(ss::AggregationModel(trend_and_seasonal(), y, none, bad), sc::ValueError);
  VectorXd all_missing = VectorXd::Constant(n, kNaN);
  BOOST_CHECK_THROW(ss::AggregationModel(trend_and_seasonal(), all_missing, none, yearly_layout(n, 1.0)),
                    sc::ValueError);
}

BOOST_AUTO_TEST_SUITE_END()
