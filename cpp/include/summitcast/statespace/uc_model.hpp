// Likelihood, maximum-likelihood fit, forecasts and simulation for an
// unobserved-components model on one series.
//
// The fit maximises the log-likelihood with BFGS over θ, where each variance
// is σ²_k = s_k θ_k² (s_k its starting value, so θ starts at 1) and each
// regression coefficient β enters as itself.  Under exact diffuse
// initialisation (the default) the gradient is analytic: one filter pass and
// one backward pass (score.hpp).  Under approximate diffuse initialisation it
// is by finite differences, forward while far from the optimum and central to
// polish.  Standard errors come from the numerical Hessian (central
// differences of the log-likelihood) in the natural parameters (σ², β), as
// statsmodels' default `cov_type="approx"`.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>
#include <limits>
#include <vector>

#include "summitcast/core/parallel.hpp"
#include "summitcast/optim/fit_report.hpp"
#include "summitcast/statespace/components.hpp"
#include "summitcast/statespace/kalman_filter.hpp"
#include "summitcast/statespace/score.hpp"
#include "summitcast/statespace/simulation_smoother.hpp"
#include "summitcast/statespace/smoother.hpp"

namespace summitcast::statespace {

// The fit: value = the log-likelihood, hessian in the natural parameters.
using FitResult = optim::FitReport;

struct Forecast {
  VectorXd mean;
  VectorXd variance;
};

class UnobservedComponentsModel {
 public:
  // y: n observations (NaN = missing); exog: n x k_exog.
  UnobservedComponentsModel(ComponentSpec spec, VectorXd y, MatrixXd exog)
      : spec_(std::move(spec)), y_(std::move(y)), exog_(std::move(exog)) {
    const char* fn = "UnobservedComponents";
    spec_.validate();
    const Index n = y_.size();
    if (n < 2) fail_value(fn, "endog must have at least 2 observations, got ", n);
    Index observed = 0;
    for (Index t = 0; t < n; ++t) {
      if (std::isinf(y_[t])) fail_value(fn, "endog must not contain infinite values, got ", y_[t], " at position ", t);
      if (!std::isnan(y_[t])) ++observed;
      // Squared errors of larger values overflow double precision.
      if (std::abs(y_[t]) > kMaxMagnitude)
        fail_value(fn, "endog has a value of magnitude ", std::abs(y_[t]), " at position ", t,
                   ", too large for the likelihood in double precision; rescale the series");
    }
    if (observed == 0) fail_value(fn, "endog has no observed (non-NaN) values");
    if (exog_.rows() != n || exog_.cols() != spec_.k_exog)
      fail_value(fn, "exog must be ", n, " x ", spec_.k_exog, ", got ", exog_.rows(), " x ", exog_.cols());
    if (!exog_.allFinite()) fail_value(fn, "exog must not contain NaN or infinite values");
    if (exog_.size() > 0 && exog_.cwiseAbs().maxCoeff() > kMaxMagnitude)
      fail_value(fn, "exog has values of magnitude up to ", exog_.cwiseAbs().maxCoeff(), "; rescale the regressors");
    const Index needed = spec_.k_states() + 1;
    if (observed < needed)
      fail_value(fn, "endog has ", observed, " observed values; the model needs at least ", needed,
                 " (one per diffuse state plus one)");
    nobs_ = observed;
  }

  const ComponentSpec& spec() const { return spec_; }
  Index nobs() const { return nobs_; }
  Index n() const { return y_.size(); }
  const VectorXd& endog() const { return y_; }
  const MatrixXd& exog() const { return exog_; }

  SystemMatrices system(const VectorXd& params) const { return spec_.build(params, exog_); }

  FilterOutput filter(const VectorXd& params, bool store) const {
    SystemMatrices sys = system(params);
    FilterOptions opt;
    opt.store = store;
    opt.loglikelihood_burn = spec_.loglikelihood_burn();
    KalmanFilter kf(sys, y_.transpose(), opt);
    return kf.run();
  }

