// Posterior mode and the Laplace (Gaussian) approximation around it.
//
// The mode maximises log p(theta | y) over the unconstrained theta: BFGS
// (optim/bfgs.hpp) from the start, then a few Newton steps with the
// finite-difference Hessian to reach full precision.  The Hessian H is formed
// by central differences of the analytic gradient,
//   H_{.j} ~ (g(theta + h e_j) - g(theta - h e_j)) / (2 h),  h = 1e-5 max(1, |theta_j|),
// and symmetrised.  The Laplace approximation is theta ~ N(mode, (-H)^{-1});
// with -H = L L', a draw is mode + L^{-T} z, z ~ N(0, I).
//
// jacobian = false maximises the density of the constrained parameters (with
// flat priors: the maximum-likelihood estimate, as Stan's optimizer reports
// it); jacobian = true maximises the density of theta itself, which is the
// right centre for a Gaussian approximation on the unconstrained scale.
#pragma once

#include <Eigen/Dense>
#include <cstdint>
#include <string>

#include "summitcast/bayes/log_density.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/rng.hpp"
#include "summitcast/optim/fit_report.hpp"

namespace summitcast::bayes {

// The mode: params = θ̂, value = log p(θ̂), gradient and hessian of log p
// there (negative definite at a maximum).
using ModeResult = optim::FitReport;

inline Eigen::MatrixXd hessian_fd(const LogDensity& model, const Eigen::VectorXd& theta, bool jacobian) {
  const Eigen::Index d = theta.size();
  Eigen::MatrixXd H(d, d);
  Eigen::VectorXd gp(d), gm(d), x = theta;
  for (Eigen::Index j = 0; j < d; ++j) {
    const double h = 1e-5 * std::max(1.0, std::abs(theta[j]));
    x[j] = theta[j] + h;
    model.log_density(x, gp, jacobian);
    x[j] = theta[j] - h;
    model.log_density(x, gm, jacobian);
    x[j] = theta[j];
    H.col(j) = (gp - gm) / (2.0 * h);
  }
  return 0.5 * (H + H.transpose());
}

inline ModeResult find_mode(const LogDensity& model, const Eigen::VectorXd& start, bool jacobian,
                            int max_iterations = 1000, double gradient_tol = 1e-8) {
  check_size("find_mode", "start", start.size(), model.dim());
  optim::BfgsOptions opt;
  opt.max_iterations = max_iterations;
  opt.gradient_tol = gradient_tol;
  opt.value_tol = 1e-15;
  auto negative = [&](const Eigen::VectorXd& x, Eigen::VectorXd& g) {
    const double v = model.log_density(x, g, jacobian);
    g = -g;
    return -v;
  };
  optim::BfgsResult r = optim::minimize_bfgs(negative, start, opt);
  ModeResult out;
  out.record(r);
  out.params = r.x;
  // Newton polish: theta <- theta - H^{-1} g while it improves the density.
  Eigen::VectorXd g(model.dim()), g_new(model.dim());
  double lp = model.log_density(out.params, g, jacobian);
  for (int it = 0; it < 8; ++it) {
    if (g.cwiseAbs().maxCoeff() <= gradient_tol) break;
    const Eigen::MatrixXd H = hessian_fd(model, out.params, jacobian);
    Eigen::LDLT<Eigen::MatrixXd> ldlt(-H);
    if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().array() > 0.0).all()) break;
    const Eigen::VectorXd step = ldlt.solve(g);
    double t = 1.0;
    bool improved = false;
    for (int ls = 0; ls < 20; ++ls, t *= 0.5) {
      const Eigen::VectorXd x = out.params + t * step;
      const double lp_new = model.log_density(x, g_new, jacobian);
      if (std::isfinite(lp_new) && lp_new >= lp - 1e-12 * std::abs(lp)) {
        out.params = x;
        lp = lp_new;
        g = g_new;
        improved = true;
        break;
      }
    }
    ++out.evaluations;
    if (!improved) break;
  }
  out.value = lp;
  out.gradient = g;
  out.hessian = hessian_fd(model, out.params, jacobian);
  out.converged = g.cwiseAbs().maxCoeff() <= std::max(gradient_tol, 1e-6 * std::max(1.0, std::abs(lp)));
  if (out.converged) out.message = "converged";
  return out;
}

// n draws (n x d) from N(mode, (-hessian)^{-1}).
inline Eigen::MatrixXd laplace_draws(const Eigen::VectorXd& mode, const Eigen::MatrixXd& hessian, long n,
                                     std::uint64_t seed) {
  check_size("laplace_draws", "hessian", hessian.rows(), mode.size());
  check_size("laplace_draws", "hessian (columns)", hessian.cols(), mode.size());
  if (!mode.allFinite()) fail_value("laplace_draws", "mode must be finite, got ", mode.transpose());
  if (!hessian.allFinite()) fail_value("laplace_draws", "hessian must be finite");
  if (n < 1) fail_value("laplace_draws", "draws must be at least 1, got ", n);
  Eigen::LLT<Eigen::MatrixXd> llt(-hessian);
  if (llt.info() != Eigen::Success)
    throw NumericalError("laplace: the Hessian at the mode is not negative definite (no proper Gaussian approximation)");
  Rng rng(seed, 0);
  Eigen::MatrixXd out(n, mode.size());
  Eigen::VectorXd z(mode.size());
  const auto Lt = llt.matrixU();  // L'
  for (long i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < z.size(); ++j) z[j] = rng.normal();
    Lt.solveInPlace(z);
    out.row(i) = (mode + z).transpose();
  }
  return out;
}

}  // namespace summitcast::bayes
