// Temporal aggregation: a high-frequency (say monthly) flow observed directly
// in some periods and only through sums or averages over longer periods (say
// annual totals) in others, as one linear Gaussian state-space model with a
// cumulator state (Harvey 1989, §6.3; Durbin & Koopman 2012, §3.3 on
// aggregated observations).
//
//   flow        x_t = s_t (z'α_t + ε_t),          ε_t ~ N(0, σ²_ε)
//   cumulator   C_t = ψ_t C_{t−1} + w_t x_t,       ψ_t = 0 in the first month of
//                                                  a period, 1 otherwise
//   observed    y_t = [x_t; C_t]  (each element NaN where unknown, no noise)
//
// α_t are the states of a component model (components.hpp: level, trend,
// seasonal, ...) and z its observation row; the irregular ε_t is carried as a
// state so that it enters the sums.  s_t > 0 is a known scale: 1 models x_t
// itself; a smooth path through the series' level makes the variances
// relative (the Python layer explains the choice).  w_t is 1 for sums, 1/L
// for the average of a period of L months, 0 outside every period, so in the
// last month of period j the cumulator equals its aggregate
// A_j = Σ_{t ∈ j} w_t x_t, and the aggregate is observed there.
//
// In the filter's timing (a_{t+1} = T_t a_t + R_t η_t) the augmented state
// a_t = [α_t; ε_t; C_t] moves with
//
//   T_t = | T        0   0       |     R_t = | R       0 |    Q = diag(Q_α, σ²_ε),
//         | 0        0   0       |           | 0       1 |
//         | g z'T    0   ψ_{t+1} |           | g z'R   g |    g = w_{t+1} s_{t+1},
//
// because C_{t+1} = ψ_{t+1} C_t + g (z'(T α_t + R η_t) + ε_{t+1}).  The first
// state is a_1 = A [α_1; ε_1] with A = [I 0; 0 1; g_1 z' g_1], so
// P_1 = A diag(P_α,1, σ²_ε) A' and the diffuse part is A diag(P_∞,1, 0) A'.
// Without an irregular the ε column and row are left out.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include "summitcast/statespace/smoother.hpp"
#include "summitcast/statespace/uc_model.hpp"

namespace summitcast::statespace {

// Where the periods are and how months enter them; one entry per month.
struct AggregationLayout {
  VectorXd scale;                 // s_t > 0
  VectorXd weight;                // w_t >= 0
  std::vector<bool> period_start; // ψ_t = 0 where true (the first month is always a start)

  void validate(const char* fn, Index n) const {
    if (scale.size() != n) fail_value(fn, "scale must have one value per month (", n, "), got ", scale.size());
    if (weight.size() != n) fail_value(fn, "weight must have one value per month (", n, "), got ", weight.size());
    if (static_cast<Index>(period_start.size()) != n)
      fail_value(fn, "period_start must have one value per month (", n, "), got ", period_start.size());
    for (Index t = 0; t < n; ++t) {
      if (!(scale[t] > 0.0) || !std::isfinite(scale[t]))
        fail_value(fn, "scale must be positive and finite, got ", scale[t], " at position ", t);
      if (!(weight[t] >= 0.0) || !std::isfinite(weight[t]))
        fail_value(fn, "weight must be non-negative and finite, got ", weight[t], " at position ", t);
    }
  }
};

// Smoothed flows (and the prediction of months after the data).
struct AggregationSmooth {
  FilterOutput filter;
  SmootherOutput smoother;
  VectorXd mean;      // E(x_t | all data), t = 1..n + horizon
  VectorXd variance;  // Var(x_t | all data)
};

class AggregationModel {
 public:
  // monthly: x_t or NaN; aggregates: A_j in the last month of each period
  // whose aggregate enters, NaN elsewhere.  spec must have no regressors.
  AggregationModel(ComponentSpec spec, VectorXd monthly, VectorXd aggregates, AggregationLayout layout)
      : spec_(std::move(spec)), layout_(std::move(layout)) {
    const char* fn = "TemporalAggregation";
    spec_.validate();
    if (spec_.k_exog != 0) fail_value(fn, "regressors are not supported with temporal aggregation");
    if (!spec_.exact_diffuse) fail_value(fn, "temporal aggregation uses exact diffuse initialisation");
    const Index n = monthly.size();
    if (n < 2) fail_value(fn, "endog must have at least 2 months, got ", n);
    if (aggregates.size() != n)
      fail_value(fn, "aggregates must be laid out on the ", n, " months, got ", aggregates.size());
    layout_.validate(fn, n);
    layout_.period_start[0] = true;
    y_.resize(2, n);
    y_.row(0) = monthly.transpose();
    y_.row(1) = aggregates.transpose();
    for (Index t = 0; t < n; ++t)
      for (Index i = 0; i < 2; ++i) {
        const double v = y_(i, t);
        if (std::isinf(v)) fail_value(fn, i == 0 ? "endog" : "aggregates", " must not contain infinite values");
        if (!std::isnan(v)) ++nobs_;
        if (std::abs(v) > UnobservedComponentsModel::kMaxMagnitude)
          fail_value(fn, "the data have a value of magnitude ", std::abs(v), "; rescale the series");
      }
    if (nobs_ == 0) fail_value(fn, "there is no observation: every month and every aggregate is NaN");
    if (spec_.unused_state()) fail_value(fn, "the model needs a level or a seasonal component");
    const SystemMatrices sys = system_for(start_params(), layout_);  // the filter keeps a reference
    KalmanFilter kf(sys, y_);
    nobs_diffuse_ = kf.run().nobs_diffuse;
    if (kf.final_diffuse())
      fail_value(fn, "the observations do not identify every state of the model (annual totals alone, for "
                     "example, say nothing of a monthly seasonal): give more observed months or a simpler model");
  }

