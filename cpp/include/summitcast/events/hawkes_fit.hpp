// Maximum-likelihood fit of a Hawkes process over μ, α and (unless fixed) the
// decays β, by BFGS on an unconstrained reparametrisation with the analytic
// gradient of hawkes_model.hpp pulled back by the chain rule:
//   μ_i = e^{a_i};
//   α, D = 1: (α_0..α_{U−1}, slack) = softmax(c_0..c_{U−1}, 0), so α_u > 0 and
//             Σ_u α_u < 1 (stationarity) for every c;  ∂α_v/∂c_w = α_v(δ_vw − α_w);
//   α, D > 1: α_iju = e^{c_iju}, and the objective is +∞ where the spectral
//             radius of A = Σ_u α_··u reaches 1 (the line search backs off);
//   β:        β_0 = e^{b_0}, β_u = β_{u−1} + e^{b_u} (ordered decays, which
//             identifies the components), ∂β_v/∂b_w = e^{b_w} for w <= v.
// Several starting decays are tried (the likelihood can be multimodal in β)
// and the best fit kept.  Standard errors from the Hessian of ℓ in the natural
// parameters by differences of the analytic gradient.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "summitcast/core/simd.hpp"
#include "summitcast/core/vector_exp.hpp"
#include "summitcast/events/hawkes_model.hpp"
#include "summitcast/optim/fit_report.hpp"

namespace summitcast::events {

// params = natural θ (size k_params, fixed decays included), value = ℓ(θ̂),
// gradient = ∂ℓ/∂θ, hessian = ∂²ℓ/∂θ∂θ' over the free parameters (decays
// excluded if fixed).
struct HawkesFit : optim::FitReport {
  double spectral_radius = 0.0;
};

class HawkesTransform {
 public:
  HawkesTransform(const HawkesShape& s, bool fixed_beta, VectorXd fixed) : s_(s), fixed_(fixed_beta), beta_(std::move(fixed)) {}

  Index k_free() const { return fixed_ ? s_.k_params() - s_.U : s_.k_params(); }

  VectorXd to_natural(const VectorXd& x) const {
    VectorXd th(s_.k_params());
    const Index D = s_.D, U = s_.U, nA = D * D * U;
    th.head(D) = x.head(D).array().exp();
    if (D == 1) {
      const double cmax = std::max(0.0, x.segment(D, U).maxCoeff());
      const VectorXd e = (x.segment(D, U).array() - cmax).exp();
      th.segment(D, U) = e / (std::exp(-cmax) + e.sum());
    } else {
      th.segment(D, nA) = x.segment(D, nA).array().exp();
    }
    if (fixed_) {
      th.tail(U) = beta_;
    } else {
      double b = 0.0;
      for (Index u = 0; u < U; ++u) {
        b += std::exp(x[D + nA + u]);
        th[D + nA + u] = b;
      }
    }
    return th;
  }

  VectorXd to_free(const VectorXd& th) const {
    VectorXd x(k_free());
    const Index D = s_.D, U = s_.U, nA = D * D * U;
    x.head(D) = th.head(D).array().log();
    if (D == 1) {
      const double slack = 1.0 - th.segment(D, U).sum();
      for (Index u = 0; u < U; ++u) x[D + u] = std::log(th[D + u] / slack);
    } else {
      x.segment(D, nA) = th.segment(D, nA).array().log();
    }
    if (!fixed_) {
      double prev = 0.0;
      for (Index u = 0; u < U; ++u) {
        x[D + nA + u] = std::log(th[D + nA + u] - prev);
        prev = th[D + nA + u];
      }
    }
    return x;
  }

