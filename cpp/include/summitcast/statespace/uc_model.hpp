// Likelihood, maximum-likelihood fit, forecasts and simulation for an
// unobserved-components model on one series.
//
// The fit (mle.hpp) maximises the log-likelihood over the variances and
// regression coefficients with BFGS, with the analytic score (one filter and
// one backward pass) under exact diffuse initialisation and finite
// differences otherwise; standard errors come from the numerical Hessian of
// the log-likelihood in the natural parameters (σ², β).
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
#include "summitcast/statespace/mle.hpp"
#include "summitcast/statespace/score.hpp"
#include "summitcast/statespace/simulation_smoother.hpp"
#include "summitcast/statespace/smoother.hpp"

namespace summitcast::statespace {

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
    KalmanFilter kf(sys, y_row(), opt);
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
    KalmanFilter kf(sys, y_row(), opt);
    FilterOutput f = kf.run();
    grad = component_score(spec_, sys, f, exog_);
    return f.loglike;
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
    const double var = difference_variance(resid);
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
    return maximize_likelihood(likelihood_problem(), start, max_iterations, gradient_tol);
  }

  // State draws from p(α | y) at the given parameters (see
  // simulation_smoother_states for the layout).
  RowMatrix simulation_smoother(const VectorXd& params, Index draws, std::uint64_t seed) const {
    return simulation_smoother_states(system(params), y_row(), draws, seed);
  }

  MatrixXd hessian(const VectorXd& params) const {
    return loglike_hessian([this](const VectorXd& p) { return loglike(p); }, params, spec_.k_variances());
  }

  LikelihoodProblem likelihood_problem() const {
    LikelihoodProblem problem;
    problem.loglike = [this](const VectorXd& p) { return loglike(p); };
    // The analytic score needs exact diffuse initialisation.
    if (spec_.exact_diffuse)
      problem.loglike_and_score = [this](const VectorXd& p, VectorXd& g) { return loglike_and_score(p, g); };
    problem.k_variances = spec_.k_variances();
    problem.nobs = nobs_;
    return problem;
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
    KalmanFilter kf(sys, y_row(), opt);
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
    KalmanFilter kf(sys, y_row(), opt);
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
  // y as the 1 x n matrix the filters take, without a copy per call.
  Eigen::Map<const MatrixXd> y_row() const { return Eigen::Map<const MatrixXd>(y_.data(), 1, y_.size()); }
  MatrixXd exog_;
  Index nobs_ = 0;
};

}  // namespace summitcast::statespace
