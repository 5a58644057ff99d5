// The fused time update of MovingFrame::transition_fixed, specialised for
// the usual component model: a level + trend block in states 0 and 1, at
// most one dummy seasonal block, and R Q R' diagonal outside the dummy
// block (every unobserved-components model with a trend).
//
// Why a second form of the same update: the general one rewrites single
// entries of every column (row 0 after the level + trend block, row q of
// the dummy block's new first state, the diagonal of R Q R'), and the next
// step's vector loads of those columns then wait until the scalar stores
// have reached the cache (a vector load cannot be forwarded from a smaller
// store): about 40% of a step.  Here every column is finished in registers
// and written with whole-vector stores only.  With the positions of the
// level and trend fixed (lanes 0 and 1 of the first register) and the
// column loop unrolled over the registers of a column, every lane but the
// dummy block's q is known at compile time; and step() is compiled for each
// register QV = q / 4 that row q can be in, so that the rewrite of row q is
// one blend per column, not one per register, and one mask is held in
// registers instead of one per register of a column (measured in
// benchmarks/results/bench_statespace.txt).
//
// The mathematics (one step, in the frame; s = 1/F after an observation,
// s = 0 after a missing value; P_u = P − s M M'):
//
//   P' = T̃ P_u T̃' + D,
//
// with T̃ the level + trend block (row and column 0 += row and column 1)
// and, on the dummy block, slot q ← −Σ_{i ∈ block} (the slot of the dropped
// last state receives the new first one).  Column j of P' (j ≠ q) is the
// column of P_u with the level + trend row and column operations, row q
// replaced by −σ_j and the diagonal D_jj added, where
//
//   σ = T_L ς,   ς = Σ_{i ∈ block} P_u[:, i] = ρ − s μ M,
//   ρ = Σ_{i ∈ block} P[:, i],   μ = Σ_{i ∈ block} M_i
//
// (T_L the level + trend row operation on a vector).  So σ is known before
// the pass over the columns instead of being summed during it.  Column q
// of P' is −σ with P'[q, q] = Σ_{i ∈ block} σ_i + the block's variance.
// ρ for the next step follows from column q of P_u alone: the column sums
// of a dummy block satisfy T̃'1_block = −e_q, so
//
//   ρ' = P' 1_block = −T̃ x + (variance) e_q,   x = T_L P_u e_q,
//
// that is ρ'_j = −x_j (j ≠ q) and ρ'_q = Σ_{i ∈ block} x_i + variance.
// begin() sets ρ from the columns of P at the start of each interval
// between anchors (the anchor relabels the slots).  The results agree with
// transition_fixed to rounding (the sums are taken in another order).
//
// Per column the pass needs two scalars in every lane: s M_j (the rank-one
// term) and −σ_j (the new row q).  Both are formed once per step as whole
// vectors (s M and −σ, one store each) and broadcast from there, one load
// per column with no arithmetic and no test of "missing" (after a missing
// value M is taken as zero, so s M = 0 and P_u = P exactly, as before);
// the numbers are the same bit for bit as with s · M_j formed per column.
// Measured with callgrind on the benchmark's series with 3% of the months
// missing (n = 100,000): 1,170 → 1,006 instructions per step with the
// dummy seasonal, 914 → 839 with the trigonometric one; process CPU time
// (a C++ loop over loglike, best of 15, six alternated runs against the
// previous code, load 3 on 2 cores) 113-119 → 103-115 ns per step (dummy)
// and 90-91 → 87-88 ns (trigonometric) at n = 100,000, 118-125 → 107-113
// and 99 → 99 ns at n = 10,000.  Broadcasting the
// lanes from registers instead (one vpermpd per column, no memory) cost
// fewer instructions still but was slower on the benchmark machine (AMD EPYC)
// (116-133 → 186-210 ns per step, dummy case): the cross-lane permutation
// has a long latency on the path from s to the next step's M.
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "summitcast/core/simd.hpp"
#include "summitcast/statespace/moving_frame.hpp"

