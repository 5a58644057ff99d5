// Squared Mahalanobis distances of many points at once, the kernel of a
// multivariate normal or Student-t density: for a scale Σ = L L' (L lower
// triangular, its Cholesky factor),
//   δ_k = (θ_k − c)' Σ⁻¹ (θ_k − c) = ‖L⁻¹ (θ_k − c)‖²,
// one triangular solve L U = (Θ − 1 c')' for all rows, then the squared
// column norms of U.
#pragma once

#include <Eigen/Dense>

#include "summitcast/core/errors.hpp"

namespace summitcast::bayes {

// δ_k of each row θ_k of `thetas` (m x d) about `centre` (d) under the scale
// root L (d x d, lower triangular with a positive diagonal; only its lower
// triangle is read).
inline Eigen::VectorXd mahalanobis_rows(const Eigen::MatrixXd& thetas, const Eigen::VectorXd& centre,
                                        const Eigen::MatrixXd& root) {
  const char* fn = "mahalanobis_rows";
  check_size(fn, "centre", centre.size(), thetas.cols());
  check_size(fn, "root rows", root.rows(), thetas.cols());
  check_size(fn, "root columns", root.cols(), thetas.cols());
  if (!(root.diagonal().array() > 0.0).all()) fail_value(fn, "root must have a positive diagonal");
  Eigen::MatrixXd u = (thetas.rowwise() - centre.transpose()).transpose();  // d x m
  root.triangularView<Eigen::Lower>().solveInPlace(u);
  return u.colwise().squaredNorm().transpose();
}

}  // namespace summitcast::bayes