  VectorXd pull_back(const VectorXd& th, const VectorXd& g) const {
    VectorXd gx(k_free());
    const Index D = s_.D, U = s_.U, nA = D * D * U;
    gx.head(D) = th.head(D).array() * g.head(D).array();
    if (D == 1) {
      const auto a = th.segment(D, U);
      const double ag = a.dot(g.segment(D, U));
      gx.segment(D, U) = a.array() * (g.segment(D, U).array() - ag);
    } else {
      gx.segment(D, nA) = th.segment(D, nA).array() * g.segment(D, nA).array();
    }
    if (!fixed_) {
      double tail = 0.0, prev_beta = 0.0;
      std::vector<double> steps(U);
      for (Index u = 0; u < U; ++u) {
        steps[u] = th[D + nA + u] - prev_beta;
        prev_beta = th[D + nA + u];
      }
      for (Index w = U - 1; w >= 0; --w) {
        tail += g[D + nA + w];
        gx[D + nA + w] = steps[w] * tail;
      }
    }
    return gx;
  }

 private:
  const HawkesShape& s_;
  bool fixed_;
  VectorXd beta_;
};

inline bool hawkes_feasible(const HawkesShape& s, const VectorXd& th) {
  return hawkes_admissible(s, th) && branching_spectral_radius(s, th) < 1.0;
}

// Hessian of ℓ over the free parameters (all, or all but the decays).
inline MatrixXd hawkes_hessian(const HawkesData& d, const HawkesShape& s, const VectorXd& th, bool fixed_beta) {
  const Index kf = fixed_beta ? s.k_params() - s.U : s.k_params();
  MatrixXd H(kf, kf);
  VectorXd gp, gm, g0;
  hawkes_loglike(d, s, th, &g0);
  for (Index j = 0; j < kf; ++j) {
    const double h = 1e-6 * std::max(std::abs(th[j]), 1e-3);
    VectorXd tp = th, tm = th;
    tp[j] += h;
    tm[j] -= h;
    const bool okp = std::isfinite(hawkes_loglike(d, s, tp, &gp));
    const bool okm = std::isfinite(hawkes_loglike(d, s, tm, &gm));
    if (okp && okm)
      H.col(j) = (gp - gm).head(kf) / (2.0 * h);
    else if (okp)
      H.col(j) = (gp - g0).head(kf) / h;
    else if (okm)
      H.col(j) = (g0 - gm).head(kf) / h;
    else
      H.col(j).setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  return 0.5 * (H + H.transpose());
}

// The decay factors e^{−β(t_k − t_{k−1})} (t_{−1} = 0) of the one pass of
// exponentials, into w: a loop of independent exponentials, which the
// compiler vectorises in the AVX2 clone (core/simd.hpp; the baseline SSE2
// clone, which lacks the 64-bit integer vector operations, runs it one
// exponential at a time, still without a library call).
SUMMITCAST_SIMD_CLONES inline void decay_factors(const double* time, Index N, double beta, double* w) {
  if (N == 0) return;
  w[0] = exp_nonpositive(-beta * time[0]);
  for (Index k = 1; k < N; ++k) w[k] = exp_nonpositive(-beta * (time[k] - time[k - 1]));
}

// ℓ_p' (d1), ℓ_p'' (d2) and ℓ_p‴ (d3) of the profile likelihood below at a,
// in one pass over x_k: with φ_k = x_k − c and λ_k = (base − a c) + a x_k,
// d1 = Σ φ_k/λ_k, d2 = −Σ (φ_k/λ_k)², d3 = 2 Σ (φ_k/λ_k)³.  Four events at a
// time in one v4d (core/simd.hpp), so that the divisions pipeline.
SUMMITCAST_SIMD_CLONES inline void profile_derivatives(const double* x, Index N, double c, double base, double a,
                                                       double& d1, double& d2, double& d3) {
  using simd::v4d;
  v4d s1 = {0, 0, 0, 0}, s2 = s1, s3 = s1;
  const double b0 = base - a * c;
  const Index blocks = N / 4;
  for (Index b = 0; b < blocks; ++b) {
    const v4d xk = *reinterpret_cast<const v4d*>(x + 4 * b);
    const v4d r = (xk - c) / (b0 + a * xk), r2 = r * r;
    s1 += r;
    s2 += r2;
    s3 += r2 * r;
  }
  double t1 = 0.0, t2 = 0.0, t3 = 0.0;
  for (Index k = 4 * blocks; k < N; ++k) {
    const double r = (x[k] - c) / (b0 + a * x[k]), r2 = r * r;
    t1 += r;
    t2 += r2;
    t3 += r2 * r;
  }
  d1 = simd::pairwise_lane_sum(s1) + t1;
  d2 = -(simd::pairwise_lane_sum(s2) + t2);
  d3 = 2.0 * (simd::pairwise_lane_sum(s3) + t3);
}

// The sums over the events of the fit's last pass, at (μ, a) with
// λ_k = μ + a x_k: Σ log λ_k, Σ 1/λ_k, Σ x_k/λ_k, Σ (x_k/β − β f_k)/λ_k
// (the β-derivative of λ_k is a(x_k/β − β f_k): ∂(aβΣe)/∂β = a(Σe − βΣ s e)),
// Σ 1/λ_k², Σ x_k/λ_k² and Σ x_k²/λ_k².
struct SolutionSums {
  double log_lambda = 0, inv = 0, x_inv = 0, dbeta_inv = 0, inv2 = 0, x_inv2 = 0, x2_inv2 = 0;
};

// Σ log λ_k is summed as the logarithm of a product, one logarithm per call
// and not per event: after every factor the product's binary exponent is
// moved into an integer sum and its mantissa kept in [1, 2) (bit operations
// on a positive normal double), so it never overflows or underflows.  Four
// events at a time in one v4d (core/simd.hpp), the remainder one by one.
SUMMITCAST_SIMD_CLONES inline SolutionSums solution_sums(const double* x, const double* f, Index N, double mu, double a,
                                                         double beta) {
  using simd::v4d;
  using simd::v4u;
  constexpr unsigned long long mantissa = (1ULL << 52) - 1, one = 1023ULL << 52;
  const double inv_beta = 1.0 / beta;
  v4d s_inv = {0, 0, 0, 0}, s_x = s_inv, s_b = s_inv, s_i2 = s_inv, s_x2 = s_inv, s_xx2 = s_inv;
  v4d prod = {1, 1, 1, 1};
  v4u biased_exponents = {0, 0, 0, 0};  // Σ of the biased binary exponents (1023 + e) moved out of prod
  const Index blocks = N / 4;
  for (Index b = 0; b < blocks; ++b) {
    const v4d xk = *reinterpret_cast<const v4d*>(x + 4 * b), fk = *reinterpret_cast<const v4d*>(f + 4 * b);
    const v4d lam = mu + a * xk, inv = 1.0 / lam, inv2 = inv * inv;
    s_inv += inv;
    s_x += xk * inv;
    s_b += (xk * inv_beta - beta * fk) * inv;
    s_i2 += inv2;
    s_x2 += xk * inv2;
    s_xx2 += xk * xk * inv2;
    const v4u bits = reinterpret_cast<v4u>(prod * lam);
    biased_exponents += bits >> 52;
    prod = reinterpret_cast<v4d>((bits & mantissa) | one);
  }
  SolutionSums out;
  double tail_prod = 1.0;
  unsigned long long tail_exponents = 0;
  for (Index k = 4 * blocks; k < N; ++k) {
    const double xk = x[k], lam = mu + a * xk, inv = 1.0 / lam, inv2 = inv * inv;
    out.inv += inv;
    out.x_inv += xk * inv;
    out.dbeta_inv += (xk * inv_beta - beta * f[k]) * inv;
    out.inv2 += inv2;
    out.x_inv2 += xk * inv2;
    out.x2_inv2 += xk * xk * inv2;
    std::uint64_t bits;
    const double p = tail_prod * lam;
    std::memcpy(&bits, &p, sizeof bits);
    tail_exponents += bits >> 52;
    bits = (bits & mantissa) | one;
    std::memcpy(&tail_prod, &bits, sizeof tail_prod);
  }
  const unsigned long long exponents = (biased_exponents[0] + biased_exponents[1]) +
                                       (biased_exponents[2] + biased_exponents[3]) + tail_exponents;
  const double binary_exponent = static_cast<double>(static_cast<long long>(exponents - 1023ULL * static_cast<unsigned long long>(N)));
  out.log_lambda = std::log(((prod[0] * prod[1]) * (prod[2] * prod[3])) * tail_prod) + binary_exponent * 0.69314718055994530942;
  out.inv += simd::pairwise_lane_sum(s_inv);
  out.x_inv += simd::pairwise_lane_sum(s_x);
  out.dbeta_inv += simd::pairwise_lane_sum(s_b);
  out.inv2 += simd::pairwise_lane_sum(s_i2);
  out.x_inv2 += simd::pairwise_lane_sum(s_x2);
  out.x2_inv2 += simd::pairwise_lane_sum(s_xx2);
  return out;
}

// ℓ_p', ℓ_p'' and ℓ_p‴ at a = 0 (where λ_k = base), d = Σ φ^j / base^j, from
// the moments Σx, Σx², Σx³ of n values x_k (φ_k = x_k − c).
inline void derivatives_at_zero(double sx1, double sx2, double sx3, double n, double c, double base, double d[3]) {
  d[0] = (sx1 - n * c) / base;
  d[1] = -(sx2 - 2.0 * c * sx1 + n * c * c) / (base * base);
  d[2] = 2.0 * (sx3 - 3.0 * c * sx2 + 3.0 * c * c * sx1 - n * c * c * c) / (base * base * base);
}

// The root of ℓ_p' over x[0..n) by Halley's method from a, where the
// derivatives are d (ℓ_p', ℓ_p'', ℓ_p‴), inside the sign bracket [lo, up]
// (ℓ_p' > 0 at lo, < 0 at up, or up is the bound): Newton where Halley's step
// leaves the bracket, bisection where Newton's does.  Adds the passes over x
// to `passes`.
inline double profile_root(const double* x, Index n, double c, double base, double a, double lo, double up, double d[3],
                           int& passes) {
  for (int it = 0; it < 200; ++it) {
    const double newton = a - d[0] / d[1], denom = 2.0 * d[1] * d[1] - d[0] * d[2];
    // Converged when the Newton step is at rounding level (a is then an
    // end of the bracket, so this test comes before the bracket's).
    if (std::abs(newton - a) <= 1e-14 * std::max(1.0, a) || up - lo <= 1e-15) break;
    double next = newton;
    if (denom > 0.0) next = a - 2.0 * d[0] * d[1] / denom;
    if (!(next > lo && next < up)) next = newton;
    if (!(next > lo && next < up)) next = 0.5 * (lo + up);
    const bool last_step = std::abs(newton - a) <= 1e-7 * a && next != 0.5 * (lo + up);
    a = next;
    if (last_step) break;
    ++passes;
    profile_derivatives(x, n, c, base, a, d[0], d[1], d[2]);
    if (d[0] > 0.0) lo = a; else up = a;
  }
  return a;
}

// The profile Newton starts from the root for the subsample of every 8th
// event when there are at least 1,024 events: its error (a few per cent at
// 10⁴ events) leaves two or three passes over all the events instead of five
// from a = 0 (where Halley's step overshoots), for an eighth of a pass per
// subsample iteration.  The optimum is the same: the start only changes
// where the iteration on all the events begins.
constexpr Index subsample_stride = 8, subsample_start_min_events = 1024;

// Fast path: one dimension, one exponential, decay β fixed.  With
// x_k = β Σ_{j<k} e^{−β(t_k − t_j)} (precomputed in one O(n) pass) and
// G = Σ_k (1 − e^{−β(T − t_k)}),
//   ℓ(μ, a) = Σ_k log(μ + a x_k) − μT − aG.
// λ is homogeneous of degree one in (μ, a), so at the optimum
// μ ∂ℓ/∂μ + a ∂ℓ/∂a = N − μT − aG = 0, i.e. μ = (N − aG)/T.  Profiling μ out,
//   λ_k(a) = N/T + a φ_k,  φ_k = x_k − G/T,
//   ℓ_p(a) = Σ_k log λ_k(a) − N,  ℓ_p' = Σ φ_k/λ_k,  ℓ_p'' = −Σ φ_k²/λ_k² < 0,
// a concave problem in one variable on [0, min(1, N/G)) (stationarity and
// μ > 0), solved by Halley's method on ℓ_p' (ℓ_p‴ = 2 Σ φ_k³/λ_k³; cubic
// convergence) inside a sign bracket, falling back to Newton and then
// bisection where a step leaves the bracket (profile_root).  The
// exponentials come first, in a loop of independent ones that vectorises
// (decay_factors), then the O(n) recurrence for x_k and f_k; the derivatives
// at a = 0 are moments of φ, summed in that recurrence.  Each Newton pass is
// one division per event and no logarithm (profile_derivatives).  From
// 1,024 events on, the iteration starts at the root for every 8th event
// (see subsample_stride).  Once the Newton step is below 1e-7 of a, one more
// Halley step leaves an error of order 1e-21 (cubic), below rounding, so it
// is taken without another pass.  The final pass sums log λ_k through a
// product rescaled by its binary exponent (solution_sums).  Returns false
// when the optimum is at the stationarity bound (the caller then runs the
// general fit).  `time` holds the N (validated) event times; the work arrays
// (2N + N/8 values) are kept per thread between calls, since fresh pages for
// them cost as much as a Newton pass.
inline bool fit_hawkes_univariate_fixed(const double* time, Index N, double T, double beta, HawkesFit& out) {
  const double Nd = static_cast<double>(N);
  thread_local std::vector<double> workspace;
  const size_t need = static_cast<size_t>(2 * N + N / subsample_stride);
  if (workspace.size() < need) workspace.resize(need);
  double* x = workspace.data();
  double* f = x + N;
  decay_factors(time, N, beta, x);  // x_k = e^{−β(t_k − t_{k−1})} for now
  double E = 0.0, F = 0.0, last = 0.0, sx1 = 0.0, sx2 = 0.0, sx3 = 0.0;
  for (Index k = 0; k < N; ++k) {
    const double dt = time[k] - last;
    const double w = x[k];
    F = w * (F + dt * E);
    E *= w;
    const double xk = beta * E;
    x[k] = xk;
    f[k] = F;
    sx1 += xk;
    sx2 += xk * xk;
    sx3 += xk * xk * xk;
    E += 1.0;
    last = time[k];
  }
  {
    const double dt = T - last, w = std::exp(-beta * dt);
    F = w * (F + dt * E);
    E *= w;
  }
  const double G = Nd - E, c = G / T, base = Nd / T;
  const double hi = std::min(1.0, G > 0.0 ? Nd / G : 1.0);
  double d[3];
  derivatives_at_zero(sx1, sx2, sx3, Nd, c, base, d);
  out.iterations = 0;
  double a = 0.0;
  if (d[0] > 0.0) {
    double lo = 0.0, up = hi;
    // Start from the root for every 8th event, then polish on all of them.
    if (N >= subsample_start_min_events) {
      double* xs = f + N;
      const Index n_sub = N / subsample_stride;
      double m1 = 0.0, m2 = 0.0, m3 = 0.0;
      for (Index j = 0; j < n_sub; ++j) {
        const double v = x[subsample_stride * j + subsample_stride - 1];
        xs[j] = v;
        m1 += v;
        m2 += v * v;
        m3 += v * v * v;
      }
      double ds[3];
      derivatives_at_zero(m1, m2, m3, static_cast<double>(n_sub), c, base, ds);
      int sub_passes = 0;
      const double start = ds[0] > 0.0 ? profile_root(xs, n_sub, c, base, 0.0, 0.0, hi, ds, sub_passes) : 0.0;
      if (start > 0.0 && start < hi) {
        a = start;
        profile_derivatives(x, N, c, base, a, d[0], d[1], d[2]);
        out.iterations = 1;
        if (d[0] > 0.0) lo = a; else up = a;
      }
    }
    int passes = 0;
    a = profile_root(x, N, c, base, a, lo, up, d, passes);
    out.iterations += passes;
    if (a > hi * (1.0 - 1e-9)) return false;  // at the stationarity / μ = 0 bound
  }
  const double mu = (Nd - a * G) / T;
  if (!(mu > 0.0)) return false;
  // ℓ, gradient (μ, a, β) and Hessian (μ, a) at the solution, one pass.
  const SolutionSums sums = solution_sums(x, f, N, mu, a, beta);
  const double ll = -Nd + sums.log_lambda;
  const double gmu = -T + sums.inv, ga = -G + sums.x_inv, gb = a * (sums.dbeta_inv - F);
  const double hmm = -sums.inv2, hma = -sums.x_inv2, haa = -sums.x2_inv2;
  out.params.resize(3);
  out.params << mu, a, beta;
  out.value = ll;
  out.gradient.resize(3);
  out.gradient << gmu, ga, gb;
  out.gradient_norm = std::abs(ga);  // the profile equation solved for a (μ profiled out)
  out.hessian.resize(2, 2);
  out.hessian << hmm, hma, hma, haa;
  out.spectral_radius = a;
  out.evaluations = out.iterations + 2;  // the passes over the events
  out.converged = true;
  out.message = "profile Newton converged";
  return true;
}

// The checks every fit makes before it starts: decays (size U, each > 0,
// increasing), enough events, no empty dimension.
inline void check_fit_request(const HawkesShape& s, const VectorXd& decays, Index N, const std::vector<Index>& counts) {
  const char* fn = "Hawkes.fit";
  if (decays.size() > 0) {
    if (decays.size() != s.U) fail_value(fn, "decays must have ", s.U, " values (one per exponential), got ", decays.size());
    for (Index u = 0; u < s.U; ++u) check_positive(fn, "decays", decays[u]);
    for (Index u = 1; u < s.U; ++u)
      if (!(decays[u] > decays[u - 1])) fail_value(fn, "decays must be strictly increasing, got ", decays[u - 1], " then ", decays[u]);
  }
  if (N < s.k_params() + 1)
    fail_value(fn, "too few events to fit: ", N, " events for ", s.k_params(), " parameters (need at least ",
               s.k_params() + 1, ")");
  for (Index j = 0; j < s.D; ++j)
    if (counts[j] == 0) fail_value(fn, "times[", j, "] has no events; every dimension needs at least one to fit");
}

// The profile-Newton fast path applies: one dimension, one exponential with
// its decay fixed, no starting values.
inline bool profile_newton_applies(const HawkesShape& s, const VectorXd& decays, const VectorXd& start) {
  return decays.size() > 0 && s.D == 1 && s.U == 1 && start.size() == 0;
}

// Fit; `decays` non-empty fixes β (size U, each > 0).  `start` (natural θ,
// optional) must be admissible and stationary.
inline HawkesFit fit_hawkes(const HawkesData& d, const HawkesShape& s, const VectorXd& decays, const VectorXd& start,
                            const optim::BfgsOptions& opt = {}) {
  const char* fn = "Hawkes.fit";
  const bool fixed = decays.size() > 0;
  const Index N = d.size();
  check_fit_request(s, decays, N, d.counts);
  if (profile_newton_applies(s, decays, start)) {
    HawkesFit quick;
    if (fit_hawkes_univariate_fixed(d.time.data(), N, d.end_time, decays[0], quick)) return quick;
  }
  std::vector<VectorXd> starts;
  if (start.size() > 0) {
    if (start.size() != s.k_params()) fail_value(fn, "start_params must have ", s.k_params(), " values, got ", start.size());
    if (!hawkes_admissible(s, start))
      fail_value(fn, "start_params must have positive mu and beta and non-negative alpha");
    const double rho = branching_spectral_radius(s, start);
    if (!(rho < 1.0))
      fail_value(fn, "start_params are explosive: branching ratio (spectral radius) ", rho, " must be below 1");
    VectorXd st = start;
    if (fixed) st.tail(s.U) = decays;
    for (Index i = s.D; i < s.D + s.D * s.D * s.U; ++i) st[i] = std::max(st[i], 1e-8);
    starts.push_back(st);
  } else {
    const double rate = static_cast<double>(N) / d.end_time;  // events per unit time
    const double factors[] = {0.3, 3.0, 30.0};
    for (double f : fixed ? std::vector<double>{1.0} : std::vector<double>(std::begin(factors), std::end(factors))) {
      VectorXd st(s.k_params());
      for (Index i = 0; i < s.D; ++i) st[i] = 0.5 * std::max<double>(1.0, static_cast<double>(d.counts[i])) / d.end_time;
      st.segment(s.D, s.D * s.D * s.U).setConstant(0.4 / static_cast<double>(s.D * s.U));
      for (Index u = 0; u < s.U; ++u) st[s.beta_index(u)] = fixed ? decays[u] : f * rate * std::pow(10.0, u);
      starts.push_back(st);
    }
  }
  HawkesTransform tr(s, fixed, decays);
  const double scale = 1.0 / static_cast<double>(N);
  VectorXd g_th;
  auto objective = [&](const VectorXd& x, VectorXd& g) {
    const VectorXd th = tr.to_natural(x);
    if (s.D > 1 && !(branching_spectral_radius(s, th) < 1.0)) {
      g.setZero(x.size());
      return std::numeric_limits<double>::infinity();
    }
    const double ll = hawkes_loglike(d, s, th, &g_th);
    if (!std::isfinite(ll)) {
      g.setZero(x.size());
      return std::numeric_limits<double>::infinity();
    }
    g = -scale * tr.pull_back(th, g_th);
    return -scale * ll;
  };
  optim::BfgsOptions o = opt;
  o.gradient_tol = std::min(o.gradient_tol, 1e-8);  // on ℓ/N: |∂ℓ| <= 1e-8 N
  HawkesFit best;
  best.value = -std::numeric_limits<double>::infinity();
  int total_iterations = 0, total_evaluations = 0;
  for (const VectorXd& st : starts) {
    optim::BfgsResult r = optim::minimize_bfgs(objective, tr.to_free(st), o);
    total_iterations += r.iterations;
    total_evaluations += r.evaluations;
    const double ll = -r.value / scale;
    if (ll > best.value) {
      best.record(r);
      best.params = tr.to_natural(r.x);
      best.value = ll;
    }
  }
  best.iterations = total_iterations;
  best.evaluations = total_evaluations;
  best.value = hawkes_loglike(d, s, best.params, &best.gradient);
  best.spectral_radius = branching_spectral_radius(s, best.params);
  best.hessian = hawkes_hessian(d, s, best.params, fixed);
  return best;
}

// Fit from the per-dimension event times (any Eigen vectors of doubles): the
// fast path reads the caller's array in place, without the merged copy.
template <class Vec>
HawkesFit fit_hawkes(const std::vector<Vec>& times, double end_time, const HawkesShape& s, const VectorXd& decays,
                     const VectorXd& start, const optim::BfgsOptions& opt = {}) {
  if (times.size() == 1 && profile_newton_applies(s, decays, start)) {
    check_end_time(end_time);
    const Index N = times[0].size();
    check_event_times(times[0].data(), N, 0, end_time);
    check_fit_request(s, decays, N, {N});
    HawkesFit quick;
    if (fit_hawkes_univariate_fixed(times[0].data(), N, end_time, decays[0], quick)) return quick;
  }
  return fit_hawkes(make_hawkes_data(times, end_time), s, decays, start, opt);
}

}  // namespace summitcast::events
