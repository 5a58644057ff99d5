// The filter steps of a component model in one interval of its moving
// frame, as one loop.
//
// Outside the diffuse period and the steady state, a step of the filter of
// a component model (one series, time-invariant covariances, no state
// intercept) in the moving frame of moving_frame.hpp is one of three
// things, decided by y_t alone:
//
//   y_t observed, F > 0:  v = y_t − d_t − z̃'a,  M = P z̃,  F = z̃'M + h,
//                         a ← a + M v/F,  log-likelihood −½ (log 2π + log F + v²/F)
//                         (log F for blocks of steps at once, see below),
//                         then the fused time update with s = 1/F;
//   y_t missing:          only the time update (s = 0: no rank-one term);
//   y_t observed, F ≤ 0:  no information (counted as observed), as missing;
//
// with z̃ = G'z the observation row in the frame (MovingFrame::row()) and
// the fused time update MovingFrame::transition_fixed followed by R Q R'
// outside the dummy blocks (or, where it applies, the same update in the
// specialised form of standard_pass.hpp).  KalmanFilter::run hands whole intervals
// [t0, t1) of the frame to framed_steps(), which runs them in one loop
// compiled for the processor (core/simd.hpp): the checks of the general
// loop (diffuse, steady state, time-varying matrices, stored states) are
// made once per interval, not per step, and the state a is kept padded to
// ld entries like the columns of P, so that every vector of the step is a
// whole number of registers.
#pragma once

#include <cmath>
#include <limits>
#include <utility>
#include <vector>

#include <Eigen/Dense>

#include "summitcast/core/simd.hpp"
#include "summitcast/core/vector_log.hpp"
#include "summitcast/statespace/moving_frame.hpp"
#include "summitcast/statespace/standard_pass.hpp"

namespace summitcast::statespace {

// What each observation element did in the filter.
enum class ObsKind : unsigned char { missing = 0, regular = 1, diffuse = 2, degenerate = 3 };

// What is the same at every step of the loop.
struct FramedInputs {
  const double* y = nullptr;  // y_t = y[t · y_stride]
  Eigen::Index y_stride = 1;
  const double* d = nullptr;  // d_t = d[t · d_stride] (stride 0: a constant intercept)
  Eigen::Index d_stride = 0;
  double h = 0.0;             // the observation variance
  const std::vector<std::pair<Eigen::Index, double>>* RQR_unframed = nullptr;  // (position in P, value)
  StandardPass* standard = nullptr;  // the specialised time update, where it applies (else null)
};

// Where the loop writes what it computed.  loglike_t has an entry per time
// point; the stored arrays (v, F, P z in the true coordinates, the kind of
// each observation) are filled only when v is not null, as FilterOutput's.
struct FramedOutputs {
  double* loglike_t = nullptr;
  double* v = nullptr;
  double* F = nullptr;
  Eigen::MatrixXd* M_true = nullptr;  // m x n
  ObsKind* kind = nullptr;            // regular or degenerate (a missing step's is left as it is)
};

struct FramedResult {
  Eigen::Index nobs = 0;      // observed steps
  bool all_observed = true;   // every step observed with F > 0
  double last_F = 0.0;        // F of the last step
};

namespace detail {

// M ← P z̃ over the nonzero entries of z̃ (two interleaved partial sums: half
// the chain of dependent additions), for P with L rows.
template <int L>
SUMMITCAST_INLINE_IN_CLONES void framed_product(const double* p, Eigen::Index ld, const double* z,
                                                const std::vector<Eigen::Index>& nz, double* M) {
  if constexpr (L == 0) {
    for (Eigen::Index r = 0; r < ld; ++r) M[r] = 0.0;
    for (Eigen::Index k : nz) {
      const double zk = z[k];
      const double* __restrict c = p + k * ld;
      for (Eigen::Index r = 0; r < ld; ++r) M[r] += zk * c[r];
    }
  } else {
    using Vec = simd::v4d;
    constexpr int V = L / 4;
    Vec even[V], odd[V];
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) even[v] = odd[v] = Vec{};
    const Eigen::Index q = static_cast<Eigen::Index>(nz.size());
    Eigen::Index j = 0;
    for (; j + 1 < q; j += 2) {
      const Vec* c0 = reinterpret_cast<const Vec*>(p + nz[j] * L);
      const Vec* c1 = reinterpret_cast<const Vec*>(p + nz[j + 1] * L);
      const double z0 = z[nz[j]], z1 = z[nz[j + 1]];
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) {
        even[v] += z0 * c0[v];
        odd[v] += z1 * c1[v];
      }
    }
    if (j < q) {
      const Vec* c0 = reinterpret_cast<const Vec*>(p + nz[j] * L);
      const double z0 = z[nz[j]];
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) even[v] += z0 * c0[v];
    }
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) reinterpret_cast<Vec*>(M)[v] = even[v] + odd[v];
  }
}

