// The Euclidean metric of Hamiltonian Monte Carlo.
//
// Momentum p ~ N(0, M); kinetic energy K(p) = p' M^{-1} p / 2; the velocity
// dq/dt = dK/dp = M^{-1} p (Stan's "p-sharp").  Adaptation estimates the
// inverse metric M^{-1} as the posterior covariance of theta, either its
// diagonal (the default) or in full (dense).
//
// Dense case: with M^{-1} = L L' (Cholesky), p = L^{-T} z for z ~ N(0, I) has
// covariance L^{-T} L^{-1} = (L L')^{-1} = M, as required.
#pragma once

#include <Eigen/Dense>

#include "summitcast/core/errors.hpp"
#include "summitcast/core/rng.hpp"

namespace summitcast::bayes {

class Metric {
 public:
  Metric(Eigen::Index d, bool dense) : dense_(dense) {
    if (dense_) {
      set_inverse(Eigen::MatrixXd::Identity(d, d));
    } else {
      set_inverse_diagonal(Eigen::VectorXd::Ones(d));
    }
  }

  bool dense() const { return dense_; }
  Eigen::Index dim() const { return dense_ ? inv_dense_.rows() : inv_diag_.size(); }
  const Eigen::VectorXd& inverse_diagonal() const { return inv_diag_; }
  const Eigen::MatrixXd& inverse_dense() const { return inv_dense_; }

  void set_inverse_diagonal(Eigen::VectorXd inv) {
    inv_diag_ = std::move(inv);
    sqrt_inv_diag_ = inv_diag_.cwiseSqrt();
  }

  void set_inverse(Eigen::MatrixXd inv) {
    inv_dense_ = std::move(inv);
    Eigen::LLT<Eigen::MatrixXd> llt(inv_dense_);
    if (llt.info() != Eigen::Success) throw NumericalError("Metric: adapted covariance is not positive definite");
    chol_ = llt.matrixL();
    inv_diag_ = inv_dense_.diagonal();
  }

  // M^{-1} p.
  void velocity(const Eigen::VectorXd& p, Eigen::VectorXd& v) const {
    if (dense_) {
      v.noalias() = inv_dense_ * p;
    } else {
      v = inv_diag_.cwiseProduct(p);
    }
  }

  double kinetic(const Eigen::VectorXd& p) const {
    if (dense_) return 0.5 * p.dot(inv_dense_ * p);
    return 0.5 * p.dot(inv_diag_.cwiseProduct(p));
  }

  void sample_momentum(Rng& rng, Eigen::VectorXd& p) const {
    for (Eigen::Index i = 0; i < p.size(); ++i) p[i] = rng.normal();
    if (dense_) {
      chol_.transpose().triangularView<Eigen::Upper>().solveInPlace(p);
    } else {
      p.array() /= sqrt_inv_diag_.array();
    }
  }

 private:
  bool dense_;
  Eigen::VectorXd inv_diag_, sqrt_inv_diag_;
  Eigen::MatrixXd inv_dense_, chol_;
};

}  // namespace summitcast::bayes