  Index n() const { return y_.cols(); }
  Index nobs() const { return nobs_; }
  // Observations treated as diffuse (the same at every parameter value).
  Index nobs_diffuse() const { return nobs_diffuse_; }
  const ComponentSpec& spec() const { return spec_; }
  Index k_states() const { return spec_.k_states_total() + (spec_.irregular ? 1 : 0) + 1; }

  SystemMatrices system(const VectorXd& params) const { return system_for(params, layout_); }

  double loglike(const VectorXd& params) const {
    const SystemMatrices sys = system(params);  // the filter keeps a reference
    KalmanFilter kf(sys, y_);
    const double ll = kf.run().loglike;
    if (std::isnan(ll)) throw NumericalError("loglike: the log-likelihood is NaN");
    return ll;
  }

  // Each variance a share of the variance of the first differences of the
  // observed x_t / s_t (or of the period means of the aggregates when fewer
  // than two adjacent months are observed).
  VectorXd start_params() const {
    const Index n = y_.cols();
    VectorXd ratio(n);
    Index adjacent = 0;
    for (Index t = 0; t < n; ++t) {
      ratio[t] = y_(0, t) / layout_.scale[t];
      if (t > 0 && !std::isnan(ratio[t]) && !std::isnan(ratio[t - 1])) ++adjacent;
    }
    if (adjacent < 2) {
      // x_t / s_t ≈ A_j / (Σ_{t∈j} w_t s_t), assigned to the period's last month
      ratio.setConstant(std::nan(""));
      double mass = 0.0;
      Index k = 0;
      for (Index t = 0; t < n; ++t) {
        if (layout_.period_start[static_cast<size_t>(t)]) mass = 0.0;
        mass += layout_.weight[t] * layout_.scale[t];
        if (!std::isnan(y_(1, t)) && mass > 0.0) ratio[k++] = y_(1, t) / mass;
      }
      ratio.conservativeResize(k);
    }
    const double var = difference_variance(ratio);
    const int kv = spec_.k_variances();
    return VectorXd::Constant(kv, var / std::max(kv, 1));
  }

  FitResult fit(const VectorXd& start, int max_iterations = 500, double gradient_tol = 1e-7) const {
    check_params("fit", start, true);
    if (max_iterations < 0) fail_value("fit", "maxiter must be >= 0, got ", max_iterations);
    if (!(gradient_tol > 0.0) || !std::isfinite(gradient_tol))
      fail_value("fit", "gtol must be positive and finite, got ", gradient_tol);
    LikelihoodProblem problem;
    problem.loglike = [this](const VectorXd& p) { return loglike(p); };
    problem.k_variances = spec_.k_variances();
    problem.nobs = nobs_;
    return maximize_likelihood(problem, start, max_iterations, gradient_tol);
  }

  MatrixXd hessian(const VectorXd& params) const {
    check_params("hessian", params, false);
    return loglike_hessian([this](const VectorXd& p) { return loglike(p); }, params, spec_.k_variances());
  }

  // Smoothed flows for the data's months and `future_scale.size()` months
  // after them (predictions: no month there is observed or aggregated).
  AggregationSmooth smooth(const VectorXd& params, const VectorXd& future_scale) const {
    check_params("smooth", params, false);
    const Index n = y_.cols(), h = future_scale.size(), total = n + h;
    AggregationLayout layout = layout_;
    layout.scale.conservativeResize(total);
    layout.weight.conservativeResize(total);
    for (Index j = 0; j < h; ++j) {
      layout.scale[n + j] = future_scale[j];
      layout.weight[n + j] = 0.0;
      layout.period_start.push_back(true);
    }
    layout.validate("smooth", total);
    MatrixXd y = MatrixXd::Constant(2, total, std::nan(""));
    y.leftCols(n) = y_;
    const SystemMatrices sys = system_for(params, layout);
    FilterOptions opt;
    opt.store = true;
    KalmanFilter kf(sys, y, opt);
    AggregationSmooth out;
    out.filter = kf.run();
    out.smoother = statespace::smooth(sys, out.filter, true, false);
    const Index ma = sys.m();
    out.mean.resize(total);
    out.variance.resize(total);
    for (Index t = 0; t < total; ++t) {
      const VectorXd g = sys.Z_at(t).row(0).transpose();  // x_t = g'a_t
      out.mean[t] = g.dot(out.smoother.state.col(t));
      const auto V = out.smoother.state_cov.middleCols(t * ma, ma);
      out.variance[t] = std::max(g.dot(V * g), 0.0);
    }
    return out;
  }

