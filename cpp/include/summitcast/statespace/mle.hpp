// Maximum likelihood for state-space models whose parameters are variances
// (σ² ≥ 0) followed by unconstrained coefficients.
//
// The fit maximises the log-likelihood over θ with BFGS, where the variances
// are σ²_k = s_k θ_k² with s_k the starting value: unconstrained, scaled so θ
// starts at 1, and (unlike a log transform) able to reach a zero variance with
// a gradient that fades only linearly, so optima close to the boundary are
// found (statsmodels uses the same square transform).  Gradients are analytic
// when the model supplies a score, otherwise finite differences: forward
// (k + 1 passes) while far from the optimum and central (2k + 1) to polish.
// Standard errors come from the numerical Hessian of the log-likelihood in the
// natural parameters (σ², β), as statsmodels' default `cov_type="approx"`.
#pragma once

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "summitcast/optim/bfgs.hpp"
#include "summitcast/optim/fit_report.hpp"
#include "summitcast/statespace/system.hpp"

namespace summitcast::statespace {

// The fit: value = the log-likelihood, hessian of it in the natural parameters.
using FitResult = optim::FitReport;

// What the fit needs to know of a model.
struct LikelihoodProblem {
  std::function<double(const VectorXd&)> loglike;  // throws or returns non-finite outside the domain
  // Log-likelihood and its gradient in the natural parameters; empty for
  // finite differences.
  std::function<double(const VectorXd&, VectorXd&)> loglike_and_score;
  int k_variances = 0;  // the first k_variances parameters are variances
  Index nobs = 1;       // observed values (the objective is −log L / nobs)
};

// The sample variance of the first differences of y over adjacent observed
// (non-NaN) pairs: the scale of starting values for the variances.  1 when
// there are fewer than two such pairs or the variance is not positive.
inline double difference_variance(const VectorXd& y) {
  double sum = 0.0, sum2 = 0.0;
  Index count = 0;
  for (Index t = 1; t < y.size(); ++t) {
    if (std::isnan(y[t]) || std::isnan(y[t - 1])) continue;
    const double dlt = y[t] - y[t - 1];
    sum += dlt;
    sum2 += dlt * dlt;
    ++count;
  }
  const double var = count > 1 ? (sum2 - sum * sum / count) / (count - 1) : 1.0;
  return (var > 0.0 && std::isfinite(var)) ? var : 1.0;
}

// Numerical Hessian of the log-likelihood in the natural parameters by
// central differences; a variance too close to zero for a step below it is
// differenced forwards instead (the boundary of the parameter space).
inline MatrixXd loglike_hessian(const std::function<double(const VectorXd&)>& loglike, const VectorXd& params,
                                int k_variances) {
  const Index k = params.size();
  VectorXd h(k);
  std::vector<bool> forward(static_cast<size_t>(k), false);
  for (Index i = 0; i < k; ++i) {
    h[i] = 1e-4 * std::max(std::abs(params[i]), 1e-4);
    if (i < k_variances) {
      const double largest = params.head(k_variances).maxCoeff();
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

// start: natural-scale starting values with positive variances (checked by
// the caller, which knows the parameter names).
inline FitResult maximize_likelihood(const LikelihoodProblem& problem, const VectorXd& start, int max_iterations,
                                     double gradient_tol) {
  const int kv = problem.k_variances;
  const VectorXd scale = start.head(kv);
  const double inv_n = 1.0 / static_cast<double>(std::max<Index>(problem.nobs, 1));
  auto to_natural = [&](const VectorXd& theta) {
    VectorXd p = theta;
    for (int k = 0; k < kv; ++k) p[k] = scale[k] * theta[k] * theta[k];
    return p;
  };
  auto to_theta = [&](const VectorXd& params) {
    VectorXd th = params;
    for (int k = 0; k < kv; ++k) th[k] = std::sqrt(std::max(params[k], 0.0) / scale[k]);
    return th;
  };
  auto objective = [&](const VectorXd& theta) -> double {
    double ll;
    try {
      ll = problem.loglike(to_natural(theta));
    } catch (const std::exception&) {
      return std::numeric_limits<double>::infinity();
    }
    return std::isfinite(ll) ? -ll * inv_n : std::numeric_limits<double>::infinity();
  };
  const bool analytic = static_cast<bool>(problem.loglike_and_score);
  bool central = false;
  auto fg = [&](const VectorXd& theta, VectorXd& g) -> double {
    if (analytic) {
      VectorXd gn;
      double ll;
      try {
        ll = problem.loglike_and_score(to_natural(theta), gn);
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
  optim::BfgsResult best = solve(to_theta(start));
  // A variance driven to (almost) zero may sit on a flat stretch short of a
  // small interior optimum.  Where the log-likelihood still rises when that
  // variance is increased from where it sits, restart from a moderate value
  // and keep whichever optimum is higher.
  VectorXd natural = to_natural(best.x);
  const double largest = natural.head(kv).maxCoeff();
  for (int k = 0; k < kv; ++k) {
    if (natural[k] > 1e-6 * largest) continue;
    VectorXd probe = natural;
    probe[k] += 1e-6 * largest;
    ++evaluations;
    if (!(problem.loglike(probe) > -best.value * static_cast<double>(problem.nobs))) continue;
    VectorXd restart = natural;
    restart[k] = 1e-3 * largest;
    optim::BfgsResult alt = solve(to_theta(restart));
    if (alt.value < best.value) {
      best = alt;
      natural = to_natural(best.x);
    }
  }
  FitResult out;
  out.record(best);
  out.evaluations = evaluations;
  out.params = natural;
  out.value = problem.loglike(out.params);
  out.hessian = loglike_hessian(problem.loglike, out.params, kv);
  return out;
}

}  // namespace summitcast::statespace
