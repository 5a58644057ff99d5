// The seasonal blocks of a transition followed in a moving frame.
//
// Most of a filter step of a component model is spent moving the seasonal
// blocks of P: a trigonometric harmonic rotates its pair of states by
// R = [c s; −s c] (four multiplications per entry of two rows and two
// columns), and a dummy seasonal shifts its s − 1 states by one (a copy of
// the whole block) before its first state becomes minus their sum.  Write
// the state as α_t = G_k α̃_t, with G_k block-diagonal and k the steps since
// the frame was anchored:
//
// - rotation block: G_k = R^k.  Then G_{k+1}⁻¹ R G_k = I: in the frame the
//   harmonic does not move at all, and the observation row z' becomes
//   z' R^k (its two entries updated by one 2 x 2 product per step).
// - dummy seasonal block of size s − 1: G_k is the permutation that stores
//   logical state j in slot (j + o_k) mod (s − 1) of the block.  The shift
//   is then a relabelling, o_{k+1} = o_k − 1 (mod s − 1): the slot of the
//   dropped last state receives the new first one, −Σ of the block.  On P
//   that rewrites one row and one column, P[q, :] = P[:, q] = −σ with
//   σ = Σ_{i ∈ block} P[:, i], and P[q, q] = Σ_{i ∈ block} σ_i.
// - every other block is applied as it is (block_transition.hpp).
//
// The disturbances stay as they are in the frame when R Q R' is q I₂ on each
// rotation pair, and on each dummy block q at its first state only, with no
// covariance with other states (one variance per component, as in every
// component model); the frame then adds the dummy block's q in the slot of
// the new first state.  anchor() maps P and a back to the true coordinates
// (P ← G P G', a ← G a) and resets k = 0: the filter does that where it
// needs the true P (the steady-state test, the end of the series) and at
// least every 256 steps, which keeps the rounding of the accumulated
// powers R^k small (kalman_filter.hpp, "Anchors").
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "summitcast/core/simd.hpp"
#include "summitcast/statespace/block_transition.hpp"

namespace summitcast::statespace {

class MovingFrame {
 public:
  MovingFrame() = default;
  // z: the observation row (length m) of the one series.
  MovingFrame(const BlockTransition& bt, const Eigen::MatrixXd& RQR, const double* z) : m_(bt.m()), z_(z, z + bt.m()) {
    std::vector<bool> on(static_cast<size_t>(m_));
    for (Eigen::Index k = 0; k < m_; ++k) on[static_cast<size_t>(k)] = z[k] != 0.0;
    for (const auto& b : bt.blocks()) {
      if (b.kind == BlockTransition::Kind::rotation) {
        rotations_.push_back({b.start, b.c, b.s, 1.0, 0.0});
        if (z[b.start] != 0.0 || z[b.start + 1] != 0.0) on[static_cast<size_t>(b.start)] = on[static_cast<size_t>(b.start + 1)] = true;
      }
      if (b.kind == BlockTransition::Kind::dummy_seasonal) dummies_.push_back({b.start, b.size, 0, RQR(b.start, b.start)});
      if (b.kind == BlockTransition::Kind::level_trend) trends_.push_back(b.start);
    }
    // The entries of G'z that can be nonzero, as logical states (the
    // rotations mix each pair z touches).
    for (Eigen::Index k = 0; k < m_; ++k) {
      if (!on[static_cast<size_t>(k)]) continue;
      pattern_.push_back(k);
      int owner = -1;
      for (size_t d = 0; d < dummies_.size(); ++d)
        if (k >= dummies_[d].start && k < dummies_[d].start + dummies_[d].size) owner = static_cast<int>(d);
      pattern_dummy_.push_back(owner);
      if (owner >= 0) dummy_entries_.push_back(pattern_dummy_.size() - 1);
    }
    perm_.resize(static_cast<size_t>(m_));
    scratch_.resize(m_, m_);
    sums_ = Eigen::VectorXd::Zero(padded(m_));
    row_ = Eigen::VectorXd::Zero(padded(m_));
    for (Eigen::Index k : pattern_) row_[k] = z[k];
    row_nonzero_ = pattern_;
    reset();
  }

