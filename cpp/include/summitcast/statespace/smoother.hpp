// Fixed-interval smoothing: the state smoother, the disturbance smoother and
// the exact diffuse extensions (Durbin & Koopman 2012, §4.4, §4.5 and §5.3, in
// the univariate form of Koopman & Durbin 2000).
//
// Going backwards, each observed element (innovation v, variance F, gain
// K = M/F, row z) updates the weighted sum of future innovations r and its
// variance N:
//
//   regular:  r ← z v/F + L'r,  N ← z z'/F + L'N L,        L = I − K z'
//   diffuse:  r⁰ ← L₀'r⁰,  r¹ ← z v/F_∞ + L₀'r¹ + L₁'r⁰,    L₀ = I − K₀ z',
//             L₁ = −K₁ z',  K₀ = M_∞/F_∞,  K₁ = (M_* − K₀ F_*)/F_∞,
//             with the matching N⁰, N¹, N² recursions,
//
// and between time points r ← T'r, N ← T'N T.  Then
//   α̂_t = a_t + P_*,t r⁰ + P_∞,t r¹,
//   V_t = P_* − P_* N⁰ P_* − P_∞ N¹ P_* − P_* N¹ P_∞ − P_∞ N² P_∞,
//   ε̂_ti = h (v/F − K'r)  (regular) or −h K₀'r⁰ (diffuse),   η̂_t = Q R' r_t.
#pragma once

#include <vector>

#include "summitcast/statespace/kalman_filter.hpp"

