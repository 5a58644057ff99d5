// Validation helpers shared by the regression models: every array a model is
// built from is checked once, with the argument named in the error.
#pragma once

#include <Eigen/Dense>

#include "summitcast/core/errors.hpp"

namespace summitcast::bayes {

inline void check_all_finite(const char* function, const char* name, const Eigen::MatrixXd& a) {
  for (Eigen::Index j = 0; j < a.cols(); ++j)
    for (Eigen::Index i = 0; i < a.rows(); ++i)
      if (!std::isfinite(a(i, j))) {
        if (a.cols() == 1) fail_value(function, name, " must be finite, got ", a(i, j), " at row ", i);
        fail_value(function, name, " must be finite, got ", a(i, j), " at row ", i, ", column ", j);
      }
}

// Optional per-observation vector: empty means "all equal to `fill`".
inline Eigen::VectorXd vector_or_fill(const char* function, const char* name, const Eigen::VectorXd& v,
                                      Eigen::Index n, double fill) {
  if (v.size() == 0) return Eigen::VectorXd::Constant(n, fill);
  check_size(function, name, v.size(), n);
  check_all_finite(function, name, v);
  return v;
}

inline void check_weights(const char* function, const Eigen::VectorXd& w) {
  for (Eigen::Index i = 0; i < w.size(); ++i)
    if (!(w[i] >= 0.0)) fail_value(function, "weights must be non-negative, got ", w[i], " at row ", i);
}

}  // namespace summitcast::bayes
