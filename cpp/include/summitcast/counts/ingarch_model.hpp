// INGARCH count autoregressions in the sense of R's tscount (Liboschik,
// Fokianos & Fried 2017): the conditional mean λ_t of the count Y_t given the
// past follows a linear predictor ν_t with
//
//   ν_t = β0 + Σ_k β_k g(Y_{t−i_k}) + Σ_l α_l ν_{t−j_l} + η'X_t,
//
//   identity link:  λ_t = ν_t,        g(y) = y          (INGARCH, Ferland et al. 2006)
//   log link:       λ_t = exp(ν_t),   g(y) = log(1 + y) (log-linear, Fokianos & Tjøstheim 2011)
//
// where i_1 < … < i_p are the `past_obs` lags, j_1 < … < j_q the `past_mean`
// lags and X_t the covariates, whose effect is "internal" (it feeds back through
// the α terms).  Y_t | past ~ Poisson(λ_t) or NB2(λ_t, α_nb).
//
// Parameter vector θ (natural scale), size k = 1 + p + q + r (+1 for NB):
//   θ = (β0, β_1..β_p, α_1..α_q, η_1..η_r [, α_nb]).
//
// Initialisation of the recursion.  For t ≤ 0 the recursion needs pre-sample
// values of g(Y) and ν.  `Init` selects them (as tscount's init.method):
//   marginal : both set to ν* = β0 / (1 − Σβ − Σα), the stationary mean of the
//              linear predictor of the model without covariates (pre-sample
//              covariates are zero).  ν* depends on θ, and so do the
//              derivatives: ∂ν*/∂β0 = 1/D, ∂ν*/∂β_k = ∂ν*/∂α_l = β0/D², with
//              D = 1 − Σβ − Σα.  This is tscount's default.
//   iid      : both set to β0 (the mean of an i.i.d. model); ∂/∂β0 = 1.
//   firstobs : both set to g(Y_1), independent of θ.
//   zero     : ν = 0 and g(Y) = g(0) = 0.
// With init_drop the first max(past_obs) observations are conditioned on and
// left out of the likelihood (tscount's init.drop = TRUE, and the lagged GLM).
// With `presample_constant` the derivative recursion treats ν* as a constant
// (∂ν*/∂θ = 0): the "plug-in" score of ingarch_fit.hpp.
//
// The score uses the derivative recursion that runs beside ν_t:
//   ∂ν_t/∂θ = e_{β0} + Σ_k [g(Y_{t−i_k}) e_{β_k} + β_k ∂g(Y_{t−i_k})/∂θ]
//             + Σ_l [ν_{t−j_l} e_{α_l} + α_l ∂ν_{t−j_l}/∂θ] + X_t e_η,
// where ∂g(Y_s)/∂θ is zero for observed s and ∂ν*/∂θ for pre-sample s.  Then
//   ∂ℓ/∂θ = Σ_t ∂ log p(Y_t | λ_t)/∂λ · ∂λ_t/∂ν_t · ∂ν_t/∂θ,
// with ∂λ/∂ν = 1 (identity) or λ (log).  One pass costs O(n (p + q) k).
#pragma once

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "summitcast/core/errors.hpp"
#include "summitcast/counts/count_distributions.hpp"

namespace summitcast::counts {

using Eigen::Index;
using Eigen::MatrixXd;
using Eigen::VectorXd;

enum class Link { identity, log };
enum class Init { marginal, iid, firstobs, zero };

struct IngarchSpec {
  std::vector<int> past_obs;   // lags i_1 < … < i_p, each >= 1
  std::vector<int> past_mean;  // lags j_1 < … < j_q, each >= 1
  Index k_exog = 0;            // r, the number of covariates
  Link link = Link::log;
  Family family = Family::poisson;
  Init init = Init::marginal;
  bool init_drop = false;

  Index p() const { return static_cast<Index>(past_obs.size()); }
  Index q() const { return static_cast<Index>(past_mean.size()); }
  Index max_obs_lag() const { return past_obs.empty() ? 0 : past_obs.back(); }
  Index max_mean_lag() const { return past_mean.empty() ? 0 : past_mean.back(); }
  Index k_mean() const { return 1 + p() + q() + k_exog; }
  Index k_params() const { return k_mean() + (family == Family::negbin ? 1 : 0); }

