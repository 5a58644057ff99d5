// Helpers shared by the test suites: relative comparison of numbers and
// matrices with a message that shows both sides.
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cmath>

namespace summitcast::testing {

inline double relative_error(double a, double b) {
  return std::abs(a - b) / std::max({1.0, std::abs(a), std::abs(b)});
}

// Largest |a_ij − b_ij| relative to max(1, max |b|).
template <class A, class B>
double matrix_error(const A& a, const B& b) {
  BOOST_REQUIRE_EQUAL(a.rows(), b.rows());
  BOOST_REQUIRE_EQUAL(a.cols(), b.cols());
  if (a.size() == 0) return 0.0;
  return (a - b).cwiseAbs().maxCoeff() / std::max(1.0, b.cwiseAbs().maxCoeff());
}

}  // namespace summitcast::testing

#define SUMMITCAST_CHECK_CLOSE(a, b, tol)                                                         \
  BOOST_CHECK_MESSAGE(summitcast::testing::relative_error((a), (b)) <= (tol),                     \
                      #a " = " << (a) << " vs " #b " = " << (b) << " (relative error "            \
                               << summitcast::testing::relative_error((a), (b)) << " > " << (tol) << ")")

#define SUMMITCAST_CHECK_MATRIX(a, b, tol)                                                        \
  BOOST_CHECK_MESSAGE(summitcast::testing::matrix_error((a), (b)) <= (tol),                       \
                      #a " vs " #b ": relative error " << summitcast::testing::matrix_error((a), (b)) \
                                                        << " > " << (tol))
