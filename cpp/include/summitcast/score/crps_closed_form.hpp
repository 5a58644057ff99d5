// The continuous ranked probability score (CRPS) in closed form for the
// normal, Poisson and negative-binomial predictive distributions.
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
// Shapes: the scalar functions take one forecast; the `*_many` functions
// take equal-length vectors (one entry per forecast, already broadcast by the
// caller) and return a vector of the same length.  They touch no Python and
// may run with the GIL released.
#pragma once

#include <Eigen/Core>
#include <boost/math/distributions/negative_binomial.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/quadrature/tanh_sinh.hpp>
#include <boost/math/special_functions/bessel.hpp>
#include <cmath>

#include "summitcast/core/distributions.hpp"
#include "summitcast/core/errors.hpp"

namespace summitcast::score {

namespace detail {

constexpr double pi = 3.14159265358979323846;
constexpr double inv_sqrt_pi = 0.56418958354775628695;     // 1/√π
constexpr double inv_sqrt_2pi = 0.39894228040143267794;    // 1/√(2π)

inline void check_count(const char* fn, const char* name, double y) {
  if (!(y >= 0.0) || !std::isfinite(y) || y != std::floor(y))
    fail_value(fn, name, " must be a non-negative integer count, got ", y);
}

// e^{−x} (I₀(x) + I₁(x)) for x ≥ 0, I_ν the modified Bessel functions of the
// first kind.  Below x = 700 Boost's I_ν is finite and the product is
// accurate to rounding; above, the product comes from the large-argument
// expansion e^{−x} I_ν(x) ~ (2πx)^{−½} Σ_k (−1)^k a_k(ν) / x^k with
// a_k(ν) = Π_{j=1..k} (4ν² − (2j − 1)²) / (k! 8^k), whose terms at x > 700
// fall below 10⁻¹⁷ within a dozen steps (Abramowitz & Stegun 9.7.1).
inline double scaled_bessel_i0_plus_i1(double x) {
  if (x < 700.0) return std::exp(-x) * (boost::math::cyl_bessel_i(0, x) + boost::math::cyl_bessel_i(1, x));
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
// common library routines lose accuracy there), so H comes from Euler's
// integral ₂F₁(a, b; c; z) = Γ(c)/(Γ(b)Γ(c−b)) ∫₀¹ t^{b−1}(1−t)^{c−b−1}(1 − zt)^{−a} dt
// with t = tan²φ / |z|, which removes both endpoint singularities of the
// t-integrand and the (1 + |z|t)^{−(n+1)} peak:
//
//     H = 4/(π√|z|) ∫₀^Φ √(1 − tan²φ/|z|) cos^{2n}φ dφ,   Φ = atan √|z|,
//
// then φ = Φ s, s ∈ [0, 1], so the integrand stays O(1) however small |z| is
// (H → (4/π)∫₀¹√(1 − s²) ds = 1 as z → 0).  cos^{2n} is formed as
// exp(n log1p(−sin²)), accurate for huge n.  The remaining square-root zero at
// s = 1 suits tanh-sinh quadrature, which converges double-exponentially for
// integrands analytic inside the interval.
inline double negbin_hypergeometric(double n, double p) {
  const double abs_z = 4.0 * (1.0 - p) / (p * p);
  if (abs_z == 0.0) return 1.0;
  const double root = std::sqrt(abs_z);
  const double Phi = std::atan(root);
  const double tan_Phi = root;
  auto integrand = [&](double s) {
    const double phi = Phi * s;
    const double ratio = std::tan(phi) / tan_Phi;
    const double sin_phi = std::sin(phi);
    const double edge = std::max(0.0, (1.0 - ratio) * (1.0 + ratio));
    return std::sqrt(edge) * std::exp(n * std::log1p(-sin_phi * sin_phi));
  };
  static const boost::math::quadrature::tanh_sinh<double> integrator;  // thread-safe, built once
  const double integral = integrator.integrate(integrand, 0.0, 1.0, 1e-11);
  return 4.0 * Phi / (pi * root) * integral;
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
// F(y) − F(y − 1) = f(y)).  μ = 0 is the point mass at 0: CRPS = y.
inline double crps_poisson(double y, double mu) {
  detail::check_count("crps_poisson", "y", y);
  check_nonnegative("crps_poisson", "mu", mu);
  if (mu == 0.0) return y;
  const boost::math::poisson_distribution<double, dist::Policy> d(mu);
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
// p = 1 is the point mass at 0: CRPS = y.  As n → ∞ with μ fixed this tends to
// the Poisson CRPS.
inline double crps_negbin(double y, double size, double prob) {
  detail::check_count("crps_negbin", "y", y);
  check_positive("crps_negbin", "size", size);
  if (!(prob > 0.0 && prob <= 1.0)) fail_value("crps_negbin", "prob must be in (0, 1], got ", prob);
  if (prob == 1.0) return y;
  const boost::math::negative_binomial_distribution<double, dist::Policy> d(size, prob);
  const double cdf = boost::math::cdf(d, y);
  const double pmf = boost::math::pdf(d, y);
  const double q = 1.0 - prob;
  const double mu = size * q / prob;
  const double abs_dev = (y - mu) * (2.0 * cdf - 1.0) + 2.0 * pmf * q * (size + y) / prob;
  return abs_dev - mu / prob * detail::negbin_hypergeometric(size, prob);
}

// Vectorised forms: out[i] = crps_*(y[i], a[i] (, b[i])); inputs of equal length n.
inline Eigen::VectorXd crps_normal_many(const Eigen::Ref<const Eigen::VectorXd>& y,
                                        const Eigen::Ref<const Eigen::VectorXd>& mu,
                                        const Eigen::Ref<const Eigen::VectorXd>& sigma) {
  check_size("crps_normal", "mu", mu.size(), y.size());
  check_size("crps_normal", "sigma", sigma.size(), y.size());
  Eigen::VectorXd out(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) out[i] = crps_normal(y[i], mu[i], sigma[i]);
  return out;
}

inline Eigen::VectorXd crps_poisson_many(const Eigen::Ref<const Eigen::VectorXd>& y,
                                         const Eigen::Ref<const Eigen::VectorXd>& mu) {
  check_size("crps_poisson", "mu", mu.size(), y.size());
  Eigen::VectorXd out(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) out[i] = crps_poisson(y[i], mu[i]);
  return out;
}

inline Eigen::VectorXd crps_negbin_many(const Eigen::Ref<const Eigen::VectorXd>& y,
                                        const Eigen::Ref<const Eigen::VectorXd>& size,
                                        const Eigen::Ref<const Eigen::VectorXd>& prob) {
  check_size("crps_negbin", "size", size.size(), y.size());
  check_size("crps_negbin", "prob", prob.size(), y.size());
  Eigen::VectorXd out(y.size());
  for (Eigen::Index i = 0; i < y.size(); ++i) out[i] = crps_negbin(y[i], size[i], prob[i]);
  return out;
}

}  // namespace summitcast::score
