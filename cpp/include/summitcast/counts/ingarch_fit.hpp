// Maximum-likelihood fit of an INGARCH model with BFGS on an unconstrained
// reparametrisation u ↦ θ(u), using the analytic score and the chain rule.
//
//   log link      : β0, β, α, η free (the domain check |Σβ + Σα| < 1 makes the
//                   objective infinite outside, and the line search backs off);
//   identity link : β0 = e^{u0}, η_m = e^{u_m}, and the p + q feedback
//                   coefficients c = (β, α) = softmax of (u_c, 0) without its
//                   last element: c_i = e^{u_i} / (1 + Σ_j e^{u_j}), so c_i > 0
//                   and Σ c < 1 (stationarity) hold for every u.
//                   ∂c_i/∂u_j = c_i (δ_ij − c_j), hence the pulled-back gradient
//                   ∂ℓ/∂u_j = c_j (∂ℓ/∂c_j − Σ_i c_i ∂ℓ/∂c_i);
//   NB alpha      : α_nb = e^{u}.
// The identity link's constraints are open, so an MLE on their boundary
// (a coefficient 0, or Σ c → 1) is approached, not reached; `at_boundary`
// names such coefficients so the caller can warn.
//
// Two estimators, which differ only through the pre-sample values:
//   exact  : maximises ℓ(θ) with the pre-sample value ν*(θ) a function of θ
//            (the score includes ∂ν*/∂θ): the maximum-likelihood estimate.
//   plugin : the fixed point θ̂ = argmax_θ ℓ(θ; ν* held at ν*(θ̂)), found by
//            iterating "fix ν* at the current estimate, maximise, update ν*"
//            until ν* moves by less than 1e-10.  This is what R's tscount
//            computes: its score omits the dependence of the pre-sample
//            observations on θ, and its published estimates solve exactly
//            that score equation.  Use it to reproduce tscount's numbers; the
//            two differ by far less than a standard error.
//
// Standard errors: the observed information −H, with H the Hessian of ℓ in θ
// by central differences of the analytic score (one-sided where a central
// step would leave the domain).
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "summitcast/counts/ingarch_model.hpp"
#include "summitcast/optim/fit_report.hpp"

namespace summitcast::counts {

// params = θ̂ (natural scale), value = ℓ(θ̂), gradient = the score ∂ℓ/∂θ,
// hessian = ∂²ℓ/∂θ∂θ' at θ̂.
struct IngarchFit : optim::FitReport {
  std::vector<Index> at_boundary;  // indices of θ at an identity-link constraint
  bool evaluated_last = false;     // the model's workspace holds the recursion at params
};

class IngarchTransform {
 public:
  explicit IngarchTransform(const IngarchSpec& s) : s_(s) {}

  VectorXd to_natural(const VectorXd& u) const {
    VectorXd th = u;
    if (s_.link == Link::identity) {
      const Index m = s_.p() + s_.q();
      th[0] = std::exp(u[0]);
      if (m > 0) {
        const double umax = std::max(0.0, u.segment(1, m).maxCoeff());
        const VectorXd e = (u.segment(1, m).array() - umax).exp();
        th.segment(1, m) = e / (std::exp(-umax) + e.sum());
      }
      th.segment(1 + m, s_.k_exog) = u.segment(1 + m, s_.k_exog).array().exp();
    }
    if (s_.family == Family::negbin) th[s_.k_mean()] = std::exp(u[s_.k_mean()]);
    return th;
  }

  VectorXd to_unconstrained(const VectorXd& th) const {
    VectorXd u = th;
    if (s_.link == Link::identity) {
      const Index m = s_.p() + s_.q();
      u[0] = std::log(th[0]);
      const double slack = 1.0 - th.segment(1, m).sum();
      for (Index i = 0; i < m; ++i) u[1 + i] = std::log(th[1 + i] / slack);
      u.segment(1 + m, s_.k_exog) = th.segment(1 + m, s_.k_exog).array().log();
    }
    if (s_.family == Family::negbin) u[s_.k_mean()] = std::log(th[s_.k_mean()]);
    return u;
  }

