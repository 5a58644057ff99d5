// Multivariate Hawkes processes with (sums of) exponential kernels:
//
//   λ_i(t) = μ_i + Σ_j Σ_u α_iju Σ_{t^j_k < t} β_u exp(−β_u (t − t^j_k)),
//
// i, j = 0..D−1 the dimensions (event types), u = 0..U−1 the exponential
// components with decays β_u shared by all pairs (U = 1: one decay).  Each
// kernel α β e^{−βs} integrates to α, so α_iju is a branching ratio: the mean
// number of type-i events triggered directly by one type-j event through
// component u.  The process is stationary when the spectral radius of the
// D x D matrix A_ij = Σ_u α_iju is below one.
//
// Parameter vector θ, size D + D²U + U:  (μ_0..μ_{D−1}, α, β_0..β_{U−1}) with
// α_iju at position D + (i·D + j)·U + u.
//
// Log-likelihood on the observation window [0, T] (Daley & Vere-Jones 7.2):
//   ℓ = Σ_i Σ_k log λ_i(t^i_k) − Σ_i ∫_0^T λ_i(s) ds,
//   ∫_0^T λ_i = μ_i T + Σ_j Σ_u α_iju Σ_k (1 − e^{−β_u (T − t^j_k)}).
// O(n) recursion (Ozaki 1979): with E_ju(t) = Σ_{t^j_k < t} e^{−β_u (t − t^j_k)}
// and F_ju(t) = Σ_{t^j_k < t} (t − t^j_k) e^{−β_u (t − t^j_k)}, a gap Δ between
// events updates  F ← e^{−β_uΔ}(F + Δ E),  E ← e^{−β_uΔ} E,  and a type-j event
// adds 1 to E_ju.  Then λ_i(t) = μ_i + Σ_ju α_iju β_u E_ju(t) and
//   ∂ log λ_i/∂μ_i = 1/λ_i,   ∂/∂α_iju = β_u E_ju/λ_i,
//   ∂/∂β_u = Σ_j α_iju (E_ju − β_u F_ju)/λ_i     (∂(β e^{−βs})/∂β = e^{−βs} − βs e^{−βs});
// the compensator's sums are N_j − E_ju(T) and F_ju(T), so its gradient is
// free.  Events at equal times (in different dimensions) do not excite each
// other: all intensities at a time are evaluated before its events are added.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

#include "summitcast/core/errors.hpp"

namespace summitcast::events {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

// Events of all dimensions merged in time order.
struct HawkesData {
  std::vector<double> time;    // sorted, non-decreasing
  std::vector<int> dim;        // dimension of each event
  std::vector<Index> counts;   // events per dimension
  double end_time = 0.0;       // T
  Index D = 0;
  Index size() const { return static_cast<Index>(time.size()); }
};

// Throws ValueError unless the n event times at t (dimension j) are finite,
// strictly increasing and inside [0, end_time].
inline void check_event_times(const double* t, Index n, Index j, double end_time) {
  const char* fn = "Hawkes";
  for (Index k = 0; k < n; ++k) {
    if (!std::isfinite(t[k])) fail_value(fn, "times[", j, "] must be finite, got ", t[k], " at position ", k);
    if (t[k] < 0.0 || t[k] > end_time)
      fail_value(fn, "times[", j, "] has an event at ", t[k], " (position ", k, ") outside the window [0, end_time = ",
                 end_time, "]");
    if (k > 0 && t[k] == t[k - 1])
      fail_value(fn, "times[", j, "] has duplicated event times (", t[k], " at positions ", k - 1, " and ", k,
                 "); a Hawkes process has no simultaneous events: aggregate or jitter them");
    if (k > 0 && t[k] < t[k - 1])
      fail_value(fn, "times[", j, "] must be sorted in increasing order, but position ", k, " (", t[k],
                 ") comes before position ", k - 1, " (", t[k - 1], ")");
  }
}

inline void check_end_time(double end_time) {
  if (!(end_time > 0.0) || !std::isfinite(end_time))
    fail_value("Hawkes", "end_time must be positive and finite, got ", end_time);
}

// Validate per-dimension event times on [0, end_time] and merge them.
// `Vec` is any Eigen vector of doubles (VectorXd, or a Map of the caller's
// array).
template <class Vec>
HawkesData make_hawkes_data(const std::vector<Vec>& times, double end_time) {
  if (times.empty()) fail_value("Hawkes", "times must hold at least one dimension");
  check_end_time(end_time);
  HawkesData d;
  d.D = static_cast<Index>(times.size());
  d.end_time = end_time;
  d.counts.assign(d.D, 0);
  Index total = 0;
  for (Index j = 0; j < d.D; ++j) {
    check_event_times(times[j].data(), times[j].size(), j, end_time);
    d.counts[j] = times[j].size();
    total += times[j].size();
  }
  if (d.D == 1) {  // nothing to merge
    d.time.assign(times[0].data(), times[0].data() + total);
    d.dim.assign(static_cast<size_t>(total), 0);
    return d;
  }
  d.time.reserve(total);
  d.dim.reserve(total);
  // Merge the sorted dimensions (ties keep dimension order).
  std::vector<Index> pos(d.D, 0);
  for (Index m = 0; m < total; ++m) {
    Index best = -1;
    for (Index j = 0; j < d.D; ++j)
      if (pos[j] < times[j].size() && (best < 0 || times[j][pos[j]] < times[best][pos[best]])) best = j;
    d.time.push_back(times[best][pos[best]++]);
    d.dim.push_back(static_cast<int>(best));
  }
  return d;
}

struct HawkesShape {
  Index D = 1;  // dimensions
  Index U = 1;  // exponential components
  Index k_params() const { return D + D * D * U + U; }
  Index alpha_index(Index i, Index j, Index u) const { return D + (i * D + j) * U + u; }
  Index beta_index(Index u) const { return D + D * D * U + u; }
};

// Spectral radius of A_ij = Σ_u α_iju.
inline double branching_spectral_radius(const HawkesShape& s, const VectorXd& theta) {
  MatrixXd A = MatrixXd::Zero(s.D, s.D);
  for (Index i = 0; i < s.D; ++i)
    for (Index j = 0; j < s.D; ++j)
      for (Index u = 0; u < s.U; ++u) A(i, j) += theta[s.alpha_index(i, j, u)];
  if (s.D == 1) return A(0, 0);
  return Eigen::EigenSolver<MatrixXd>(A, false).eigenvalues().cwiseAbs().maxCoeff();
}

// Whether θ is a valid parameter: μ > 0, α >= 0, β > 0 and finite.  (Stationarity
// is a separate check: the likelihood exists on a finite window regardless.)
inline bool hawkes_admissible(const HawkesShape& s, const VectorXd& theta) {
  if (theta.size() != s.k_params() || !theta.allFinite()) return false;
  for (Index i = 0; i < s.D; ++i)
    if (!(theta[i] > 0.0)) return false;
  for (Index i = s.D; i < s.D + s.D * s.D * s.U; ++i)
    if (theta[i] < 0.0) return false;
  for (Index u = 0; u < s.U; ++u)
    if (!(theta[s.beta_index(u)] > 0.0)) return false;
  return true;
}

// Exponential-sum state E_ju, F_ju of the recursion, advanced through time.
class HawkesState {
 public:
  HawkesState(const HawkesShape& s, const VectorXd& theta)
      : s_(s), beta_(theta.tail(s.U)), E_(MatrixXd::Zero(s.D, s.U)), F_(MatrixXd::Zero(s.D, s.U)) {}

