// Transition matrices made of small blocks along the diagonal, applied in
// place in O(m²) instead of the O(m³) of a dense product.
//
// The transitions of component models are block-diagonal, and each block is
// one of a few shapes:
//
//   identity        T = I (regression states, a level without trend)
//   level + trend   T = [1 1; 0 1]
//   dummy seasonal  first row all −1, ones on the subdiagonal (s − 1 states)
//   rotation        T = [c s; −s c], c² + s² = 1 (one trigonometric harmonic)
//   dense           anything else (a k x k block applied as a product)
//
// BlockTransition::detect finds the blocks of any square T (the connected
// components of its nonzero pattern along the diagonal) and recognises their
// shapes, so a general system whose T happens to have this structure gets the
// fast path too, and one that has none is one dense block (the dense product).
//
// For symmetric P, T P T' is computed in two in-place passes over the columns
// of P: first every column x ← T x (that is P ← T P), then the columns are
// recombined, column i ← Σ_k T(i, k) column k (P ← P T').  Each block touches
// only its own rows in the first pass and its own columns in the second:
// identity costs nothing, level + trend one addition per entry of one row
// and one column, a dummy seasonal one sum and one shift, a rotation four
// multiplications per entry of its two rows and two columns.  The transposed
// products (T'x, T' N T for the smoother and the score) use the same blocks.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <cstring>
#include <vector>

#include "summitcast/core/simd.hpp"

namespace summitcast::statespace {

class BlockTransition {
 public:
  enum class Kind : unsigned char { identity, level_trend, dummy_seasonal, rotation, dense };
  struct Block {
    Kind kind = Kind::dense;
    Eigen::Index start = 0, size = 0;
    double c = 0.0, s = 0.0;    // rotation
    Eigen::MatrixXd dense;      // dense block (size x size)
  };

  static BlockTransition detect(const Eigen::MatrixXd& T) {
    BlockTransition bt;
    const Eigen::Index m = T.rows();
    bt.m_ = m;
    Eigen::Index start = 0;
    while (start < m) {
      // Grow the block until no nonzero links it to a later row or column.
      Eigen::Index end = start + 1;
      for (Eigen::Index k = start; k < end; ++k)
        for (Eigen::Index j = 0; j < m; ++j)
          if ((T(k, j) != 0.0 || T(j, k) != 0.0) && j >= end) end = j + 1;
      bt.blocks_.push_back(classify(T.block(start, start, end - start, end - start), start));
      if (bt.blocks_.back().kind == Kind::dummy_seasonal) ++bt.dummy_blocks_;
      start = end;
    }
    return bt;
  }

  Eigen::Index m() const { return m_; }
  const std::vector<Block>& blocks() const { return blocks_; }
  // True when every block has a recognised (non-dense) shape.
  bool structured() const {
    for (const auto& b : blocks_)
      if (b.kind == Kind::dense) return false;
    return true;
  }

  // x ← T x (transposed = false) or x ← T'x, for a vector of length m with
  // unit stride.  With in_moving_frame the rotation and dummy seasonal
  // blocks are left alone: the moving frame (moving_frame.hpp) applies them.
  void apply(double* x, bool transposed = false, bool in_moving_frame = false) const {
    for (const auto& b : blocks_)
      if (!(in_moving_frame && moves_with_frame(b))) apply_block(b, x + b.start, transposed);
  }

  // Rotation and dummy seasonal blocks: those the moving frame follows.
  static bool moves_with_frame(const Block& b) { return b.kind == Kind::rotation || b.kind == Kind::dummy_seasonal; }

  // P ← T P T' (transposed = false) or P ← T' P T, for a symmetric m x m
  // column-major P, in place; in_moving_frame as for apply.
  SUMMITCAST_SIMD_CLONES void propagate(Eigen::MatrixXd& P, bool transposed = false, bool in_moving_frame = false) const {
    const Eigen::Index m = m_;
    double* p = P.data();
    if (in_moving_frame) {
      for (const auto& b : blocks_)
        if (!moves_with_frame(b)) rows_times_block(b, p, m, transposed);
      for (const auto& b : blocks_)
        if (!moves_with_frame(b)) combine_columns(b, p, m, transposed);
      return;
    }
    if (!transposed) {
      // The new first row of a dummy seasonal block is minus the sum of its
      // rows; P is still symmetric here, so those sums are sums of columns
      // (contiguous, no serial chain), taken before any pass changes P.
      std::vector<double>& sums = row_sums(m * dummy_blocks_);
      Eigen::Index d = 0;
      for (const auto& b : blocks_)
        if (b.kind == Kind::dummy_seasonal) column_sums(p + b.start * m, m, b.size, sums.data() + m * d++);
    }
    Eigen::Index d = 0;
    for (const auto& b : blocks_)  // P ← T P
      if (!transposed && b.kind == Kind::dummy_seasonal) {
        shift_rows_down(b, p, m, row_sums(0).data() + m * d++);
      } else {
        rows_times_block(b, p, m, transposed);
      }
    for (const auto& b : blocks_) combine_columns(b, p, m, transposed);  // P ← P T'
  }