  // True when R Q R' keeps its form in the frame (see above).
  static bool applies(const BlockTransition& bt, const Eigen::MatrixXd& RQR) {
    const Eigen::Index m = RQR.rows();
    auto no_other_covariance = [&](Eigen::Index i, Eigen::Index first, Eigen::Index size) {
      for (Eigen::Index j = 0; j < m; ++j)
        if ((j < first || j >= first + size) && (RQR(i, j) != 0.0 || RQR(j, i) != 0.0)) return false;
      return true;
    };
    for (const auto& b : bt.blocks()) {
      const Eigen::Index i = b.start;
      if (b.kind == BlockTransition::Kind::rotation) {
        if (RQR(i, i) != RQR(i + 1, i + 1) || RQR(i, i + 1) != 0.0 || RQR(i + 1, i) != 0.0) return false;
        if (!no_other_covariance(i, i, 2) || !no_other_covariance(i + 1, i, 2)) return false;
      } else if (b.kind == BlockTransition::Kind::dummy_seasonal) {
        for (Eigen::Index r = i; r < i + b.size; ++r) {
          if (!no_other_covariance(r, i, b.size)) return false;
          for (Eigen::Index c = i; c < i + b.size; ++c)
            if ((r != i || c != i) && RQR(r, c) != 0.0) return false;
        }
      }
    }
    return true;
  }

  Eigen::Index steps() const { return steps_; }

  // The rows of P in the frame: m rounded up to a multiple of 4.
  static Eigen::Index padded(Eigen::Index m) { return (m + 3) / 4 * 4; }

  // G = I.
  void reset() {
    for (auto& q : rotations_) {
      q.C = 1.0;
      q.S = 0.0;
    }
    for (auto& d : dummies_) d.offset = 0;
    steps_ = 0;
    pending_ = 0;
    for (const auto& q : rotations_) {  // z̃ = z on the rotation pairs at G = I
      row_[q.start] = z_[static_cast<size_t>(q.start)];
      row_[q.start + 1] = z_[static_cast<size_t>(q.start + 1)];
    }
    move_dummy_slots();
  }

  // The observation row in the frame, z̃ = G'z: padded(m) entries, zero
  // beyond m and off row_nonzero() (the entries that can be nonzero, as
  // slots of the frame), kept up to date by reset() and transition(): on a
  // rotation pair z̃ is z' R^k = [z0 C − z1 S, z0 S + z1 C], on a dummy block
  // the entries of z move with their states' slots.
  const double* row() const { return row_.data(); }
  const std::vector<Eigen::Index>& row_nonzero() const { return row_nonzero_; }
  // True when most of z̃ is nonzero (the rotated harmonics), so that dense
  // dot products beat gathers.
  bool row_dense() const { return 2 * static_cast<Eigen::Index>(row_nonzero_.size()) >= m_; }

  // The whole time update of a fully observed or missing step in the frame,
  // fused with the measurement update that precedes it:
  //
  //   P ← T̃ (P − s M M') T̃' + (the dummy blocks' disturbance variances),
  //   a ← T̃ a,   then k ← k + 1,
  //
  // with s = 1/F_* after an observation (M = P z̃) and s = 0 after a missing
  // one (then the rank-one term is skipped, not multiplied by zero).  T̃ is
  // T in the frame: the rotations are the identity, a dummy block rewrites
  // one row and column (see above), a level + trend block adds its second
  // row and column to its first.  One pass over the columns of P does the
  // rank-one update, the level + trend rows (one addition in each column)
  // and the column sums σ of the first dummy block; then the level + trend
  // columns and each dummy block's new row and column follow.  P is ld x m
  // (ld ≥ m a multiple of 4, the rows beyond m zero, so every column is a
  // whole number of vector registers); M has length ld with zeros beyond m.
  // The R Q R' entries outside the dummy blocks are the caller's.
  SUMMITCAST_SIMD_CLONES void transition(double* a, Eigen::MatrixXd& P, const double* M, double s) {
    const Eigen::Index ld = P.rows();
    simd::with_column_length(ld, [&](auto L) SUMMITCAST_INLINE_LAMBDA {
      transition_fixed<decltype(L)::value>(a, P.data(), ld, M, s);
    });
  }

