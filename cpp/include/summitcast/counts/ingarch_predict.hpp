// Predictive distributions of a fitted INGARCH model.
//
// Forecast h steps ahead by simulation: each path continues the recursion of
// ingarch_model.hpp from the end of the sample, ν_{n+s} from the histories of
// g(Y) and ν (observed, then simulated), λ = link⁻¹(ν), then draws
// Y_{n+s} ~ p(· | λ).  Path b uses the random stream Rng(seed, b), so the
// answer is the same however the paths are split over threads.  Beside each
// draw the path's conditional mean λ is returned: averaging p(y | λ) over
// paths gives a smooth (Rao–Blackwellised) predictive distribution.
//
// For the fitted one-step-ahead distributions p(· | λ_t) the functions below
// give the non-randomised PIT pieces F(y_t − 1), F(y_t) (Czado, Gneiting &
// Held 2009), the log score −log p(y_t | λ_t) and the ranked probability score
// RPS = Σ_{k>=0} (F(k) − 1{y_t <= k})².
#pragma once

#include <atomic>
#include <cstdint>

#include "summitcast/counts/ingarch_model.hpp"
#include "summitcast/core/rng.hpp"

namespace summitcast::counts {

struct IngarchPaths {
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> y;  // paths x steps
  MatrixXd lambda;                                                // paths x steps
};

// theta: fitted parameters; X_future: steps x r covariates of the horizon.
// stop (optional) is polled once per path; when set, the remaining paths are
// skipped (the caller discards the result).
inline IngarchPaths simulate_ingarch_paths(const IngarchModel& m, const VectorXd& theta, const MatrixXd& X_future,
                                           Index steps, Index paths, std::uint64_t seed,
                                           const std::atomic<bool>* stop = nullptr) {
  const char* fn = "INGARCH.forecast";
  const IngarchSpec& s = m.spec();
  std::string why;
  if (!m.admissible(theta, &why)) fail_value(fn, "params ", why);
  if (steps < 1) fail_value(fn, "steps must be at least 1, got ", steps);
  if (paths < 1) fail_value(fn, "paths must be at least 1, got ", paths);
  if (X_future.rows() != steps || X_future.cols() != s.k_exog)
    fail_value(fn, "exog must be ", steps, " x ", s.k_exog, " for ", steps, " steps, got ", X_future.rows(), " x ",
               X_future.cols());
  if (!X_future.allFinite()) fail_value(fn, "exog must not contain NaN or infinite values");
  VectorXd nu;
  if (!m.recursion(theta, nu, nullptr)) fail_value(fn, "params give a non-positive or overflowing mean");
  const Index n = m.n(), p = s.p(), q = s.q(), r = s.k_exog;
  const Index P = s.max_obs_lag(), Q = s.max_mean_lag();
  double pre = 0.0;
  VectorXd dpre;
  presample_value(s, theta, s.link == Link::log ? std::log1p(m.endog()[0]) : m.endog()[0], pre, dpre);
  const bool log_link = s.link == Link::log;
  // Base histories: last P values of g(Y) and last Q values of ν (pre-sample
  // values where the series is shorter than the lag).
  VectorXd g0(P), nu0(Q);
  for (Index i = 0; i < P; ++i) {
    const Index t = n - P + i;
    g0[i] = t >= 0 ? (log_link ? std::log1p(m.endog()[t]) : m.endog()[t]) : pre;
  }
  for (Index i = 0; i < Q; ++i) {
    const Index t = n - Q + i;
    nu0[i] = t >= 0 ? nu[t] : pre;
  }
  const double a = s.family == Family::negbin ? theta[s.k_mean()] : 0.0;
  const auto beta = theta.segment(1, p);
  const auto alpha = theta.segment(1 + p, q);
  const auto eta = theta.segment(1 + p + q, r);
  IngarchPaths out;
  out.y.resize(paths, steps);
  out.lambda.resize(paths, steps);
  VectorXd gh(P + steps), nh(Q + steps);
  for (Index b = 0; b < paths; ++b) {
    if (stop && stop->load(std::memory_order_relaxed)) break;
    Rng rng(seed, static_cast<std::uint64_t>(b));
    gh.head(P) = g0;
    nh.head(Q) = nu0;
    for (Index h = 0; h < steps; ++h) {
      double v = theta[0];
      for (Index i = 0; i < p; ++i) v += beta[i] * gh[P + h - s.past_obs[i]];
      for (Index l = 0; l < q; ++l) v += alpha[l] * nh[Q + h - s.past_mean[l]];
      if (r > 0) v += X_future.row(h).dot(eta);
      if (log_link) v = std::min(v, 700.0);
      nh[Q + h] = v;
      const double lam = log_link ? std::exp(v) : std::max(v, 0.0);
      const std::int64_t draw = count_draw(rng, s.family, lam, a);
      gh[P + h] = log_link ? std::log1p(static_cast<double>(draw)) : static_cast<double>(draw);
      out.y(b, h) = draw;
      out.lambda(b, h) = lam;
    }
  }
  return out;
}

// Ranked probability score of p(· | λ) at y: the sum runs until the CDF has
// passed y and the upper tail is below 1e-12 of mass.
inline double count_rps(Family f, double y, double lambda, double alpha) {
  double rps = 0.0;
  for (double k = 0.0;; k += 1.0) {
    const double F = count_cdf(f, k, lambda, alpha);
    const double d = F - (y <= k ? 1.0 : 0.0);
    rps += d * d;
    if (k >= y && 1.0 - F < 1e-12) break;
    if (k > y + 1e7) break;  // guard; never reached for finite means
  }
  return rps;
}

}  // namespace summitcast::counts

