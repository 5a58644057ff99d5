// Ordered logit and ordered probit (cumulative-link) regression.
//
// A latent y* = eta + e, e ~ F (logistic or normal), is cut at K - 1 ordered
// cut-points c_1 < ... < c_{K-1}; level k in {0, ..., K - 1} is observed when
// c_k < y* <= c_{k+1} (c_0 = -inf, c_K = +inf), so
//   P(y = k) = F(c_{k+1} - eta) - F(c_k - eta),  eta_i = offset_i + x_i' beta.
// There is no intercept: it is absorbed by the cut-points.
//
// Parameters theta = (beta_1..beta_p, r_1..r_{K-1}) with the cut-points
// made ordered by c_1 = r_1, c_k = c_{k-1} + exp(r_k); the log Jacobian of
// r -> c is sum_{k >= 2} r_k.  By the chain rule
//   d/dr_1 = sum_j d/dc_j,   d/dr_m = exp(r_m) sum_{j >= m} d/dc_j   (m >= 2).
// With D = F(a) - F(b), a = c_{k+1} - eta, b = c_k - eta:
//   d log D / da = f(a)/D,  d log D / db = -f(b)/D,  d log D / d eta = -(both).
//
// Shapes: X is n x p, y holds n integer codes in 0..K-1 (as doubles),
// offset and weights n entries or empty.  Priors: `prior` on each beta_j,
// `prior_cutpoints` on each c_k (the constrained value).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>

#include "summitcast/bayes/design.hpp"
#include "summitcast/bayes/link_functions.hpp"
#include "summitcast/bayes/log_density.hpp"
#include "summitcast/bayes/priors.hpp"

namespace summitcast::bayes {

// Logistic special case of one interval's log probability and derivatives,
// with a few transcendental calls.  Writing s(x) = 1/(1 + e^{-x}):
//   s(a) - s(b) = s(a) s(-b) (1 - e^{b - a}),
//   d log D / da =  s(-a) / (s(-b) (1 - e^{b - a})),
//   d log D / db = -s(b)  / (s(a)  (1 - e^{b - a})).
// With e = e^{-|x|}: log s(x) = -(max(-x, 0) + log1p(e)), s(x) = 1/(1 + e)
// for x >= 0 and e/(1 + e) otherwise.
struct LogisticPoint {
  double log_s, log_s_neg, s, s_neg;  // log s(x), log s(-x), s(x), s(-x)
  explicit LogisticPoint(double x) {
    const double e = std::exp(-std::abs(x));
    const double l = std::log1p(e);
    log_s = -(std::max(-x, 0.0) + l);
    log_s_neg = -(std::max(x, 0.0) + l);
    s = x >= 0.0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
    s_neg = x >= 0.0 ? e / (1.0 + e) : 1.0 / (1.0 + e);
  }
};

inline double logistic_interval(double a, double b, double* da, double* db) {
  const LogisticPoint pa(a), pb(b);
  const double one_minus = -std::expm1(b - a);  // 1 - e^{b - a} in (0, 1]
  *da = pa.s_neg / (pb.s_neg * one_minus);
  *db = -pb.s / (pa.s * one_minus);
  return pa.log_s + pb.log_s_neg + std::log(one_minus);
}

class OrderedRegression final : public LogDensity {
 public:
  OrderedRegression(Eigen::MatrixXd X, Eigen::VectorXd y, int levels, Link link, Prior prior, Prior prior_cutpoints,
                    Eigen::VectorXd offset = {}, Eigen::VectorXd weights = {})
      : X_(std::move(X)), levels_(levels), link_(link), prior_(prior), prior_cutpoints_(prior_cutpoints) {
    const char* fn = "OrderedRegression";
    const Eigen::Index n = X_.rows();
    if (n == 0) fail_value(fn, "X must have at least one row, got 0");
    if (levels_ < 2) fail_value(fn, "y must have at least 2 levels, got ", levels_);
    check_size(fn, "y", y.size(), n);
    check_all_finite(fn, "X", X_);
    y_.resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double v = y[i];
      if (!(v >= 0.0 && v <= levels_ - 1 && v == std::floor(v)))
        fail_value(fn, "y must be an integer code in [0, ", levels_ - 1, "], got ", v, " at row ", i);
      y_[i] = static_cast<int>(v);
    }
    offset_ = vector_or_fill(fn, "offset", offset, n, 0.0);
    weights_ = vector_or_fill(fn, "weights", weights, n, 1.0);
    check_weights(fn, weights_);
    prior_.validate(fn, "prior");
    prior_cutpoints_.validate(fn, "prior_cutpoints");
  }