  double loglike(const VectorXd& params) const {
    const double ll = filter(params, false).loglike;
    if (std::isnan(ll)) throw NumericalError("loglike: the log-likelihood is NaN (the parameters or data overflow double precision)");
    return ll;
  }

  // The largest |y| and |x| accepted.  Variances scale with y², and their
  // standard errors come from the inverse Hessian, whose entries scale with
  // y⁴: at 1e50 that is 1e200, inside double precision with room for the
  // sums over n; at 1e90 the Hessian underflows and the errors are NaN.
  static constexpr double kMaxMagnitude = 1e50;

  // Log-likelihood and its gradient in the natural parameters (analytic,
  // one filter and one backward pass).
  double loglike_and_score(const VectorXd& params, VectorXd& grad) const {
    SystemMatrices sys = system(params);
    FilterOptions opt;
    opt.store = true;
    opt.store_states = false;
    opt.loglikelihood_burn = spec_.loglikelihood_burn();
    if (opt.loglikelihood_burn > 0) fail_value("score", "the analytic score needs exact diffuse initialisation");
    KalmanFilter kf(sys, y_.transpose(), opt);
    FilterOutput f = kf.run();
    grad = component_score(spec_, sys, f, exog_);
    return f.loglike;
  }

  // θ ↔ natural parameters.  Variances are σ²_k = s_k θ_k², with s_k the
  // starting value: unconstrained, scaled so θ starts at 1, and (unlike a log
  // transform) able to reach a zero variance with a gradient that fades only
  // linearly, so optima close to the boundary are found (statsmodels uses the
  // same square transform).
  VectorXd to_natural(const VectorXd& theta, const VectorXd& scale) const {
    VectorXd p = theta;
    for (int k = 0; k < spec_.k_variances(); ++k) p[k] = scale[k] * theta[k] * theta[k];
    return p;
  }
  VectorXd to_theta(const VectorXd& params, const VectorXd& scale) const {
    VectorXd th = params;
    for (int k = 0; k < spec_.k_variances(); ++k) th[k] = std::sqrt(std::max(params[k], 0.0) / scale[k]);
    return th;
  }

  // Starting values: β by least squares on the observed rows; each variance
  // a share of the variance of the first differences of y − Xβ.
  VectorXd start_params() const {
    const Index n = y_.size();
    VectorXd params = VectorXd::Zero(spec_.k_params());
    VectorXd resid = y_;
    if (spec_.k_exog > 0) {
      std::vector<Index> rows;
      for (Index t = 0; t < n; ++t)
        if (!std::isnan(y_[t])) rows.push_back(t);
      MatrixXd X(static_cast<Index>(rows.size()), spec_.k_exog);
      VectorXd yy(static_cast<Index>(rows.size()));
      for (size_t k = 0; k < rows.size(); ++k) {
        X.row(static_cast<Index>(k)) = exog_.row(rows[k]);
        yy[static_cast<Index>(k)] = y_[rows[k]];
      }
      VectorXd beta = X.completeOrthogonalDecomposition().solve(yy);
      params.tail(spec_.k_exog) = beta;
      resid = y_ - exog_ * beta;
    }
    double sum = 0.0, sum2 = 0.0;
    Index count = 0;
    for (Index t = 1; t < n; ++t) {
      if (std::isnan(resid[t]) || std::isnan(resid[t - 1])) continue;
      const double dlt = resid[t] - resid[t - 1];
      sum += dlt;
      sum2 += dlt * dlt;
      ++count;
    }
    double var = count > 1 ? (sum2 - sum * sum / count) / (count - 1) : 1.0;
    if (!(var > 0.0) || !std::isfinite(var)) var = 1.0;
    const int kv = spec_.k_variances();
    for (int k = 0; k < kv; ++k) params[k] = var / std::max(kv, 1);
    return params;
  }