 private:
  // out ← the sum of the k columns of length m at col.
  static void column_sums(const double* col, Eigen::Index m, Eigen::Index k, double* out) {
    for (Eigen::Index r = 0; r < m; ++r) out[r] = col[r];
    for (Eigen::Index j = 1; j < k; ++j)
      for (Eigen::Index r = 0; r < m; ++r) out[r] += col[j * m + r];
  }

  // The rows pass of a dummy seasonal block given the sums of its rows:
  // in every column the block's rows move down by one, and its first row
  // becomes minus their sum.
  static void shift_rows_down(const Block& b, double* p, Eigen::Index m, const double* sums) {
    const Eigen::Index k = b.size;
    for (Eigen::Index j = 0; j < m; ++j) {
      double* x = p + j * m + b.start;
      for (Eigen::Index i = k - 1; i > 0; --i) x[i] = x[i - 1];
      x[0] = -sums[j];
    }
  }

 private:
  static Block classify(const Eigen::MatrixXd& B, Eigen::Index start) {
    const Eigen::Index k = B.rows();
    Block b;
    b.kind = Kind::dense;
    b.start = start;
    b.size = k;
    if (B.isIdentity(0.0)) {
      b.kind = Kind::identity;
    } else if (k == 2 && B(0, 0) == 1.0 && B(0, 1) == 1.0 && B(1, 0) == 0.0 && B(1, 1) == 1.0) {
      b.kind = Kind::level_trend;
    } else if (k == 2 && B(0, 0) == B(1, 1) && B(0, 1) == -B(1, 0) &&
               std::abs(B(0, 0) * B(0, 0) + B(0, 1) * B(0, 1) - 1.0) < 1e-14) {
      b.kind = Kind::rotation;
      b.c = B(0, 0);
      b.s = B(0, 1);
    } else if (k >= 1 && is_dummy_seasonal(B)) {
      b.kind = Kind::dummy_seasonal;
    } else {
      b.dense = B;
    }
    return b;
  }

  static bool is_dummy_seasonal(const Eigen::MatrixXd& B) {
    const Eigen::Index k = B.rows();
    for (Eigen::Index i = 0; i < k; ++i)
      for (Eigen::Index j = 0; j < k; ++j) {
        const double want = i == 0 ? -1.0 : (j == i - 1 ? 1.0 : 0.0);
        if (B(i, j) != want) return false;
      }
    return true;
  }

  // One block on its slice x[0..size).
  static void apply_block(const Block& b, double* x, bool transposed) {
    const Eigen::Index k = b.size;
    switch (b.kind) {
      case Kind::identity:
        return;
      case Kind::level_trend:
        if (transposed) x[1] += x[0]; else x[0] += x[1];
        return;
      case Kind::rotation: {
        const double s = transposed ? -b.s : b.s, x0 = x[0], x1 = x[1];
        x[0] = b.c * x0 + s * x1;
        x[1] = -s * x0 + b.c * x1;
        return;
      }
      case Kind::dummy_seasonal: {
        if (!transposed) {  // (T x)_0 = −Σ x, (T x)_j = x_{j−1}
          double sum = x[0];
          for (Eigen::Index j = k - 1; j > 0; --j) {  // a loop, not memmove: k is small
            sum += x[j];
            x[j] = x[j - 1];
          }
          x[0] = -sum;
        } else {  // (T'x)_j = x_{j+1} − x_0 (j < k − 1), (T'x)_{k−1} = −x_0
          const double x0 = x[0];
          for (Eigen::Index j = 0; j + 1 < k; ++j) x[j] = x[j + 1] - x0;
          x[k - 1] = -x0;
        }
        return;
      }
      case Kind::dense: {
        Eigen::Map<Eigen::VectorXd> v(x, k);
        Eigen::VectorXd out = transposed ? Eigen::VectorXd(b.dense.transpose() * v) : Eigen::VectorXd(b.dense * v);
        v = out;
        return;
      }
    }
  }

