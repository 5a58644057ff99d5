// Quasi-Newton minimisation (BFGS with an inverse-Hessian update and a
// backtracking line search that enforces the Armijo condition and skips the
// update when the curvature condition s'y > 0 fails).  Nocedal & Wright
// (2006), algorithm 6.1.  Sized for the tens of parameters of a likelihood.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <string>

#include "summitcast/core/errors.hpp"

namespace summitcast::optim {

struct BfgsOptions {
  int max_iterations = 500;
  double gradient_tol = 1e-6;  // stop when max |g_i| <= gradient_tol
  double value_tol = 1e-12;    // ... or when the relative decrease stalls
  int stall_iterations = 3;    // consecutive stalled iterations before stopping
};

struct BfgsResult {
  Eigen::VectorXd x;
  double value = 0.0;
  Eigen::VectorXd gradient;
  int iterations = 0;
  int evaluations = 0;
  bool converged = false;
  std::string message;
};

// fg(x, g) returns f(x) and writes the gradient into g.  A non-finite value
// is treated as "outside the domain" and the line search backs off.
template <class Objective>
BfgsResult minimize_bfgs(Objective&& fg, Eigen::VectorXd x, const BfgsOptions& opt = {}) {
  const Eigen::Index k = x.size();
  BfgsResult res;
  Eigen::VectorXd g(k), g_new(k), x_new(k), s(k), y(k), dir(k);
  double f = fg(x, g);
  ++res.evaluations;
  if (!std::isfinite(f) || !g.allFinite())
    throw NumericalError("minimize_bfgs: the objective is not finite at the starting values");
  Eigen::MatrixXd Hinv = Eigen::MatrixXd::Identity(k, k);
  // Scale the first step so that it moves by about one unit.
  const double gnorm0 = g.cwiseAbs().maxCoeff();
  if (gnorm0 > 1.0) Hinv /= gnorm0;
  int stalled = 0;
  for (res.iterations = 0; res.iterations < opt.max_iterations; ++res.iterations) {
    if (g.cwiseAbs().maxCoeff() <= opt.gradient_tol) {
      res.converged = true;
      res.message = "gradient below tolerance";
      break;
    }
    dir.noalias() = -Hinv * g;
    double slope = g.dot(dir);
    if (!(slope < 0.0)) {  // not a descent direction: restart from steepest descent
      Hinv.setIdentity();
      dir = -g;
      slope = g.dot(dir);
    }
    double step = 1.0, f_new = 0.0;
    bool accepted = false;
    for (int ls = 0; ls < 60; ++ls) {
      x_new = x + step * dir;
      f_new = fg(x_new, g_new);
      ++res.evaluations;
      if (std::isfinite(f_new) && g_new.allFinite() && f_new <= f + 1e-4 * step * slope) {
        accepted = true;
        break;
      }
      // Cubic-free safeguarded backtracking: quadratic interpolation when the
      // value is finite, halving otherwise.
      double next = 0.5 * step;
      if (std::isfinite(f_new)) {
        const double q = -slope * step * step / (2.0 * (f_new - f - slope * step));
        if (std::isfinite(q)) next = std::min(0.5 * step, std::max(0.1 * step, q));
      }
      step = next;
    }
    if (!accepted) {
      res.message = "line search failed to decrease the objective";
      res.converged = g.cwiseAbs().maxCoeff() <= 1e3 * opt.gradient_tol;
      break;
    }
    s = x_new - x;
    y = g_new - g;
    const double decrease = f - f_new;
    x = x_new;
    g = g_new;
    const double sy = s.dot(y);
    if (sy > 1e-12 * s.norm() * y.norm()) {
      // First iteration: scale the initial inverse Hessian (N&W eq. 6.20).
      if (res.iterations == 0) Hinv = Eigen::MatrixXd::Identity(k, k) * (sy / y.dot(y));
      const double rho = 1.0 / sy;
      const Eigen::VectorXd Hy = Hinv * y;
      const double yHy = y.dot(Hy);
      Hinv.noalias() += ((1.0 + rho * yHy) * rho) * (s * s.transpose()) - rho * (Hy * s.transpose() + s * Hy.transpose());
    }
    f = f_new;
    if (decrease <= opt.value_tol * std::max(1.0, std::abs(f))) {
      if (++stalled >= opt.stall_iterations) {
        res.converged = true;
        res.message = "relative decrease below tolerance";
        break;
      }
    } else {
      stalled = 0;
    }
  }
  if (res.iterations >= opt.max_iterations) res.message = "maximum number of iterations reached";
  res.x = x;
  res.value = f;
  res.gradient = g;
  return res;
}

}  // namespace summitcast::optim
