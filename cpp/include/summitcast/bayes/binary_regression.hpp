// Binary regression with a logit or probit link, offsets and frequency
// weights:
//
//   y_i ~ Bernoulli(F(eta_i)),  eta_i = offset_i + alpha + x_i' beta,
//   log p = sum_i w_i log p(y_i | eta_i) + log p(alpha) + sum_j log p(beta_j).
//
// Parameters theta = (alpha, beta_1..beta_p) when the model has an intercept,
// (beta_1..beta_p) otherwise; all unconstrained, so there is no Jacobian.
// The gradient is one pass over the design matrix:
//   d log p / d beta = X' g,  d log p / d alpha = sum_i g_i,
// where g_i = w_i d log p(y_i | eta) / d eta (y_i - F(eta_i) for the logit).
//
// Shapes: X is n x p (column-major), y, offset and weights have n entries
// (offset and weights may be empty: zeros and ones).
#pragma once

#include <Eigen/Dense>
#include <vector>

#include "summitcast/bayes/design.hpp"
#include "summitcast/bayes/link_functions.hpp"
#include "summitcast/bayes/log_density.hpp"
#include "summitcast/bayes/logit_log_lik.hpp"
#include "summitcast/bayes/priors.hpp"
#include "summitcast/bayes/row_layout.hpp"

namespace summitcast::bayes {

class BinaryRegression final : public LogDensity {
 public:
  BinaryRegression(Eigen::MatrixXd X, Eigen::VectorXd y, Link link, bool intercept, Prior prior,
                   Prior prior_intercept, Eigen::VectorXd offset = {}, Eigen::VectorXd weights = {})
      : X_(std::move(X)), y_(std::move(y)), link_(link), intercept_(intercept), prior_(prior),
        prior_intercept_(prior_intercept) {
    const char* fn = "BinaryRegression";
    const Eigen::Index n = X_.rows();
    if (n == 0) fail_value(fn, "X must have at least one row, got 0");
    check_size(fn, "y", y_.size(), n);
    check_all_finite(fn, "X", X_);
    for (Eigen::Index i = 0; i < n; ++i)
      if (!(y_[i] == 0.0 || y_[i] == 1.0)) fail_value(fn, "y must be 0 or 1, got ", y_[i], " at row ", i);
    offset_ = vector_or_fill(fn, "offset", offset, n, 0.0);
    weights_ = vector_or_fill(fn, "weights", weights, n, 1.0);
    check_weights(fn, weights_);
    if ((weights_.array() == 1.0).all()) weights_.resize(0);  // unweighted: skip the products
    prior_.validate(fn, "prior");
    prior_intercept_.validate(fn, "prior_intercept");
    layout_ = RowLayout(X_);
    const Eigen::VectorXd w = weights_.size() > 0 ? weights_ : Eigen::VectorXd::Ones(n);
    for (const RowLayout::Group& g : layout_.groups()) {
      GroupRows rows{offset_(g.rows), w(g.rows), Eigen::VectorXd()};
      rows.wy = rows.w.cwiseProduct(y_(g.rows));
      group_rows_.push_back(std::move(rows));
    }
  }

  Eigen::Index dim() const override { return X_.cols() + (intercept_ ? 1 : 0); }
  Eigen::Index nobs() const { return X_.rows(); }
  bool intercept() const { return intercept_; }

  double log_density(const Eigen::VectorXd& theta, Eigen::VectorXd& grad, bool /*jacobian*/ = true) const override {
    const Eigen::Index k0 = intercept_ ? 1 : 0;
    const Eigen::Index p = X_.cols();
    Eigen::VectorXd g(X_.rows());
    const double log_lik = bernoulli_log_lik_sum(link_, y_, linear_predictor(theta), weights_, &g);
    grad.segment(k0, p).noalias() = X_.transpose() * g;
    if (intercept_) grad[0] = g.sum();
    return add_log_prior(log_lik, theta, &grad);
  }

