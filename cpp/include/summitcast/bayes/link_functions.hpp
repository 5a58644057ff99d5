// Numerically stable pieces of the logistic and normal distributions, in log
// space, shared by the binary and ordinal likelihoods.
//
// Both links are symmetric cumulative distribution functions F with
// F(-x) = 1 - F(x), so every tail probability is computed as F of a negated
// argument rather than as 1 - F, which would cancel.
#pragma once

#include <Eigen/Dense>
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

// Sum over observations of w_i log p(y_i | eta_i), with the weighted scores
// g_i = w_i d log p(y_i | eta_i) / d eta_i written into *g.  The logit link
// runs as whole-array (SIMD) expressions: with e = exp(-|eta|),
//   log p = y eta - max(eta, 0) - log(1 + e),   score = y - F(eta),
//   F(eta) = 1/(1 + e) for eta >= 0 and e/(1 + e) otherwise.
// Shapes: y, eta, w have n entries (w may be empty: all ones).
inline double bernoulli_log_lik_sum(Link link, const Eigen::VectorXd& y, const Eigen::VectorXd& eta,
                                    const Eigen::VectorXd& w, Eigen::VectorXd* g) {
  const bool weighted = w.size() > 0;
  if (link == Link::logit) {
    // d = 1 + e lies in (1, 2], so log(d) is as accurate in absolute terms as
    // log1p(e) (error ~1e-16 per term) and Eigen vectorises it.
    const Eigen::ArrayXd e = (-eta.array().abs()).exp();
    const Eigen::ArrayXd d = 1.0 + e;
    const Eigen::ArrayXd terms = y.array() * eta.array() - eta.array().max(0.0) - d.log();
    if (g != nullptr) {
      g->array() = y.array() - (eta.array() >= 0.0).select(Eigen::ArrayXd::Ones(e.size()), e) / d;
      if (weighted) g->array() *= w.array();
    }
    return weighted ? (w.array() * terms).sum() : terms.sum();
  }
  double lp = 0.0, score = 0.0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    const double wi = weighted ? w[i] : 1.0;
    lp += wi * bernoulli_log_lik(link, y[i], eta[i], &score);
    if (g != nullptr) (*g)[i] = wi * score;
  }
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
