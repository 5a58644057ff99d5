// The score (gradient of the log-likelihood) of an unobserved-components model
// from one filter pass and one backward pass (Koopman & Shephard 1992;
// Durbin & Koopman 2012, §7.3.3), instead of one extra filter pass per
// parameter for finite differences.
//
// With u = v/F − K'r and D = 1/F + K'N K for each regular observation element
// (u = −K₀'r⁰, D = K₀'N⁰K₀ for a diffuse one), and r_t, N_t the backward sums
// that give η̂_t = Q R'r_t:
//
//   ∂ℓ/∂σ²_ε = ½ Σ_{t,i} (u² − D)
//   ∂ℓ/∂σ²_j = ½ Σ_{t<n} Σ_{e ∈ j} ((R'r_t)_e² − (R'N_t R)_ee)   (disturbances e scaled by σ²_j)
//   ∂ℓ/∂β    = Σ_{t,i} u x_t                                      (d_t = x_t'β)
#pragma once

#include <vector>

#include "summitcast/statespace/components.hpp"
#include "summitcast/statespace/kalman_filter.hpp"

namespace summitcast::statespace {

// `f` must come from a filter run with store = true (store_states may be
// false); `exog` is n x k_exog.
inline VectorXd component_score(const ComponentSpec& spec, const SystemMatrices& sys, const FilterOutput& f,
                                const Eigen::Ref<const MatrixXd>& exog) {
  const Index n = f.n, p = sys.p(), m = sys.m();
  if (p != 1 || !sys.covariance_time_invariant()) fail_value("score", "the component score needs one series and fixed covariances");
  const auto groups = spec.disturbance_groups();
  VectorXd grad = VectorXd::Zero(spec.k_params());
  const MatrixXd& R = sys.R[0];
  const VectorXd z = sys.Z[0].row(0).transpose();
  // Disturbance e of the state equation acts on state row `state_of[e]` with
  // loading 1 (component models select, they do not mix).
  std::vector<Index> state_of(static_cast<size_t>(R.cols()), -1);
  for (Index e = 0; e < R.cols(); ++e)
    for (Index k = 0; k < m; ++k)
      if (R(k, e) != 0.0) state_of[static_cast<size_t>(e)] = k;

  const BlockTransition blocks = BlockTransition::detect(sys.T[0]);
  VectorXd r = VectorXd::Zero(m), K(m), NK(m);
  MatrixXd N = MatrixXd::Zero(m, m);
  double score_eps = 0.0;
  VectorXd score_state = VectorXd::Zero(R.cols());
  VectorXd score_beta = VectorXd::Zero(spec.k_exog);

  for (Index t = n - 1; t >= 0; --t) {
    if (t < n - 1) {
      for (Index e = 0; e < R.cols(); ++e) {
        const Index k = state_of[static_cast<size_t>(e)];
        if (k < 0) continue;
        score_state[e] += r[k] * r[k] - N(k, k);
      }
      // r ← T'r,  N ← T'N T  (through the blocks of T, in place)
      blocks.apply(r.data(), true);
      blocks.propagate(N, true);
    }
    const ObsKind kind = f.kind[static_cast<size_t>(t)];
    if (kind == ObsKind::missing || kind == ObsKind::degenerate) continue;
    const double v = f.v(0, t);
    double u, D;
    if (kind == ObsKind::regular) {
      const double F = f.F_star(0, t);
      K = f.M_star.col(t) / F;
      NK.noalias() = N * K;
      u = v / F - K.dot(r);
      D = 1.0 / F + K.dot(NK);
      // r ← z u... : r_{i−1} = z v/F + L'r = z (v/F − K'r) + r = z u + r
      r += z * u;
      // N ← z z'/F + L'N L
      const double KNK = K.dot(NK);
      N.noalias() -= z * NK.transpose();
      N.noalias() -= NK * z.transpose();
      N.noalias() += ((KNK + 1.0 / F) * z) * z.transpose();
    } else {  // diffuse element: only the ⁰ recursions enter the score
      const double Finf = f.F_inf(0, t);
      K = f.M_inf.col(t) / Finf;
      NK.noalias() = N * K;
      u = -K.dot(r);
      D = K.dot(NK);
      r += z * u;
      const double KNK = D;
      N.noalias() -= z * NK.transpose();
      N.noalias() -= NK * z.transpose();
      N.noalias() += (KNK * z) * z.transpose();
    }
    score_eps += u * u - D;
    if (spec.k_exog > 0) score_beta.noalias() += u * exog.row(t).transpose();
  }
  int pi = 0;
  if (spec.irregular) grad[pi++] = 0.5 * score_eps;
  for (const auto& g : groups) {
    double s = 0.0;
    for (int e : g) s += score_state[e];
    grad[pi++] = 0.5 * s;
  }
  if (spec.k_exog > 0) grad.tail(spec.k_exog) = score_beta;
  return grad;
}

}  // namespace summitcast::statespace
