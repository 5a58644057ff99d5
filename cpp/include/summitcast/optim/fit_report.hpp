// The one shape of an optimiser's answer, shared by every layer's fit.
//
// `value` is the objective the layer maximises (a log-likelihood or a log
// density), `gradient` and `hessian` are its first and second derivatives
// in the natural parameters at `params` (either may be empty where a layer
// does not compute it).  `gradient_norm` is max |g_i| of the gradient the
// optimiser itself judged convergence on, in its own (unconstrained, often
// per-observation) coordinates, so it compares directly with the tolerance
// that was passed.  A layer whose fit reports more (a boundary flag, a
// branching ratio) derives from this struct.
#pragma once

#include <Eigen/Dense>
#include <string>

#include "summitcast/optim/bfgs.hpp"

namespace summitcast::optim {

struct FitReport {
  Eigen::VectorXd params;
  double value = 0.0;
  Eigen::VectorXd gradient;
  Eigen::MatrixXd hessian;
  double gradient_norm = 0.0;
  int iterations = 0;
  int evaluations = 0;
  bool converged = false;
  std::string message;

  // Takes the optimiser's bookkeeping (not params/value, which the layer
  // maps back to its natural parameters and objective).
  void record(const BfgsResult& r) {
    gradient_norm = r.gradient.size() > 0 ? r.gradient.cwiseAbs().maxCoeff() : 0.0;
    iterations = r.iterations;
    evaluations = r.evaluations;
    converged = r.converged;
    message = r.message;
  }
};

}  // namespace summitcast::optim