  void validate() const {
    const char* fn = "INGARCH";
    auto check_lags = [&](const std::vector<int>& lags, const char* name) {
      for (std::size_t i = 0; i < lags.size(); ++i) {
        if (lags[i] < 1) fail_value(fn, name, " lags must be positive integers, got ", lags[i]);
        if (i > 0 && lags[i] <= lags[i - 1])
          fail_value(fn, name, " lags must be strictly increasing without repeats, got ", lags[i - 1], " then ",
                     lags[i]);
      }
    };
    check_lags(past_obs, "past_obs");
    check_lags(past_mean, "past_mean");
    if (k_exog < 0) fail_value(fn, "exog must have a non-negative number of columns, got ", k_exog);
  }
};

// The pre-sample value ν* of the linear predictor (and of g(Y)) and its
// gradient in θ (size k_mean).  Returns false if the marginal mean does not
// exist (D = 1 − Σβ − Σα <= 0).
inline bool presample_value(const IngarchSpec& s, const VectorXd& theta, double first_g, double& value,
                            VectorXd& grad) {
  grad.setZero(s.k_mean());
  switch (s.init) {
    case Init::marginal: {
      const double D = 1.0 - theta.segment(1, s.p() + s.q()).sum();
      if (!(D > 0.0)) return false;
      value = theta[0] / D;
      grad[0] = 1.0 / D;
      grad.segment(1, s.p() + s.q()).setConstant(theta[0] / (D * D));
      return true;
    }
    case Init::iid:
      value = theta[0];
      grad[0] = 1.0;
      return true;
    case Init::firstobs:
      value = first_g;
      return true;
    case Init::zero:
      value = 0.0;
      return true;
  }
  return false;
}

class IngarchModel {
 public:
  // y: n counts (non-negative integers); X: n x r covariates.
  IngarchModel(IngarchSpec spec, VectorXd y, MatrixXd X) : spec_(std::move(spec)), y_(std::move(y)), X_(std::move(X)) {
    const char* fn = "INGARCH";
    spec_.validate();
    const Index n = y_.size();
    for (Index t = 0; t < n; ++t) {
      const double v = y_[t];
      if (std::isnan(v))
        fail_value(fn, "endog must not contain missing values (NaN), found one at position ", t,
                   "; the recursion feeds every observation into later means, so fill or truncate the series "
                   "explicitly");
      if (!std::isfinite(v) || v < 0.0 || v != std::floor(v))
        fail_value(fn, "endog must hold non-negative integer counts, got ", v, " at position ", t);
    }
    if (X_.rows() != n || X_.cols() != spec_.k_exog)
      fail_value(fn, "exog must be ", n, " x ", spec_.k_exog, ", got ", X_.rows(), " x ", X_.cols());
    if (!X_.allFinite()) fail_value(fn, "exog must not contain NaN or infinite values");
    if (spec_.link == Link::identity && spec_.k_exog > 0 && X_.minCoeff() < 0.0)
      fail_value(fn, "exog must be non-negative with the identity link (λ_t must stay positive), got ",
                 X_.minCoeff());
    const Index needed = spec_.k_params() + 1;
    if (nobs() < needed)
      fail_value(fn, "endog has ", nobs(), " usable observations; the model needs at least ", needed);
    g_.resize(n);
    lgy_.resize(n);
    // log(1 + y) and log y! for the (integer) counts, from a small table for
    // the common small values.
    constexpr int table = 256;
    double log1p_tab[table], lfact_tab[table];
    lfact_tab[0] = 0.0;
    for (int v = 0; v < table; ++v) {
      log1p_tab[v] = std::log1p(static_cast<double>(v));
      if (v > 0) lfact_tab[v] = lfact_tab[v - 1] + log1p_tab[v - 1];
    }
    for (Index t = 0; t < n; ++t) {
      const double v = y_[t];
      const bool small = v < table;
      const double l1p = small ? log1p_tab[static_cast<int>(v)] : std::log1p(v);
      g_[t] = spec_.link == Link::log ? l1p : v;
      lgy_[t] = small ? lfact_tab[static_cast<int>(v)] : std::lgamma(v + 1.0);  // log y!, the same at every θ
    }
    Xt_ = X_.transpose();
  }