  FitResult fit(const VectorXd& start, int max_iterations = 500, double gradient_tol = 1e-7) const {
    if (start.size() != spec_.k_params())
      fail_value("fit", "start_params must have length ", spec_.k_params(), ", got ", start.size());
    if (max_iterations < 0) fail_value("fit", "maxiter must be >= 0, got ", max_iterations);
    if (!(gradient_tol > 0.0) || !std::isfinite(gradient_tol))
      fail_value("fit", "gtol must be positive and finite, got ", gradient_tol);
    for (int k = 0; k < spec_.k_variances(); ++k)
      if (!(start[k] > 0.0) || !std::isfinite(start[k]))
        fail_value("fit", "start_params variances must be positive, got ", start[k]);
    const int kv = spec_.k_variances();
    const VectorXd scale = start.head(kv);
    const double inv_n = 1.0 / static_cast<double>(nobs_);
    auto objective = [&](const VectorXd& theta) -> double {
      double ll;
      try {
        ll = loglike(to_natural(theta, scale));
      } catch (const std::exception&) {
        return std::numeric_limits<double>::infinity();
      }
      return std::isfinite(ll) ? -ll * inv_n : std::numeric_limits<double>::infinity();
    };
    // Gradients: analytic (one filter and one backward pass) under exact
    // diffuse initialisation; otherwise finite differences, forward (k + 1
    // passes) while far from the optimum and central (2k + 1) to polish.
    const bool analytic = spec_.exact_diffuse;
    bool central = false;
    auto fg = [&](const VectorXd& theta, VectorXd& g) -> double {
      if (analytic) {
        VectorXd gn;
        double ll;
        try {
          ll = loglike_and_score(to_natural(theta, scale), gn);
        } catch (const std::exception&) {
          return std::numeric_limits<double>::infinity();
        }
        if (!std::isfinite(ll) || !gn.allFinite()) return std::numeric_limits<double>::infinity();
        for (Index k = 0; k < theta.size(); ++k) {
          const double dnat = k < kv ? 2.0 * scale[k] * theta[k] : 1.0;
          g[k] = -gn[k] * dnat * inv_n;
        }
        return -ll * inv_n;
      }
      const double f = objective(theta);
      VectorXd th = theta;
      for (Index k = 0; k < theta.size(); ++k) {
        const double h = (central ? 1e-6 : 1e-7) * std::max(1.0, std::abs(theta[k]));
        th[k] = theta[k] + h;
        const double fp = objective(th);
        if (central) {
          th[k] = theta[k] - h;
          g[k] = (fp - objective(th)) / (2.0 * h);
        } else {
          g[k] = (fp - f) / h;
        }
        th[k] = theta[k];
      }
      return f;
    };
    optim::BfgsOptions opt;
    opt.max_iterations = max_iterations;
    opt.gradient_tol = analytic ? gradient_tol : 10.0 * gradient_tol;
    int evaluations = 0;
    auto solve = [&](const VectorXd& from) {
      central = false;
      optim::BfgsResult first = optim::minimize_bfgs(fg, from, opt);
      if (analytic) {
        evaluations += 2 * first.evaluations;  // a filter and a backward pass each
        return first;
      }
      evaluations += first.evaluations * (1 + static_cast<int>(from.size()));
      central = true;
      optim::BfgsOptions polish = opt;
      polish.gradient_tol = gradient_tol;
      optim::BfgsResult second = optim::minimize_bfgs(fg, first.x, polish);
      evaluations += second.evaluations * (1 + 2 * static_cast<int>(from.size()));
      second.iterations += first.iterations;
      return second.value <= first.value ? second : first;
    };
    optim::BfgsResult best = solve(to_theta(start, scale));
    // A variance driven to (almost) zero may sit on a flat stretch short of a
    // small interior optimum.  Where the log-likelihood still rises when that
    // variance is increased from where it sits, restart from a moderate value
    // and keep whichever optimum is higher.
    VectorXd natural = to_natural(best.x, scale);
    const double largest = natural.head(kv).maxCoeff();
    for (int k = 0; k < kv; ++k) {
      if (natural[k] > 1e-6 * largest) continue;
      VectorXd probe = natural;
      probe[k] += 1e-6 * largest;
      ++evaluations;
      if (!(loglike(probe) > -best.value * static_cast<double>(nobs_))) continue;
      VectorXd restart = natural;
      restart[k] = 1e-3 * largest;
      optim::BfgsResult alt = solve(to_theta(restart, scale));
      if (alt.value < best.value) {
        best = alt;
        natural = to_natural(best.x, scale);
      }
    }
    FitResult out;
    out.record(best);
    out.evaluations = evaluations;
    out.params = natural;
    out.value = loglike(out.params);
    out.hessian = hessian(out.params);
    return out;
  }

