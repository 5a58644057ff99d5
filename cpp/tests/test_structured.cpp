// The structured Kalman path of component models: the moving frame against
// the plain block transition it replaces, the structured filter against the
// general one (the same system given once per time point, which takes the
// general path), and the steady-state shortcut against the full recursion
// on long series with scattered gaps (the bound the filter documents).
#include <cmath>
#include <vector>

#include "check.hpp"
#include "summitcast/core/parallel.hpp"
#include "summitcast/core/rng.hpp"
#include "summitcast/statespace/kalman_filter.hpp"
#include "summitcast/statespace/moving_frame.hpp"
#include "summitcast/statespace/standard_pass.hpp"
#include "summitcast/statespace/uc_model.hpp"

namespace ss = summitcast::statespace;
using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Local linear trend with a dummy seasonal(12), or with a trigonometric
// seasonal (period 12, 5 harmonics) and one regressor: the benchmark's two
// models.
struct Case {
  ss::ComponentSpec spec;
  VectorXd params;
  MatrixXd exog;
};

Case make_case(bool trig, Index n) {
  Case c;
  c.spec.level = c.spec.trend = c.spec.stochastic_trend = true;
  if (trig) {
    c.spec.trig.push_back({12, 5, true});
    c.spec.k_exog = 1;
    c.params.resize(5);
    c.params << 0.25, 0.04, 1e-4, 0.001, 1.5;
    c.exog.resize(n, 1);
    for (Index t = 0; t < n; ++t) c.exog(t, 0) = std::cos(static_cast<double>(t) / 7.0);
  } else {
    c.spec.seasonal = 12;
    c.params.resize(4);
    c.params << 0.25, 0.04, 1e-4, 0.01;
    c.exog.resize(n, 0);
  }
  return c;
}

// A simulated (named so) trend + seasonal series; with gaps: 3% of the
// months missing at random and one 11-month gap.
MatrixXd simulated_series(Index n, bool gaps, std::uint64_t seed) {
  summitcast::Rng rng(seed);
  MatrixXd y(1, n);
  double level = 0.0, slope = 0.02;
  for (Index t = 0; t < n; ++t) {
    slope += 0.01 * rng.normal();
    level += slope + 0.2 * rng.normal();
    y(0, t) = level + 2.0 * std::sin(2.0 * M_PI * static_cast<double>(t % 12) / 12.0) + 0.5 * rng.normal() +
              1.5 * std::cos(static_cast<double>(t) / 7.0);
  }
  if (gaps) {
    for (Index k = 0; k < n * 3 / 100; ++k) y(0, static_cast<Index>(rng.uniform() * static_cast<double>(n))) = kNaN;
    for (Index t = n / 2; t < n / 2 + 11; ++t) y(0, t) = kNaN;
  }
  return y;
}

ss::FilterOutput run(const ss::SystemMatrices& s, const MatrixXd& y, bool steady, bool store = false) {
  ss::FilterOptions opt;
  opt.steady_state = steady;
  opt.store = store;
  opt.store_states = false;
  ss::KalmanFilter kf(s, y, opt);
  return kf.run();
}

