// Proper scores: the closed-form CRPS against published values and against
// the CRPS's definition summed over the support, the ensemble CRPS against
// its double sum, PAV and the Mann-Whitney AUC against hand-worked cases,
// and the block bootstrap's resampling scheme.
#include <boost/math/distributions/negative_binomial.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <algorithm>
#include <cmath>
#include <vector>

#include "check.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/rng.hpp"
#include "summitcast/score/block_bootstrap.hpp"
#include "summitcast/score/crps_closed_form.hpp"
#include "summitcast/score/crps_counts.hpp"
#include "summitcast/score/crps_ensemble.hpp"
#include "summitcast/score/isotonic.hpp"
#include "summitcast/score/ranking.hpp"

namespace sc = summitcast;
namespace sr = summitcast::score;
using Eigen::Index;
using Eigen::VectorXd;

namespace {

// Σ_k (F(k) − 1{y ≤ k})² over k = 0..top with Boost's CDF.
template <class Dist>
double support_sum(const Dist& d, double y, long top) {
  double s = 0.0;
  for (long k = 0; k <= top; ++k) {
    const double f = boost::math::cdf(d, static_cast<double>(k)) - (y <= static_cast<double>(k) ? 1.0 : 0.0);
    s += f * f;
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(score)

BOOST_AUTO_TEST_CASE(crps_normal_published_values) {
  SUMMITCAST_CHECK_CLOSE(sr::crps_normal(-3.0, 0.0, 1.0), 2.43657473, 5e-9);
  SUMMITCAST_CHECK_CLOSE(sr::crps_normal(0.0, 0.0, 1.0), 0.2336949773, 5e-11);
  BOOST_CHECK_EQUAL(sr::crps_normal(2.5, 1.0, 0.0), 1.5);  // a point mass: the absolute error
  BOOST_CHECK_THROW(sr::crps_normal(0.0, 0.0, -1.0), sc::ValueError);
}

BOOST_AUTO_TEST_CASE(crps_negbin_published_values_by_both_routes) {
  const double cases[4][4] = {{5, 100, 0.95, 0.53215257681},
                              {44, 200.1, 0.82, 1.70859687251},
                              {41, 200.1, 0.83, 1.63833674721},
                              {222, 2000.1, 0.9, 3.66926727576}};
  std::vector<double> work;
  for (const auto& c : cases) {
    BOOST_CHECK_SMALL(sr::crps_negbin(c[0], c[1], c[2], sr::negbin_max_terms, work) - c[3], 1e-10);
    BOOST_CHECK_SMALL(sr::crps_negbin(c[0], c[1], c[2], 0, work) - c[3], 1e-10);  // closed form
  }
}

BOOST_AUTO_TEST_CASE(count_crps_equals_the_support_sum) {
  std::vector<double> work;
  for (double mu : {0.3, 4.0, 30.0, 400.0}) {
    const boost::math::poisson_distribution<double> d(mu);
    for (double y : {0.0, std::floor(mu), std::floor(2 * mu) + 3}) {
      const long top = static_cast<long>(mu + 40 * std::sqrt(mu) + y + 60);
      SUMMITCAST_CHECK_CLOSE(sr::crps_poisson(y, mu), support_sum(d, y, top), 1e-12);
    }
  }
  for (double size : {0.5, 3.0, 80.0}) {
    for (double prob : {0.05, 0.4, 0.9}) {
      const boost::math::negative_binomial_distribution<double> d(size, prob);
      const double mean = size * (1 - prob) / prob;
      const long top = static_cast<long>(mean + 80 * std::sqrt(mean / prob) + 800 / prob);
      for (double y : {0.0, std::floor(mean), std::floor(3 * mean) + 2}) {
        const double expected = support_sum(d, y, top);
        SUMMITCAST_CHECK_CLOSE(sr::crps_negbin(y, size, prob, sr::negbin_max_terms, work), expected, 1e-12);
        SUMMITCAST_CHECK_CLOSE(sr::crps_negbin(y, size, prob, 0, work), expected, 1e-11);
      }
    }
  }
  BOOST_CHECK_THROW(sr::crps_poisson(1.5, 2.0), sc::ValueError);
  BOOST_CHECK_THROW(sr::crps_negbin(1.0, 2.0, 0.0, 10, work), sc::ValueError);
  BOOST_CHECK_THROW(sr::crps_negbin(1.0, -2.0, 0.5, 10, work), sc::ValueError);
}

BOOST_AUTO_TEST_CASE(poisson_scaled_bessel_is_continuous_across_its_switch) {
  // e^{-x}(I0 + I1) by Boost below x = 700 and by the asymptotic series above
  const double below = sc::score::detail::scaled_bessel_i0_plus_i1(std::nextafter(700.0, 0.0));
  const double above = sc::score::detail::scaled_bessel_i0_plus_i1(700.0);
  SUMMITCAST_CHECK_CLOSE(below, above, 1e-14);
}

BOOST_AUTO_TEST_CASE(ensemble_crps_equals_its_double_sum) {
  sc::Rng rng(3);
  const Index n = 12, m = 7;
  sr::RowMatrix x(n, m);
  VectorXd y(n);
  for (Index i = 0; i < n; ++i) {
    y[i] = std::round(4 * rng.normal()) / 2;  // ties with the members
    for (Index j = 0; j < m; ++j) x(i, j) = std::round(4 * rng.normal()) / 2;
  }
  for (bool fair : {false, true}) {
    const VectorXd got = sr::crps_ensemble(y, x, fair, false);
    for (Index i = 0; i < n; ++i) {
      double abs_err = 0, pairs = 0;
      for (Index j = 0; j < m; ++j) {
        abs_err += std::abs(x(i, j) - y[i]);
        for (Index k = 0; k < m; ++k) pairs += std::abs(x(i, j) - x(i, k));
      }
      const double md = static_cast<double>(m);
      const double expected = abs_err / md - pairs / (fair ? 2 * md * (md - 1) : 2 * md * md);
      SUMMITCAST_CHECK_CLOSE(got[i], expected, 1e-14);
    }
  }
  sr::RowMatrix sorted = x;
  for (Index i = 0; i < n; ++i) std::sort(sorted.row(i).data(), sorted.row(i).data() + m);
  SUMMITCAST_CHECK_MATRIX(sr::crps_ensemble(y, sorted, false, true), sr::crps_ensemble(y, x, false, false), 1e-15);
  BOOST_CHECK_THROW(sr::crps_ensemble(y, x, false, true), sc::ValueError);  // declared sorted, is not
  BOOST_CHECK_THROW(sr::crps_ensemble(y, x.leftCols(1), true, false), sc::ValueError);
  x(2, 3) = std::nan("");
  BOOST_CHECK_THROW(sr::crps_ensemble(y, x, false, false), sc::ValueError);
}

BOOST_AUTO_TEST_CASE(pav_by_hand) {
  VectorXd p(6), y(6);
  p << 0.1, 0.2, 0.3, 0.4, 0.4, 0.9;
  y << 1, 0, 0, 1, 0, 1;
  const sr::IsotonicFit f = sr::isotonic_calibration(p, y);
  // ties at 0.4 pooled to 1/2; then 1, 0, 0 pool to 1/3; 1/2 and 1 stay
  VectorXd x(5), fit(5), w(5);
  x << 0.1, 0.2, 0.3, 0.4, 0.9;
  fit << 1.0 / 3, 1.0 / 3, 1.0 / 3, 0.5, 1.0;
  w << 1, 1, 1, 2, 1;
  SUMMITCAST_CHECK_MATRIX(f.x, x, 0);
  SUMMITCAST_CHECK_MATRIX(f.fit, fit, 1e-15);
  SUMMITCAST_CHECK_MATRIX(f.weight, w, 0);
  VectorXd q(3);
  q << 0.0, 0.65, 1.0;
  VectorXd at(3);
  at << 1.0 / 3, 0.75, 1.0;  // clipped below, interpolated between 0.4 and 0.9, clipped above
  SUMMITCAST_CHECK_MATRIX(sr::isotonic_predict(f, q), at, 1e-15);
}

BOOST_AUTO_TEST_CASE(auc_by_pair_counting) {
  VectorXd p(5), y(5);
  p << 0.1, 0.4, 0.4, 0.8, 0.3;
  y << 0, 1, 0, 1, 0;
  SUMMITCAST_CHECK_CLOSE(sr::auc_mann_whitney(p, y), 5.5 / 6, 1e-15);
  y << 1, 1, 1, 1, 1;
  BOOST_CHECK_THROW(sr::auc_mann_whitney(p, y), sc::ValueError);
}

BOOST_AUTO_TEST_CASE(circular_blocks_draw_every_observation_equally_often) {
  const Index n = 30;
  std::vector<Index> index(static_cast<std::size_t>(n));
  std::vector<double> counts(static_cast<std::size_t>(n), 0.0);
  const sr::BlockScheme circular{7, true};
  const int reps = 20000;
  for (int b = 0; b < reps; ++b) {
    sc::Rng rng(11, static_cast<std::uint64_t>(b));
    sr::block_resample(circular, rng, index);
    for (Index t : index) counts[static_cast<std::size_t>(t)] += 1.0;
  }
  // each of the n positions has expectation reps (one draw per position per replicate)
  for (double c : counts) BOOST_CHECK_SMALL(c / reps - 1.0, 0.05);
  // moving blocks of the full length give the series itself
  const sr::BlockScheme whole{n, false};
  sc::Rng rng(5);
  sr::block_resample(whole, rng, index);
  for (Index t = 0; t < n; ++t) BOOST_CHECK_EQUAL(index[static_cast<std::size_t>(t)], t);
}

BOOST_AUTO_TEST_CASE(bootstrap_means_are_reproducible_and_checked) {
  Eigen::MatrixXd values(40, 2);
  for (Index t = 0; t < 40; ++t) values.row(t) << static_cast<double>(t), 1.0;
  const sr::BlockScheme s{5, true};
  const Eigen::MatrixXd a = sr::block_bootstrap_means(values, s, 50, 9);
  BOOST_CHECK(a == sr::block_bootstrap_means(values, s, 50, 9));
  BOOST_CHECK(!(a == sr::block_bootstrap_means(values, s, 50, 10)));
  BOOST_CHECK_SMALL((a.col(1).array() - 1.0).abs().maxCoeff(), 1e-15);
  BOOST_CHECK_THROW(sr::block_bootstrap_means(values, sr::BlockScheme{0, true}, 5, 1), sc::ValueError);
  BOOST_CHECK_THROW(sr::block_bootstrap_means(values, sr::BlockScheme{41, true}, 5, 1), sc::ValueError);
  Eigen::VectorXi group = Eigen::VectorXi::Zero(40);
  group[3] = 2;
  BOOST_CHECK_THROW(sr::block_bootstrap_group_means(values.col(0), group, 2, s, 5, 1), sc::ValueError);
}

BOOST_AUTO_TEST_CASE(effective_sample_size_of_a_constant_and_an_alternating_series) {
  VectorXd c = VectorXd::Constant(20, 3.0);
  BOOST_CHECK_EQUAL(sr::effective_sample_size(c), 20.0);
  VectorXd alt(20);
  for (Index t = 0; t < 20; ++t) alt[t] = t % 2 ? 1.0 : -1.0;
  BOOST_CHECK_EQUAL(sr::effective_sample_size(alt), 20.0);  // capped at n
  BOOST_CHECK_THROW(sr::effective_sample_size(c.head(3)), sc::ValueError);
}

BOOST_AUTO_TEST_SUITE_END()