namespace summitcast::statespace {

class StandardPass {
 public:
  StandardPass() = default;
  // RQR: R Q R' (m x m) of the system followed by `frame`.
  StandardPass(const MovingFrame& frame, const Eigen::MatrixXd& RQR) {
    const Eigen::Index m = RQR.rows(), ld = MovingFrame::padded(m);
    const auto dummies = frame.dummy_blocks();
    const auto& trends = frame.trend_starts();
    applies_ = ld >= 8 && trends.size() == 1 && trends[0] == 0 && dummies.size() <= 1;
    auto in_dummy = [&](Eigen::Index k) {
      return !dummies.empty() && k >= dummies[0].start && k < dummies[0].start + dummies[0].size;
    };
    for (Eigen::Index j = 0; j < m && applies_; ++j)
      for (Eigen::Index i = 0; i < m; ++i)
        if (i != j && !in_dummy(i) && !in_dummy(j) && RQR(i, j) != 0.0) applies_ = false;
    if (!applies_) return;
    dummy_ = !dummies.empty();
    if (dummy_) block_ = dummies[0];
    diagonal_ = Eigen::VectorXd::Zero(4 * m);
    for (Eigen::Index j = 0; j < m; ++j)
      if (!in_dummy(j)) diagonal_[4 * j + j % 4] = RQR(j, j);
    indicator_ = Eigen::VectorXd::Zero(ld);
    if (dummy_) indicator_.segment(block_.start, block_.size).setOnes();
    rho_ = Eigen::VectorXd::Zero(ld);
    neg_sigma_ = Eigen::VectorXd::Zero(ld);
    sm_ = Eigen::VectorXd::Zero(ld);
  }

  // True when the specialised pass applies to the frame's system (see above).
  bool applies() const { return applies_; }

  // ρ ← the sum of the dummy block's columns of P (ld x m, in the frame).
  void begin(const double* p, Eigen::Index ld) {
    if (!dummy_) return;
    for (Eigen::Index r = 0; r < ld; ++r) rho_[r] = 0.0;
    for (Eigen::Index j = block_.start; j < block_.start + block_.size; ++j)
      for (Eigen::Index r = 0; r < ld; ++r) rho_[r] += p[j * ld + r];
  }

  // MovingFrame::transition_fixed<L> followed by R Q R' outside the dummy
  // block, for L > 0 rows: a ← T̃ a, P ← T̃ (P − s M M') T̃' + D.
  template <int L>
  SUMMITCAST_INLINE_IN_CLONES void transition(MovingFrame& frame, double* a, double* p, const double* M, double s) {
    if (dummy_)
      dummy_step<L>(frame.new_first_slot(0), a, p, M, s);
    else
      step<L, false, 0>(0, a, p, M, s);
    frame.advance();
  }

 private:
  using Vec = simd::v4d;

  template <int V>
  SUMMITCAST_INLINE_IN_CLONES static double dot(const Vec* x, const Vec* y) {
    Vec acc = x[0] * y[0];
#pragma GCC unroll 8
    for (int v = 1; v < V; ++v) acc += x[v] * y[v];
    return simd::lane_sum(acc);
  }

  // The level + trend row operation on a column held in registers.
  SUMMITCAST_INLINE_IN_CLONES static void trend_row(Vec* x) { x[0][0] += x[0][1]; }

  // step() with the register of row q known at compile time: q < m ≤ L, so
  // q / 4 < L / 4, and the cases below cover every L of
  // simd::with_column_length (at most 24 rows, six registers).
  template <int L>
  SUMMITCAST_INLINE_IN_CLONES void dummy_step(Eigen::Index q, double* a, double* p, const double* M, double s) {
    static_assert(L / 4 <= 6, "dummy_step has a case for each of at most six registers of a column");
    switch (q / 4) {
      case 0: return step<L, true, 0>(q, a, p, M, s);
      case 1: if constexpr (L / 4 > 1) return step<L, true, 1>(q, a, p, M, s); break;
      case 2: if constexpr (L / 4 > 2) return step<L, true, 2>(q, a, p, M, s); break;
      case 3: if constexpr (L / 4 > 3) return step<L, true, 3>(q, a, p, M, s); break;
      case 4: if constexpr (L / 4 > 4) return step<L, true, 4>(q, a, p, M, s); break;
      case 5: if constexpr (L / 4 > 5) return step<L, true, 5>(q, a, p, M, s); break;
      default: break;
    }
  }

