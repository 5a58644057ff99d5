// Conditional count distributions of the INGARCH models: Poisson(λ) and the
// negative binomial with mean λ and overdispersion α (NB2: Var = λ + αλ²,
// size φ = 1/α, as R's dnbinom(size = φ, mu = λ) and statsmodels'
// NegativeBinomial).  Log-mass, its derivatives in λ and α, the CDF, and
// seeded draws from summitcast::Rng.
#pragma once

#include <boost/math/special_functions/beta.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <cstdint>

#include "summitcast/core/rng.hpp"

namespace summitcast::counts {

enum class Family { poisson, negbin };

// log P(Y = y) for Poisson(λ): y log λ − λ − log y!.
inline double poisson_logpmf(double y, double lambda) {
  if (y == 0.0) return -lambda;
  return y * std::log(lambda) - lambda - std::lgamma(y + 1.0);
}

// log P(Y = y) for NB2(λ, α) with φ = 1/α:
//   log Γ(y+φ) − log Γ(φ) − log y! + φ log(φ/(φ+λ)) + y log(λ/(φ+λ)).
// Written with log1p so that it stays accurate as α → 0 (the Poisson limit).
inline double negbin_logpmf(double y, double lambda, double alpha) {
  const double phi = 1.0 / alpha;
  const double lg = std::lgamma(y + phi) - std::lgamma(phi) - std::lgamma(y + 1.0);
  return lg - phi * std::log1p(alpha * lambda) + (y == 0.0 ? 0.0 : y * (std::log(lambda) - std::log(phi + lambda)));
}

// ∂/∂λ log P(Y = y):  Poisson y/λ − 1;  NB2 y/λ − (y+φ)/(φ+λ) = (y − λ)/(λ(1 + αλ)).
inline double dlogpmf_dlambda(Family f, double y, double lambda, double alpha) {
  if (f == Family::poisson) return y / lambda - 1.0;
  return (y - lambda) / (lambda * (1.0 + alpha * lambda));
}

// ∂/∂α log P(Y = y) for NB2.  With φ = 1/α and dφ/dα = −φ²:
//   ∂/∂φ = ψ(y+φ) − ψ(φ) + log(φ/(φ+λ)) + (λ − y)/(φ+λ).
inline double negbin_dlogpmf_dalpha(double y, double lambda, double alpha) {
  const double phi = 1.0 / alpha;
  const double dphi = boost::math::digamma(y + phi) - boost::math::digamma(phi) - std::log1p(alpha * lambda) +
                      (lambda - y) / (phi + lambda);
  return -phi * phi * dphi;
}

inline double count_logpmf(Family f, double y, double lambda, double alpha) {
  return f == Family::poisson ? poisson_logpmf(y, lambda) : negbin_logpmf(y, lambda, alpha);
}

// P(Y <= k) for integer k >= 0, through the regularised incomplete gamma and
// beta functions:  Poisson Q(k+1, λ);  NB2 I_{φ/(φ+λ)}(φ, k+1).
inline double count_cdf(Family f, double k, double lambda, double alpha) {
  if (k < 0.0) return 0.0;
  if (f == Family::poisson) return boost::math::gamma_q(k + 1.0, lambda);
  const double phi = 1.0 / alpha;
  return boost::math::ibeta(phi, k + 1.0, phi / (phi + lambda));
}

// P(Y >= k) = 1 − P(Y <= k−1), computed from the upper tail directly.
inline double count_sf_at_least(Family f, double k, double lambda, double alpha) {
  if (k <= 0.0) return 1.0;
  if (f == Family::poisson) return boost::math::gamma_p(k, lambda);
  const double phi = 1.0 / alpha;
  return boost::math::ibetac(phi, k, phi / (phi + lambda));
}

// A Poisson(λ) draw.  λ < 10: inversion by sequential search from P(0) = e^{−λ}.
// λ >= 10: Hörmann's (1993) transformed rejection with squeeze (PTRS), which
// needs O(1) uniforms per draw whatever λ.
inline std::int64_t poisson_draw(Rng& rng, double lambda) {
  if (!(lambda > 0.0)) return 0;
  if (lambda < 10.0) {
    double u = rng.uniform();
    std::int64_t k = 0;
    double p = std::exp(-lambda);
    while (u > p) {
      u -= p;
      ++k;
      p *= lambda / static_cast<double>(k);
      if (p <= 0.0) break;  // only in the far tail, where u is below rounding
    }
    return k;
  }
  const double slam = std::sqrt(lambda), loglam = std::log(lambda);
  const double b = 0.931 + 2.53 * slam;
  const double a = -0.059 + 0.02483 * b;
  const double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
  const double v_r = 0.9277 - 3.6224 / (b - 2.0);
  for (;;) {
    const double u = rng.uniform() - 0.5;
    const double v = rng.uniform();
    const double us = 0.5 - std::abs(u);
    const double kd = std::floor((2.0 * a / us + b) * u + lambda + 0.43);
    if (us >= 0.07 && v <= v_r) return static_cast<std::int64_t>(kd);
    if (kd < 0.0 || (us < 0.013 && v > us)) continue;
    if (std::log(v) + std::log(inv_alpha) - std::log(a / (us * us) + b) <= -lambda + kd * loglam - std::lgamma(kd + 1.0))
      return static_cast<std::int64_t>(kd);
  }
}

// A draw from the conditional distribution: NB2 as the gamma–Poisson mixture
// Y | G ~ Poisson(λG), G ~ Gamma(φ, 1/φ).
inline std::int64_t count_draw(Rng& rng, Family f, double lambda, double alpha) {
  if (f == Family::poisson) return poisson_draw(rng, lambda);
  const double phi = 1.0 / alpha;
  return poisson_draw(rng, lambda * rng.gamma(phi) / phi);
}

}  // namespace summitcast::counts