 private:
  void check_params(const char* fn, const VectorXd& params, bool positive) const {
    const int kv = spec_.k_variances();
    if (params.size() != kv) fail_value(fn, "params must have length ", kv, ", got ", params.size());
    for (int k = 0; k < kv; ++k) {
      const bool ok = positive ? params[k] > 0.0 : params[k] >= 0.0;
      if (!ok || !std::isfinite(params[k]))
        fail_value(fn, "variance ", spec_.variance_names()[static_cast<size_t>(k)], " must be ",
                   positive ? "positive" : "non-negative", " and finite, got ", params[k]);
    }
  }

  // The augmented, time-varying system described at the top of this file.
  SystemMatrices system_for(const VectorXd& params, const AggregationLayout& layout) const {
    const SystemMatrices base = spec_.build(params, MatrixXd::Zero(1, 0));
    const Index n = layout.scale.size();
    const Index m = base.m(), r = base.r();
    const bool irr = spec_.irregular;
    const Index ke = irr ? 1 : 0, ma = m + ke + 1, ra = r + ke, ic = ma - 1;
    const MatrixXd& T = base.T[0];
    const MatrixXd& R = base.R[0];
    const VectorXd z = base.Z[0].row(0).transpose();
    const VectorXd zT = T.transpose() * z;  // (z'T)'
    const VectorXd zR = R.transpose() * z;  // (z'R)'
    const double sigma2_irregular = irr ? base.H[0](0, 0) : 0.0;

    SystemMatrices sys;
    MatrixXd Q = MatrixXd::Zero(ra, ra);
    Q.topLeftCorner(r, r) = base.Q[0];
    if (irr) Q(r, r) = sigma2_irregular;
    sys.Q = {Q};
    sys.H = {MatrixXd::Zero(2, 2)};
    sys.d = MatrixXd::Zero(2, 1);
    sys.c = MatrixXd::Zero(ma, 1);
    sys.Z.reserve(static_cast<size_t>(n));
    sys.T.reserve(static_cast<size_t>(n));
    sys.R.reserve(static_cast<size_t>(n));
    for (Index t = 0; t < n; ++t) {
      MatrixXd Zt = MatrixXd::Zero(2, ma);
      Zt.row(0).head(m) = layout.scale[t] * z.transpose();
      if (irr) Zt(0, m) = layout.scale[t];
      Zt(1, ic) = 1.0;
      sys.Z.push_back(std::move(Zt));

      const bool last = t + 1 == n;
      const double g = last ? 0.0 : layout.weight[t + 1] * layout.scale[t + 1];
      const double psi = last || layout.period_start[static_cast<size_t>(t + 1)] ? 0.0 : 1.0;
      MatrixXd Tt = MatrixXd::Zero(ma, ma);
      Tt.topLeftCorner(m, m) = T;
      Tt.row(ic).head(m) = g * zT.transpose();
      Tt(ic, ic) = psi;
      sys.T.push_back(std::move(Tt));
      MatrixXd Rt = MatrixXd::Zero(ma, ra);
      Rt.topLeftCorner(m, r) = R;
      Rt.row(ic).head(r) = g * zR.transpose();
      if (irr) {
        Rt(m, r) = 1.0;
        Rt(ic, r) = g;
      }
      sys.R.push_back(std::move(Rt));
    }
    // a_1 = A [α_1; ε_1]
    const double g1 = layout.weight[0] * layout.scale[0];
    MatrixXd A = MatrixXd::Zero(ma, m + ke);
    A.topLeftCorner(m + ke, m + ke).setIdentity();
    A.row(ic).head(m) = g1 * z.transpose();
    if (irr) A(ic, m) = g1;
    MatrixXd P_star = MatrixXd::Zero(m + ke, m + ke), P_inf = MatrixXd::Zero(m + ke, m + ke);
    P_star.topLeftCorner(m, m) = base.P1_star;
    P_inf.topLeftCorner(m, m) = base.P1_inf;
    if (irr) P_star(m, m) = sigma2_irregular;
    sys.a1 = VectorXd::Zero(ma);
    sys.P1_star = A * P_star * A.transpose();
    sys.P1_inf = A * P_inf * A.transpose();
    return sys;
  }

  ComponentSpec spec_;
  AggregationLayout layout_;
  MatrixXd y_;  // 2 x n: the months, the aggregates
  Index nobs_ = 0;
  Index nobs_diffuse_ = 0;
};

}  // namespace summitcast::statespace
