// Unobserved-components models (Harvey 1989; statsmodels' UnobservedComponents)
// as state-space systems.
//
//   y_t = μ_t + γ_t + Σ_j γ^(j)_t + x_t'β + ε_t,            ε_t ~ N(0, σ²_ε)
//   μ_{t+1} = μ_t + ν_t + ξ_t,   ν_{t+1} = ν_t + ζ_t          (level, trend)
//   γ_{t+1} = −Σ_{k=1}^{s−1} γ_{t+1−k} + ω_t                  (dummy seasonal)
//   trigonometric seasonal of period s, harmonics j = 1..h, λ_j = 2πj/s:
//   [γ_j; γ*_j]_{t+1} = [cos λ_j, sin λ_j; −sin λ_j, cos λ_j] [γ_j; γ*_j]_t + ω_{j,t}
//
// State order: level, trend, seasonal (s − 1), each trigonometric seasonal
// (2h).  Parameters (natural scale) in order: σ² of the irregular, level,
// trend, dummy seasonal and each stochastic trigonometric seasonal, then the
// regression coefficients β (entering through the observation intercept
// d_t = x_t'β).  All states are diffuse: exactly (P_∞ = I) by default, or
// approximately (P_* = κ I, with the first k_states contributions left out of
// the log-likelihood, as statsmodels does).
#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "summitcast/statespace/system.hpp"

namespace summitcast::statespace {

struct TrigSeasonal {
  int period = 0;
  int harmonics = 0;
  bool stochastic = true;
};

// Where one component lives in the state vector: states [first, first + size)
// belong to it, and its contribution to y_t (or, for the trend, the slope it
// adds to the level) is the sum of the states listed in `signal`.
struct ComponentBlock {
  std::string name;
  int first = 0;
  int size = 0;
  std::vector<int> signal;
};

struct ComponentSpec {
  bool irregular = true;
  bool level = true, stochastic_level = true;
  bool trend = false, stochastic_trend = false;
  int seasonal = 0;  // period of the dummy seasonal, 0 for none
  bool stochastic_seasonal = true;
  std::vector<TrigSeasonal> trig;
  int k_exog = 0;
  bool exact_diffuse = true;
  double approx_diffuse_variance = 1e6;

  void validate() const {
    const char* fn = "UnobservedComponents";
    if (trend && !level) fail_value(fn, "a trend needs a level");
    if (seasonal == 1 || seasonal < 0) fail_value(fn, "seasonal period must be >= 2, got ", seasonal);
    for (const auto& tr : trig) {
      if (tr.period < 2) fail_value(fn, "freq_seasonal period must be >= 2, got ", tr.period);
      if (tr.harmonics < 1 || 2 * tr.harmonics > tr.period)
        fail_value(fn, "freq_seasonal harmonics must be between 1 and period/2 = ", tr.period / 2, ", got ", tr.harmonics);
    }
    if (k_exog < 0) fail_value(fn, "k_exog must be >= 0, got ", k_exog);
    if (!exact_diffuse) check_positive(fn, "approx_diffuse_variance", approx_diffuse_variance);
    if (k_states() == 0 && !irregular) fail_value(fn, "the model has no component");
  }

  int k_trig_states() const {
    int k = 0;
    for (const auto& tr : trig) k += 2 * tr.harmonics;
    return k;
  }
  int k_states() const {
    return int(level) + int(trend) + (seasonal > 0 ? seasonal - 1 : 0) + k_trig_states();
  }
  // Models with only an irregular carry one unused (known, zero) state.
  bool unused_state() const { return k_states() == 0; }
  int k_states_total() const { return std::max(k_states(), 1); }

  std::vector<std::string> variance_names() const {
    std::vector<std::string> names;
    if (irregular) names.push_back("sigma2.irregular");
    if (level && stochastic_level) names.push_back("sigma2.level");
    if (trend && stochastic_trend) names.push_back("sigma2.trend");
    if (seasonal > 0 && stochastic_seasonal) names.push_back("sigma2.seasonal");
    for (const auto& tr : trig)
      if (tr.stochastic)
        names.push_back("sigma2.freq_seasonal_" + std::to_string(tr.period) + "(" + std::to_string(tr.harmonics) + ")");
    return names;
  }
  int k_variances() const { return static_cast<int>(variance_names().size()); }
  int k_params() const { return k_variances() + k_exog; }

  std::vector<std::string> state_names() const {
    std::vector<std::string> names;
    if (level) names.push_back("level");
    if (trend) names.push_back("trend");
    for (int k = 0; k + 1 < seasonal; ++k) names.push_back("seasonal." + std::to_string(k));
    for (const auto& tr : trig) {
      const std::string base = "freq_seasonal_" + std::to_string(tr.period) + "(" + std::to_string(tr.harmonics) + ")";
      for (int j = 1; j <= tr.harmonics; ++j) {
        names.push_back(base + ".cos" + std::to_string(j));
        names.push_back(base + ".sin" + std::to_string(j));
      }
    }
    if (names.empty()) names.push_back("unused");
    return names;
  }

  // The components in state order (level, trend, dummy seasonal, each
  // trigonometric seasonal): the dummy seasonal's current effect is its first
  // state; a trigonometric seasonal's is the sum of its cosine states.
  std::vector<ComponentBlock> layout() const {
    std::vector<ComponentBlock> blocks;
    int next = 0;
    if (level) blocks.push_back({"level", next, 1, {next}}), next += 1;
    if (trend) blocks.push_back({"trend", next, 1, {next}}), next += 1;
    if (seasonal > 0) blocks.push_back({"seasonal", next, seasonal - 1, {next}}), next += seasonal - 1;
    for (const auto& tr : trig) {
      ComponentBlock b{"freq_seasonal_" + std::to_string(tr.period) + "(" + std::to_string(tr.harmonics) + ")", next,
                       2 * tr.harmonics, {}};
      for (int j = 0; j < tr.harmonics; ++j) b.signal.push_back(next + 2 * j);
      blocks.push_back(b);
      next += 2 * tr.harmonics;
    }
    return blocks;
  }