  Eigen::Index dim() const override { return X_.cols() + levels_ - 1; }
  int levels() const { return levels_; }

  // Cut-points c from the unconstrained r (size K - 1).
  static Eigen::VectorXd cutpoints(const Eigen::VectorXd& r) {
    Eigen::VectorXd c(r.size());
    for (Eigen::Index k = 0; k < r.size(); ++k) c[k] = k == 0 ? r[0] : c[k - 1] + std::exp(r[k]);
    return c;
  }

  double log_density(const Eigen::VectorXd& theta, Eigen::VectorXd& grad, bool jacobian = true) const override {
    const Eigen::Index p = X_.cols(), m = levels_ - 1;
    const Eigen::VectorXd r = theta.segment(p, m);
    const Eigen::VectorXd c = cutpoints(r);
    Eigen::VectorXd g_eta(X_.rows()), g_c = Eigen::VectorXd::Zero(m);
    double lp = accumulate(theta.head(p), c, &g_eta, &g_c);
    grad.head(p).noalias() = X_.transpose() * g_eta;
    for (Eigen::Index j = 0; j < p; ++j) {
      double d = 0.0;
      lp += prior_.lpdf(theta[j], &d);
      grad[j] += d;
    }
    for (Eigen::Index k = 0; k < m; ++k) {
      double d = 0.0;
      lp += prior_cutpoints_.lpdf(c[k], &d);
      g_c[k] += d;
    }
    // Chain rule to r through the suffix sums of dlp/dc.
    double suffix = 0.0;
    for (Eigen::Index k = m - 1; k >= 1; --k) {
      suffix += g_c[k];
      grad[p + k] = std::exp(r[k]) * suffix + (jacobian ? 1.0 : 0.0);
      if (jacobian) lp += r[k];
    }
    grad[p] = suffix + g_c[0];
    return lp;
  }

  double log_likelihood(const Eigen::VectorXd& theta) const override {
    const Eigen::Index p = X_.cols();
    return accumulate(theta.head(p), cutpoints(theta.segment(p, levels_ - 1)), nullptr, nullptr);
  }

 private:
  // Sum of w_i log P(y_i); optionally d/d eta_i (weighted) and d/d c.
  double accumulate(const Eigen::VectorXd& beta, const Eigen::VectorXd& c, Eigen::VectorXd* g_eta,
                    Eigen::VectorXd* g_c) const {
    Eigen::VectorXd eta = offset_;
    eta.noalias() += X_ * beta;
    const int top = levels_ - 1;
    double lp = 0.0;
    for (Eigen::Index i = 0; i < eta.size(); ++i) {
      const int k = y_[i];
      const double w = weights_[i];
      double li = 0.0, de = 0.0;
      const bool logistic = link_ == Link::logit;
      if (k == 0) {  // P = F(c_1 - eta); d log F(a) / da = f(a)/F(a) (= s(-a) for the logit)
        const double a = c[0] - eta[i];
        double ra = 0.0;
        if (logistic) {
          const LogisticPoint pa(a);
          li = pa.log_s;
          ra = pa.s_neg;
        } else {
          li = log_cdf(link_, a);
          ra = std::exp(log_pdf(link_, a) - li);
        }
        de = -ra;
        if (g_c) (*g_c)[0] += w * ra;
      } else if (k == top) {  // P = F(eta - c_{K-1})
        const double b = eta[i] - c[top - 1];
        double rb = 0.0;
        if (logistic) {
          const LogisticPoint pb(b);
          li = pb.log_s;
          rb = pb.s_neg;
        } else {
          li = log_cdf(link_, b);
          rb = std::exp(log_pdf(link_, b) - li);
        }
        de = rb;
        if (g_c) (*g_c)[top - 1] -= w * rb;
      } else {  // P = F(c_{k+1} - eta) - F(c_k - eta)
        const double a = c[k] - eta[i], b = c[k - 1] - eta[i];
        double da = 0.0, db = 0.0;
        if (logistic) {
          li = logistic_interval(a, b, &da, &db);
        } else {
          li = log_cdf_diff(link_, a, b);
          da = std::exp(log_pdf(link_, a) - li);
          db = -std::exp(log_pdf(link_, b) - li);
        }
        de = -(da + db);
        if (g_c) {
          (*g_c)[k] += w * da;
          (*g_c)[k - 1] += w * db;
        }
      }
      lp += w * li;
      if (g_eta) (*g_eta)[i] = w * de;
    }
    return lp;
  }

  Eigen::MatrixXd X_;
  Eigen::VectorXi y_;
  int levels_;
  Link link_;
  Prior prior_, prior_cutpoints_;
  Eigen::VectorXd offset_, weights_;
};

}  // namespace summitcast::bayes
