// The simulation smoother of Durbin & Koopman (2002): draws of the states and
// disturbances from their joint distribution given the data, by mean
// correction.  Simulate (α⁺, y⁺) from the model, smooth y − y⁺ with the gains
// of the filter already run on y, and add:
//
//   α̃ = α⁺ + α̂(y − y⁺),   ε̃ = ε⁺ + ε̂(y − y⁺),   η̃ = η⁺ + η̂(y − y⁺),
//
// where the smoother of the difference runs with zero intercepts (the smoother
// is affine in y, so α̂(y) − α̂(y⁺) = α̂₀(y − y⁺)).  Diffuse initial states may
// start anywhere in α⁺; their component cancels in the difference.
#pragma once

#include <Eigen/Eigenvalues>

#include "summitcast/core/rng.hpp"
#include "summitcast/statespace/smoother.hpp"

namespace summitcast::statespace {

// A square root S of a positive semi-definite matrix (S S' = A), robust to
// singular A (small negative eigenvalues from rounding are set to zero).
inline MatrixXd psd_sqrt(const MatrixXd& A) {
  if (A.size() == 0) return A;
  Eigen::SelfAdjointEigenSolver<MatrixXd> eig(0.5 * (A + A.transpose()));
  VectorXd root = eig.eigenvalues().cwiseMax(0.0).cwiseSqrt();
  return eig.eigenvectors() * root.asDiagonal();
}

// Square roots of Q_t (once when time-invariant).
class DisturbanceRoots {
 public:
  explicit DisturbanceRoots(const SystemMatrices& sys) : sys_(sys) {
    if (sys.Q.size() == 1) Q_root_ = psd_sqrt(sys.Q[0]);
  }
  const MatrixXd& Q_root(Index t) {
    if (sys_.Q.size() == 1) return Q_root_;
    Q_root_ = psd_sqrt(sys_.Q_at(t));
    return Q_root_;
  }

 private:
  const SystemMatrices& sys_;
  MatrixXd Q_root_;
};

struct SimulationDraw {
  MatrixXd state;              // m x n
  MatrixXd obs_disturbance;    // p x n
  MatrixXd state_disturbance;  // r x n
};

// Unconditional simulation from the model: states from α_1 ~ N(a1, P1_*),
// observations with the missing pattern of `pattern` (NaN where it is NaN).
inline void simulate_unconditional(const SystemMatrices& sys, const Eigen::Ref<const MatrixXd>& pattern, Rng& rng,
                                   MatrixXd& alpha, MatrixXd& y, MatrixXd& eps, MatrixXd& eta) {
  const Index n = pattern.cols(), p = sys.p(), m = sys.m(), r = sys.r();
  alpha.resize(m, n);
  y.resize(p, n);
  eps.resize(p, n);
  eta.resize(r, n);
  DisturbanceRoots roots(sys);
  const MatrixXd P1_root = psd_sqrt(sys.P1_star);
  VectorXd u(std::max(m, r)), a(m);
  for (Index k = 0; k < m; ++k) u[k] = rng.normal();
  a = sys.a1 + P1_root * u.head(m);
  for (Index t = 0; t < n; ++t) {
    alpha.col(t) = a;
    const MatrixXd& H = sys.H_at(t);
    for (Index i = 0; i < p; ++i) {
      const double e = std::sqrt(H(i, i)) * rng.normal();
      eps(i, t) = e;
      y(i, t) = std::isnan(pattern(i, t)) ? std::nan("") : sys.d_at(t)[i] + sys.Z_at(t).row(i).dot(a) + e;
    }
    for (Index k = 0; k < r; ++k) u[k] = rng.normal();
    eta.col(t).noalias() = roots.Q_root(t) * u.head(r);
    VectorXd next = sys.T_at(t) * a + sys.c_at(t) + sys.R_at(t) * eta.col(t);
    a = next;
  }
}

// One draw from p(α, ε, η | y).  `f` is the stored filter output for y.
inline SimulationDraw simulation_smoother_draw(const SystemMatrices& sys, const Eigen::Ref<const MatrixXd>& y,
                                               const FilterOutput& f, Rng& rng) {
  MatrixXd alpha_plus, y_plus, eps_plus, eta_plus;
  simulate_unconditional(sys, y, rng, alpha_plus, y_plus, eps_plus, eta_plus);
  MatrixXd y_star = y - y_plus;  // NaN stays NaN
  SmootherOutput s = smooth_other(sys, f, y_star, /*zero_means=*/true, /*with_disturbances=*/true);
  SimulationDraw d;
  d.state = alpha_plus + s.state;
  d.obs_disturbance = eps_plus + s.obs_disturbance;
  d.state_disturbance = eta_plus + s.state_disturbance;
  // Where y is missing the observation disturbance is not identified by the
  // data: its draw is the unconditional one, eps_plus.
  return d;
}

// `draws` state draws from p(α | y) after one filter pass over y (p x n):
// row k (draw k, from random stream k of `seed`) holds α̃_1, …, α̃_n one
// after another (time-major, m values per time point), draws x (n m).
using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
inline RowMatrix simulation_smoother_states(const SystemMatrices& sys, const Eigen::Ref<const MatrixXd>& y,
                                            Index draws, std::uint64_t seed) {
  if (draws < 1) fail_value("simulation_smoother", "draws must be >= 1, got ", draws);
  FilterOptions opt;
  opt.store = true;
  KalmanFilter kf(sys, y, opt);
  const FilterOutput f = kf.run();
  const Index n = y.cols(), m = sys.m();
  RowMatrix states(draws, n * m);
  for (Index k = 0; k < draws; ++k) {
    Rng rng(seed, static_cast<std::uint64_t>(k));
    const SimulationDraw d = simulation_smoother_draw(sys, y, f, rng);
    Eigen::Map<RowMatrix>(states.row(k).data(), n, m) = d.state.transpose();
  }
  return states;
}

// Simulate observations for the h time points that follow the data, starting
// from a given state α_{n+1} (already drawn), with system matrices `sys`
// describing those h future time points.  Returns y (p x h).
inline MatrixXd simulate_forward(const SystemMatrices& sys, const VectorXd& state, Index h, Rng& rng) {
  const Index p = sys.p(), m = sys.m(), r = sys.r();
  MatrixXd y(p, h);
  DisturbanceRoots roots(sys);
  VectorXd a = state, u(r), next(m);
  for (Index t = 0; t < h; ++t) {
    const MatrixXd& H = sys.H_at(t);
    for (Index i = 0; i < p; ++i)
      y(i, t) = sys.d_at(t)[i] + sys.Z_at(t).row(i).dot(a) + std::sqrt(H(i, i)) * rng.normal();
    for (Index k = 0; k < r; ++k) u[k] = rng.normal();
    next.noalias() = sys.T_at(t) * a;
    next += sys.c_at(t);
    next.noalias() += sys.R_at(t) * (roots.Q_root(t) * u);
    a = next;
  }
  return y;
}

}  // namespace summitcast::statespace