// The same system given once per time point: the filter's general path.
ss::SystemMatrices time_varying(const ss::SystemMatrices& s, Index n) {
  ss::SystemMatrices tv = s;
  tv.T.assign(static_cast<size_t>(n), s.T[0]);
  tv.Z.assign(static_cast<size_t>(n), s.Z[0]);
  return tv;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(structured)

BOOST_AUTO_TEST_CASE(moving_frame_equals_the_block_transition) {
  // k framed steps then an anchor equal k plain steps
  // P ← T (P − s M M') T' + R Q R' (and a ← T a), for both seasonal kinds,
  // every k up to a full cycle, with missing steps (s = 0) among them; and
  // z'P z computed in the frame before the anchor equals the true one.
  for (bool trig : {false, true}) {
    const Case c = make_case(trig, 1);
    const ss::SystemMatrices s = c.spec.build(c.params, c.exog);
    const Index m = s.m(), ld = ss::MovingFrame::padded(m);
    const ss::BlockTransition bt = ss::BlockTransition::detect(s.T[0]);
    const MatrixXd RQR = s.R[0] * s.Q[0] * s.R[0].transpose();
    BOOST_REQUIRE(ss::MovingFrame::applies(bt, RQR));
    BOOST_REQUIRE(ss::MovingFrame::fusable(bt));
    summitcast::Rng rng(3);
    MatrixXd A(m, m);
    VectorXd a0(m);
    for (Index j = 0; j < m; ++j) {
      a0[j] = rng.normal();
      for (Index i = 0; i < m; ++i) A(i, j) = rng.normal();
    }
    const MatrixXd P0 = A * A.transpose();
    for (Index k = 1; k <= 13; ++k) {
      MatrixXd P_plain = P0, P_frame = MatrixXd::Zero(ld, m);
      P_frame.topRows(m) = P0;
      VectorXd a_plain = a0, a_frame = a0;
      ss::MovingFrame frame(bt, RQR, s.Z[0].data());
      for (Index step = 0; step < k; ++step) {
        // M in the frame (zero beyond m) and the same vector in true coordinates
        VectorXd M_frame = VectorXd::Zero(ld);
        for (Index r = 0; r < m; ++r) M_frame[r] = 0.3 * rng.normal();
        VectorXd M_true = M_frame.head(m);
        frame.to_true(M_true.data());
        const double scale = step % 3 == 1 ? 0.0 : 0.5 + rng.uniform();
        P_plain = s.T[0] * (P_plain - scale * M_true * M_true.transpose()) * s.T[0].transpose() + RQR;
        a_plain = s.T[0] * a_plain;
        frame.transition(a_frame.data(), P_frame, M_frame.data(), scale);
        // R Q R' outside the dummy blocks (the frame adds those itself)
        for (Index j = 0; j < m; ++j)
          for (Index i = 0; i < m; ++i) {
            bool dummy = false;
            for (const auto& b : bt.blocks())
              if (b.kind == ss::BlockTransition::Kind::dummy_seasonal &&
                  ((i >= b.start && i < b.start + b.size) || (j >= b.start && j < b.start + b.size)))
                dummy = true;
            if (!dummy) P_frame(i, j) += RQR(i, j);
          }
      }
      // z'P z from the frame's z̃ and P̃ (MovingFrame::observed_variance) is
      // the true one
      const double zPz_frame = frame.observed_variance(P_frame);
      const VectorXd z = s.Z[0].row(0).transpose();
      SUMMITCAST_CHECK_CLOSE(zPz_frame, z.dot(P_plain * z), 1e-12);
      frame.anchor(P_frame, a_frame.data());
      SUMMITCAST_CHECK_MATRIX(P_frame.topRows(m), P_plain, 1e-12);
      if (ld > m) BOOST_CHECK_EQUAL(P_frame.bottomRows(ld - m).cwiseAbs().maxCoeff(), 0.0);  // the padding stays zero
      SUMMITCAST_CHECK_MATRIX(a_frame, a_plain, 1e-12);
    }
  }
}

BOOST_AUTO_TEST_CASE(structured_filter_equals_the_general_filter) {
  // Log-likelihood and stored innovations, variances and P z of the
  // structured path against the general path, with and without missing
  // values, without the steady-state shortcut (so every step is compared).
  for (bool trig : {false, true})
    for (bool gaps : {false, true}) {
      const Index n = 600;
      const Case c = make_case(trig, n);
      const ss::SystemMatrices s = c.spec.build(c.params, c.exog);
      const MatrixXd y = simulated_series(n, gaps, 5);
      const ss::FilterOutput fast = run(s, y, false, true);
      const ss::FilterOutput general = run(time_varying(s, n), y, false, true);
      SUMMITCAST_CHECK_CLOSE(fast.loglike, general.loglike, 1e-12);
      BOOST_CHECK_EQUAL(fast.nobs, general.nobs);
      BOOST_CHECK_EQUAL(fast.nobs_diffuse, general.nobs_diffuse);
      for (Index t = 0; t < n; ++t) {
        if (std::isnan(y(0, t))) continue;
        SUMMITCAST_CHECK_CLOSE(fast.v(0, t), general.v(0, t), 1e-8);
        SUMMITCAST_CHECK_CLOSE(fast.F_star(0, t), general.F_star(0, t), 1e-10);
      }
      SUMMITCAST_CHECK_MATRIX(fast.M_star, general.M_star, 1e-9);
    }
}

BOOST_AUTO_TEST_CASE(steady_state_re_entry_keeps_the_loglike_within_1e_10) {
  // The documented bound: with the shortcut (frozen after convergence,
  // left at every missing month and re-entered once the recursion has
  // converged again) the log-likelihood is within 1e-10 (relative) of the
  // full recursion.  The gaps are spaced so that the recursion does
  // converge between them (with 3% of the months missing at random it never
  // does: the slowest closed-loop mode of these models decays by 0.99 per
  // step), one of them the 11-month gap.
  for (bool trig : {false, true})
    for (bool gaps : {false, true}) {
      const Index n = 20000;
      const Case c = make_case(trig, n);
      const ss::SystemMatrices s = c.spec.build(c.params, c.exog);
      MatrixXd y = simulated_series(n, false, 8);
      if (gaps) {
        for (Index t = 3000; t < n; t += 2500) y(0, t) = kNaN;
        for (Index t = 9200; t < 9211; ++t) y(0, t) = kNaN;
      }
      const ss::FilterOutput fast = run(s, y, true), full = run(s, y, false);
      BOOST_TEST_MESSAGE("trig " << trig << " gaps " << gaps << ": steady from " << fast.converged_at << ", entered " << fast.steady_entries << " times, relative "
                         << std::abs(fast.loglike - full.loglike) / std::abs(full.loglike));
      BOOST_CHECK_GE(fast.converged_at, 0);  // the shortcut did run
      BOOST_CHECK_LE(std::abs(fast.loglike - full.loglike), 1e-10 * std::abs(full.loglike));
      // Entered once, and again after each of the 8 gaps (7 single months
      // and the 11-month gap).
      BOOST_CHECK_EQUAL(fast.steady_entries, gaps ? 9 : 1);
    }
}

BOOST_AUTO_TEST_CASE(fused_frame_step_equals_the_general_filter_on_missing_patterns) {
  // The frame's fused step (measurement update deferred into the time
  // update, P padded to whole vector registers) against the general path
  // on missingness patterns chosen to hit its corners: months missing in
  // the diffuse period, runs of consecutive misses shorter and longer than
  // the dummy block (its relabelling wraps round), misses next to the
  // 16-step anchors, a miss right after the steady state was entered, and
  // the last month missing (the filter ends inside the frame).  With and
  // without the steady-state shortcut; the log-likelihood, the number of
  // observations and the final predicted state and covariance.
  const Index n = 3000;
  std::vector<std::vector<Index>> patterns = {
      {0, 2, 3, 9},
      {40, 41, 100, 101, 102},
      {47, 48, 63, 64, 65, 79, 80},
      {n - 2, n - 1},
  };
  std::vector<Index> runs;
  for (Index t = 200; t < 212; ++t) runs.push_back(t);
  for (Index t = 300; t < 313; ++t) runs.push_back(t);
  patterns.push_back(runs);
  for (bool trig : {false, true}) {
    const Case c = make_case(trig, n);
    const ss::SystemMatrices s = c.spec.build(c.params, c.exog);
    const MatrixXd complete = simulated_series(n, false, 21);
    // where the steady state is first entered on the complete series: a miss
    // just after it (and another during the re-convergence) is one pattern
    const Index steady_at = run(s, complete, true).converged_at;
    BOOST_REQUIRE_GT(steady_at, 0);
    BOOST_REQUIRE_LT(steady_at + 40, n);
    patterns.push_back({steady_at + 1, steady_at + 30});
    for (const auto& pattern : patterns) {
      MatrixXd y = complete;
      for (Index t : pattern) y(0, t) = kNaN;
      for (bool steady : {false, true}) {
        ss::FilterOptions opt;
        opt.steady_state = steady;
        ss::KalmanFilter fast(s, y, opt);
        const ss::FilterOutput f = fast.run();
        const ss::SystemMatrices tv = time_varying(s, n);
        ss::KalmanFilter general(tv, y, opt);
        const ss::FilterOutput g = general.run();
        BOOST_TEST_MESSAGE("trig " << trig << " pattern from " << pattern.front() << " steady " << steady << ": "
                           << std::abs(f.loglike - g.loglike) / std::abs(g.loglike));
        SUMMITCAST_CHECK_CLOSE(f.loglike, g.loglike, steady ? 1e-10 : 1e-12);
        BOOST_CHECK_EQUAL(f.nobs, n - static_cast<Index>(pattern.size()));
        BOOST_CHECK_EQUAL(f.nobs, g.nobs);
        SUMMITCAST_CHECK_MATRIX(fast.final_state(), general.final_state(), 1e-9);
        SUMMITCAST_CHECK_MATRIX(fast.final_cov(), general.final_cov(), 1e-9);
      }
    }
    patterns.pop_back();
  }
}

BOOST_AUTO_TEST_CASE(frame_anchored_on_demand_equals_the_general_filter_over_long_runs) {
  // The frame is anchored only near convergence or every kReanchorEvery
  // steps (kalman_filter.hpp, "Anchors"): over 20,000 steps with 3% of the
  // months missing (so the frame runs for hundreds of steps between
  // anchors, the rotations' powers R^k accumulated that long) the
  // log-likelihood, every contribution, each F and the final state and
  // covariance equal the general path's (which runs the full recursion).
  // With the steady-state shortcut the log-likelihood stays within the
  // documented 1e-10 of it, and on the complete series the shortcut is
  // entered once.
  for (bool trig : {false, true}) {
    const Index n = 20000;
    const Case c = make_case(trig, n);
    const ss::SystemMatrices s = c.spec.build(c.params, c.exog);
    const ss::SystemMatrices tv = time_varying(s, n);
    for (bool gaps : {true, false}) {
      const MatrixXd y = simulated_series(n, gaps, 31);
      for (bool steady : {false, true}) {
        ss::FilterOptions opt;
        opt.steady_state = steady;
        opt.store = true;
        opt.store_states = false;
        ss::KalmanFilter fast(s, y, opt), general(tv, y, opt);
        const ss::FilterOutput f = fast.run(), g = general.run();
        if (steady) {
          BOOST_CHECK_LE(std::abs(f.loglike - g.loglike), 1e-10 * std::abs(g.loglike));
          if (!gaps) {
            BOOST_CHECK_GE(f.converged_at, 0);
            BOOST_CHECK_EQUAL(f.steady_entries, 1);
          }
          continue;
        }
        SUMMITCAST_CHECK_CLOSE(f.loglike, g.loglike, 1e-12);
        for (Index t = 0; t < n; ++t) {
          SUMMITCAST_CHECK_CLOSE(f.loglike_t[t], g.loglike_t[t], 1e-9);
          if (!std::isnan(y(0, t))) SUMMITCAST_CHECK_CLOSE(f.F_star(0, t), g.F_star(0, t), 1e-10);
        }
        SUMMITCAST_CHECK_MATRIX(fast.final_state(), general.final_state(), 1e-9);
        SUMMITCAST_CHECK_MATRIX(fast.final_cov(), general.final_cov(), 1e-9);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(framed_intervals_equal_the_general_filter_with_a_burn_in_and_a_partial_last_interval) {
  // The loop of framed_steps.hpp runs whole intervals between anchors and
  // sums their contributions afterwards: with loglikelihood_burn ending
  // inside an interval, n not a multiple of the interval and runs of misses
  // across interval ends, the log-likelihood, each contribution, the stored
  // innovations, variances and P z (in true coordinates) and the final
  // state equal the general path's.
  for (bool trig : {false, true}) {
    const Index n = 1237;  // 77 intervals of 16 and 5 steps
    const Case c = make_case(trig, n);
    const ss::SystemMatrices s = c.spec.build(c.params, c.exog);
    MatrixXd y = simulated_series(n, true, 13);
    for (Index t = 14; t < 19; ++t) y(0, t) = kNaN;            // across the end of an interval
    for (Index t = n - 7; t < n - 3; ++t) y(0, t) = kNaN;      // inside the partial last one
    ss::FilterOptions opt;
    opt.steady_state = false;
    opt.store = true;
    opt.store_states = false;
    opt.loglikelihood_burn = 37;
    ss::KalmanFilter fast(s, y, opt);
    const ss::FilterOutput f = fast.run();
    const ss::SystemMatrices tv = time_varying(s, n);
    ss::KalmanFilter general(tv, y, opt);
    const ss::FilterOutput g = general.run();
    SUMMITCAST_CHECK_CLOSE(f.loglike, g.loglike, 1e-12);
    BOOST_CHECK_EQUAL(f.nobs, g.nobs);
    for (Index t = 0; t < n; ++t) {
      SUMMITCAST_CHECK_CLOSE(f.loglike_t[t], g.loglike_t[t], 1e-9);
      BOOST_CHECK(f.kind[static_cast<size_t>(t)] == g.kind[static_cast<size_t>(t)]);
      if (std::isnan(y(0, t))) continue;
      SUMMITCAST_CHECK_CLOSE(f.F_star(0, t), g.F_star(0, t), 1e-10);
    }
    SUMMITCAST_CHECK_MATRIX(f.M_star, g.M_star, 1e-9);
    SUMMITCAST_CHECK_MATRIX(fast.final_state(), general.final_state(), 1e-9);
    SUMMITCAST_CHECK_MATRIX(fast.final_cov(), general.final_cov(), 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(specialised_pass_equals_the_general_frame_pass_and_the_general_filter) {
  // The time update of standard_pass.hpp (level + trend in states 0 and 1,
  // one dummy block or none, every column finished in registers) against
  // the general frame update it replaces and against the general path,
  // with and without missing values (3% scattered and an 11-month gap,
  // and runs of misses longer than the dummy block), stored values too.
  for (bool trig : {false, true})
    for (bool gaps : {false, true}) {
      const Index n = 1500;
      const Case c = make_case(trig, n);
      const ss::SystemMatrices s = c.spec.build(c.params, c.exog);
      {
        const ss::BlockTransition bt = ss::BlockTransition::detect(s.T[0]);
        const MatrixXd RQR = s.R[0] * s.Q[0] * s.R[0].transpose();
        const ss::MovingFrame frame(bt, RQR, s.Z[0].data());
        BOOST_REQUIRE(ss::StandardPass(frame, RQR).applies());
      }
      MatrixXd y = simulated_series(n, gaps, 17);
      if (gaps)
        for (Index t = 700; t < 714; ++t) y(0, t) = kNaN;
      ss::FilterOptions opt;
      opt.steady_state = false;
      opt.store = true;
      opt.store_states = false;
      ss::KalmanFilter special(s, y, opt);
      const ss::FilterOutput f = special.run();
      opt.structured_pass = false;
      ss::KalmanFilter frame_general(s, y, opt);
      const ss::FilterOutput g = frame_general.run();
      const ss::SystemMatrices tv = time_varying(s, n);
      ss::KalmanFilter general(tv, y, opt);
      const ss::FilterOutput h = general.run();
      SUMMITCAST_CHECK_CLOSE(f.loglike, g.loglike, 1e-12);
      SUMMITCAST_CHECK_CLOSE(f.loglike, h.loglike, 1e-12);
      BOOST_CHECK_EQUAL(f.nobs, h.nobs);
      for (Index t = 0; t < n; ++t) {
        if (std::isnan(y(0, t))) continue;
        SUMMITCAST_CHECK_CLOSE(f.F_star(0, t), h.F_star(0, t), 1e-10);
        SUMMITCAST_CHECK_CLOSE(f.v(0, t), h.v(0, t), 1e-8);
      }
      SUMMITCAST_CHECK_MATRIX(f.M_star, h.M_star, 1e-9);
      SUMMITCAST_CHECK_MATRIX(special.final_state(), general.final_state(), 1e-9);
      SUMMITCAST_CHECK_MATRIX(special.final_cov(), general.final_cov(), 1e-9);
      SUMMITCAST_CHECK_MATRIX(special.final_cov(), frame_general.final_cov(), 1e-10);
    }
}

BOOST_AUTO_TEST_CASE(frame_without_the_specialised_pass_equals_the_general_filter) {
  // A system whose level + trend block is not in states 0 and 1 (the
  // seasonal block first: a permutation of the states) keeps the general
  // frame update; it too equals the general path, with missing values.
  for (bool trig : {false, true}) {
    const Index n = 1200;
    const Case c = make_case(trig, n);
    const ss::SystemMatrices s = c.spec.build(c.params, c.exog);
    const Index m = s.m();
    Eigen::PermutationMatrix<Eigen::Dynamic> perm(m);  // state k to k − 2 (mod m): seasonal first, level + trend last
    for (Index k = 0; k < m; ++k) perm.indices()[k] = static_cast<int>((k + m - 2) % m);
    const MatrixXd Pm = perm.toDenseMatrix().cast<double>();
    ss::SystemMatrices sp = s;
    sp.T[0] = Pm * s.T[0] * Pm.transpose();
    sp.Z[0] = s.Z[0] * Pm.transpose();
    sp.R[0] = Pm * s.R[0];
    sp.a1 = Pm * s.a1;
    sp.P1_star = Pm * s.P1_star * Pm.transpose();
    sp.P1_inf = Pm * s.P1_inf * Pm.transpose();
    const ss::BlockTransition bt = ss::BlockTransition::detect(sp.T[0]);
    const MatrixXd RQR = sp.R[0] * sp.Q[0] * sp.R[0].transpose();
    BOOST_REQUIRE(ss::MovingFrame::applies(bt, RQR));
    const ss::MovingFrame frame(bt, RQR, sp.Z[0].data());
    BOOST_CHECK(!ss::StandardPass(frame, RQR).applies());
    const MatrixXd y = simulated_series(n, true, 23);
    ss::FilterOptions opt;
    opt.steady_state = false;
    ss::KalmanFilter permuted(sp, y, opt), original(s, y, opt);
    const ss::SystemMatrices tv = time_varying(sp, n);
    ss::KalmanFilter general(tv, y, opt);
    const double ll = permuted.run().loglike;
    SUMMITCAST_CHECK_CLOSE(ll, general.run().loglike, 1e-12);
    SUMMITCAST_CHECK_CLOSE(ll, original.run().loglike, 1e-12);
    SUMMITCAST_CHECK_MATRIX(permuted.final_cov(), general.final_cov(), 1e-9);
  }
}

BOOST_AUTO_TEST_CASE(structured_loglike_is_the_same_on_one_and_two_threads) {
  // The same log-likelihoods, bit for bit, whether the series are filtered
  // one after another or on two threads at once (every thread runs the
  // same clone of the vectorised loops, and a filter keeps no state
  // between runs).
  for (bool trig : {false, true}) {
    const Index n = 2000, tasks = 6;
    const Case c = make_case(trig, n);
    std::vector<ss::UnobservedComponentsModel> models;
    for (Index k = 0; k < tasks; ++k)
      models.emplace_back(c.spec, VectorXd(simulated_series(n, true, 40 + static_cast<std::uint64_t>(k)).row(0).transpose()), c.exog);
    for (int threads : {1, 2}) {
      std::vector<double> ll(static_cast<size_t>(tasks));
      summitcast::parallel_for(tasks, threads, [&](Index k) { ll[static_cast<size_t>(k)] = models[static_cast<size_t>(k)].loglike(c.params); });
      for (Index k = 0; k < tasks; ++k) BOOST_CHECK_EQUAL(ll[static_cast<size_t>(k)], models[static_cast<size_t>(k)].loglike(c.params));
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()