  // Rows start..start+size of the m x m matrix at p ← the block (or its
  // transpose) times those rows: one dispatch per block, a loop over columns.
  static void rows_times_block(const Block& b, double* p, Eigen::Index m, bool transposed) {
    double* row = p + b.start;
    switch (b.kind) {
      case Kind::identity:
        return;
      case Kind::level_trend:
        if (transposed) {
          for (Eigen::Index j = 0; j < m; ++j) row[j * m + 1] += row[j * m];
        } else {
          for (Eigen::Index j = 0; j < m; ++j) row[j * m] += row[j * m + 1];
        }
        return;
      case Kind::rotation: {
        const double c = b.c, s = transposed ? -b.s : b.s;
        for (Eigen::Index j = 0; j < m; ++j) {
          double* x = row + j * m;
          const double x0 = x[0], x1 = x[1];
          x[0] = c * x0 + s * x1;
          x[1] = -s * x0 + c * x1;
        }
        return;
      }
      default:
        for (Eigen::Index j = 0; j < m; ++j) apply_block(b, row + j * m, transposed);
        return;
    }
  }

  // Columns start..start+size of the m x m matrix at p ← those columns times
  // the block's transpose (or the block itself when transposed).
  static void combine_columns(const Block& b, double* p, Eigen::Index m, bool transposed) {
    const Eigen::Index k = b.size;
    double* col = p + b.start * m;
    switch (b.kind) {
      case Kind::identity:
        return;
      case Kind::level_trend: {  // P T': column 0 += column 1; P T: column 1 += column 0
        double* to = transposed ? col + m : col;
        const double* from = transposed ? col : col + m;
        for (Eigen::Index r = 0; r < m; ++r) to[r] += from[r];
        return;
      }
      case Kind::rotation: {
        const double s = transposed ? -b.s : b.s;
        double* a = col;
        double* c1 = col + m;
        for (Eigen::Index r = 0; r < m; ++r) {
          const double x0 = a[r], x1 = c1[r];
          a[r] = b.c * x0 + s * x1;
          c1[r] = -s * x0 + b.c * x1;
        }
        return;
      }
      case Kind::dummy_seasonal: {
        if (!transposed) {  // new column 0 = −Σ columns; new column j = old column j − 1
          std::vector<double>& sum = scratch(m);
          for (Eigen::Index r = 0; r < m; ++r) sum[static_cast<std::size_t>(r)] = 0.0;
          for (Eigen::Index j = 0; j < k; ++j)
            for (Eigen::Index r = 0; r < m; ++r) sum[static_cast<std::size_t>(r)] += col[j * m + r];
          std::memmove(col + m, col, static_cast<std::size_t>((k - 1) * m) * sizeof(double));
          for (Eigen::Index r = 0; r < m; ++r) col[r] = -sum[static_cast<std::size_t>(r)];
        } else {  // new column j = old column j + 1 − old column 0; new column k − 1 = −old column 0
          std::vector<double>& first = scratch(m);
          for (Eigen::Index r = 0; r < m; ++r) first[static_cast<std::size_t>(r)] = col[r];
          std::memmove(col, col + m, static_cast<std::size_t>((k - 1) * m) * sizeof(double));
          for (Eigen::Index j = 0; j + 1 < k; ++j)
            for (Eigen::Index r = 0; r < m; ++r) col[j * m + r] -= first[static_cast<std::size_t>(r)];
          for (Eigen::Index r = 0; r < m; ++r) col[(k - 1) * m + r] = -first[static_cast<std::size_t>(r)];
        }
        return;
      }
      case Kind::dense: {
        Eigen::Map<Eigen::MatrixXd> cols(col, m, k);
        Eigen::MatrixXd out = transposed ? Eigen::MatrixXd(cols * b.dense) : Eigen::MatrixXd(cols * b.dense.transpose());
        cols = out;
        return;
      }
    }
  }

  // Per-thread scratch of length m (no allocation per step).
  static std::vector<double>& scratch(Eigen::Index m) {
    thread_local std::vector<double> buffer;
    if (static_cast<Eigen::Index>(buffer.size()) < m) buffer.resize(static_cast<std::size_t>(m));
    return buffer;
  }

  static std::vector<double>& row_sums(Eigen::Index size) {
    thread_local std::vector<double> buffer;
    if (static_cast<Eigen::Index>(buffer.size()) < size) buffer.resize(static_cast<size_t>(size));
    return buffer;
  }

  Eigen::Index m_ = 0;
  Eigen::Index dummy_blocks_ = 0;  // blocks of kind dummy_seasonal
  std::vector<Block> blocks_;
};

}  // namespace summitcast::statespace