  // transition() for P with L rows (L = 0: ld rows, any multiple of 4), to
  // be inlined into a loop of steps compiled for one instruction set.
  template <int L>
  SUMMITCAST_INLINE_IN_CLONES void transition_fixed(double* a, double* p, Eigen::Index ld_any, const double* M, double s) {
    const Eigen::Index m = m_, ld = L > 0 ? L : ld_any;
    double* sigma = sums_.data();
    const Eigen::Index d0 = dummies_.empty() ? m : dummies_[0].start;
    const Eigen::Index d1 = dummies_.empty() ? m : d0 + dummies_[0].size;
    if (s != 0.0)
      column_pass<L, true>(p, m, ld, M, s, d0, d1, sigma);
    else
      column_pass<L, false>(p, m, ld, M, s, d0, d1, sigma);
    // Level + trend: column b += column b + 1, then row b += row b + 1 (the
    // two commute; in this order the whole columns are read before the
    // row's single entries are written, so no vector load waits for a
    // scalar store to reach the cache).
    for (Eigen::Index b : trends_) {
      double* __restrict to = p + b * ld;
      const double* __restrict from = to + ld;
      for (Eigen::Index r = 0; r < ld; ++r) to[r] += from[r];
      for (Eigen::Index j = 0; j < m; ++j) p[j * ld + b] += p[j * ld + b + 1];
      sigma[b] += sigma[b + 1];  // σ is a sum of columns: the row operation applies to it as well
      a[b] += a[b + 1];
    }
    for (size_t k = 0; k < dummies_.size(); ++k) {
      Dummy& d = dummies_[k];
      if (k > 0) column_sums(p + d.start * ld, ld, d.size, sigma);  // after the earlier blocks' rewrites
      const Eigen::Index q = slot(d, d.size - 1);  // the last state's slot takes the new first state
      a[q] = -sum(a + d.start, d.size);
      const double total = sum(sigma + d.start, d.size);
      for (Eigen::Index r = 0; r < ld; ++r) p[q * ld + r] = -sigma[r];
      for (Eigen::Index j = 0; j < m; ++j) p[j * ld + q] = -sigma[j];
      p[q * ld + q] = total + d.variance;
    }
    advance();  // each block's slot q above used its own offset only, so the relabelling can follow
  }

  // What the specialised pass of standard_pass.hpp needs of the frame: the
  // dummy seasonal blocks and the level + trend blocks (first states), the
  // slot that the next transition gives a dummy block's new first state,
  // and the bookkeeping of transition() after its arithmetic (the dummy
  // blocks' relabelling, z̃ and k; R^k follows where it is used).
  struct DummyBlock {
    Eigen::Index start, size;
    double variance;
  };
  std::vector<DummyBlock> dummy_blocks() const {
    std::vector<DummyBlock> out;
    for (const auto& d : dummies_) out.push_back({d.start, d.size, d.variance});
    return out;
  }
  const std::vector<Eigen::Index>& trend_starts() const { return trends_; }
  Eigen::Index new_first_slot(size_t block) const {
    const Dummy& d = dummies_[block];
    return slot(d, d.size - 1);
  }
  // advance(), that bookkeeping: on a rotation pair z̃ moves by one step's
  // rotation (z'R^{k+1} = (z'R^k) R), and R^k itself is brought up to date
  // only where it is used (sync_powers); on a dummy block each entry of z
  // moves to its state's new slot.
  SUMMITCAST_INLINE_IN_CLONES void advance() {
    for (auto& d : dummies_) d.offset = d.offset == 0 ? d.size - 1 : d.offset - 1;
    for (const auto& q : rotations_) turn(row_[q.start], row_[q.start + 1], q.c, q.s);
    move_dummy_slots();
    ++pending_;
    ++steps_;
  }

