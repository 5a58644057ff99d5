// The interface every model offers the sampler and the optimiser: a log
// posterior density over an unconstrained parameter vector theta in R^d with
// its analytic gradient.
//
// Constrained parameters (ordered cut-points, positive scales) are mapped to
// R^d by the model; `jacobian = true` adds the log absolute determinant of
// that map, which is what the sampler needs.  `jacobian = false` gives the
// density of the constrained parameters evaluated at the mapped point: its
// maximiser is the posterior mode (or, with flat priors, the maximum-likelihood
// estimate) on the natural scale.
//
// Implementations are immutable after construction and `log_density` is
// const and allocation-local, so one model may be shared by several chains
// running on different threads.
#pragma once

#include <Eigen/Dense>

namespace summitcast::bayes {

class LogDensity {
 public:
  virtual ~LogDensity() = default;

  // Number of unconstrained parameters d.
  virtual Eigen::Index dim() const = 0;

  // log p(theta | data) up to a constant; writes d log p / d theta (size d)
  // into grad, which the caller has sized.
  virtual double log_density(const Eigen::VectorXd& theta, Eigen::VectorXd& grad, bool jacobian = true) const = 0;

  // log p(theta | data) without the gradient (importance weights need only
  // the value): the same number as log_density.  The default computes the
  // gradient and drops it; a model may override it with a cheaper pass.
  virtual double log_density_value(const Eigen::VectorXd& theta, bool jacobian = true) const {
    Eigen::VectorXd grad(dim());
    return log_density(theta, grad, jacobian);
  }

  // log p at every row of `thetas` (m x d) into `out` (m): the value alone,
  // row by row by default; a model may evaluate a block of rows at once
  // (e.g. one matrix product for all linear predictors).  Each row's value
  // may then differ from log_density_value in the last bits, but it depends
  // only on the block, never on the thread that evaluates it.
  virtual void log_density_block(const Eigen::Ref<const Eigen::MatrixXd>& thetas, bool jacobian,
                                 Eigen::Ref<Eigen::VectorXd> out) const {
    for (Eigen::Index k = 0; k < thetas.rows(); ++k) out[k] = log_density_value(thetas.row(k).transpose(), jacobian);
  }

  // log p(data | theta), the log-likelihood alone (no prior, no Jacobian),
  // including all its constants.
  virtual double log_likelihood(const Eigen::VectorXd& theta) const = 0;
};

}  // namespace summitcast::bayes