  // A block of rows: the linear predictors by zero pattern of the design
  // (RowLayout), a logit's log-likelihood by logit_log_lik_tiles (fused
  // with the products, vectorised), the other links' row by row; each row's
  // value differs from log_density's in the last bits only (below 1e-12
  // relative).
  void log_density_block(const Eigen::Ref<const Eigen::MatrixXd>& thetas, bool /*jacobian*/,
                         Eigen::Ref<Eigen::VectorXd> out) const override {
    const Eigen::Index m = thetas.rows();
    Eigen::VectorXd log_lik = Eigen::VectorXd::Zero(m);
    if (link_ == Link::logit) {
      const Eigen::VectorXd alpha = intercept_ ? Eigen::VectorXd(thetas.col(0)) : Eigen::VectorXd();
      Eigen::MatrixXd B;  // m x (the group's columns): its coefficients, column-major
      for (std::size_t g = 0; g < group_rows_.size(); ++g) {
        const RowLayout::Group& group = layout_.groups()[g];
        const GroupRows& rows = group_rows_[g];
        B = thetas.rightCols(X_.cols())(Eigen::all, group.cols);
        logit_log_lik_tiles(group.X.data(), group.X.rows(), group.X.cols(), B.data(), m, m, rows.offset.data(),
                            rows.w.data(), rows.wy.data(), intercept_ ? alpha.data() : nullptr, log_lik.data());
      }
    } else {
      Eigen::MatrixXd eta(X_.rows(), m);  // column k: the linear predictor of row k
      layout_.linear_predictors(thetas.rightCols(X_.cols()), eta);
      eta.colwise() += offset_;
      if (intercept_) eta.rowwise() += thetas.col(0).transpose();
      Eigen::VectorXd column(X_.rows());
      for (Eigen::Index k = 0; k < m; ++k) {
        column = eta.col(k);
        log_lik[k] = bernoulli_log_lik_sum(link_, y_, column, weights_, nullptr);
      }
    }
    for (Eigen::Index k = 0; k < m; ++k) out[k] = add_log_prior(log_lik[k], thetas.row(k).transpose(), nullptr);
  }

  double log_likelihood(const Eigen::VectorXd& theta) const override {
    return bernoulli_log_lik_sum(link_, y_, linear_predictor(theta), weights_, nullptr);
  }

 private:
  // eta = offset + alpha + X beta
  Eigen::VectorXd linear_predictor(const Eigen::VectorXd& theta) const {
    const Eigen::Index k0 = intercept_ ? 1 : 0;
    Eigen::VectorXd eta = offset_.array() + (intercept_ ? theta[0] : 0.0);
    eta.noalias() += X_ * theta.segment(k0, X_.cols());
    return eta;
  }

  // lp + log p(alpha) + sum_j log p(beta_j), added term by term in that order
  // (so log_density and log_density_value agree to the last bit), adding the
  // prior's derivatives to *grad when given.
  double add_log_prior(double lp, const Eigen::VectorXd& theta, Eigen::VectorXd* grad) const {
    const Eigen::Index k0 = intercept_ ? 1 : 0;
    double d = 0.0;
    if (intercept_) {
      lp += prior_intercept_.lpdf(theta[0], &d);
      if (grad != nullptr) (*grad)[0] += d;
    }
    for (Eigen::Index j = 0; j < X_.cols(); ++j) {
      lp += prior_.lpdf(theta[k0 + j], &d);
      if (grad != nullptr) (*grad)[k0 + j] += d;
    }
    return lp;
  }

  Eigen::MatrixXd X_;
  Eigen::VectorXd y_;
  Link link_;
  bool intercept_;
  Prior prior_;
  Prior prior_intercept_;
  Eigen::VectorXd offset_;
  Eigen::VectorXd weights_;

  // offset, weights (ones when unweighted) and w y of each group's rows, in its order
  struct GroupRows {
    Eigen::VectorXd offset, w, wy;
  };
  RowLayout layout_;
  std::vector<GroupRows> group_rows_;
};

}  // namespace summitcast::bayes