  void advance(double dt, bool with_f) {
    if (dt <= 0.0) return;
    for (Index u = 0; u < s_.U; ++u) {
      const double w = std::exp(-beta_[u] * dt);
      if (with_f) F_.col(u) = w * (F_.col(u) + dt * E_.col(u));
      E_.col(u) *= w;
    }
  }
  void add_event(int j) { E_.row(j).array() += 1.0; }

  // λ_i at the current time (events at this time not yet added).
  double intensity(const VectorXd& theta, Index i) const {
    double lam = theta[i];
    for (Index j = 0; j < s_.D; ++j)
      for (Index u = 0; u < s_.U; ++u) lam += theta[s_.alpha_index(i, j, u)] * beta_[u] * E_(j, u);
    return lam;
  }

  const MatrixXd& E() const { return E_; }
  const MatrixXd& F() const { return F_; }
  MatrixXd& E() { return E_; }

 private:
  const HawkesShape& s_;
  VectorXd beta_;
  MatrixXd E_, F_;
};

// The same recursion with scalars for one dimension and one exponential
// (the common case, and the inner loop of a fit with estimated decay).
inline double hawkes_loglike_univariate(const HawkesData& d, double mu, double a, double b, VectorXd* grad) {
  const Index N = d.size();
  const double T = d.end_time;
  double E = 0.0, F = 0.0, last = 0.0, ll = 0.0, gmu = 0.0, ga = 0.0, gb = 0.0;
  const bool with_grad = grad != nullptr;
  const double ab = a * b;
  for (Index k = 0; k < N; ++k) {
    const double t = d.time[k], dt = t - last;
    const double w = std::exp(-b * dt);
    if (with_grad) F = w * (F + dt * E);
    E *= w;
    const double lam = mu + ab * E;
    ll += std::log(lam);
    if (with_grad) {
      const double inv = 1.0 / lam;
      gmu += inv;
      ga += b * E * inv;
      gb += a * (E - b * F) * inv;
    }
    E += 1.0;
    last = t;
  }
  const double dt = T - last, w = std::exp(-b * dt);
  if (with_grad) F = w * (F + dt * E);
  E *= w;
  const double G = static_cast<double>(N) - E;
  ll -= mu * T + a * G;
  if (with_grad) {
    grad->resize(3);
    (*grad) << gmu - T, ga - G, gb - a * F;
  }
  return std::isfinite(ll) ? ll : -std::numeric_limits<double>::infinity();
}

// Log-likelihood; −inf if θ is not admissible.  grad (size k_params) if non-null.
inline double hawkes_loglike(const HawkesData& d, const HawkesShape& s, const VectorXd& theta,
                             VectorXd* grad = nullptr) {
  const double ninf = -std::numeric_limits<double>::infinity();
  if (!hawkes_admissible(s, theta)) return ninf;
  if (s.D == 1 && s.U == 1) return hawkes_loglike_univariate(d, theta[0], theta[1], theta[2], grad);
  const Index D = s.D, U = s.U, N = d.size();
  const double T = d.end_time;
  HawkesState st(s, theta);
  if (grad) grad->setZero(s.k_params());
  double ll = 0.0, last = 0.0;
  Index k = 0;
  while (k < N) {
    const double t = d.time[k];
    st.advance(t - last, grad != nullptr);
    last = t;
    Index g_end = k;
    while (g_end < N && d.time[g_end] == t) ++g_end;
    for (Index m = k; m < g_end; ++m) {
      const Index i = d.dim[m];
      const double lam = st.intensity(theta, i);
      if (!(lam > 0.0) || !std::isfinite(lam)) return ninf;
      ll += std::log(lam);
      if (grad) {
        const double inv = 1.0 / lam;
        (*grad)[i] += inv;
        for (Index j = 0; j < D; ++j)
          for (Index u = 0; u < U; ++u) {
            const double b = theta[s.beta_index(u)];
            (*grad)[s.alpha_index(i, j, u)] += b * st.E()(j, u) * inv;
            (*grad)[s.beta_index(u)] +=
                theta[s.alpha_index(i, j, u)] * (st.E()(j, u) - b * st.F()(j, u)) * inv;
          }
      }
    }
    for (Index m = k; m < g_end; ++m) st.add_event(d.dim[m]);
    k = g_end;
  }
  st.advance(T - last, grad != nullptr);
  // Compensator: μ_i T + Σ_ju α_iju (N_j − E_ju(T)).
  for (Index i = 0; i < D; ++i) {
    ll -= theta[i] * T;
    if (grad) (*grad)[i] -= T;
    for (Index j = 0; j < D; ++j)
      for (Index u = 0; u < U; ++u) {
        const double G = static_cast<double>(d.counts[j]) - st.E()(j, u);
        const double a = theta[s.alpha_index(i, j, u)];
        ll -= a * G;
        if (grad) {
          (*grad)[s.alpha_index(i, j, u)] -= G;
          (*grad)[s.beta_index(u)] -= a * st.F()(j, u);
        }
      }
  }
  if (!std::isfinite(ll)) return ninf;
  return ll;
}

// The compensator Λ_{dim(k)}(t_k) at every event k (merged order):
//   Λ_i(t) = μ_i t + Σ_ju α_iju (N_j(t−) − E_ju(t)).
// Under the model, the increments of Λ_i between consecutive type-i events
// are i.i.d. Exp(1) (time-rescaling theorem; Brown et al. 2002).
inline VectorXd hawkes_compensator_at_events(const HawkesData& d, const HawkesShape& s, const VectorXd& theta) {
  const Index N = d.size();
  VectorXd out(N);
  HawkesState st(s, theta);
  std::vector<double> n_before(s.D, 0.0);
  double last = 0.0;
  Index k = 0;
  while (k < N) {
    const double t = d.time[k];
    st.advance(t - last, false);
    last = t;
    Index g_end = k;
    while (g_end < N && d.time[g_end] == t) ++g_end;
    for (Index m = k; m < g_end; ++m) {
      const Index i = d.dim[m];
      double L = theta[i] * t;
      for (Index j = 0; j < s.D; ++j)
        for (Index u = 0; u < s.U; ++u) L += theta[s.alpha_index(i, j, u)] * (n_before[j] - st.E()(j, u));
      out[m] = L;
    }
    for (Index m = k; m < g_end; ++m) {
      st.add_event(d.dim[m]);
      n_before[d.dim[m]] += 1.0;
    }
    k = g_end;
  }
  return out;
}

// Intensities λ_i(t) (left limits: events at t excluded) at query times,
// D x m; queries in any order, each in [0, ∞).
inline MatrixXd hawkes_intensity(const HawkesData& d, const HawkesShape& s, const VectorXd& theta,
                                 const VectorXd& at) {
  const Index m = at.size();
  std::vector<Index> order(m);
  std::iota(order.begin(), order.end(), Index{0});
  std::sort(order.begin(), order.end(), [&](Index a, Index b) { return at[a] < at[b]; });
  MatrixXd out(s.D, m);
  HawkesState st(s, theta);
  double last = 0.0;
  Index k = 0;
  for (Index q : order) {
    const double t = at[q];
    while (k < d.size() && d.time[k] < t) {
      st.advance(d.time[k] - last, false);
      last = d.time[k];
      st.add_event(d.dim[k]);
      ++k;
    }
    st.advance(t - last, false);
    last = std::max(last, t);
    for (Index i = 0; i < s.D; ++i) out(i, q) = st.intensity(theta, i);
  }
  return out;
}

}  // namespace summitcast::events
