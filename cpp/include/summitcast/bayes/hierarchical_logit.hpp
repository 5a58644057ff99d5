// Hierarchical (multilevel) binary regression with varying intercepts and
// slopes by group, in the non-centred parameterisation:
//
//   y_i ~ Bernoulli(F(eta_i)),
//   eta_i = offset_i + alpha + x_i' beta + sum_j Z_ij u_{g(i) j},
//   u_{gj} = tau_j z_{gj},   z_{gj} ~ N(0, 1),   tau_j ~ scale prior,
//
// so the group effects u_{.j} ~ N(0, tau_j^2) independently for each varying
// term j (no correlation between a group's intercept and slopes).  Sampling
// z rather than u removes the funnel between tau and u that defeats HMC when
// groups carry little information (Betancourt & Girolami 2015).
//
// Parameters theta = (alpha?, beta (p), log tau (q), z (G x q, group-major:
// z_{gj} at index g q + j)).  With A_{gj} = sum_{i in g} g_i Z_ij, g_i the
// weighted score d log p(y_i) / d eta_i:
//   d/d beta = X' g,   d/d alpha = sum_i g_i,
//   d/d z_{gj} = tau_j A_{gj} - z_{gj},
//   d/d log tau_j = tau_j (sum_g z_{gj} A_{gj} + d log p(tau_j)/d tau_j) + 1,
// the final 1 from the Jacobian of tau = exp(log tau).
//
// Shapes: X n x p; Z n x q (a column of ones for a varying intercept);
// group n codes in 0..G-1 (every group must occur); y, offset, weights n.
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "summitcast/bayes/design.hpp"
#include "summitcast/bayes/link_functions.hpp"
#include "summitcast/bayes/log_density.hpp"
#include "summitcast/bayes/priors.hpp"

namespace summitcast::bayes {

class HierarchicalBinaryRegression final : public LogDensity {
 public:
  HierarchicalBinaryRegression(Eigen::MatrixXd X, Eigen::MatrixXd Z, Eigen::VectorXd y, Eigen::VectorXi group,
                               int n_groups, Link link, bool intercept, Prior prior, Prior prior_intercept,
                               ScalePrior prior_scale, Eigen::VectorXd offset = {}, Eigen::VectorXd weights = {})
      : X_(std::move(X)), Z_(std::move(Z)), y_(std::move(y)), group_(std::move(group)), n_groups_(n_groups),
        link_(link), intercept_(intercept), prior_(prior), prior_intercept_(prior_intercept),
        prior_scale_(prior_scale) {
    const char* fn = "HierarchicalLogit";
    const Eigen::Index n = X_.rows();
    if (n == 0) fail_value(fn, "X must have at least one row, got 0");
    check_size(fn, "y", y_.size(), n);
    check_size(fn, "groups", group_.size(), n);
    check_size(fn, "Z (varying-effects design) rows", Z_.rows(), n);
    if (Z_.cols() < 1) fail_value(fn, "at least one varying term is required");
    if (n_groups_ < 1) fail_value(fn, "groups must have at least one level, got ", n_groups_);
    check_all_finite(fn, "X", X_);
    check_all_finite(fn, "Z", Z_);
    for (Eigen::Index i = 0; i < n; ++i)
      if (!(y_[i] == 0.0 || y_[i] == 1.0)) fail_value(fn, "y must be 0 or 1, got ", y_[i], " at row ", i);
    std::vector<long> count(static_cast<std::size_t>(n_groups_), 0);
    for (Eigen::Index i = 0; i < n; ++i) {
      if (group_[i] < 0 || group_[i] >= n_groups_)
        fail_value(fn, "groups code must be in [0, ", n_groups_ - 1, "], got ", group_[i], " at row ", i);
      ++count[static_cast<std::size_t>(group_[i])];
    }
    for (int g = 0; g < n_groups_; ++g)
      if (count[static_cast<std::size_t>(g)] == 0) fail_value(fn, "groups level ", g, " has no observations");
    offset_ = vector_or_fill(fn, "offset", offset, n, 0.0);
    weights_ = vector_or_fill(fn, "weights", weights, n, 1.0);
    check_weights(fn, weights_);
    if ((weights_.array() == 1.0).all()) weights_.resize(0);  // unweighted: skip the products
    prior_.validate(fn, "prior");
    prior_intercept_.validate(fn, "prior_intercept");
    prior_scale_.validate(fn, "prior_scale");
  }

