// Prior distributions as small value objects.
//
// Each log density is returned up to an additive constant (the constant does
// not change the posterior, and leaving it out keeps `lp` comparable across
// priors with the same kernel).  `lpdf(x, &d)` also writes d/dx log p(x).
//
// Location-scale priors (coefficients, intercepts, cut-points):
//   Flat            log p = 0                       (improper)
//   Normal(mu, s)   log p = -((x - mu)/s)^2 / 2
//   StudentT(nu, mu, s)
//                   log p = -(nu + 1)/2 log(1 + ((x - mu)/s)^2 / nu)
//   Cauchy(mu, s) = StudentT(1, mu, s)
// Scale priors (standard deviations tau > 0 of group effects):
//   HalfNormal(s)          log p = -(tau/s)^2 / 2
//   HalfStudentT(nu, s)    log p = -(nu + 1)/2 log(1 + (tau/s)^2 / nu)
//   Exponential(rate)      log p = -rate tau
#pragma once

#include <cmath>
#include <string>

#include "summitcast/core/errors.hpp"

namespace summitcast::bayes {

struct Prior {
  enum class Kind { flat, normal, student_t, cauchy };
  Kind kind = Kind::flat;
  double mu = 0.0;
  double sigma = 1.0;
  double nu = 1.0;

  static Prior flat() { return Prior{}; }
  static Prior normal(double mu, double sigma) { return Prior{Kind::normal, mu, sigma, 1.0}; }
  static Prior student_t(double nu, double mu, double sigma) { return Prior{Kind::student_t, mu, sigma, nu}; }
  static Prior cauchy(double mu, double sigma) { return Prior{Kind::cauchy, mu, sigma, 1.0}; }

  bool proper() const { return kind != Kind::flat; }

  void validate(const char* function, const char* name) const {
    if (kind == Kind::flat) return;
    const std::string arg = std::string(name);
    check_finite(function, (arg + ".mu").c_str(), mu);
    check_positive(function, (arg + ".sigma").c_str(), sigma);
    if (kind == Kind::student_t) check_positive(function, (arg + ".nu").c_str(), nu);
  }

  double lpdf(double x, double* dx) const {
    switch (kind) {
      case Kind::flat:
        *dx = 0.0;
        return 0.0;
      case Kind::normal: {
        const double z = (x - mu) / sigma;
        *dx = -z / sigma;
        return -0.5 * z * z;
      }
      case Kind::student_t:
      case Kind::cauchy: {
        const double n = kind == Kind::cauchy ? 1.0 : nu;
        const double r = x - mu;
        *dx = -(n + 1.0) * r / (n * sigma * sigma + r * r);
        return -0.5 * (n + 1.0) * std::log1p(r * r / (n * sigma * sigma));
      }
    }
    *dx = 0.0;
    return 0.0;
  }
};

struct ScalePrior {
  enum class Kind { half_normal, half_student_t, exponential };
  Kind kind = Kind::half_normal;
  double sigma = 1.0;  // scale (half-normal, half-Student-t)
  double nu = 3.0;     // degrees of freedom (half-Student-t)
  double rate = 1.0;   // rate (exponential)

  static ScalePrior half_normal(double sigma) { return ScalePrior{Kind::half_normal, sigma, 3.0, 1.0}; }
  static ScalePrior half_student_t(double nu, double sigma) { return ScalePrior{Kind::half_student_t, sigma, nu, 1.0}; }
  static ScalePrior exponential(double rate) { return ScalePrior{Kind::exponential, 1.0, 3.0, rate}; }

  void validate(const char* function, const char* name) const {
    const std::string arg = std::string(name);
    if (kind == Kind::exponential) {
      check_positive(function, (arg + ".rate").c_str(), rate);
      return;
    }
    check_positive(function, (arg + ".sigma").c_str(), sigma);
    if (kind == Kind::half_student_t) check_positive(function, (arg + ".nu").c_str(), nu);
  }

  // log p(tau) up to a constant, for tau > 0; *dtau = d/dtau.
  double lpdf(double tau, double* dtau) const {
    switch (kind) {
      case Kind::half_normal:
        *dtau = -tau / (sigma * sigma);
        return -0.5 * (tau / sigma) * (tau / sigma);
      case Kind::half_student_t:
        *dtau = -(nu + 1.0) * tau / (nu * sigma * sigma + tau * tau);
        return -0.5 * (nu + 1.0) * std::log1p(tau * tau / (nu * sigma * sigma));
      case Kind::exponential:
        *dtau = -rate;
        return -rate * tau;
    }
    *dtau = 0.0;
    return 0.0;
  }
};

}  // namespace summitcast::bayes
