// Warm-up adaptation of the step size and the metric, following Stan's
// scheme (Hoffman & Gelman 2014, section 3.2; Stan Reference Manual, "HMC
// algorithm parameters").
//
// Step size: dual averaging (Nesterov 2009) drives the mean acceptance
// statistic towards delta.  With H_t = delta - alpha_t,
//   s_t     = (1 - 1/(t + t0)) s_{t-1} + H_t / (t + t0)
//   x_t     = mu - sqrt(t) s_t / gamma          (x = log step size)
//   xbar_t  = t^{-kappa} x_t + (1 - t^{-kappa}) xbar_{t-1}
// and the final step size is exp(xbar).  mu = log(10 eps_0) biases the
// search towards larger steps.
//
// Metric: warm-up is split into a fast initial buffer (step size only), a
// series of slow windows that double in length, in each of which the
// covariance of the draws is estimated and becomes the new inverse metric,
// and a final fast buffer.  The estimate is shrunk towards 1e-3 I:
//   Sigma = n/(n + 5) S + 1e-3 * 5/(n + 5) I.
#pragma once

#include <Eigen/Dense>
#include <cmath>

namespace summitcast::bayes {

struct DualAveraging {
  double delta = 0.8, gamma = 0.05, kappa = 0.75, t0 = 10.0;
  double mu = 0.0, s_bar = 0.0, x_bar = 0.0;
  long counter = 0;

  void restart(double eps) {
    mu = std::log(10.0 * eps);
    s_bar = 0.0;
    x_bar = 0.0;
    counter = 0;
  }

  // Returns the next step size given the acceptance statistic of the last transition.
  double learn(double accept_stat) {
    ++counter;
    const double alpha = accept_stat > 1.0 ? 1.0 : accept_stat;
    const double t = static_cast<double>(counter);
    const double eta = 1.0 / (t + t0);
    s_bar = (1.0 - eta) * s_bar + eta * (delta - alpha);
    const double x = mu - s_bar * std::sqrt(t) / gamma;
    const double w = std::pow(t, -kappa);
    x_bar = (1.0 - w) * x_bar + w * x;
    return std::exp(x);
  }

  double final_step_size() const { return std::exp(x_bar); }
};

// Welford running mean and (co)variance of the draws in one slow window.
class CovarianceEstimator {
 public:
  CovarianceEstimator(Eigen::Index d, bool dense) : dense_(dense), mean_(Eigen::VectorXd::Zero(d)) {
    if (dense_) m2_dense_ = Eigen::MatrixXd::Zero(d, d);
    else m2_diag_ = Eigen::VectorXd::Zero(d);
  }

  void restart() {
    n_ = 0;
    mean_.setZero();
    if (dense_) m2_dense_.setZero();
    else m2_diag_.setZero();
  }

  void add(const Eigen::VectorXd& q) {
    ++n_;
    const Eigen::VectorXd delta = q - mean_;
    mean_ += delta / static_cast<double>(n_);
    if (dense_) m2_dense_.noalias() += (q - mean_) * delta.transpose();
    else m2_diag_.array() += (q - mean_).array() * delta.array();
  }

  long count() const { return n_; }

  // Regularised sample variance (diagonal) / covariance (dense).
  Eigen::VectorXd regularised_variance() const {
    const double n = static_cast<double>(n_);
    Eigen::VectorXd v = m2_diag_ / (n - 1.0);
    return (n / (n + 5.0)) * v.array() + 1e-3 * (5.0 / (n + 5.0));
  }
  Eigen::MatrixXd regularised_covariance() const {
    const double n = static_cast<double>(n_);
    Eigen::MatrixXd c = m2_dense_ / (n - 1.0);
    c = 0.5 * (c + c.transpose()).eval();
    c *= n / (n + 5.0);
    c.diagonal().array() += 1e-3 * (5.0 / (n + 5.0));
    return c;
  }

 private:
  bool dense_;
  long n_ = 0;
  Eigen::VectorXd mean_, m2_diag_;
  Eigen::MatrixXd m2_dense_;
};

// The schedule of slow windows over `num_warmup` iterations.
class WindowSchedule {
 public:
  WindowSchedule(long num_warmup, long init_buffer = 75, long term_buffer = 50, long base_window = 25)
      : num_warmup_(num_warmup), init_buffer_(init_buffer), term_buffer_(term_buffer), base_window_(base_window) {
    if (num_warmup < 20) {  // too short to estimate a metric: step size only
      enabled_ = false;
      return;
    }
    if (init_buffer_ + base_window_ + term_buffer_ > num_warmup) {
      init_buffer_ = static_cast<long>(0.15 * num_warmup);
      term_buffer_ = static_cast<long>(0.1 * num_warmup);
      base_window_ = num_warmup - (init_buffer_ + term_buffer_);
    }
    window_size_ = base_window_;
    next_window_end_ = init_buffer_ + window_size_ - 1;
  }

  bool enabled() const { return enabled_; }

  // Is warm-up iteration `counter` (0-based) inside a slow window?
  bool in_window() const {
    return enabled_ && counter_ >= init_buffer_ && counter_ < num_warmup_ - term_buffer_ && counter_ != num_warmup_;
  }
  // Does the current slow window end at this iteration?
  bool window_ends() const { return enabled_ && counter_ == next_window_end_ && counter_ != num_warmup_; }

  // Advance to the next iteration; call after in_window()/window_ends().
  void step(bool window_ended) {
    if (window_ended) compute_next_window();
    ++counter_;
  }

 private:
  void compute_next_window() {
    const long last = num_warmup_ - term_buffer_ - 1;
    if (next_window_end_ == last) return;
    window_size_ *= 2;
    next_window_end_ = counter_ + window_size_;
    // If the window after this one would not fit before the final buffer,
    // stretch this one to the start of the final buffer.
    if (next_window_end_ != last) {
      const long next_boundary = next_window_end_ + 2 * window_size_;
      if (next_boundary >= num_warmup_ - term_buffer_) next_window_end_ = last;
    }
  }

  long num_warmup_, init_buffer_, term_buffer_, base_window_;
  long window_size_ = 0, next_window_end_ = -1, counter_ = 0;
  bool enabled_ = true;
};

}  // namespace summitcast::bayes
