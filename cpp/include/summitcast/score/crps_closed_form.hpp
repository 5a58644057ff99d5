// The continuous ranked probability score (CRPS) in closed form for the
// normal, Poisson and negative-binomial predictive distributions (the count
// distributions' entry points, which also sum over the support when that is
// cheaper, are in crps_counts.hpp).
//
// For a predictive CDF F and an outcome y,
//
//     CRPS(F, y) = ∫ (F(x) − 1{y ≤ x})² dx = E|X − y| − ½ E|X − X'|,
//
// X, X' independent draws from F (Gneiting & Raftery 2007, eq. 21).  It is
// negatively oriented (0 is perfect) and in the units of y.  Every formula
// below is that identity with E|X − y| and ½ E|X − X'| written out for the
// family; each function's comment says how.
//
// Shapes: the scalar functions take one forecast; crps_normal_many takes
// equal-length vectors (one entry per forecast, already broadcast by the
// caller) and returns a vector of the same length.  Nothing here touches
// Python; the loops may run with the GIL released.
#pragma once

#include <Eigen/Core>
#include <boost/math/distributions/negative_binomial.hpp>
#include <boost/math/policies/policy.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/bessel.hpp>
#include <cmath>

#include "summitcast/core/errors.hpp"

namespace summitcast::score {

// Boost.Math's error policy of the core (domain errors throw, overflow gives
// infinity), without the promotion of double to long double that Boost does
// by default: these functions are accurate to a few ulps in double, and the
// promotion costs a factor of several in speed.
using Policy = boost::math::policies::policy<boost::math::policies::overflow_error<boost::math::policies::ignore_error>,
                                             boost::math::policies::domain_error<boost::math::policies::throw_on_error>,
                                             boost::math::policies::promote_double<false>>;

namespace detail {

constexpr double pi = 3.14159265358979323846;
constexpr double inv_sqrt_pi = 0.56418958354775628695;     // 1/√π
constexpr double inv_sqrt_2pi = 0.39894228040143267794;    // 1/√(2π)

// e^{−x} (I₀(x) + I₁(x)) for x ≥ 0, I_ν the modified Bessel functions of the
// first kind.  Below x = 700 Boost's I_ν is finite and the product is
// accurate to rounding; above, the product comes from the large-argument
// expansion e^{−x} I_ν(x) ~ (2πx)^{−½} Σ_k (−1)^k a_k(ν) / x^k with
// a_k(ν) = Π_{j=1..k} (4ν² − (2j − 1)²) / (k! 8^k), whose terms at x > 700
// fall below 10⁻¹⁷ within a dozen steps (Abramowitz & Stegun 9.7.1).
inline double scaled_bessel_i0_plus_i1(double x) {
  if (x < 700.0) return std::exp(-x) * (boost::math::cyl_bessel_i(0, x, Policy()) + boost::math::cyl_bessel_i(1, x, Policy()));
  double total = 0.0;
  for (int nu = 0; nu <= 1; ++nu) {
    const double mu = 4.0 * nu * nu;
    double term = 1.0, sum = 1.0;
    for (int k = 1; k < 40; ++k) {
      const double odd = 2.0 * k - 1.0;
      term *= -(mu - odd * odd) / (k * 8.0 * x);
      sum += term;
      if (std::abs(term) < 1e-17 * std::abs(sum)) break;
    }
    total += sum;
  }
  return total / std::sqrt(2.0 * pi * x);
}

// H(n, p) = ₂F₁(n + 1, ½; 2; z) at z = −4(1 − p)/p² ≤ 0, the hypergeometric
// term of the negative-binomial CRPS.  The series diverges for z < −1 (and
// common library routines lose accuracy there: scipy's hyp2f1 returns NaN at
// the published case n = 2000.1, p = 0.9), so H comes from Euler's integral
//     ₂F₁(a, b; c; z) = Γ(c)/(Γ(b)Γ(c−b)) ∫₀¹ t^{b−1}(1−t)^{c−b−1}(1 − zt)^{−a} dt.
// Pfaff's transformation ₂F₁(a, b; c; z) = (1−z)^{−b} ₂F₁(c−a, b; c; z/(z−1))
// maps z to w = z/(z − 1) = 4(1 − p)/(2 − p)² ∈ [0, 1) with (1 − z)^{−½} =
// p/(2 − p); in Euler's integral for ₂F₁(1 − n, ½; 2; w), t = sin²θ gives
//
//     H = (4/π) · p/(2 − p) · ∫₀^{π/2} cos²θ (1 − w sin²θ)^{n−1} dθ,
//
// a smooth integrand whose only steep features sit at the ends: a peak of
// width ~(nw)^{−½} at θ = 0 when n w is large, a cusp at θ = π/2 when n < 1
// and w → 1.  Tanh-sinh quadrature clusters its nodes at both ends and
// converges double-exponentially here.  The power is exp((n − 1) log v) with
// v = 1 − w sin²θ formed as log1p(−w sin²θ) where w sin²θ < ½ and as
// log((1 − w) + w cos²θ) beyond, each free of cancellation, so the exponent
// is accurate to rounding for any n (1 − w = p²/(2 − p)² exactly).
inline double negbin_hypergeometric(double n, double p) {
  const double two_minus_p = 2.0 - p;
  const double w = 4.0 * (1.0 - p) / (two_minus_p * two_minus_p);
  if (w == 0.0) return 1.0;
  const double one_minus_w = (p * p) / (two_minus_p * two_minus_p);
  auto integrand = [&](double theta) {
    const double s = std::sin(theta), c = std::cos(theta);
    const double x = w * s * s;
    const double log_v = x < 0.5 ? std::log1p(-x) : std::log(one_minus_w + w * c * c);
    return c * c * std::exp((n - 1.0) * log_v);
  };
  static const boost::math::quadrature::tanh_sinh<double> integrator;  // thread-safe, built once
  // Tolerance 1e-11 on the (conservative) error estimate gives about 1e-13
  // relative accuracy in the CRPS over count forecasts with size 0.5–40 and
  // mean 0.5–60 (checked against the support sum of crps_counts.hpp).
  const double integral = integrator.integrate(integrand, 0.0, pi / 2.0, 1e-11);
  return 4.0 / pi * p / two_minus_p * integral;
}

}  // namespace detail

// CRPS of N(μ, σ²) at y (Gneiting, Raftery, Westveld & Goldman 2005):
//     σ [ z (2Φ(z) − 1) + 2φ(z) − 1/√π ],   z = (y − μ)/σ.
// σ = 0 is the point mass at μ, whose CRPS is |y − μ|.
inline double crps_normal(double y, double mu, double sigma) {
  check_finite("crps_normal", "y", y);
  check_finite("crps_normal", "mu", mu);
  check_nonnegative("crps_normal", "sigma", sigma);
  if (sigma == 0.0) return std::abs(y - mu);
  const double z = (y - mu) / sigma;
  const double density = detail::inv_sqrt_2pi * std::exp(-0.5 * z * z);
  // 2Φ(z) − 1 = erf(z/√2), exact in both tails (no 1 − Φ cancellation).
  const double two_cdf_minus_one = std::erf(z * 0.70710678118654752440);
  return sigma * (z * two_cdf_minus_one + 2.0 * density - detail::inv_sqrt_pi);
}

// CRPS of Poisson(μ) at the count y (Wei & Held 2014, eq. 9, rewritten):
//     E|X − y|      = (y − μ)(2F(y) − 1) + 2μ f(y)
//     ½ E|X − X'|   = μ e^{−2μ} (I₀(2μ) + I₁(2μ))
// with F the CDF and f the mass function (E[X 1{X ≤ y}] = μ F(y − 1) and
// F(y) − F(y − 1) = f(y)).  Arguments are checked by the caller
// (crps_counts.hpp): y a non-negative integer, μ > 0.
inline double crps_poisson_closed_form(double y, double mu) {
  const boost::math::poisson_distribution<double, Policy> d(mu);
  const double cdf = boost::math::cdf(d, y);
  const double pmf = boost::math::pdf(d, y);
  return (y - mu) * (2.0 * cdf - 1.0) + 2.0 * mu * pmf - mu * detail::scaled_bessel_i0_plus_i1(2.0 * mu);
}

// CRPS of the negative binomial with R's (size n, prob p) parameters — the
// number of failures before the n-th success, mean μ = n(1 − p)/p — at the
// count y (Wei & Held 2014):
//     CRPS = y(2F(y) − 1) − (n(1 − p)/p²) [ p(2F_{n+1}(y − 1) − 1) + H(n, p) ],
// F_{n+1} the CDF with size n + 1 and H the hypergeometric term above.  The
// first two pieces are E|X − y| = y(2F(y) − 1) − μ(2F_{n+1}(y − 1) − 1), which
// holds two O(μ) terms that cancel to O(sd); the incomplete-beta identity
// F(y) − F_{n+1}(y − 1) = f(y)(n + y)/n removes the cancellation:
//     E|X − y|    = (y − μ)(2F(y) − 1) + 2 f(y)(1 − p)(n + y)/p
//     ½ E|X − X'| = (μ/p) H(n, p).
// As n → ∞ with μ fixed this tends to the Poisson CRPS.  Arguments are
// checked by the caller (crps_counts.hpp): y a non-negative integer, n > 0,
// 0 < p < 1.
inline double crps_negbin_closed_form(double y, double size, double prob) {
  const boost::math::negative_binomial_distribution<double, Policy> d(size, prob);
  const double cdf = boost::math::cdf(d, y);
  const double pmf = boost::math::pdf(d, y);
  const double q = 1.0 - prob;
  const double mu = size * q / prob;
  const double abs_dev = (y - mu) * (2.0 * cdf - 1.0) + 2.0 * pmf * q * (size + y) / prob;
  return abs_dev - mu / prob * detail::negbin_hypergeometric(size, prob);
}

// out[i] = crps_normal(y[i], mu[i], sigma[i]); inputs of equal length n.
inline Eigen::VectorXd crps_normal_many(const Eigen::Ref<const Eigen::VectorXd>& y,
                                        const Eigen::Ref<const Eigen::VectorXd>& mu,
                                        const Eigen::Ref<const Eigen::VectorXd>& sigma) {
  check_size("crps_normal", "mu", mu.size(), y.size());
  check_size("crps_normal", "sigma", sigma.size(), y.size());
  Eigen::VectorXd out(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) out[i] = crps_normal(y[i], mu[i], sigma[i]);
  return out;
}

}  // namespace summitcast::score
