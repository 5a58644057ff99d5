// log p(θ) at many parameter vectors at once: the importance weights of a
// Laplace or adaptive-importance fit need the density at thousands of
// proposals, and one call per proposal from Python costs more than the
// density itself.
#pragma once

#include <Eigen/Dense>

#include "summitcast/bayes/log_density.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/parallel.hpp"

namespace summitcast::bayes {

// Row k of the result is log p(thetas.row(k)) (with the Jacobian of the
// unconstraining map when `jacobian`), on `threads` threads (0 = all).  Row
// k depends on row k alone, so the result is the same whatever the thread
// count; the model is immutable and shared by the workers.
inline Eigen::VectorXd log_density_rows(const LogDensity& model, const Eigen::MatrixXd& thetas, bool jacobian,
                                        int threads) {
  check_size("log_density_rows", "thetas columns", thetas.cols(), model.dim());
  Eigen::VectorXd out(thetas.rows());
  parallel_for(thetas.rows(), threads, [&](Eigen::Index k) {
    Eigen::VectorXd theta = thetas.row(k).transpose();
    Eigen::VectorXd grad(model.dim());
    out[k] = model.log_density(theta, grad, jacobian);
  });
  return out;
}

}  // namespace summitcast::bayes
