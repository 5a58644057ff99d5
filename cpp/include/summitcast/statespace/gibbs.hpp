// Bayesian unobserved-components model by Gibbs sampling (the approach of
// bsts; Scott & Varian 2014; Durbin & Koopman 2012, §13).  Each sweep
//
//   1. draws states and disturbances from p(α, ε, η | y, σ², β) with the
//      simulation smoother,
//   2. draws each variance from its inverse-gamma full conditional
//        σ²_ε | ε̃ ~ IG(a_ε + n_obs/2,  b_ε + Σ ε̃_t²/2)  over observed t,
//        σ²_j | η̃ ~ IG(a_j + n_j/2,   b_j + Σ η̃²/2)    over t < n and the
//        disturbances of component j,
//   3. draws β from its normal full conditional, the regression of y − Zα̃ on
//      X with noise variance σ²_ε and an independent N(μ_β, v_β) prior.
//
// Chains run on threads; chain c uses random stream c of the seed, so the
// draws do not depend on the number of threads.
#pragma once

#include <atomic>

#include "summitcast/statespace/uc_model.hpp"

namespace summitcast::statespace {

struct GibbsPriors {
  VectorXd shape;      // a_j for each variance parameter
  VectorXd scale;      // b_j
  VectorXd beta_mean;  // k_exog
  VectorXd beta_var;   // k_exog (prior variances, independent)
};

struct GibbsOptions {
  Index draws = 1000;
  Index tune = 500;    // burn-in sweeps (discarded)
  Index thin = 1;
  int chains = 4;
  int threads = 1;
  std::uint64_t seed = 0;
};

struct GibbsOutput {
  // Rows ordered chain-major: row = chain * draws + draw.
  MatrixXd params;        // (chains·draws) x k_params
  MatrixXd last_state;    // (chains·draws) x m: α̃_n, the state at the last time point
  MatrixXd signals;       // (chains·draws) x (q·n): S α̃_t for the selection S, t-major
  bool interrupted = false;
};

// `selection` (q x m) picks the state combinations whose paths are kept;
// `stop` is polled between sweeps; `progress` counts finished sweeps.
inline GibbsOutput run_gibbs(const UnobservedComponentsModel& model, const GibbsPriors& priors, const VectorXd& start,
                             const GibbsOptions& opt, const MatrixXd& selection, std::atomic<bool>* stop = nullptr,
                             std::atomic<long long>* progress = nullptr) {
  const char* fn = "fit_bayes";
  const ComponentSpec& spec = model.spec();
  const int kv = spec.k_variances(), kx = spec.k_exog, kp = spec.k_params();
  const Index n = model.n(), m = spec.k_states_total();
  if (opt.draws < 1) fail_value(fn, "draws must be >= 1, got ", opt.draws);
  if (opt.tune < 0) fail_value(fn, "tune must be >= 0, got ", opt.tune);
  if (opt.thin < 1) fail_value(fn, "thin must be >= 1, got ", opt.thin);
  if (opt.chains < 1) fail_value(fn, "chains must be >= 1, got ", opt.chains);
  if (priors.shape.size() != kv || priors.scale.size() != kv) fail_value(fn, "one prior is needed per variance");
  for (int k = 0; k < kv; ++k) {
    check_positive(fn, "prior shape", priors.shape[k]);
    check_positive(fn, "prior scale", priors.scale[k]);
  }
  if (priors.beta_mean.size() != kx || priors.beta_var.size() != kx) fail_value(fn, "one prior is needed per beta");
  for (int k = 0; k < kx; ++k) check_positive(fn, "prior variance of beta", priors.beta_var[k]);
  if (kx > 0 && !spec.irregular) fail_value(fn, "regression effects need an irregular component");
  if (start.size() != kp) fail_value(fn, "start must have length ", kp, ", got ", start.size());
  if (selection.cols() != m) fail_value(fn, "selection must have ", m, " columns, got ", selection.cols());
  const Index q = selection.rows();

  GibbsOutput out;
  const Index total = opt.draws * opt.chains;
  out.params.resize(total, kp);
  out.last_state.resize(total, m);
  out.signals.resize(total, q * n);
  const auto groups = spec.disturbance_groups();
  const VectorXd& y = model.endog();
  const MatrixXd& X = model.exog();
  std::atomic<bool> interrupted{false};

  auto run_chain = [&](Index chain) {
    Rng rng(opt.seed, static_cast<std::uint64_t>(chain));
    VectorXd params = start;
    const Index sweeps = opt.tune + opt.draws * opt.thin;
    for (Index sweep = 0; sweep < sweeps; ++sweep) {
      if (stop && stop->load(std::memory_order_relaxed)) {
        interrupted = true;
        return;
      }
      SystemMatrices sys = model.system(params);
      FilterOptions fo;
      fo.store = true;
      KalmanFilter kf(sys, y.transpose(), fo);
      FilterOutput f = kf.run();
      SimulationDraw draw = simulation_smoother_draw(sys, y.transpose(), f, rng);

      int pi = 0;
      if (spec.irregular) {
        double ss = 0.0;
        Index count = 0;
        for (Index t = 0; t < n; ++t) {
          if (std::isnan(y[t])) continue;
          ss += draw.obs_disturbance(0, t) * draw.obs_disturbance(0, t);
          ++count;
        }
        params[pi] = rng.inverse_gamma(priors.shape[pi] + 0.5 * count, priors.scale[pi] + 0.5 * ss);
        ++pi;
      }
      for (const auto& g : groups) {
        double ss = 0.0;
        for (int e : g)
          for (Index t = 0; t + 1 < n; ++t) ss += draw.state_disturbance(e, t) * draw.state_disturbance(e, t);
        const double count = static_cast<double>(g.size()) * static_cast<double>(n - 1);
        params[pi] = rng.inverse_gamma(priors.shape[pi] + 0.5 * count, priors.scale[pi] + 0.5 * ss);
        ++pi;
      }
      if (kx > 0) {
        // β | α, σ²_ε: precision X'X/σ² + diag(1/v), mean from X'(y − Zα)/σ² + μ/v.
        const double s2 = params[0];
        MatrixXd prec = MatrixXd::Zero(kx, kx);
        VectorXd rhs = priors.beta_mean.cwiseQuotient(priors.beta_var);
        prec.diagonal() = priors.beta_var.cwiseInverse();
        const MatrixXd& Z = sys.Z[0];
        for (Index t = 0; t < n; ++t) {
          if (std::isnan(y[t])) continue;
          const double resid = y[t] - Z.row(0).dot(draw.state.col(t));
          prec.noalias() += X.row(t).transpose() * X.row(t) / s2;
          rhs.noalias() += X.row(t).transpose() * (resid / s2);
        }
        Eigen::LLT<MatrixXd> llt(prec);
        if (llt.info() != Eigen::Success) throw NumericalError("fit_bayes: the posterior precision of beta is not positive definite");
        const VectorXd mean = llt.solve(rhs);
        VectorXd u(kx);
        for (int k = 0; k < kx; ++k) u[k] = rng.normal();
        // prec = L L' ⇒ L'^{-1} u has covariance prec^{-1}.
        params.tail(kx) = mean + llt.matrixU().solve(u);
      }

      if (sweep >= opt.tune && (sweep - opt.tune) % opt.thin == 0) {
        const Index row = chain * opt.draws + (sweep - opt.tune) / opt.thin;
        out.params.row(row) = params.transpose();
        // (α̃, σ², β) of one sweep is a joint posterior draw; forecasts start
        // from α̃_n and the draw's own disturbance variances.
        out.last_state.row(row) = draw.state.col(n - 1).transpose();
        if (q > 0) {
          const MatrixXd sig = selection * draw.state;  // q x n
          out.signals.row(row) = Eigen::Map<const VectorXd>(sig.data(), q * n).transpose();
        }
      }
      if (progress) progress->fetch_add(1, std::memory_order_relaxed);
    }
  };
  parallel_for(opt.chains, opt.threads, run_chain);
  out.interrupted = interrupted.load();
  return out;
}

}  // namespace summitcast::statespace