  // Number of disturbances in η and, for each state-variance parameter, the
  // indices of the disturbances it scales.
  std::vector<std::vector<int>> disturbance_groups() const {
    std::vector<std::vector<int>> groups;
    int next = 0;
    if (level && stochastic_level) groups.push_back({next++});
    if (trend && stochastic_trend) groups.push_back({next++});
    if (seasonal > 0 && stochastic_seasonal) groups.push_back({next++});
    for (const auto& tr : trig) {
      if (!tr.stochastic) continue;
      std::vector<int> g;
      for (int k = 0; k < 2 * tr.harmonics; ++k) g.push_back(next++);
      groups.push_back(g);
    }
    return groups;
  }

  // The time-invariant part of the system for natural-scale `params`; d is
  // filled from exog (n x k_exog, NaN-free) and beta.
  SystemMatrices build(const VectorXd& params, const Eigen::Ref<const MatrixXd>& exog) const {
    const char* fn = "UnobservedComponents";
    if (params.size() != k_params()) fail_value(fn, "params must have length ", k_params(), ", got ", params.size());
    for (int k = 0; k < k_variances(); ++k) {
      if (!(params[k] >= 0.0) || !std::isfinite(params[k]))
        fail_value(fn, "variance ", variance_names()[static_cast<size_t>(k)], " must be non-negative and finite, got ", params[k]);
    }
    for (int k = k_variances(); k < k_params(); ++k) check_finite(fn, "beta", params[k]);
    const int m = k_states_total();
    const auto groups = disturbance_groups();
    int r = 0;
    for (const auto& g : groups) r += static_cast<int>(g.size());
    const int r_eff = std::max(r, 1);

    MatrixXd Z = MatrixXd::Zero(1, m), T = MatrixXd::Zero(m, m), R = MatrixXd::Zero(m, r_eff),
             Q = MatrixXd::Zero(r_eff, r_eff), H = MatrixXd::Zero(1, 1);
    int pi = 0;  // parameter index
    if (irregular) H(0, 0) = params[pi++];
    int s = 0, e = 0;  // next state, next disturbance
    if (level) {
      Z(0, s) = 1.0;
      T(s, s) = 1.0;
      if (trend) T(s, s + 1) = 1.0;
      if (stochastic_level) {
        R(s, e) = 1.0;
        Q(e, e) = params[pi++];
        ++e;
      }
      ++s;
    }
    if (trend) {
      T(s, s) = 1.0;
      if (stochastic_trend) {
        R(s, e) = 1.0;
        Q(e, e) = params[pi++];
        ++e;
      }
      ++s;
    }
    if (seasonal > 0) {
      const int k = seasonal - 1;
      Z(0, s) = 1.0;
      for (int j = 0; j < k; ++j) T(s, s + j) = -1.0;
      for (int j = 1; j < k; ++j) T(s + j, s + j - 1) = 1.0;
      if (stochastic_seasonal) {
        R(s, e) = 1.0;
        Q(e, e) = params[pi++];
        ++e;
      }
      s += k;
    }
    for (const auto& tr : trig) {
      const double var = tr.stochastic ? params[pi++] : 0.0;
      for (int j = 1; j <= tr.harmonics; ++j) {
        const double lambda = 2.0 * M_PI * j / tr.period;
        Z(0, s) = 1.0;
        T(s, s) = std::cos(lambda);
        T(s, s + 1) = std::sin(lambda);
        T(s + 1, s) = -std::sin(lambda);
        T(s + 1, s + 1) = std::cos(lambda);
        if (tr.stochastic) {
          R(s, e) = 1.0;
          R(s + 1, e + 1) = 1.0;
          Q(e, e) = var;
          Q(e + 1, e + 1) = var;
          e += 2;
        }
        s += 2;
      }
    }

    SystemMatrices sys;
    sys.Z = {Z};
    sys.H = {H};
    sys.T = {T};
    sys.R = {R};
    sys.Q = {Q};
    sys.c = MatrixXd::Zero(m, 1);
    if (k_exog > 0) {
      const VectorXd beta = params.tail(k_exog);
      sys.d.resize(1, exog.rows());  // d_t = x_t'β, written in place (no n-long temporary)
      Eigen::Map<VectorXd>(sys.d.data(), exog.rows()).noalias() = exog * beta;
    } else {
      sys.d = MatrixXd::Zero(1, 1);
    }
    sys.a1 = VectorXd::Zero(m);
    if (unused_state()) {
      sys.P1_star = MatrixXd::Zero(m, m);
      sys.P1_inf = MatrixXd::Zero(m, m);
    } else if (exact_diffuse) {
      sys.P1_star = MatrixXd::Zero(m, m);
      sys.P1_inf = MatrixXd::Identity(m, m);
    } else {
      sys.P1_star = MatrixXd::Identity(m, m) * approx_diffuse_variance;
      sys.P1_inf = MatrixXd::Zero(m, m);
    }
    return sys;
  }

  Index loglikelihood_burn() const { return exact_diffuse ? 0 : k_states(); }
};

}  // namespace summitcast::statespace