  // True when transition() can run the blocks that are not framed: each is
  // an identity or a level + trend block.
  static bool fusable(const BlockTransition& bt) {
    for (const auto& b : bt.blocks())
      if (b.kind == BlockTransition::Kind::dense) return false;
    return true;
  }

  // The rotation blocks of G only (R^k on each pair): x ← G x, or G'x when
  // transposed.
  void rotate(double* x, bool transposed = false) {
    sync_powers();
    for (const auto& q : rotations_) turn(x[q.start], x[q.start + 1], q.C, transposed ? q.S : -q.S);
  }

  // The same on a symmetric P (m columns, P.rows() ≥ m rows, the rows
  // beyond m zero): P ← G P G', or G'P G when transposed.
  void rotate(Eigen::MatrixXd& P, bool transposed = false) {
    sync_powers();
    const Eigen::Index m = m_, ld = P.rows();
    double* p = P.data();
    for (const auto& q : rotations_) {  // rows
      const double S = transposed ? q.S : -q.S;
      for (Eigen::Index j = 0; j < m; ++j) turn(p[j * ld + q.start], p[j * ld + q.start + 1], q.C, S);
    }
    for (const auto& q : rotations_) {  // columns
      const double S = transposed ? q.S : -q.S;
      double* u = p + q.start * ld;
      double* w = u + ld;
      for (Eigen::Index r = 0; r < m; ++r) turn(u[r], w[r], q.C, S);
    }
  }

  // R^k → R^{k+1} on the rotations alone (z̃ and k as they are), for a
  // caller that moves the frame itself (the backward pass of score.hpp).
  void advance_rotations() {
    sync_powers();
    for (auto& q : rotations_) turn(q.C, q.S, q.c, q.s);
  }

  // x ← G x for a vector of length m.
  void to_true(double* x) {
    rotate(x);  // brings R^k up to date
    if (dummies_.empty()) return;
    for (Eigen::Index k = 0; k < m_; ++k) sums_[k] = x[k];
    fill_permutation();
    for (Eigen::Index k = 0; k < m_; ++k) x[k] = sums_[perm_[static_cast<size_t>(k)]];
  }

  // z'P z for the P of the frame (the variance of the observation's signal:
  // the same number in the frame and in the true coordinates, z'G P̃ G'z =
  // z̃'P̃ z̃), from the nonzero entries of z̃.
  double observed_variance(const Eigen::MatrixXd& P) {
    const Eigen::Index ld = P.rows();
    if (sums_.size() < ld) sums_.resize(ld);
    double* w = sums_.data();  // w = P z̃, a whole column at a time (contiguous, so the loop vectorises)
    for (Eigen::Index r = 0; r < ld; ++r) w[r] = 0.0;
    for (Eigen::Index k : row_nonzero_) {
      const double zk = row_[k];
      const double* __restrict c = P.data() + k * ld;
      for (Eigen::Index r = 0; r < ld; ++r) w[r] += zk * c[r];
    }
    double total = 0.0;
    for (Eigen::Index l : row_nonzero_) total += row_[l] * w[l];
    return total;
  }

  // P ← G P G' (column-major, in place; P as for rotate), then G = I.
  void anchor(Eigen::MatrixXd& P, double* a) {
    const Eigen::Index m = m_;
    rotate(P);
    if (!dummies_.empty()) {  // the permutation: P_true(i, j) = P(perm i, perm j)
      fill_permutation();
      scratch_.resize(P.rows(), m);
      for (Eigen::Index j = 0; j < m; ++j) {  // whole columns, then the dummy blocks' rows
        const Eigen::Index from = perm_[static_cast<size_t>(j)];
        scratch_.col(j) = P.col(from);
        for (const auto& d : dummies_)
          for (Eigen::Index i = d.start; i < d.start + d.size; ++i) scratch_(i, j) = P(perm_[static_cast<size_t>(i)], from);
      }
      P.swap(scratch_);
    }
    to_true(a);
    reset();
  }