  const IngarchSpec& spec() const { return spec_; }
  const VectorXd& endog() const { return y_; }
  const MatrixXd& exog() const { return X_; }
  Index n() const { return y_.size(); }
  Index first_obs() const { return spec_.init_drop ? std::min<Index>(spec_.max_obs_lag(), n()) : 0; }
  Index nobs() const { return n() - first_obs(); }

  // Whether θ may be evaluated: right size, finite, α_nb > 0, the identity
  // link's sign constraints, and (marginal init) 1 − Σβ − Σα > 0.
  bool admissible(const VectorXd& theta, std::string* why = nullptr) const {
    auto fail = [&](const std::string& w) {
      if (why) *why = w;
      return false;
    };
    if (theta.size() != spec_.k_params())
      return fail(detail::concat("has size ", theta.size(), ", expected ", spec_.k_params()));
    if (!theta.allFinite()) return fail("contains a non-finite value");
    const Index p = spec_.p(), q = spec_.q();
    const double sum = theta.segment(1, p + q).sum();
    if (spec_.family == Family::negbin && !(theta[spec_.k_mean()] > 0.0))
      return fail(detail::concat("has a non-positive negative-binomial alpha ", theta[spec_.k_mean()]));
    if (spec_.link == Link::identity) {
      if (!(theta[0] > 0.0)) return fail(detail::concat("has a non-positive intercept ", theta[0]));
      if (theta.segment(1, p + q + spec_.k_exog).minCoeff() < 0.0)
        return fail("has a negative coefficient, which the identity link does not allow");
      if (!(sum < 1.0))
        return fail(detail::concat("is explosive: sum of past_obs and past_mean coefficients is ", sum,
                                   " (must be < 1)"));
    } else if (!(std::abs(sum) < 1.0)) {
      return fail(detail::concat("is explosive: |sum of past_obs and past_mean coefficients| is ", std::abs(sum),
                                 " (must be < 1)"));
    }
    return true;
  }

  // Runs the recursion.  nu: n linear predictors.  If dnu is non-null it gets
  // the k_mean x n matrix of ∂ν_t/∂θ (column t).  Returns false if θ leaves
  // the domain (no marginal mean, λ_t <= 0 or overflow).
  bool recursion(const VectorXd& theta, VectorXd& nu, MatrixXd* dnu, bool presample_constant = false) const {
    if (!run_recursion(theta, dnu != nullptr, presample_constant, [](Index, double, const double*) {}, true))
      return false;
    nu = hist_nu_.tail(n());
    if (dnu) *dnu = hist_dnu_.rightCols(n());
    return true;
  }

  // ν_t of the most recent likelihood or recursion evaluation (the workspace);
  // false if that evaluation took the GLM path, which keeps ν only from first_obs on.
  bool last_linear_predictor(VectorXd& nu, const VectorXd& theta) const {
    if (!glm_last_) {
      nu = hist_nu_.tail(n());
      return true;
    }
    // GLM path: ν from first_obs on is glm_nu_; the first few come from the
    // recursion with its pre-sample values, stopped early.
    const Index t0 = first_obs();
    nu.resize(n());
    nu.tail(n() - t0) = glm_nu_;
    if (t0 > 0) {
      VectorXd head;
      if (!run_recursion(theta, false, false, [](Index, double, const double*) {}, false, t0)) return false;
      nu.head(t0) = hist_nu_.segment(spec_.max_mean_lag(), t0);
    }
    return true;
  }

  // Conditional means λ_t from the linear predictors.
  VectorXd means(const VectorXd& nu) const {
    return spec_.link == Link::log ? VectorXd(nu.array().exp()) : nu;
  }