// x'y over ld entries (dense) or over the nonzero entries nz of x.
template <int L>
SUMMITCAST_INLINE_IN_CLONES double framed_dot(const double* x, const double* y, Eigen::Index ld, bool dense,
                                              const std::vector<Eigen::Index>& nz) {
  if constexpr (L > 0) {
    if (dense) {
      using Vec = simd::v4d;
      constexpr int V = L / 4;
      Vec acc = Vec{};
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) acc += reinterpret_cast<const Vec*>(x)[v] * reinterpret_cast<const Vec*>(y)[v];
      return simd::lane_sum(acc);
    }
  }
  double s0 = 0.0, s1 = 0.0;
  if (dense) {
    for (Eigen::Index r = 0; r + 1 < ld; r += 2) {  // ld is even
      s0 += x[r] * y[r];
      s1 += x[r + 1] * y[r + 1];
    }
    return s0 + s1;
  }
  const Eigen::Index q = static_cast<Eigen::Index>(nz.size());
  Eigen::Index j = 0;
  for (; j + 1 < q; j += 2) {
    s0 += x[nz[j]] * y[nz[j]];
    s1 += x[nz[j + 1]] * y[nz[j + 1]];
  }
  if (j < q) s0 += x[nz[j]] * y[nz[j]];
  return s0 + s1;
}

inline constexpr int kLogBlock = 16;

// ll[k] −= ½ log x[k] for k < count ≤ kLogBlock (x positive normal; the
// entries of x from count on are overwritten).
SUMMITCAST_INLINE_IN_CLONES void subtract_half_logs(double* x, Eigen::Index count, double* ll) {
  for (Eigen::Index k = count; k < kLogBlock; ++k) x[k] = 1.0;
  alignas(32) double logs[kLogBlock];
#pragma GCC unroll 4
  for (int v = 0; v < kLogBlock / 4; ++v)
    log_normal(reinterpret_cast<const simd::v4d*>(x)[v], reinterpret_cast<simd::v4d*>(logs)[v]);
  for (Eigen::Index k = 0; k < count; ++k) ll[k] -= 0.5 * logs[k];
}

