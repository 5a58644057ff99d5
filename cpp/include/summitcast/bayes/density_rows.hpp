// log p(θ) at many parameter vectors at once: the importance weights of a
// Laplace or adaptive-importance fit need the density at thousands of
// proposals, and one call per proposal from Python costs more than the
// density itself.
#pragma once

#include <Eigen/Dense>
#include <algorithm>

#include "summitcast/bayes/log_density.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/parallel.hpp"

namespace summitcast::bayes {

// Rows per block of log_density_rows: a model's log_density_block sees this
// many rows at a time (enough for a matrix product to pay; the blocks, not
// the threads, decide which rows are evaluated together).
inline constexpr Eigen::Index kDensityBlock = 64;

// Row k of the result is log p(thetas.row(k)) (with the Jacobian of the
// unconstraining map when `jacobian`; no gradient is computed), on `threads`
// threads (0 = all).  The rows are cut into fixed blocks of kDensityBlock
// and a block's values depend on that block alone, so the result is the same
// whatever the thread count; the model is immutable and shared by the workers.
inline Eigen::VectorXd log_density_rows(const LogDensity& model, const Eigen::MatrixXd& thetas, bool jacobian,
                                        int threads) {
  check_size("log_density_rows", "thetas columns", thetas.cols(), model.dim());
  const Eigen::Index m = thetas.rows();
  Eigen::VectorXd out(m);
  parallel_for((m + kDensityBlock - 1) / kDensityBlock, threads, [&](Eigen::Index b) {
    const Eigen::Index start = b * kDensityBlock, rows = std::min(kDensityBlock, m - start);
    model.log_density_block(thetas.middleRows(start, rows), jacobian, out.segment(start, rows));
  });
  return out;
}

}  // namespace summitcast::bayes