 private:
  struct Rotation {
    Eigen::Index start;
    double c, s;  // one step's rotation
    double C, S;  // R^k
  };
  struct Dummy {
    Eigen::Index start, size, offset;
    double variance;  // R Q R' at the block's first state
  };

  // (x0, x1) ← (c x0 − s x1, s x0 + c x1): the pair turned by the angle
  // whose cosine and sine are (c, s).  Every 2 x 2 rotation of the frame is
  // one: G x on a pair is the turn by (C, −S), z'R^k by (C, S), and the
  // product of two rotations (R^k R) the turn of (C, S) by (c, s).  c and
  // s are taken by value, so a pair may be turned by itself (squaring).
  static void turn(double& x0, double& x1, double c, double s) {
    const double y0 = c * x0 - s * x1, y1 = s * x0 + c * x1;
    x0 = y0;
    x1 = y1;
  }

  // R^k ← R^k R^j for the j = pending_ steps advance() made since R^k was
  // last brought up to date, R^j by repeated squaring (⌈log₂ j⌉ products of
  // rotations, so R^k carries less rounding than a product per step).
  void sync_powers() {
    if (pending_ == 0) return;
    for (auto& q : rotations_) {
      double pc = 1.0, ps = 0.0, bc = q.c, bs = q.s;  // R^j = (pc, ps), by the bits of j from the lowest
      for (Eigen::Index j = pending_; j > 0; j >>= 1) {
        if (j & 1) turn(pc, ps, bc, bs);
        turn(bc, bs, bc, bs);  // the rotation by twice the angle
      }
      turn(q.C, q.S, pc, ps);
    }
    pending_ = 0;
  }

  // Where logical state j of a dummy block is stored.
  static Eigen::Index slot(const Dummy& d, Eigen::Index j) {
    const Eigen::Index k = j + d.offset;
    return d.start + (k < d.size ? k : k - d.size);
  }

  void fill_permutation() {
    for (Eigen::Index k = 0; k < m_; ++k) perm_[static_cast<size_t>(k)] = k;
    for (const auto& d : dummies_) {
      const Eigen::Index split = d.size - d.offset;
      for (Eigen::Index j = 0; j < d.size; ++j)
        perm_[static_cast<size_t>(d.start + j)] = d.start + (j < split ? j + d.offset : j - split);
    }
  }

  // x[0] + … + x[k − 1] with four partial sums (no serial chain of additions).
  static double sum(const double* x, Eigen::Index k) {
    double s[4] = {0.0, 0.0, 0.0, 0.0};
    Eigen::Index i = 0;
    for (; i + 4 <= k; i += 4)
      for (int l = 0; l < 4; ++l) s[l] += x[i + l];
    for (; i < k; ++i) s[0] += x[i];
    return (s[0] + s[1]) + (s[2] + s[3]);
  }

  // The entries of z on dummy blocks to their states' slots at the current
  // offsets.
  SUMMITCAST_INLINE_IN_CLONES void move_dummy_slots() {
    for (size_t j : dummy_entries_) row_[row_nonzero_[j]] = 0.0;  // clear the old slots first: an old and a new one may coincide
    for (size_t j : dummy_entries_) {
      const Dummy& block = dummies_[static_cast<size_t>(pattern_dummy_[j])];
      const Eigen::Index k = pattern_[j];
      row_nonzero_[j] = slot(block, k - block.start);
      row_[row_nonzero_[j]] = z_[static_cast<size_t>(k)];
    }
  }