template <int L>
SUMMITCAST_INLINE_IN_CLONES FramedResult framed_steps_fixed(MovingFrame& frame, Eigen::MatrixXd& P, double* a, double* M,
                                                            Eigen::Index t0, Eigen::Index t1, const FramedInputs& in,
                                                            const FramedOutputs& out, double* last_M_true) {
  constexpr double kLog2Pi = 1.8378770664093454835606594728112;
  const Eigen::Index ld = L > 0 ? L : P.rows(), m = P.cols();
  double* p = P.data();
  const double* z = frame.row();
  const std::vector<Eigen::Index>& nz = frame.row_nonzero();
  const bool dense = frame.row_dense();
  FramedResult result;
  const bool standard = L > 0 && in.standard != nullptr;
  if (standard) in.standard->begin(p, ld);
  // log F_t is taken for blocks of kLogBlock steps at once (four lanes at a
  // time, core/vector_log.hpp): the step leaves its F (1 if the step has no
  // log F term) in log_args, and the block's end subtracts ½ log F_t from
  // loglike_t.  An F outside the normal range takes std::log at its step.
  alignas(32) double log_args[kLogBlock];
  Eigen::Index block_start = t0;
  for (Eigen::Index t = t0; t < t1; ++t) {
    const double y = in.y[t * in.y_stride];
    double log_arg = 1.0;
    double ll = 0.0, s = 0.0;
    if (!std::isnan(y)) {
      ++result.nobs;
      const double v = y - in.d[t * in.d_stride] - framed_dot<L>(z, a, ld, dense, nz);
      framed_product<L>(p, ld, z, nz, M);
      const double F = in.h + framed_dot<L>(z, M, ld, dense, nz);
      const bool regular = F > 0.0;
      if (regular) {
        s = 1.0 / F;
        const double k = v * s;  // a + K v, K = M / F
        if constexpr (L > 0) {  // whole registers: the pass loads a as such (a vector load after scalar
                                // stores of the same bytes would wait for them to reach the cache)
          using Vec = simd::v4d;
#pragma GCC unroll 8
          for (int r = 0; r < L / 4; ++r) reinterpret_cast<Vec*>(a)[r] += reinterpret_cast<const Vec*>(M)[r] * k;
        } else {
          for (Eigen::Index r = 0; r < ld; ++r) a[r] += M[r] * k;
        }
        ll = -0.5 * (kLog2Pi + v * s * v);
        if (F >= std::numeric_limits<double>::min() && F <= std::numeric_limits<double>::max())
          log_arg = F;
        else
          ll -= 0.5 * std::log(F);
      } else {
        result.all_observed = false;
      }
      const bool last = t + 1 == t1;
      const bool freeze = last_M_true != nullptr && last && regular;
      if (out.v != nullptr || freeze) {  // stored and frozen values are in the true coordinates
        double* target = out.v != nullptr ? out.M_true->col(t).data() : last_M_true;
        for (Eigen::Index r = 0; r < m; ++r) target[r] = M[r];
        frame.to_true(target);
        if (out.v != nullptr) {
          out.v[t] = v;
          out.F[t] = F;
          out.kind[t] = regular ? ObsKind::regular : ObsKind::degenerate;
          if (freeze)
            for (Eigen::Index r = 0; r < m; ++r) last_M_true[r] = target[r];
        }
      }
      if (last) result.last_F = F;
    } else {
      result.all_observed = false;
    }
    bool done = false;
    if constexpr (L > 0)
      if (standard) {
        in.standard->transition<L>(frame, a, p, M, s);
        done = true;
      }
    if (!done) {
      frame.transition_fixed<L>(a, p, ld, M, s);
      for (const auto& [k, value] : *in.RQR_unframed) p[k] += value;
    }
    out.loglike_t[t] = ll;
    log_args[t - block_start] = log_arg;
    if (t + 1 - block_start == kLogBlock || t + 1 == t1) {
      subtract_half_logs(log_args, t + 1 - block_start, out.loglike_t + block_start);
      block_start = t + 1;
    }
  }
  return result;
}

}  // namespace detail

// Steps t0, …, t1 − 1 in the frame (one interval): P (ld x m, the rows
// beyond m zero) and a (ld entries, zero beyond m) are updated in place; M
// is scratch of ld entries (zero beyond m).  With last_M_true (m entries)
// the true P z̃ of the last step, if it is observed with F > 0, is left
// there (the frozen gain of a steady-state test).
SUMMITCAST_SIMD_CLONES inline FramedResult framed_steps(MovingFrame& frame, Eigen::MatrixXd& P, double* a, double* M,
                                                        Eigen::Index t0, Eigen::Index t1, const FramedInputs& in,
                                                        const FramedOutputs& out, double* last_M_true) {
  return simd::with_column_length(P.rows(), [&](auto L) SUMMITCAST_INLINE_LAMBDA {
    return detail::framed_steps_fixed<decltype(L)::value>(frame, P, a, M, t0, t1, in, out, last_M_true);
  });
}

}  // namespace summitcast::statespace