  // Pull a gradient in θ back to u (θ = to_natural(u)).
  VectorXd pull_back(const VectorXd& th, const VectorXd& g) const {
    VectorXd gu = g;
    if (s_.link == Link::identity) {
      const Index m = s_.p() + s_.q();
      gu[0] = g[0] * th[0];
      const auto c = th.segment(1, m);
      const double cg = c.dot(g.segment(1, m));
      gu.segment(1, m) = c.array() * (g.segment(1, m).array() - cg);
      gu.segment(1 + m, s_.k_exog) = th.segment(1 + m, s_.k_exog).array() * g.segment(1 + m, s_.k_exog).array();
    }
    if (s_.family == Family::negbin) gu[s_.k_mean()] = g[s_.k_mean()] * th[s_.k_mean()];
    return gu;
  }

 private:
  const IngarchSpec& s_;
};

// Default starting values: an i.i.d. model (β = α = 0 on the log link; small
// positive feedback on the identity link, whose transform needs the interior),
// and the moment estimate of the NB overdispersion.
inline VectorXd ingarch_default_start(const IngarchModel& m) {
  const IngarchSpec& s = m.spec();
  const Index k = s.k_mean();
  VectorXd th = VectorXd::Zero(s.k_params());
  const VectorXd& y = m.endog();
  const double mean = std::max(y.mean(), 0.1);
  const double var = (y.array() - y.mean()).square().sum() / std::max<Index>(1, y.size() - 1);
  const Index m_fb = s.p() + s.q();
  if (s.link == Link::log) {
    th[0] = std::log(mean);
  } else {
    const double each = m_fb > 0 ? 0.3 / static_cast<double>(m_fb) : 0.0;
    th.segment(1, m_fb).setConstant(each);
    th[0] = mean * (1.0 - each * static_cast<double>(m_fb));
    th.segment(1 + m_fb, s.k_exog).setConstant(1e-3);
  }
  if (s.family == Family::negbin) th[k] = std::clamp((var - mean) / (mean * mean), 0.05, 5.0);
  return th;
}

// Hessian of ℓ in θ by differences of the analytic score.
inline MatrixXd ingarch_hessian(const IngarchModel& m, const VectorXd& th) {
  const Index k = th.size();
  MatrixXd H(k, k);
  VectorXd gp(k), gm(k), g0(k);
  m.loglike(th, &g0);
  for (Index j = 0; j < k; ++j) {
    const double h = 1e-5 * std::max(1.0, std::abs(th[j]));
    VectorXd tp = th, tm = th;
    tp[j] += h;
    tm[j] -= h;
    const bool okp = std::isfinite(m.loglike(tp, &gp));
    const bool okm = std::isfinite(m.loglike(tm, &gm));
    if (okp && okm)
      H.col(j) = (gp - gm) / (2.0 * h);
    else if (okp)
      H.col(j) = (gp - g0) / h;
    else if (okm)
      H.col(j) = (g0 - gm) / h;
    else
      H.col(j).setConstant(std::numeric_limits<double>::quiet_NaN());
  }
  return 0.5 * (H + H.transpose());
}

// Fisher scoring for the Poisson log-link model: θ ← θ + s I(θ)⁻¹ ∇ℓ(θ), with
// a backtracking step s on ℓ.  For a linear predictor (no past_mean, no
// θ-dependent pre-sample values) I is the exact negative Hessian and this is
// Newton's method (IRLS); with feedback it is a quasi-Newton method.  Returns
// false (leaving th at the best point reached) if I is not positive definite
// or no step improves ℓ.
inline bool fisher_scoring(const IngarchModel& m, VectorXd& th, double& ll, VectorXd& g, MatrixXd& info,
                           int max_iterations, int& iterations) {
  VectorXd g_new, th_new;
  MatrixXd info_new;
  ll = m.loglike(th, &g, nullptr, false, &info);
  if (!std::isfinite(ll)) return false;
  // The decrement δ = ∇ℓ' I⁻¹ ∇ℓ ≈ 2(ℓ̂ − ℓ).  Stop at δ < 1e-14·n (parameters
  // then within ~√(δ/I) ≈ 1e-7 s.e.-scaled units).  Close to the optimum
  // (δ < 1e-6·n) Newton steps are taken in full: the value of ℓ, a sum of n
  // terms, is too noisy there for a sufficient-increase test.
  const double nobs = static_cast<double>(std::max<Index>(1, m.nobs()));
  for (iterations = 0; iterations < max_iterations; ++iterations) {
    Eigen::LDLT<MatrixXd> ldlt(info);
    if (ldlt.info() != Eigen::Success || !(ldlt.vectorD().minCoeff() > 0.0)) return false;
    const VectorXd step = ldlt.solve(g);
    const double decrement = g.dot(step);
    if (!std::isfinite(decrement)) return false;
    if (decrement < 1e-14 * nobs) return true;
    const bool full = decrement < 1e-6 * nobs;
    double s = 1.0;
    bool moved = false;
    for (int ls = 0; ls < 40; ++ls, s *= 0.5) {
      th_new = th + s * step;
      const double ll_new = m.loglike(th_new, &g_new, nullptr, false, &info_new);
      if (std::isfinite(ll_new) && (full || ll_new >= ll + 1e-4 * s * decrement)) {
        th.swap(th_new);
        g.swap(g_new);
        info.swap(info_new);
        ll = ll_new;
        moved = true;
        break;
      }
    }
    if (!moved) return false;
  }
  return false;
}

// Coefficients at (numerically) the edge of the parameter space: the identity
// link's sign constraints, and for both links |Σβ + Σα| → 1 (non-stationary).
inline void mark_boundary(const IngarchSpec& s, IngarchFit& out) {
  out.at_boundary.clear();
  const Index m_fb = s.p() + s.q();
  if (s.link == Link::identity)
    for (Index i = 1; i < 1 + m_fb + s.k_exog; ++i)
      if (out.params[i] < 1e-4) out.at_boundary.push_back(i);
  if (m_fb > 0 && std::abs(out.params.segment(1, m_fb).sum()) > 1.0 - 1e-4)
    for (Index i = 1; i < 1 + m_fb; ++i)
      if (std::find(out.at_boundary.begin(), out.at_boundary.end(), i) == out.at_boundary.end())
        out.at_boundary.push_back(i);
}

inline IngarchFit fit_ingarch_exact(const IngarchModel& m, const VectorXd& start, const optim::BfgsOptions& opt,
                                    bool is_default_start = false) {
  const IngarchSpec& s = m.spec();
  std::string why;
  if (!m.admissible(start, &why)) fail_value("INGARCH.fit", "start_params ", why);
  if (!is_default_start) {
    VectorXd nu;
    if (!m.recursion(start, nu, nullptr))
      fail_value("INGARCH.fit", "start_params give a conditional mean that is not positive and finite "
                                "(explosive or outside the parameter space)");
  }
  IngarchTransform tr(s);
  // Keep the identity link's start strictly inside the open constraint set.
  VectorXd th0 = start;
  if (s.link == Link::identity) {
    const Index m_fb = s.p() + s.q();
    for (Index i = 1; i < 1 + m_fb + s.k_exog; ++i) th0[i] = std::max(th0[i], 1e-6);
    const double sum = th0.segment(1, m_fb).sum();
    if (sum > 1.0 - 1e-6) th0.segment(1, m_fb) *= (1.0 - 1e-6) / sum;
  }
  if (s.link == Link::log && s.family == Family::poisson) {
    VectorXd th = th0, g;
    if (is_default_start && m.linear_predictor()) {
      VectorXd wls = th0;
      if (m.irls_start(wls) && m.admissible(wls) && std::isfinite(m.loglike(wls))) th = wls;
    }
    MatrixXd info;
    double ll = 0.0;
    int it = 0;
    if (fisher_scoring(m, th, ll, g, info, opt.max_iterations, it)) {
      IngarchFit out;
      out.params = th;
      out.value = ll;
      out.gradient = g;
      out.gradient_norm = g.cwiseAbs().maxCoeff();
      out.iterations = it;
      out.evaluations = it + 1;
      out.converged = true;
      out.message = "Fisher scoring converged";
      out.evaluated_last = m.linear_predictor();  // the last evaluation was at th
      out.hessian = m.linear_predictor() ? MatrixXd(-info) : ingarch_hessian(m, th);
      mark_boundary(s, out);
      return out;
    }
    th0 = m.admissible(th) ? th : th0;  // otherwise continue with BFGS
  }
  const double scale = 1.0 / static_cast<double>(m.nobs());
  VectorXd grad_theta(s.k_params());
  auto objective = [&](const VectorXd& u, VectorXd& g) {
    const VectorXd th = tr.to_natural(u);
    const double ll = m.loglike(th, &grad_theta);
    if (!std::isfinite(ll)) {
      g.setZero(u.size());
      return std::numeric_limits<double>::infinity();
    }
    g = -scale * tr.pull_back(th, grad_theta);
    return -scale * ll;
  };
  optim::BfgsOptions o = opt;
  o.gradient_tol = std::min(o.gradient_tol, 1e-7);
  optim::BfgsResult r = optim::minimize_bfgs(objective, tr.to_unconstrained(th0), o);
  IngarchFit out;
  out.record(r);
  out.params = tr.to_natural(r.x);
  out.value = m.loglike(out.params, &out.gradient);
  out.hessian = ingarch_hessian(m, out.params);
  mark_boundary(s, out);
  return out;
}

enum class Presample { exact, plugin };

// The plug-in score S̃(θ): ∂ℓ/∂θ with ν* treated as a constant at ν*(θ).
inline VectorXd ingarch_plugin_score(const IngarchModel& m, const VectorXd& th) {
  VectorXd g;
  if (!std::isfinite(m.loglike(th, &g, nullptr, true))) g.setConstant(th.size(), std::nan(""));
  return g;
}

inline IngarchFit fit_ingarch(const IngarchModel& m, const VectorXd& start, const optim::BfgsOptions& opt = {},
                              Presample presample = Presample::exact, bool is_default_start = false) {
  IngarchFit f = fit_ingarch_exact(m, start, opt, is_default_start);
  if (presample == Presample::exact || m.spec().init == Init::firstobs || m.spec().init == Init::zero) return f;
  f.evaluated_last = false;
  // Plug-in estimate: solve S̃(θ) = 0 by Newton's method from the exact MLE
  // (which is close), with the Jacobian of S̃ by central differences and a
  // backtracking step on |S̃|.
  const Index k = f.params.size();
  VectorXd th = f.params, S = ingarch_plugin_score(m, th);
  int it = 0;
  bool settled = false;
  for (; it < 50 && S.allFinite(); ++it) {
    const double tol = 1e-9 * static_cast<double>(m.nobs());
    if (S.cwiseAbs().maxCoeff() <= tol) {
      settled = true;
      break;
    }
    MatrixXd J(k, k);
    for (Index j = 0; j < k; ++j) {
      const double h = 1e-6 * std::max(1.0, std::abs(th[j]));
      VectorXd tp = th, tm = th;
      tp[j] += h;
      tm[j] -= h;
      J.col(j) = (ingarch_plugin_score(m, tp) - ingarch_plugin_score(m, tm)) / (2.0 * h);
    }
    const VectorXd step = J.colPivHouseholderQr().solve(S);
    double t = 1.0;
    bool moved = false;
    for (int ls = 0; ls < 30; ++ls, t *= 0.5) {
      const VectorXd cand = th - t * step;
      const VectorXd Sc = ingarch_plugin_score(m, cand);
      if (Sc.allFinite() && Sc.norm() < S.norm()) {
        th = cand;
        S = Sc;
        moved = true;
        break;
      }
    }
    if (!moved) break;
  }
  if (!settled && S.allFinite() && S.cwiseAbs().maxCoeff() <= 1e-6 * static_cast<double>(m.nobs())) settled = true;
  f.params = th;
  // ℓ is the model's own likelihood (ν* a function of θ) at the plug-in
  // estimate; the reported score is the plug-in score, which is zero there.
  f.value = m.loglike(th);
  f.gradient = S;
  f.gradient_norm = S.cwiseAbs().maxCoeff();
  f.hessian = ingarch_hessian(m, th);
  f.iterations += it;
  f.converged = f.converged && settled;
  mark_boundary(m.spec(), f);
  if (!settled) f.message = "plug-in score equation not solved to tolerance";
  return f;
}

}  // namespace summitcast::counts