  // Log-likelihood ℓ(θ) = Σ_{t >= first_obs} log p(Y_t | λ_t); −inf outside
  // the domain.  If grad is non-null it gets ∂ℓ/∂θ (size k_params); if fisher
  // is non-null it gets the conditional information of the mean parameters,
  //   I = Σ_t w_t (∂ν_t/∂θ)(∂ν_t/∂θ)',   w_t = (∂λ_t/∂ν_t)² / Var(Y_t | past)
  // (k_mean x k_mean; Poisson log link: w_t = λ_t, identity: 1/λ_t; NB2 divides
  // by 1 + αλ_t).  For a Poisson log-link model whose ν is linear in θ it is
  // exactly the negative Hessian.
  double loglike(const VectorXd& theta, VectorXd* grad = nullptr, VectorXd* loglike_t = nullptr,
                 bool presample_constant = false, MatrixXd* fisher = nullptr) const {
    const double ninf = -std::numeric_limits<double>::infinity();
    if (!admissible(theta)) return ninf;
    if (spec_.family == Family::poisson && spec_.link == Link::log && linear_predictor())
      return loglike_poisson_glm(theta, grad, loglike_t, fisher);
    const bool derivs = grad != nullptr || fisher != nullptr;
    const Index k = spec_.k_mean();
    const bool poisson = spec_.family == Family::poisson;
    const double a = poisson ? 0.0 : theta[k];
    const bool log_link = spec_.link == Link::log;
    if (grad) grad->setZero(spec_.k_params());
    if (fisher) fisher->setZero(k, k);
    double* gp = grad ? grad->data() : nullptr;
    double* fp = fisher ? fisher->data() : nullptr;
    if (loglike_t) loglike_t->setZero(n());
    double ll = 0.0;
    const Index t0 = first_obs();
    auto term = [&](Index t, double v, const double* d) {
      if (t < t0) return;
      const double y = y_[t];
      double lam, lt, dl_dnu, w;
      if (log_link) {
        lam = std::exp(v);
        if (poisson) {
          lt = y * v - lam - lgy_[t];
          dl_dnu = y - lam;
          w = lam;
        } else {
          lt = negbin_logpmf(y, lam, a);
          dl_dnu = (y - lam) / (1.0 + a * lam);
          w = lam / (1.0 + a * lam);
        }
      } else {
        lam = v;
        if (poisson) {
          lt = (y == 0.0 ? 0.0 : y * std::log(lam)) - lam - lgy_[t];
          dl_dnu = y / lam - 1.0;
          w = 1.0 / lam;
        } else {
          lt = negbin_logpmf(y, lam, a);
          dl_dnu = (y - lam) / (lam * (1.0 + a * lam));
          w = 1.0 / (lam * (1.0 + a * lam));
        }
      }
      ll += lt;
      if (loglike_t) (*loglike_t)[t] = lt;
      if (gp) {
        for (Index j = 0; j < k; ++j) gp[j] += dl_dnu * d[j];
        if (!poisson) gp[k] += negbin_dlogpmf_dalpha(y, lam, a);
      }
      if (fp)  // lower triangle of the k x k column-major matrix
        for (Index c = 0; c < k; ++c) {
          const double wc = w * d[c];
          for (Index rr = c; rr < k; ++rr) fp[c * k + rr] += wc * d[rr];
        }
    };
    if (!run_recursion(theta, derivs, presample_constant, term)) return ninf;
    if (fisher) *fisher = fisher->selfadjointView<Eigen::Lower>();
    if (!std::isfinite(ll)) return ninf;
    return ll;
  }