  // State draws from p(α | y) at the given parameters (see
  // simulation_smoother_states for the layout).
  RowMatrix simulation_smoother(const VectorXd& params, Index draws, std::uint64_t seed) const {
    return simulation_smoother_states(system(params), y_.transpose(), draws, seed);
  }

  // Numerical Hessian of the log-likelihood in the natural parameters by
  // central differences; a variance too close to zero for a step below it is
  // differenced forwards instead (the boundary of the parameter space).
  MatrixXd hessian(const VectorXd& params) const {
    const Index k = params.size();
    VectorXd h(k);
    std::vector<bool> forward(static_cast<size_t>(k), false);
    for (Index i = 0; i < k; ++i) {
      h[i] = 1e-4 * std::max(std::abs(params[i]), 1e-4);
      if (i < spec_.k_variances()) {
        const double largest = params.head(spec_.k_variances()).maxCoeff();
        h[i] = 1e-4 * std::max(params[i], 1e-6 * largest);
        forward[static_cast<size_t>(i)] = params[i] - h[i] < 0.0;
      }
    }
    VectorXd x = params;
    auto at = [&](Index i, double si, Index j, double sj) {
      x[i] += si * h[i];
      if (j >= 0) x[j] += sj * h[j];
      const double v = loglike(x);
      x = params;
      return v;
    };
    const double f0 = loglike(params);
    MatrixXd Hm(k, k);
    for (Index i = 0; i < k; ++i) {
      const bool fi = forward[static_cast<size_t>(i)];
      Hm(i, i) = fi ? (at(i, 2, -1, 0) - 2.0 * at(i, 1, -1, 0) + f0) / (h[i] * h[i])
                    : (at(i, 1, -1, 0) - 2.0 * f0 + at(i, -1, -1, 0)) / (h[i] * h[i]);
      for (Index j = 0; j < i; ++j) {
        double v;
        if (fi || forward[static_cast<size_t>(j)]) {
          v = (at(i, 1, j, 1) - at(i, 1, -1, 0) - at(j, 1, -1, 0) + f0) / (h[i] * h[j]);
        } else {
          v = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4.0 * h[i] * h[j]);
        }
        Hm(i, j) = v;
        Hm(j, i) = v;
      }
    }
    return Hm;
  }

  // The system for h future time points (future exog h x k_exog).
  SystemMatrices future_system(const VectorXd& params, const Eigen::Ref<const MatrixXd>& future_exog) const {
    return spec_.build(params, future_exog);
  }

  // h-step forecasts of y with their variances: filter to the end, then run
  // the prediction recursion a ← T a, P ← T P T' + R Q R' for h steps, in
  // O(m²) memory whatever h.  A set *stop (Ctrl-C) ends the loop early; the
  // caller then discards the partial answer.
  Forecast forecast(const VectorXd& params, Index h, const Eigen::Ref<const MatrixXd>& future_exog,
                    const std::atomic<bool>* stop = nullptr) const {
    check_future("forecast", h, future_exog);
    SystemMatrices sys = system(params);
    FilterOptions opt;
    opt.loglikelihood_burn = spec_.loglikelihood_burn();
    KalmanFilter kf(sys, y_.transpose(), opt);
    kf.run();
    if (kf.final_diffuse()) fail_value("forecast", "the data do not identify all diffuse states; cannot forecast");
    const SystemMatrices fut = future_system(params, future_exog);
    const Eigen::RowVectorXd z = fut.Z[0].row(0);
    const MatrixXd& T = fut.T[0];
    const MatrixXd RQR = fut.R[0] * fut.Q[0] * fut.R[0].transpose();
    VectorXd a = kf.final_state();
    MatrixXd P = kf.final_cov(), TP(P.rows(), P.cols());
    Forecast out;
    out.mean.resize(h);
    out.variance.resize(h);
    for (Index j = 0; j < h; ++j) {
      if (stop && j % 4096 == 0 && stop->load(std::memory_order_relaxed)) break;
      out.mean[j] = fut.d_at(j)[0] + z.dot(a);
      out.variance[j] = z.dot(P * z.transpose()) + fut.H[0](0, 0);
      a = T * a;
      TP.noalias() = T * P;
      P.noalias() = TP * T.transpose();
      P += RQR;
    }
    return out;
  }