  Eigen::Index k_fixed() const { return X_.cols() + (intercept_ ? 1 : 0); }
  Eigen::Index k_varying() const { return Z_.cols(); }
  Eigen::Index dim() const override { return k_fixed() + k_varying() * (1 + n_groups_); }

  double log_density(const Eigen::VectorXd& theta, Eigen::VectorXd& grad, bool jacobian = true) const override {
    const Eigen::Index p = X_.cols(), q = Z_.cols(), k0 = intercept_ ? 1 : 0, kf = k_fixed();
    const Eigen::VectorXd log_tau = theta.segment(kf, q);
    const Eigen::VectorXd tau = log_tau.array().exp();
    const Eigen::Map<const Eigen::MatrixXd> z(theta.data() + kf + q, q, n_groups_);  // q x G, column = group
    Eigen::VectorXd g(X_.rows());
    double lp = likelihood(theta, tau, z, &g);
    // Fixed effects.
    grad.segment(k0, p).noalias() = X_.transpose() * g;
    if (intercept_) {
      double d = 0.0;
      lp += prior_intercept_.lpdf(theta[0], &d);
      grad[0] = g.sum() + d;
    }
    for (Eigen::Index j = 0; j < p; ++j) {
      double d = 0.0;
      lp += prior_.lpdf(theta[k0 + j], &d);
      grad[k0 + j] += d;
    }
    // Group effects: A (q x G) collects the scores per group and term.
    Eigen::MatrixXd A = Eigen::MatrixXd::Zero(q, n_groups_);
    for (Eigen::Index j = 0; j < q; ++j) {
      const double* zj = Z_.col(j).data();
      for (Eigen::Index i = 0; i < X_.rows(); ++i) A(j, group_[i]) += g[i] * zj[i];
    }
    Eigen::Map<Eigen::MatrixXd> gz(grad.data() + kf + q, q, n_groups_);
    gz = (A.array().colwise() * tau.array()).matrix() - z;
    lp -= 0.5 * z.squaredNorm();
    for (Eigen::Index j = 0; j < q; ++j) {
      double d = 0.0;
      lp += prior_scale_.lpdf(tau[j], &d);
      grad[kf + j] = tau[j] * (z.row(j).dot(A.row(j)) + d);
      if (jacobian) {
        lp += log_tau[j];
        grad[kf + j] += 1.0;
      }
    }
    return lp;
  }

  double log_likelihood(const Eigen::VectorXd& theta) const override {
    const Eigen::Index q = Z_.cols(), kf = k_fixed();
    const Eigen::VectorXd tau = theta.segment(kf, q).array().exp();
    const Eigen::Map<const Eigen::MatrixXd> z(theta.data() + kf + q, q, n_groups_);
    return likelihood(theta, tau, z, nullptr);
  }

 private:
  double likelihood(const Eigen::VectorXd& theta, const Eigen::VectorXd& tau,
                    const Eigen::Map<const Eigen::MatrixXd>& z, Eigen::VectorXd* g) const {
    const Eigen::Index p = X_.cols(), k0 = intercept_ ? 1 : 0;
    const double alpha = intercept_ ? theta[0] : 0.0;
    const Eigen::MatrixXd u = z.array().colwise() * tau.array();  // q x G group effects
    Eigen::VectorXd eta = offset_.array() + alpha;
    eta.noalias() += X_ * theta.segment(k0, p);
    for (Eigen::Index j = 0; j < u.rows(); ++j) {
      const double* zj = Z_.col(j).data();
      for (Eigen::Index i = 0; i < eta.size(); ++i) eta[i] += zj[i] * u(j, group_[i]);
    }
    return bernoulli_log_lik_sum(link_, y_, eta, weights_, g);
  }

  Eigen::MatrixXd X_, Z_;
  Eigen::VectorXd y_;
  Eigen::VectorXi group_;
  int n_groups_;
  Link link_;
  bool intercept_;
  Prior prior_, prior_intercept_;
  ScalePrior prior_scale_;
  Eigen::VectorXd offset_, weights_;
};

}  // namespace summitcast::bayes
