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
#include "summitcast/statespace/moving_frame.hpp"

namespace summitcast::statespace {

// Speed: T'r and T'N T go through the blocks of T, and the rotation blocks
// (trigonometric harmonics) through a frame that turns with them
// (moving_frame.hpp): r = G'r̃, N = G'Ñ G with G = R^k after k steps back,
// so the rotations cost nothing and the observation row and the gain enter
// as G z and G K; the frame is anchored every kAnchorEvery steps.  The sums
// r_k² − N_kk over the two states of a harmonic are invariant under the
// rotation (the pair's share of |r|² and of the trace of N), so they are
// taken in the frame: the two belong to one variance.
// N ← N − z b' − b z' + c z z' is one symmetric rank-two pass.
//
// `f` must come from a filter run with store = true (store_states may be
// false); `exog` is n x k_exog.
// N ← N − x y' − y x' (m x m, column-major), one pass.
SUMMITCAST_SIMD_CLONES inline void symmetric_rank2_update(MatrixXd& N, const VectorXd& x, const VectorXd& y) {
  const Index m = N.rows();
  double* nd = N.data();
  const double* xd = x.data();
  const double* yd = y.data();
  for (Index j = 0; j < m; ++j) {
    const double xj = xd[j], yj = yd[j];
    double* col = nd + j * m;
    for (Index r = 0; r < m; ++r) col[r] -= xd[r] * yj + yd[r] * xj;
  }
}

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
  const MatrixXd RQR = R * sys.Q[0] * R.transpose();
  bool framed = MovingFrame::applies(blocks, RQR);
  for (const auto& b : blocks.blocks()) {  // both states of a harmonic in one variance
    if (b.kind != BlockTransition::Kind::rotation) continue;
    int group_a = -1, group_b = -1;
    for (size_t g = 0; g < groups.size(); ++g)
      for (int e : groups[g]) {
        if (state_of[static_cast<size_t>(e)] == b.start) group_a = static_cast<int>(g);
        if (state_of[static_cast<size_t>(e)] == b.start + 1) group_b = static_cast<int>(g);
      }
    if (group_a != group_b) framed = false;
  }
  const BlockTransition::Framed skip = framed ? BlockTransition::Framed::rotations : BlockTransition::Framed::none;
  MovingFrame frame = framed ? MovingFrame(blocks, RQR, z.data()) : MovingFrame();
  Index frame_steps = 0;
  VectorXd r = VectorXd::Zero(m), K(m), NK(m), zt = z, w(m);
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
      blocks.apply(r.data(), true, skip);
      blocks.propagate(N, true, skip);
      if (framed) {
        frame.advance_rotations();
        if (++frame_steps == KalmanFilter::kAnchorEvery) {  // back to the true r and N
          frame.rotate(r.data(), true);
          frame.rotate(N, true);
          frame.reset();
          frame_steps = 0;
        }
      }
    }
    const ObsKind kind = f.kind[static_cast<size_t>(t)];
    if (kind == ObsKind::missing || kind == ObsKind::degenerate) continue;
    const double v = f.v(0, t);
    if (framed) {  // the observation row and the gain in the frame
      zt = z;
      frame.rotate(zt.data());
    }
    double u, D, c;  // N ← N − z NK' − NK z' + c z z'
    if (kind == ObsKind::regular) {
      const double F = f.F_star(0, t);
      K = f.M_star.col(t) * (1.0 / F);
      if (framed) frame.rotate(K.data());
      NK.noalias() = N * K;
      u = v / F - K.dot(r);
      D = 1.0 / F + K.dot(NK);
      // r ← z u... : r_{i−1} = z v/F + L'r = z (v/F − K'r) + r = z u + r
      r += zt * u;
      // N ← z z'/F + L'N L
      c = K.dot(NK) + 1.0 / F;
    } else {  // diffuse element: only the ⁰ recursions enter the score
      const double Finf = f.F_inf(0, t);
      K = f.M_inf.col(t) / Finf;
      if (framed) frame.rotate(K.data());
      NK.noalias() = N * K;
      u = -K.dot(r);
      D = K.dot(NK);
      r += zt * u;
      c = D;
    }
    w = NK - (0.5 * c) * zt;  // N − z w' − w z'
    symmetric_rank2_update(N, zt, w);
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
