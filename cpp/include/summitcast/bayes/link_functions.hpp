// Numerically stable pieces of the logistic and normal distributions, in log
// space, shared by the binary and ordinal likelihoods.
//
// Both links are symmetric cumulative distribution functions F with
// F(-x) = 1 - F(x), so every tail probability is computed as F of a negated
// argument rather than as 1 - F, which would cancel.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>

namespace summitcast::bayes {

enum class Link { logit, probit };

inline constexpr double kLogSqrt2Pi = 0.91893853320467274178;  // log(sqrt(2 pi))

// log(1 + exp(x)) without overflow for large x or loss for small x.
inline double log1p_exp(double x) {
  if (x > 0.0) return x + std::log1p(std::exp(-x));
  return std::log1p(std::exp(x));
}

// log(1 - exp(x)) for x < 0 (Mächler 2012: expm1 near 0, log1p elsewhere).
inline double log1m_exp(double x) {
  if (x > -0.6931471805599453) return std::log(-std::expm1(x));
  return std::log1p(-std::exp(x));
}

// log(exp(a) + exp(b)).
inline double log_sum_exp(double a, double b) {
  if (a == -std::numeric_limits<double>::infinity()) return b;
  if (b == -std::numeric_limits<double>::infinity()) return a;
  const double m = std::max(a, b);
  return m + std::log1p(std::exp(-std::abs(a - b)));
}

// log of the logistic cdf, log(1 / (1 + exp(-x))).
inline double log_inv_logit(double x) { return -log1p_exp(-x); }

// log Phi(x), the log standard normal cdf.  erfc is accurate to x ~ -26
// (erfc(26.5 / sqrt 2) is near the smallest double); below that the
// asymptotic Mills-ratio series Phi(x) = phi(x)/|x| (1 - 1/x^2 + 3/x^4 -
// 15/x^6 + 105/x^8 - ...) has a truncation error below 1e-11 relative.
inline double log_Phi(double x) {
  if (x > -25.0) return std::log(0.5 * std::erfc(-x * 0.70710678118654752440));
  const double r = 1.0 / (x * x);
  const double series = 1.0 - r * (1.0 - r * (3.0 - r * (15.0 - 105.0 * r)));
  return -0.5 * x * x - kLogSqrt2Pi - std::log(-x) + std::log(series);
}

// log phi(x), the log standard normal density.
inline double log_phi(double x) { return -0.5 * x * x - kLogSqrt2Pi; }

// log F(x) for the link's cumulative distribution function.
inline double log_cdf(Link link, double x) { return link == Link::logit ? log_inv_logit(x) : log_Phi(x); }

// log f(x) for the link's density: logistic f = F(x) F(-x).
inline double log_pdf(Link link, double x) {
  return link == Link::logit ? log_inv_logit(x) + log_inv_logit(-x) : log_phi(x);
}

// The inverse link F(x) itself.
inline double cdf(Link link, double x) {
  if (link == Link::logit) return x >= 0 ? 1.0 / (1.0 + std::exp(-x)) : std::exp(x) / (1.0 + std::exp(x));
  return 0.5 * std::erfc(-x * 0.70710678118654752440);
}

// One Bernoulli observation with success probability F(eta): returns
// log p(y | eta) and writes d log p / d eta into *score.
//   y = 1: log F(eta),   derivative f(eta) / F(eta)
//   y = 0: log F(-eta),  derivative -f(eta) / F(-eta)
// For the logit link f/F(eta) = F(-eta), so the score is y - F(eta).
inline double bernoulli_log_lik(Link link, double y, double eta, double* score) {
  if (link == Link::logit) {
    // log p = y eta - log(1 + e^eta); one exp and one log1p with e = e^{-|eta|}.
    const double e = std::exp(-std::abs(eta));
    const double inv_logit = eta >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    *score = y - inv_logit;
    return y * eta - (std::max(eta, 0.0) + std::log1p(e));
  }
  const double s = y > 0.5 ? 1.0 : -1.0;  // y = 1 -> F(eta), y = 0 -> F(-eta)
  const double z = s * eta;
  const double lp = log_cdf(link, z);
  *score = s * std::exp(log_pdf(link, z) - lp);
  return lp;
}

// log(F(a) - F(b)) for a > b, the probability of an interval of the latent
// variable.  When the interval lies mostly right of zero both F values are
// near 1 and their difference cancels, so it is computed from the mirror
// image F(-b) - F(-a) instead.
inline double log_cdf_diff(Link link, double a, double b) {
  if (a + b > 0.0) {
    const double la = log_cdf(link, -b);  // the larger of the two
    return la + log1m_exp(log_cdf(link, -a) - la);
  }
  const double la = log_cdf(link, a);
  return la + log1m_exp(log_cdf(link, b) - la);
}

}  // namespace summitcast::bayes