  // Starting values for the log link when ν is linear in θ (see
  // linear_predictor): the first step of iteratively reweighted least
  // squares from the data, regressing z_t = log(y_t + 1/2) on ∂ν_t/∂θ with
  // weights y_t + 1/2 (McCullagh & Nelder's usual start).  Mean parameters
  // only; returns false if the weighted normal equations are singular.
  bool irls_start(VectorXd& theta) const {
    if (!linear_predictor()) return false;
    const Index k = spec_.k_mean(), t0 = first_obs(), m = n() - t0;
    ensure_design();
    const VectorXd w = (y_.tail(m).array() + 0.5).matrix();
    const VectorXd wz = (w.array() * w.array().log()).matrix();
    const MatrixXd A = weighted_gram(w);
    const VectorXd b = design_.transpose() * wz;
    Eigen::LDLT<MatrixXd> ldlt(A.selfadjointView<Eigen::Lower>());
    if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().minCoeff() > 0.0)) return false;
    theta.head(k) = ldlt.solve(b);
    return theta.allFinite();
  }

  // True when ν_t is linear in θ: no feedback on past means and no pre-sample
  // value that depends on θ enters the likelihood.
  bool linear_predictor() const {
    return spec_.q() == 0 && (spec_.init_drop || spec_.p() == 0 || spec_.init == Init::firstobs ||
                              spec_.init == Init::zero);
  }

 private:
  // Poisson log link with ν linear in θ: a GLM.  The design (columns
  // ∂ν_t/∂θ = (1, g(Y_{t−i_1}), …, X_t), t >= first_obs) does not depend on θ,
  // so it is built once and each evaluation is vectorised matrix algebra:
  //   ν = Dᵀθ,  λ = e^ν,  ℓ = Σ yν − λ − log y!,  ∇ℓ = D(y − λ),  I = D diag(λ) Dᵀ.
  double loglike_poisson_glm(const VectorXd& theta, VectorXd* grad, VectorXd* loglike_t, MatrixXd* fisher) const {
    const Index k = spec_.k_mean(), t0 = first_obs(), m = n() - t0;
    ensure_design();
    glm_nu_.noalias() = design_ * theta.head(k);
    if (!glm_nu_.allFinite() || glm_nu_.maxCoeff() > 700.0) return -std::numeric_limits<double>::infinity();
    glm_lam_ = glm_nu_.array().exp();
    const auto y = y_.tail(m).array();
    const double ll = (y * glm_nu_.array() - glm_lam_.array() - lgy_.tail(m).array()).sum();
    if (loglike_t) {
      loglike_t->setZero(n());
      loglike_t->tail(m) = y * glm_nu_.array() - glm_lam_.array() - lgy_.tail(m).array();
    }
    if (grad) {
      grad->setZero(spec_.k_params());
      grad->head(k).noalias() = design_.transpose() * (y_.tail(m) - glm_lam_);
    }
    if (fisher) *fisher = weighted_gram(glm_lam_);
    glm_last_ = true;
    return std::isfinite(ll) ? ll : -std::numeric_limits<double>::infinity();
  }

  // Σ_t w_t d_t d_t' from the columns of the (m x k) design: k(k+1)/2
  // contiguous weighted dot products (a GEMM would pack the long dimension).
  MatrixXd weighted_gram(const VectorXd& w) const {
    const Index k = design_.cols();
    MatrixXd G(k, k);
    for (Index c = 0; c < k; ++c) {
      glm_scaled_col_ = design_.col(c).cwiseProduct(w);
      for (Index r = c; r < k; ++r) G(r, c) = G(c, r) = glm_scaled_col_.dot(design_.col(r));
    }
    return G;
  }

  void ensure_design() const {
    if (design_ready_) return;
    const Index k = spec_.k_mean(), t0 = first_obs();
    design_.resize(n() - t0, k);  // row t − first_obs holds ∂ν_t/∂θ
    VectorXd probe = VectorXd::Zero(spec_.k_params());
    if (spec_.family == Family::negbin) probe[k] = 1.0;
    run_recursion(probe, true, false, [&](Index t, double, const double* d) {
      if (t >= t0)
        for (Index j = 0; j < k; ++j) design_(t - t0, j) = d[j];
    });
    design_ready_ = true;
  }

  // The recursion into the workspaces: hist_nu_[Q + t] = ν_t and, with
  // derivs, column Q + t of hist_dnu_ = ∂ν_t/∂θ (columns 0..Q−1: pre-sample).
  // Raw loops over contiguous columns: k is small and this is the hot path.
  // With derivs, ∂ν_t/∂θ is built in a small local buffer and handed to
  // on_step; it is kept in hist_dnu_ only when needed later (feedback on past
  // means, or store requested).
  template <class OnStep>
  bool run_recursion(const VectorXd& theta, bool derivs, bool presample_constant, OnStep&& on_step,
                     bool store = false, Index stop = -1) const {
    const Index n_all = this->n(), n = stop >= 0 ? std::min(stop, n_all) : n_all, p = spec_.p(), q = spec_.q(), r = spec_.k_exog, k = spec_.k_mean();
    const Index P = spec_.max_obs_lag(), Q = spec_.max_mean_lag();
    glm_last_ = false;
    double pre = 0.0;
    VectorXd dpre;
    if (!presample_value(spec_, theta, n > 0 ? g_[0] : 0.0, pre, dpre)) return false;
    if (presample_constant) dpre.setZero();
    const double beta0 = theta[0];
    const double* beta = theta.data() + 1;
    const double* alpha = theta.data() + 1 + p;
    const double* eta = theta.data() + 1 + p + q;
    const int* obs_lag = spec_.past_obs.data();
    const int* mean_lag = spec_.past_mean.data();
    // Histories with the pre-sample prepended: gh[P + t] = g(Y_t), nh[Q + t] = ν_t.
    hist_g_.resize(P + n_all);
    hist_nu_.resize(Q + n_all);
    hist_g_.head(P).setConstant(pre);
    hist_g_.tail(n_all) = g_;
    hist_nu_.head(Q).setConstant(pre);
    const bool keep = derivs && (store || q > 0);
    if (keep) {
      hist_dnu_.resize(k, Q + n_all);
      for (Index s = 0; s < Q; ++s) hist_dnu_.col(s) = dpre;
    }
    double stack_buf[32];
    std::vector<double> heap_buf(k > 32 ? k : 0);
    double* const local = k > 32 ? heap_buf.data() : stack_buf;
    const bool dpre_zero = dpre.isZero(0.0);
    const bool identity = spec_.link == Link::identity;
    const double* gh = hist_g_.data() + P;
    double* nh = hist_nu_.data() + Q;
    double* dh = keep ? hist_dnu_.data() + Q * k : nullptr;
    const double* xt = Xt_.data();
    for (Index t = 0; t < n; ++t) {
      double v = beta0;
      for (Index i = 0; i < p; ++i) v += beta[i] * gh[t - obs_lag[i]];
      for (Index l = 0; l < q; ++l) v += alpha[l] * nh[t - mean_lag[l]];
      for (Index m = 0; m < r; ++m) v += eta[m] * xt[t * r + m];
      if (!std::isfinite(v) || (identity && !(v > 0.0)) || (!identity && v > 700.0)) return false;
      nh[t] = v;
      if (derivs) {
        double* __restrict d = local;
        d[0] = 1.0;
        for (Index j = 1; j < k; ++j) d[j] = 0.0;
        for (Index i = 0; i < p; ++i) {
          const Index s = t - obs_lag[i];  // observation time feeding this term
          d[1 + i] += gh[s];
          if (s < 0 && !dpre_zero)
            for (Index j = 0; j < k; ++j) d[j] += beta[i] * dpre[j];
        }
        for (Index l = 0; l < q; ++l) {
          const Index s = t - mean_lag[l];
          d[1 + p + l] += nh[s];
          const double* ds = dh + s * k;
          for (Index j = 0; j < k; ++j) d[j] += alpha[l] * ds[j];
        }
        for (Index m = 0; m < r; ++m) d[1 + p + q + m] += xt[t * r + m];
        if (keep) std::copy(d, d + k, dh + t * k);
      }
      on_step(t, v, derivs ? local : nullptr);  // fused: the likelihood term of time t
    }
    return true;
  }

  IngarchSpec spec_;
  VectorXd y_, g_, lgy_;
  MatrixXd X_, Xt_;  // Xt_ = X' (r x n), contiguous per time point
  // Workspaces for the recursion (a model is used from one thread at a time).
  mutable VectorXd hist_g_, hist_nu_;
  mutable MatrixXd hist_dnu_;
  mutable MatrixXd design_;  // the GLM case (loglike_poisson_glm): m x k
  mutable VectorXd glm_nu_, glm_lam_, glm_scaled_col_;
  mutable bool design_ready_ = false;
  mutable bool glm_last_ = false;  // the last evaluation took the GLM path

};

}  // namespace summitcast::counts