  // The column pass of transition(): column j ← column j − s M_j M for every
  // j < m (when Update; a missing step has no rank-one term), and σ ← the
  // sum of the (updated) columns [d0, d1).  For L > 0 rows M and σ are
  // L / 4 vectors of four doubles held in registers, the sum
  // over the dummy block's columns in two interleaved partial sums (half the
  // chain of dependent additions); L = 0 is the same loop for any ld.
  template <int L, bool Update>
  SUMMITCAST_INLINE_IN_CLONES static void column_pass(double* p, Eigen::Index m, Eigen::Index ld, const double* M, double s,
                                                      Eigen::Index d0, Eigen::Index d1, double* sigma) {
    if constexpr (L == 0) {
      for (Eigen::Index r = 0; r < ld; ++r) sigma[r] = 0.0;
      for (Eigen::Index j = 0; j < m; ++j) {
        double* __restrict c = p + j * ld;
        if constexpr (Update) {
          const double sm = s * M[j];
          for (Eigen::Index r = 0; r < ld; ++r) c[r] -= sm * M[r];
        }
        if (j >= d0 && j < d1)
          for (Eigen::Index r = 0; r < ld; ++r) sigma[r] += c[r];
      }
    } else {
      using Vec = simd::v4d;
      constexpr int V = L / 4;
      Vec mv[V], even[V], odd[V];
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) {
        if constexpr (Update) mv[v] = reinterpret_cast<const Vec*>(M)[v];
        even[v] = odd[v] = Vec{};
      }
      // column j ← column j − s M_j M, and acc += the new column (from the
      // registers, not reloaded from memory)
      auto update = [&](Eigen::Index j, Vec* acc) SUMMITCAST_INLINE_LAMBDA {
        Vec* __restrict c = reinterpret_cast<Vec*>(p + j * L);
        const double sm = s * M[j];
#pragma GCC unroll 8
        for (int v = 0; v < V; ++v) {
          Vec x = c[v];
          if constexpr (Update) {
            x = x - sm * mv[v];
            c[v] = x;
          }
          if (acc != nullptr) acc[v] += x;
        }
      };
      Eigen::Index j = 0;
      if constexpr (Update)
        for (; j < d0; ++j) update(j, nullptr);
      j = d0;
      for (; j + 1 < d1; j += 2) {
        update(j, even);
        update(j + 1, odd);
      }
      if (j < d1) update(j++, even);
      if constexpr (Update)
        for (; j < m; ++j) update(j, nullptr);
#pragma GCC unroll 8
      for (int v = 0; v < V; ++v) reinterpret_cast<Vec*>(sigma)[v] = even[v] + odd[v];
    }
  }

  // out ← the sum of the k columns of length ld (a multiple of 4) at col,
  // four rows at a time (the partial sums stay in one vector register, no
  // serial chain).
  static void column_sums(const double* col, Eigen::Index ld, Eigen::Index k, double* out) {
    for (Eigen::Index r = 0; r < ld; r += 4) {
      double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
      for (Eigen::Index j = 0; j < k; ++j) {
        const double* c = col + j * ld + r;
        s0 += c[0];
        s1 += c[1];
        s2 += c[2];
        s3 += c[3];
      }
      out[r] = s0;
      out[r + 1] = s1;
      out[r + 2] = s2;
      out[r + 3] = s3;
    }
  }

  Eigen::Index m_ = 0;
  std::vector<double> z_;
  std::vector<Eigen::Index> pattern_;
  std::vector<int> pattern_dummy_;  // the dummy block of each pattern entry, or -1
  std::vector<size_t> dummy_entries_;  // the pattern entries on dummy blocks
  std::vector<Rotation> rotations_;
  std::vector<Dummy> dummies_;
  std::vector<Eigen::Index> trends_;  // first states of the level + trend blocks
  std::vector<Eigen::Index> perm_;
  Eigen::MatrixXd scratch_;
  Eigen::VectorXd sums_;
  Eigen::VectorXd row_;                    // z̃ (see row())
  std::vector<Eigen::Index> row_nonzero_;  // the slot of each pattern entry
  Eigen::Index steps_ = 0;
  Eigen::Index pending_ = 0;  // steps advance() made that R^k (Rotation::C, S) does not include yet
};

}  // namespace summitcast::statespace
