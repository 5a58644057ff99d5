// The linear Gaussian state-space model
//
//   y_t     = d_t + Z_t α_t + ε_t,        ε_t ~ N(0, H_t)        (p observations)
//   α_{t+1} = c_t + T_t α_t + R_t η_t,    η_t ~ N(0, Q_t)        (m states, r disturbances)
//   α_1     ~ N(a_1, P_*,1 + κ P_∞,1),   κ → ∞                  (exact diffuse part P_∞)
//
// Each system matrix is stored either once (time-invariant) or once per time
// point (time-varying).  Observations are filtered one element at a time (the
// univariate treatment of Koopman & Durbin 2000), which requires H_t to be
// diagonal; missing observations are NaN and are simply skipped.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "summitcast/core/errors.hpp"

namespace summitcast::statespace {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

struct SystemMatrices {
  std::vector<MatrixXd> Z;  // p x m
  std::vector<MatrixXd> H;  // p x p, diagonal
  std::vector<MatrixXd> T;  // m x m
  std::vector<MatrixXd> R;  // m x r
  std::vector<MatrixXd> Q;  // r x r
  MatrixXd d;               // p x 1 or p x n
  MatrixXd c;               // m x 1 or m x n
  VectorXd a1;              // m
  MatrixXd P1_star;         // m x m
  MatrixXd P1_inf;          // m x m (zero when there is no diffuse state)

  Index p() const { return Z.empty() ? 0 : Z[0].rows(); }
  Index m() const { return T.empty() ? 0 : T[0].rows(); }
  Index r() const { return R.empty() ? 0 : R[0].cols(); }

  const MatrixXd& Z_at(Index t) const { return Z.size() == 1 ? Z[0] : Z[t]; }
  const MatrixXd& H_at(Index t) const { return H.size() == 1 ? H[0] : H[t]; }
  const MatrixXd& T_at(Index t) const { return T.size() == 1 ? T[0] : T[t]; }
  const MatrixXd& R_at(Index t) const { return R.size() == 1 ? R[0] : R[t]; }
  const MatrixXd& Q_at(Index t) const { return Q.size() == 1 ? Q[0] : Q[t]; }
  auto d_at(Index t) const { return d.col(d.cols() == 1 ? 0 : t); }
  auto c_at(Index t) const { return c.col(c.cols() == 1 ? 0 : t); }

  // True when the covariance recursion does not depend on t (the intercepts d
  // and c may still vary: they move the means, not the covariances).
  bool covariance_time_invariant() const {
    return Z.size() == 1 && H.size() == 1 && T.size() == 1 && R.size() == 1 && Q.size() == 1;
  }
  bool has_diffuse() const { return P1_inf.size() > 0 && P1_inf.cwiseAbs().maxCoeff() > 0.0; }

  // Throws ValueError naming the offending matrix for any shape, finiteness
  // or definiteness problem, given n time points.
  void validate(const char* fn, Index n) const {
    if (n < 1) fail_value(fn, "y must have at least one time point, got ", n);
    if (Z.empty() || H.empty() || T.empty() || R.empty() || Q.empty())
      fail_value(fn, "system matrices must all be given");
    const Index p_ = p(), m_ = m(), r_ = r();
    if (m_ < 1) fail_value(fn, "the model must have at least one state, got m = ", m_);
    auto check_list = [&](const std::vector<MatrixXd>& list, const char* name, Index rows, Index cols) {
      if (list.size() != 1 && static_cast<Index>(list.size()) != n)
        fail_value(fn, name, " must be given once or once per time point (", n, "), got ", list.size());
      for (const auto& M : list) {
        if (M.rows() != rows || M.cols() != cols)
          fail_value(fn, name, " must be ", rows, " x ", cols, ", got ", M.rows(), " x ", M.cols());
        if (!M.allFinite()) fail_value(fn, name, " must be finite");
      }
    };
    check_list(Z, "Z", p_, m_);
    check_list(H, "H", p_, p_);
    check_list(T, "T", m_, m_);
    check_list(R, "R", m_, r_);
    check_list(Q, "Q", r_, r_);
    for (const auto& h : H) {
      for (Index i = 0; i < p_; ++i) {
        if (h(i, i) < 0.0) fail_value(fn, "H must have non-negative variances, got ", h(i, i));
        for (Index j = 0; j < p_; ++j)
          if (i != j && h(i, j) != 0.0)
            fail_value(fn, "H must be diagonal for the univariate filter, got H[", i, ",", j, "] = ", h(i, j));
      }
    }
    for (const auto& q : Q)
      for (Index i = 0; i < r_; ++i)
        if (q(i, i) < 0.0) fail_value(fn, "Q must have non-negative variances, got ", q(i, i));
    if (d.rows() != p_ || (d.cols() != 1 && d.cols() != n))
      fail_value(fn, "d must be ", p_, " x 1 or ", p_, " x ", n, ", got ", d.rows(), " x ", d.cols());
    if (c.rows() != m_ || (c.cols() != 1 && c.cols() != n))
      fail_value(fn, "c must be ", m_, " x 1 or ", m_, " x ", n, ", got ", c.rows(), " x ", c.cols());
    if (!d.allFinite()) fail_value(fn, "d must be finite");
    if (!c.allFinite()) fail_value(fn, "c must be finite");
    if (a1.size() != m_ || !a1.allFinite()) fail_value(fn, "a1 must be a finite vector of length ", m_);
    if (P1_star.rows() != m_ || P1_star.cols() != m_ || !P1_star.allFinite())
      fail_value(fn, "P1_star must be a finite ", m_, " x ", m_, " matrix");
    if (P1_inf.rows() != m_ || P1_inf.cols() != m_ || !P1_inf.allFinite())
      fail_value(fn, "P1_inf must be a finite ", m_, " x ", m_, " matrix");
  }

  // validate() plus the definiteness of every covariance (Q_t, P1_star,
  // P1_inf): for systems from outside, where the component models build
  // theirs positive semi-definite by construction.
  void validate_covariances(const char* fn, Index n) const {
    validate(fn, n);
    for (const auto& q : Q) check_covariance(fn, "Q", q);
    check_covariance(fn, "P1", P1_star);
    check_covariance(fn, "P1_diffuse", P1_inf);
  }
};

}  // namespace summitcast::statespace