  // One step; with Dummy, q is the slot of the dummy block's new first
  // state, in lane q mod 4 of register QV = q / 4 of a column (the only
  // register of each column that row q's rewrite touches).
  template <int L, bool Dummy, int QV>
  SUMMITCAST_INLINE_IN_CLONES void step(Eigen::Index q, double* a, double* p, const double* M, double s) {
    constexpr int V = L / 4;
    const Eigen::Index m = diagonal_.size() / 4;
    const bool update = s != 0.0;
    // M and s M, both zero after a missing value (then P_u = P exactly):
    // s M is formed once per step as whole vectors, and each column
    // broadcasts its s M_j from there (see above).
    Vec mv[V];
    double* smv = sm_.data();
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) {
      mv[v] = update ? reinterpret_cast<const Vec*>(M)[v] : Vec{};
      reinterpret_cast<Vec*>(smv)[v] = s * mv[v];
    }
    auto column = [&](Eigen::Index j, Vec* x) SUMMITCAST_INLINE_LAMBDA {
      const Vec* c = reinterpret_cast<const Vec*>(p + j * L);
      const double smj = smv[j];
      const Vec sm = {smj, smj, smj, smj};
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) x[v] = c[v] - sm * mv[v];
      trend_row(x);
    };
    Vec av[V];
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) av[v] = reinterpret_cast<const Vec*>(a)[v];
    trend_row(av);
    using Mask = decltype(Vec{} < Vec{});
    Mask qm{};  // lane q mod 4 of register QV
    double corner = 0.0;
    if constexpr (Dummy) {
      const Vec* ind = reinterpret_cast<const Vec*>(indicator_.data());
      Vec* rho = reinterpret_cast<Vec*>(rho_.data());
      const double smu = update ? s * dot<V>(mv, ind) : 0.0;
      Vec sigma[V];
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) sigma[v] = rho[v] - smu * mv[v];
      trend_row(sigma);
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) reinterpret_cast<Vec*>(neg_sigma_.data())[v] = -sigma[v];
      corner = dot<V>(sigma, ind) + block_.variance;
      Vec xq[V];
      column(q, xq);
      const double rho_q = dot<V>(xq, ind) + block_.variance;
      const double a_sum = dot<V>(av, ind);
      qm = Vec{0.0, 1.0, 2.0, 3.0} == static_cast<double>(q - 4 * QV);
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) rho[v] = -xq[v];
      rho[QV] = qm ? Vec{} + rho_q : rho[QV];
      av[QV] = qm ? Vec{} - a_sum : av[QV];
    }
#pragma GCC unroll 8
    for (int v = 0; v < V; ++v) reinterpret_cast<Vec*>(a)[v] = av[v];
    // Column j finished: row q ← −σ_j, the diagonal of D, stored whole.
    auto finish = [&](Eigen::Index j, Vec* x) SUMMITCAST_INLINE_LAMBDA {
      if constexpr (Dummy) {
        const double nsj = neg_sigma_[j];
        const Vec b = {nsj, nsj, nsj, nsj};
        x[QV] = qm ? b : x[QV];
      }
      x[j / 4] += reinterpret_cast<const Vec*>(diagonal_.data())[j];
      Vec* c = reinterpret_cast<Vec*>(p + j * L);
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) c[v] = x[v];
    };
    {  // columns 0 and 1: the level + trend column operation too
      Vec x0[V], x1[V];
      column(0, x0);
      column(1, x1);
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) x0[v] += x1[v];
      finish(0, x0);
      finish(1, x1);
    }
    // The other columns, unrolled so that j / 4 is known at compile time.
#pragma GCC unroll 24
    for (int j = 2; j < L; ++j) {
      if (j >= L - 4 && j >= m) break;  // m > L - 4: only the last register's columns can be beyond m
      Vec x[V];
      column(j, x);
      finish(j, x);
    }
    if constexpr (Dummy) {  // column q: −σ, with P'[q, q] on the diagonal
      Vec* c = reinterpret_cast<Vec*>(p + q * L);
      const Vec* ns = reinterpret_cast<const Vec*>(neg_sigma_.data());
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) c[v] = v == QV ? (qm ? Vec{} + corner : ns[v]) : ns[v];
    }
  }

  bool applies_ = false, dummy_ = false;
  MovingFrame::DummyBlock block_{0, 0, 0.0};
  Eigen::VectorXd diagonal_;   // 4 per column: D_jj in lane j mod 4 (zero in the dummy block)
  Eigen::VectorXd indicator_;  // ld: 1 on the dummy block
  Eigen::VectorXd rho_;        // ld: ρ, the sum of the dummy block's columns of P
  Eigen::VectorXd neg_sigma_;  // ld: −σ
  Eigen::VectorXd sm_;         // ld: s M
};

}  // namespace summitcast::statespace
