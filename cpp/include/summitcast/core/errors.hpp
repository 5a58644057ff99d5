// Typed errors of the C++ core and the argument checks that raise them.
//
// Every public entry point validates its inputs with these helpers, so a bad
// argument never reaches undefined behaviour.  The message always names the
// function, the argument and the offending value, in the style
// "kalman_filter: sigma2 must be positive, got -1".
#pragma once

#include <Eigen/Eigenvalues>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>

namespace summitcast {

// A bad value for an argument (surfaces in Python as ValueError).
class ValueError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// An argument of the wrong kind or shape (surfaces in Python as TypeError).
class TypeError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

// A numerical procedure that could not proceed (e.g. a covariance that is not
// positive definite); surfaces in Python as summitcast.NumericalError.
class NumericalError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
template <class... Parts>
std::string concat(const Parts&... parts) {
  std::ostringstream out;
  out.precision(17);
  (out << ... << parts);
  return out.str();
}
}  // namespace detail

template <class... Parts>
[[noreturn]] void fail_value(const char* function, const Parts&... parts) {
  throw ValueError(detail::concat(function, ": ", parts...));
}

inline void check_finite(const char* function, const char* name, double x) {
  if (!std::isfinite(x)) fail_value(function, name, " must be finite, got ", x);
}

inline void check_positive(const char* function, const char* name, double x) {
  if (!(x > 0.0) || !std::isfinite(x))
    fail_value(function, name, " must be positive and finite, got ", x);
}

inline void check_nonnegative(const char* function, const char* name, double x) {
  if (!(x >= 0.0) || !std::isfinite(x))
    fail_value(function, name, " must be non-negative and finite, got ", x);
}

inline void check_size(const char* function, const char* name, long long actual, long long expected) {
  if (actual != expected)
    fail_value(function, name, " must have size ", expected, ", got ", actual);
}

// A square, symmetric, positive semi-definite matrix (a covariance).  The
// symmetry and eigenvalue tolerances are relative to the largest entry, so
// rounding in a computed covariance passes while a real negative direction
// fails.
template <class Matrix>
void check_covariance(const char* function, const char* name, const Matrix& A) {
  if (A.rows() != A.cols()) fail_value(function, name, " must be square, got ", A.rows(), " x ", A.cols());
  if (A.size() == 0) return;
  if (!A.allFinite()) fail_value(function, name, " must be finite");
  const double scale = A.cwiseAbs().maxCoeff();
  if (scale == 0.0) return;
  const double asym = (A - A.transpose()).cwiseAbs().maxCoeff();
  if (asym > 1e-10 * scale) fail_value(function, name, " must be symmetric, got an asymmetry of ", asym);
  for (Eigen::Index i = 0; i < A.rows(); ++i)
    if (A(i, i) < 0.0) fail_value(function, name, " must have non-negative variances, got ", A(i, i), " at [", i, ",", i, "]");
  const double smallest = Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(A, Eigen::EigenvaluesOnly).eigenvalues()[0];
  if (smallest < -1e-10 * scale)
    fail_value(function, name, " must be positive semi-definite, got the eigenvalue ", smallest);
}

}  // namespace summitcast
