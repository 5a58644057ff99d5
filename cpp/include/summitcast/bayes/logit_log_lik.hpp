// The weighted logit log-likelihood at many coefficient vectors at once, the
// inner loop of the logit importance densities
// (BinaryRegression::log_density_block):
//
//   sum_i w_i [y_i eta_ik - log(1 + e^eta_ik)],   eta_ik = x_i' b_k + offset_i + alpha_k,
//   log(1 + e^eta) = max(eta, 0) + log1p(e^-|eta|),
//
// with e^-|eta| in (0, 1] from core/vector_exp.hpp and log1p on [0, 1] from
// core/vector_log.hpp (each within 3 ulps, no library call).  The linear
// predictors are never stored: a tile of 8 rows x 4 coefficient vectors is
// accumulated in registers over the columns (8 independent chains of
// multiply-adds), shifted by the offsets and intercepts, and turned into
// log-likelihood terms at once, so a block of thousands of rows and 64
// vectors stays in the caches.  Compiled for the processor (core/simd.hpp:
// AVX2 + FMA where it has them).  Every sum runs in a fixed order set by
// the data's shape alone (never by the thread that computes it); the value
// differs from a term-by-term sum with the library's exp and log1p in the
// last bits (below 1e-14 relative on the forecaster's hazards).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <vector>

#include "summitcast/core/simd.hpp"
#include "summitcast/core/vector_exp.hpp"
#include "summitcast/core/vector_log.hpp"

namespace summitcast::bayes {

// sum += w (y eta - max(eta, 0) - log1p(e^-|eta|)) lane by lane (weighted_y = w y).
SUMMITCAST_INLINE_IN_CLONES void add_logit_terms(const simd::v4d& eta, const simd::v4d& weight,
                                                 const simd::v4d& weighted_y, simd::v4d& sum) {
  using simd::v4d;
  using simd::v4u;
  constexpr unsigned long long magnitude = 0x7FFFFFFFFFFFFFFFULL;  // clears the sign bit: |x|
  const v4d minus_abs = -reinterpret_cast<v4d>(reinterpret_cast<v4u>(eta) & magnitude);
  v4d t, log_d;
  exp_nonpositive(minus_abs, t);
  log1p_unit(t, log_d);
  const v4d positive = eta > 0.0 ? eta : 0.0;  // max(eta, 0)
  sum += weighted_y * eta - weight * (positive + log_d);
}

// One tile: 8 rows (X with leading dimension ld, cols columns; offset, w, wy
// of those rows) at 4 coefficient vectors (b[d][j * ldb] is coefficient j of
// vector d, alpha[d] its intercept), added into sums[d].
SUMMITCAST_INLINE_IN_CLONES void logit_tile(const double* X, Eigen::Index ld, Eigen::Index cols,
                                            const double* const b[4], Eigen::Index ldb, const double* offset,
                                            const double* w, const double* wy, const double alpha[4],
                                            simd::v4d sums[4]) {
  using simd::v4d;
  v4d acc[4][2] = {};
  for (Eigen::Index j = 0; j < cols; ++j) {
    const v4d& top = *reinterpret_cast<const v4d*>(X + j * ld);
    const v4d& bottom = *reinterpret_cast<const v4d*>(X + j * ld + 4);
    for (int d = 0; d < 4; ++d) {
      const double coefficient = b[d][j * ldb];
      acc[d][0] += top * coefficient;
      acc[d][1] += bottom * coefficient;
    }
  }
  for (int h = 0; h < 2; ++h) {
    const v4d& off = *reinterpret_cast<const v4d*>(offset + 4 * h);
    const v4d& weight = *reinterpret_cast<const v4d*>(w + 4 * h);
    const v4d& weighted_y = *reinterpret_cast<const v4d*>(wy + 4 * h);
    for (int d = 0; d < 4; ++d) add_logit_terms((acc[d][h] + off) + alpha[d], weight, weighted_y, sums[d]);
  }
}

// sums[k] += the log-likelihood of `rows` observations at coefficient vector
// k = 0..m-1.  X: rows x cols, column-major with leading dimension `rows`;
// B: coefficient j of vector k at B[k + j * ldb]; offset, w, wy (w_i y_i):
// `rows` entries; alpha: m intercepts, or nullptr for none.  The last
// rows mod 8 rows are a tile padded with zero rows of zero weight (which
// add 0); a last group of fewer than 4 vectors repeats its first one in
// the unused places and discards their sums.
SUMMITCAST_SIMD_CLONES inline void logit_log_lik_tiles(const double* X, Eigen::Index rows, Eigen::Index cols,
                                                       const double* B, Eigen::Index ldb, Eigen::Index m,
                                                       const double* offset, const double* w, const double* wy,
                                                       const double* alpha, double* sums) {
  using simd::v4d;
  const Eigen::Index full = rows - rows % 8, rest = rows - full;
  std::vector<double> pad(rest > 0 ? static_cast<std::size_t>(8 * (cols + 3)) : 0, 0.0);  // X, offset, w, wy
  double* pad_x = pad.data();
  double* pad_rows = pad.data() + 8 * cols;
  for (Eigen::Index i = 0; i < rest; ++i) {
    for (Eigen::Index j = 0; j < cols; ++j) pad_x[j * 8 + i] = X[j * rows + full + i];
    pad_rows[i] = offset[full + i];
    pad_rows[8 + i] = w[full + i];
    pad_rows[16 + i] = wy[full + i];
  }
  for (Eigen::Index k0 = 0; k0 < m; k0 += 4) {
    const double* b[4];
    double a[4];
    for (int d = 0; d < 4; ++d) {
      const Eigen::Index k = k0 + d < m ? k0 + d : k0;
      b[d] = cols > 0 ? B + k : B;  // no columns: B may be null, and is not read
      a[d] = alpha != nullptr ? alpha[k] : 0.0;
    }
    v4d tile_sums[4] = {};
    for (Eigen::Index i = 0; i < full; i += 8)
      logit_tile(X + i, rows, cols, b, ldb, offset + i, w + i, wy + i, a, tile_sums);
    if (rest > 0) logit_tile(pad_x, 8, cols, b, ldb, pad_rows, pad_rows + 8, pad_rows + 16, a, tile_sums);
    for (int d = 0; d < 4 && k0 + d < m; ++d) sums[k0 + d] += simd::pairwise_lane_sum(tile_sums[d]);
  }
}

}  // namespace summitcast::bayes