namespace summitcast::statespace {

struct SmootherOutput {
  MatrixXd state;              // m x n
  MatrixXd state_cov;          // m x m n (when requested)
  MatrixXd obs_disturbance;    // p x n (zero where y is missing)
  MatrixXd state_disturbance;  // r x n
};

namespace detail {

// (I − a z')' N (I − b z') = N − z (a'N) − (N b) z' + (a'N b) z z'
inline void sandwich_update(MatrixXd& N, const VectorXd& a, const VectorXd& b, const VectorXd& z, VectorXd& wa,
                            VectorXd& wb) {
  wa.noalias() = N.transpose() * a;  // (a'N)'
  wb.noalias() = N * b;
  const double s = a.dot(wb);
  N.noalias() -= z * wa.transpose();
  N.noalias() -= wb * z.transpose();
  N.noalias() += (s * z) * z.transpose();
}

}  // namespace detail

// Backward pass over stored filter quantities.  `v` (p x n) and `a_pred`
// (m x (n+1)) are the filter's innovations and predicted states, or those of
// another data set with the same missing pattern (the simulation smoother).
inline SmootherOutput backward_pass(const SystemMatrices& sys, const FilterOutput& f, const MatrixXd& v,
                                    const MatrixXd& a_pred, bool with_cov, bool with_disturbances) {
  const Index n = f.n, p = sys.p(), m = sys.m(), r = sys.r();
  if (f.a_pred.cols() != n + 1) fail_value("smoother", "the filter output must be stored (store=true)");
  SmootherOutput out;
  out.state.resize(m, n);
  if (with_cov) out.state_cov.resize(m, m * n);
  if (with_disturbances) {
    out.obs_disturbance = MatrixXd::Zero(p, n);
    out.state_disturbance = MatrixXd::Zero(r, n);
  }
  VectorXd r0 = VectorXd::Zero(m), r1 = VectorXd::Zero(m), tmp(m), z(m), K0(m), K1(m), wa(m), wb(m);
  MatrixXd N0, N1, N2, L0, L1, tmpM;
  if (with_cov) {
    N0 = MatrixXd::Zero(m, m);
    N1 = MatrixXd::Zero(m, m);
    N2 = MatrixXd::Zero(m, m);
  }
  bool have_r1 = false;
  const bool invariant = sys.covariance_time_invariant();
  BlockTransition blocks;
  if (invariant) blocks = BlockTransition::detect(sys.T[0]);

  for (Index t = n - 1; t >= 0; --t) {
    if (with_disturbances) out.state_disturbance.col(t).noalias() = sys.Q_at(t) * (sys.R_at(t).transpose() * r0);
    const MatrixXd& T = sys.T_at(t);
    if (t < n - 1) {
      // r_t (D&K) becomes the value at the end of time t: T' r.
      if (invariant) {
        blocks.apply(r0.data(), true);
        if (have_r1) blocks.apply(r1.data(), true);
      } else {
        tmp.noalias() = T.transpose() * r0;
        r0 = tmp;
        if (have_r1) {
          tmp.noalias() = T.transpose() * r1;
          r1 = tmp;
        }
      }
      if (with_cov && invariant) {
        blocks.propagate(N0, true);
        if (have_r1) {
          blocks.propagate(N1, true);
          blocks.propagate(N2, true);
        }
      } else if (with_cov) {
        tmpM.noalias() = N0 * T;
        N0.noalias() = T.transpose() * tmpM;
        if (have_r1) {
          tmpM.noalias() = N1 * T;
          N1.noalias() = T.transpose() * tmpM;
          tmpM.noalias() = N2 * T;
          N2.noalias() = T.transpose() * tmpM;
        }
      }
    }
    const MatrixXd& Z = sys.Z_at(t);
    const MatrixXd& H = sys.H_at(t);
    for (Index i = p - 1; i >= 0; --i) {
      const ObsKind kind = f.kind[static_cast<size_t>(t * p + i)];
      if (kind == ObsKind::missing || kind == ObsKind::degenerate) continue;
      z = Z.row(i).transpose();
      const double h = H(i, i);
      const double vi = v(i, t);
      const auto Mstar = f.M_star.col(t * p + i);
      if (kind == ObsKind::regular) {
        const double F = f.F_star(i, t);
        K0 = Mstar / F;
        if (with_disturbances) out.obs_disturbance(i, t) = h * (vi / F - K0.dot(r0));
        const double Kr0 = K0.dot(r0);
        r0 += z * (vi / F - Kr0);
        if (have_r1) r1 -= z * K0.dot(r1);
        if (with_cov) {
          detail::sandwich_update(N0, K0, K0, z, wa, wb);
          N0.noalias() += (z / F) * z.transpose();
          if (have_r1) {
            detail::sandwich_update(N1, K0, K0, z, wa, wb);
            detail::sandwich_update(N2, K0, K0, z, wa, wb);
          }
        }
      } else {  // diffuse
        const double Finf = f.F_inf(i, t), Fstar = f.F_star(i, t);
        const auto Minf = f.M_inf.col(t * p + i);
        K0 = Minf / Finf;
        K1 = (Mstar - K0 * Fstar) / Finf;
        if (with_disturbances) out.obs_disturbance(i, t) = -h * K0.dot(r0);
        const double K0r1 = K0.dot(r1), K1r0 = K1.dot(r0), K0r0 = K0.dot(r0);
        r1 += z * (vi / Finf - K0r1 - K1r0);
        r0 -= z * K0r0;
        have_r1 = true;
        if (with_cov) {
          L0 = MatrixXd::Identity(m, m) - K0 * z.transpose();
          L1 = -K1 * z.transpose();
          const MatrixXd zz = z * z.transpose();
          const MatrixXd N0L0 = N0 * L0, N0L1 = N0 * L1, N1L0 = N1 * L0, N1L1 = N1 * L1;
          MatrixXd N2new = zz * (-Fstar / (Finf * Finf)) + L0.transpose() * N2 * L0 + L0.transpose() * N1L1 +
                           L1.transpose() * N1L0 + L1.transpose() * N0L1;
          MatrixXd N1new = zz / Finf + L0.transpose() * N1L0 + L1.transpose() * N0L0 + L0.transpose() * N0L1;
          N0 = L0.transpose() * N0L0;
          N1 = N1new;
          N2 = N2new;
        }
      }
    }
    auto Pstar = f.P_at(t);
    const bool diffuse_t = t < f.diffuse_periods;
    out.state.col(t) = a_pred.col(t) + Pstar * r0;
    if (diffuse_t) out.state.col(t).noalias() += f.Pinf_at(t) * r1;
    if (with_cov) {
      auto V = out.state_cov.middleCols(t * m, m);
      tmpM.noalias() = N0 * Pstar;
      V = Pstar;
      V.noalias() -= Pstar * tmpM;
      if (diffuse_t) {
        auto Pinf = f.Pinf_at(t);
        const MatrixXd A = Pinf * N1 * Pstar;
        V -= A + A.transpose();
        V.noalias() -= Pinf * N2 * Pinf;
      }
    }
  }
  return out;
}

// Smooth the data the filter was run on.
inline SmootherOutput smooth(const SystemMatrices& sys, const FilterOutput& f, bool with_cov = true,
                             bool with_disturbances = true) {
  return backward_pass(sys, f, f.v, f.a_pred, with_cov, with_disturbances);
}

// Smooth another data set with the same missing pattern, re-using the gains
// of the filter output (they do not depend on the data).  With zero_means the
// intercepts a1, c, d are taken as zero: the smoother is then linear in y,
// which is what the simulation smoother needs.
inline SmootherOutput smooth_other(const SystemMatrices& sys, const FilterOutput& f,
                                   const Eigen::Ref<const MatrixXd>& y, bool zero_means, bool with_disturbances) {
  const Index n = f.n, p = sys.p(), m = sys.m();
  MatrixXd v = MatrixXd::Zero(p, n), a_pred(m, n + 1);
  VectorXd a = zero_means ? VectorXd::Zero(m) : VectorXd(sys.a1), tmp(m);
  for (Index t = 0; t < n; ++t) {
    a_pred.col(t) = a;
    const MatrixXd& Z = sys.Z_at(t);
    for (Index i = 0; i < p; ++i) {
      const ObsKind kind = f.kind[static_cast<size_t>(t * p + i)];
      if (kind == ObsKind::missing || kind == ObsKind::degenerate) continue;
      const double vi = y(i, t) - (zero_means ? 0.0 : sys.d_at(t)[i]) - Z.row(i).dot(a);
      v(i, t) = vi;
      if (kind == ObsKind::regular)
        a.noalias() += f.M_star.col(t * p + i) * (vi / f.F_star(i, t));
      else
        a.noalias() += f.M_inf.col(t * p + i) * (vi / f.F_inf(i, t));
    }
    tmp.noalias() = sys.T_at(t) * a;
    a = tmp;
    if (!zero_means) a += sys.c_at(t);
  }
  a_pred.col(n) = a;
  return backward_pass(sys, f, v, a_pred, false, with_disturbances);
}

}  // namespace summitcast::statespace