  // Simulated future paths (paths x h) from the fitted parameters: the state
  // after the data is drawn from N(a_{n+1}, P_{n+1}), then the model is run
  // forward.  Path k uses random stream k, so the result does not depend on
  // the number of threads.
  MatrixXd simulate(const VectorXd& params, Index h, Index paths, const Eigen::Ref<const MatrixXd>& future_exog,
                    std::uint64_t seed, int threads) const {
    check_future("simulate", h, future_exog);
    if (paths < 1) fail_value("simulate", "paths must be >= 1, got ", paths);
    SystemMatrices sys = system(params);
    FilterOptions opt;
    opt.loglikelihood_burn = spec_.loglikelihood_burn();
    KalmanFilter kf(sys, y_.transpose(), opt);
    kf.run();
    if (kf.final_diffuse()) fail_value("simulate", "the data do not identify all diffuse states; cannot simulate");
    const VectorXd a = kf.final_state();
    const MatrixXd root = psd_sqrt(kf.final_cov());
    const SystemMatrices fut = future_system(params, future_exog);
    MatrixXd out(paths, h);
    parallel_for(paths, threads, [&](Index k) {
      Rng rng(seed, static_cast<std::uint64_t>(k));
      VectorXd u(a.size());
      for (Index j = 0; j < u.size(); ++j) u[j] = rng.normal();
      const VectorXd state = a + root * u;
      out.row(k) = simulate_forward(fut, state, h, rng).row(0);
    });
    return out;
  }

  // Paths from posterior draws: row k of params_draws and last_states gives
  // the parameters and the state α_n at the last data point for path k; the
  // path first steps to α_{n+1} = T α_n + c + R η_n with the draw's Q.
  MatrixXd simulate_from_draws(const MatrixXd& params_draws, const MatrixXd& last_states, Index h,
                               const Eigen::Ref<const MatrixXd>& future_exog, std::uint64_t seed, int threads) const {
    check_future("simulate", h, future_exog);
    if (params_draws.cols() != spec_.k_params() || last_states.rows() != params_draws.rows() ||
        last_states.cols() != spec_.k_states_total())
      fail_value("simulate", "posterior draws have inconsistent shapes");
    const Index paths = params_draws.rows();
    MatrixXd out(paths, h);
    parallel_for(paths, threads, [&](Index k) {
      Rng rng(seed, static_cast<std::uint64_t>(k));
      const SystemMatrices fut = future_system(params_draws.row(k).transpose(), future_exog);
      VectorXd u(fut.r());
      for (Index j = 0; j < u.size(); ++j) u[j] = rng.normal();
      const VectorXd state = fut.T[0] * last_states.row(k).transpose() + fut.c_at(0) + fut.R[0] * (psd_sqrt(fut.Q[0]) * u);
      out.row(k) = simulate_forward(fut, state, h, rng).row(0);
    });
    return out;
  }

 private:
  void check_future(const char* fn, Index h, const Eigen::Ref<const MatrixXd>& future_exog) const {
    if (h < 1) fail_value(fn, "steps must be >= 1, got ", h);
    if (future_exog.rows() != h || future_exog.cols() != spec_.k_exog)
      fail_value(fn, "exog for the forecast period must be ", h, " x ", spec_.k_exog, ", got ", future_exog.rows(),
                 " x ", future_exog.cols());
    if (!future_exog.allFinite()) fail_value(fn, "exog for the forecast period must be finite");
  }

  ComponentSpec spec_;
  VectorXd y_;
  MatrixXd exog_;
  Index nobs_ = 0;
};

}  // namespace summitcast::statespace
