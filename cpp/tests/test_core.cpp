// Core pieces: the thread pool, the random streams, the covariance check,
// the distribution functions and the BFGS minimiser.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>
#include <vector>

#include "check.hpp"
#include "summitcast/core/distributions.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/parallel.hpp"
#include "summitcast/core/rng.hpp"
#include "summitcast/core/simd.hpp"
#include "summitcast/core/vector_exp.hpp"
#include "summitcast/core/vector_log.hpp"
#include "summitcast/optim/bfgs.hpp"

namespace sc = summitcast;

namespace {

// The four-lane exp, log1p and log over an array (x.size() a multiple of 4),
// in the clone this processor runs (core/simd.hpp).
enum class LaneFunction { exp, log1p, log };
SUMMITCAST_SIMD_CLONES void four_lanes(LaneFunction f, const std::vector<double>& x, std::vector<double>& out) {
  out.resize(x.size());
  for (std::size_t i = 0; i + 4 <= x.size(); i += 4) {
    const sc::simd::v4d& in = *reinterpret_cast<const sc::simd::v4d*>(x.data() + i);
    sc::simd::v4d y;
    if (f == LaneFunction::exp) sc::exp_nonpositive(in, y);
    else if (f == LaneFunction::log1p) sc::log1p_unit(in, y);
    else sc::log_normal(in, y);
    for (int k = 0; k < 4; ++k) out[i + static_cast<std::size_t>(k)] = y[k];
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(core)

BOOST_AUTO_TEST_CASE(parallel_for_runs_every_index_once_whatever_the_threads) {
  for (int threads : {0, 1, 2, 3, 8}) {
    std::vector<std::atomic<int>> hits(1000);
    sc::parallel_for(1000L, threads, [&](long k) { hits[static_cast<std::size_t>(k)].fetch_add(1); });
    for (const auto& h : hits) BOOST_CHECK_EQUAL(h.load(), 1);
  }
  int calls = 0;
  sc::parallel_for(0L, 4, [&](long) { ++calls; });
  BOOST_CHECK_EQUAL(calls, 0);
}

BOOST_AUTO_TEST_CASE(parallel_for_gives_the_same_draws_for_any_thread_count) {
  auto run = [](int threads) {
    std::vector<double> out(64);
    sc::parallel_for(64, threads, [&](int k) {
      sc::Rng rng(42, static_cast<std::uint64_t>(k));
      double s = 0.0;
      for (int i = 0; i < 100; ++i) s += rng.normal();
      out[static_cast<std::size_t>(k)] = s;
    });
    return out;
  };
  const auto one = run(1);
  for (int threads : {2, 4, 7}) BOOST_CHECK(run(threads) == one);
}

BOOST_AUTO_TEST_CASE(parallel_for_rethrows_the_lowest_failing_index) {
  for (int threads : {1, 2, 4}) {
    try {
      sc::parallel_for(100, threads, [](int k) {
        if (k == 37 || k == 81) throw std::runtime_error("task " + std::to_string(k));
      });
      BOOST_FAIL("no exception");
    } catch (const std::runtime_error& e) {
      BOOST_CHECK_EQUAL(std::string(e.what()), "task 37");
    }
  }
  BOOST_CHECK_THROW(sc::parallel_for(3, -1, [](int) {}), sc::ValueError);
}

BOOST_AUTO_TEST_CASE(random_streams_are_reproducible_and_distinct) {
  sc::Rng a(7, 0), b(7, 0), c(7, 1), d(8, 0);
  std::set<std::uint64_t> seen;
  for (int i = 0; i < 100; ++i) {
    const auto x = a.next_u64();
    BOOST_CHECK_EQUAL(x, b.next_u64());
    seen.insert(x);
    seen.insert(c.next_u64());
    seen.insert(d.next_u64());
  }
  BOOST_CHECK_EQUAL(seen.size(), 300u);  // no collisions between streams
}

BOOST_AUTO_TEST_CASE(normal_and_gamma_draws_have_their_moments) {
  // 200,000 draws: standard errors of the mean 0.0022, of the variance 0.0032.
  sc::Rng rng(2024, 3);
  const int n = 200000;
  double s = 0.0, s2 = 0.0, g = 0.0, u = 0.0;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    s += z;
    s2 += z * z;
    g += rng.gamma(2.5);
    u += rng.uniform();
  }
  BOOST_CHECK_SMALL(s / n, 0.011);
  BOOST_CHECK_SMALL(s2 / n - 1.0, 0.016);
  BOOST_CHECK_SMALL(g / n - 2.5, 0.018);  // sd of the mean sqrt(2.5/n) = 0.0035
  BOOST_CHECK_SMALL(u / n - 0.5, 0.0033);
}

BOOST_AUTO_TEST_CASE(covariance_check_accepts_psd_and_names_the_failure) {
  Eigen::MatrixXd good(2, 2), rank_one(2, 2), bad(2, 2), asym(2, 2);
  good << 2, 1, 1, 2;
  rank_one << 1, 1, 1, 1;
  bad << 1, 2, 2, 1;
  asym << 1, 0.5, 0, 1;
  BOOST_CHECK_NO_THROW(sc::check_covariance("f", "P", good));
  BOOST_CHECK_NO_THROW(sc::check_covariance("f", "P", rank_one));
  BOOST_CHECK_NO_THROW(sc::check_covariance("f", "P", Eigen::MatrixXd::Zero(3, 3)));
  BOOST_CHECK_EXCEPTION(sc::check_covariance("f", "P", bad), sc::ValueError, [](const sc::ValueError& e) {
    return std::string(e.what()).find("f: P must be positive semi-definite") == 0;
  });
  BOOST_CHECK_THROW(sc::check_covariance("f", "P", asym), sc::ValueError);
  BOOST_CHECK_THROW(sc::check_covariance("f", "P", Eigen::MatrixXd::Identity(2, 3)), sc::ValueError);
}

BOOST_AUTO_TEST_CASE(distribution_functions_match_published_values) {
  // Abramowitz & Stegun table 26.1 and the chi-square / F tables.
  SUMMITCAST_CHECK_CLOSE(sc::dist::normal_cdf(1.96), 0.97500210485177952, 1e-14);
  SUMMITCAST_CHECK_CLOSE(sc::dist::normal_ppf(0.975), 1.959963984540054, 1e-14);
  SUMMITCAST_CHECK_CLOSE(sc::dist::normal_cdf(-10.0), 7.6198530241604696e-24, 1e-12);  // a tail, not 1 − cdf
  SUMMITCAST_CHECK_CLOSE(sc::dist::chi2_sf(3.841458820694124, 1.0), 0.05, 1e-13);
  SUMMITCAST_CHECK_CLOSE(sc::dist::f_sf(4.964602743730711, 1.0, 10.0), 0.05, 1e-12);
  for (double p : {1e-12, 0.01, 0.3, 0.5, 0.9, 1 - 1e-9})
    SUMMITCAST_CHECK_CLOSE(sc::dist::normal_cdf(sc::dist::normal_ppf(p)), p, 1e-12);
}

BOOST_AUTO_TEST_CASE(vectorisable_exponential_matches_long_double_exp) {
  // A dense grid of [−708, 0] plus the awkward points: the ends, the range
  // reduction's half-way points ±ln2/2 · (2k + 1), subnormal-sized arguments.
  std::vector<double> xs = {0.0, -0.0, -1e-300, -5e-324, -1e-17, -0.34657359027997264, -0.34657359027997270,
                            -1.0397207708399179, -707.99999999, -708.0};
  for (int i = 0; i <= 400000; ++i) xs.push_back(-708.0 * i / 400000.0);
  double worst = 0.0;
  for (double x : xs) {
    const long double ref = std::exp(static_cast<long double>(x));
    const double err = static_cast<double>(std::abs((sc::exp_nonpositive(x) - ref) / ref));
    worst = std::max(worst, err);
  }
  BOOST_TEST_MESSAGE("exp_nonpositive: worst relative error " << worst);
  BOOST_CHECK_LT(worst, 3.0 * std::numeric_limits<double>::epsilon());
  // Below −708 (e^x < 3.3e-308) and at −∞ the result is +0, never NaN.
  for (double x : {-708.0000001, -745.0, -1e300, -std::numeric_limits<double>::infinity()}) {
    BOOST_CHECK_EQUAL(sc::exp_nonpositive(x), 0.0);
    BOOST_CHECK(!std::signbit(sc::exp_nonpositive(x)));
  }
  // The four-lane form (odd offsets: unaligned loads) within the same bound,
  // and 0 below the lowest argument.
  xs.insert(xs.begin(), {-1.0, -709.0, -std::numeric_limits<double>::infinity()});
  while (xs.size() % 4 != 0) xs.push_back(-0.5);
  std::vector<double> lanes;
  four_lanes(LaneFunction::exp, xs, lanes);
  worst = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (xs[i] < -708.0) {
      BOOST_CHECK_EQUAL(lanes[i], 0.0);
      continue;
    }
    const long double ref = std::exp(static_cast<long double>(xs[i]));
    worst = std::max(worst, static_cast<double>(std::abs((lanes[i] - ref) / ref)));
  }
  BOOST_TEST_MESSAGE("exp_nonpositive, four lanes: worst relative error " << worst);
  BOOST_CHECK_LT(worst, 3.0 * std::numeric_limits<double>::epsilon());
}

BOOST_AUTO_TEST_CASE(vectorisable_log1p_matches_long_double_log1p) {
  // A dense grid of [0, 1], the halving point sqrt 2 - 1 and its neighbours,
  // the powers of two down to the smallest normal number, and 0.
  std::vector<double> ts = {0.0, 1.0, 0.41421356237309503, 0.41421356237309509, 0.41421356237309515,
                            std::numeric_limits<double>::min(), 1e-300, 1e-17};
  for (int i = 0; i <= 400000; ++i) ts.push_back(i / 400000.0);
  for (int e = 1; e <= 1022; ++e) ts.push_back(std::ldexp(1.0, -e));
  while (ts.size() % 4 != 0) ts.push_back(0.5);
  std::vector<double> lanes;
  four_lanes(LaneFunction::log1p, ts, lanes);
  double worst = 0.0;
  for (std::size_t i = 0; i < ts.size(); ++i) {
    if (ts[i] == 0.0) {
      BOOST_CHECK_EQUAL(lanes[i], 0.0);
      continue;
    }
    const long double ref = std::log1p(static_cast<long double>(ts[i]));
    worst = std::max(worst, static_cast<double>(std::abs((lanes[i] - ref) / ref)));
  }
  BOOST_TEST_MESSAGE("log1p_unit: worst relative error " << worst);
  BOOST_CHECK_LT(worst, 3.0 * std::numeric_limits<double>::epsilon());
}

BOOST_AUTO_TEST_CASE(vectorisable_log_matches_long_double_log) {
  // Both sides of 1 closely (where log x is small and the relative error
  // shows), both sides of the halving point sqrt 2 of the significand (and of
  // 1/sqrt 2, where the exponent changes), a dense grid of [0.5, 4], every
  // power of two of the normal range with its neighbours, and the extremes.
  const double eps = std::numeric_limits<double>::epsilon();
  std::vector<double> xs = {1.0, std::numeric_limits<double>::min(), std::numeric_limits<double>::max(),
                            1.4142135623730949, 1.4142135623730951, 1.4142135623730954,
                            0.70710678118654746, 0.70710678118654757, 0.70710678118654768};
  for (int i = 1; i <= 1000; ++i) {
    xs.push_back(1.0 + i * eps);
    xs.push_back(1.0 - i * eps / 2);
    xs.push_back(1.0 + i * 1e-9);
    xs.push_back(1.0 - i * 1e-9);
  }
  for (int i = 0; i <= 400000; ++i) xs.push_back(0.5 + 3.5 * i / 400000.0);
  for (int e = -1022; e <= 1023; ++e) {
    const double x = std::ldexp(1.0, e);
    xs.push_back(x);
    xs.push_back(std::nextafter(x, 0.0) > std::numeric_limits<double>::min() ? std::nextafter(x, 0.0) : x);
    xs.push_back(std::nextafter(x, std::numeric_limits<double>::infinity()));
    xs.push_back(x * 1.7);
  }
  while (xs.size() % 4 != 0) xs.push_back(2.0);
  std::vector<double> lanes;
  four_lanes(LaneFunction::log, xs, lanes);
  double worst = 0.0;
  for (std::size_t i = 0; i < xs.size(); ++i) {
    if (!(xs[i] <= std::numeric_limits<double>::max())) continue;  // x * 1.7 beyond the range
    if (xs[i] == 1.0) {
      BOOST_CHECK_EQUAL(lanes[i], 0.0);
      continue;
    }
    const long double ref = std::log(static_cast<long double>(xs[i]));
    worst = std::max(worst, static_cast<double>(std::abs((lanes[i] - ref) / ref)));
  }
  BOOST_TEST_MESSAGE("log_normal: worst relative error " << worst / eps << " ulp");
  BOOST_CHECK_LT(worst, 4.0 * eps);
}

BOOST_AUTO_TEST_CASE(bfgs_finds_the_rosenbrock_minimum) {
  auto rosenbrock = [](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    const double a = 1.0 - x[0], b = x[1] - x[0] * x[0];
    g.resize(2);
    g << -2.0 * a - 400.0 * x[0] * b, 200.0 * b;
    return a * a + 100.0 * b * b;
  };
  sc::optim::BfgsOptions opt;
  opt.gradient_tol = 1e-10;
  opt.value_tol = 0.0;
  const auto r = sc::optim::minimize_bfgs(rosenbrock, Eigen::Vector2d(-1.2, 1.0), opt);
  BOOST_CHECK(r.converged);
  BOOST_CHECK_SMALL(r.x[0] - 1.0, 1e-8);
  BOOST_CHECK_SMALL(r.x[1] - 1.0, 1e-8);
  BOOST_CHECK_LE(r.gradient.cwiseAbs().maxCoeff(), 1e-10);
}

BOOST_AUTO_TEST_SUITE_END()