namespace summitcast::counts {

// Simulate a series of length n from the model with parameters θ and
// covariates X (n x r).  The recursion starts from the pre-sample value
// ν* of `spec.init` (firstobs behaves as iid) and runs `burn` steps with zero
// covariates first, which are discarded.
inline Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> simulate_ingarch(const IngarchSpec& s, const VectorXd& theta,
                                                                       const MatrixXd& X, Index burn,
                                                                       std::uint64_t seed) {
  const char* fn = "simulate_ingarch";
  s.validate();
  if (theta.size() != s.k_params()) fail_value(fn, "params must have size ", s.k_params(), ", got ", theta.size());
  if (!theta.allFinite()) fail_value(fn, "params must be finite, got ", theta.transpose());
  if (X.cols() != s.k_exog) fail_value(fn, "exog must have ", s.k_exog, " columns, got ", X.cols());
  if (!X.allFinite()) fail_value(fn, "exog must be finite");
  if (burn < 0) fail_value(fn, "burn must be non-negative, got ", burn);
  const Index n = X.rows(), p = s.p(), q = s.q(), r = s.k_exog, P = s.max_obs_lag(), Q = s.max_mean_lag();
  const bool log_link = s.link == Link::log;
  IngarchSpec s_iid = s;
  if (s_iid.init == Init::firstobs) s_iid.init = Init::iid;
  double pre = 0.0;
  VectorXd dpre;
  if (!presample_value(s_iid, theta, 0.0, pre, dpre))
    fail_value(fn, "params have no stationary mean (sum of past_obs and past_mean coefficients >= 1)");
  const double a = s.family == Family::negbin ? theta[s.k_mean()] : 0.0;
  if (s.family == Family::negbin) check_positive(fn, "alpha", a);
  const Index total = burn + n;
  VectorXd gh(P + total), nh(Q + total);
  gh.head(P).setConstant(pre);
  nh.head(Q).setConstant(pre);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, 1> y(n);
  Rng rng(seed, 0);
  for (Index t = 0; t < total; ++t) {
    double v = theta[0];
    for (Index i = 0; i < p; ++i) v += theta[1 + i] * gh[P + t - s.past_obs[i]];
    for (Index l = 0; l < q; ++l) v += theta[1 + p + l] * nh[Q + t - s.past_mean[l]];
    if (r > 0 && t >= burn) v += X.row(t - burn).dot(theta.segment(1 + p + q, r));
    if (log_link && v > 700.0) fail_value(fn, "the simulated series exploded (log-mean above 700); params are explosive");
    if (!log_link && !(v > 0.0)) fail_value(fn, "the simulated mean is not positive; check params");
    nh[Q + t] = v;
    const std::int64_t draw = count_draw(rng, s.family, log_link ? std::exp(v) : v, a);
    gh[P + t] = log_link ? std::log1p(static_cast<double>(draw)) : static_cast<double>(draw);
    if (t >= burn) y[t - burn] = draw;
  }
  return y;
}

}  // namespace summitcast::counts
