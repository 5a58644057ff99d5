// Simulation and window forecasts for Hawkes processes.
//
// Ogata's (1981) thinning: between events every λ_i(t) decreases (the kernels
// decay), so the total intensity just after the current time, λ̄ = Σ_i λ_i(t+),
// bounds it until the next event.  Propose t' = t + Exp(λ̄); accept with
// probability Σ_i λ_i(t')/λ̄ and then pick dimension i with probability
// λ_i(t')/Σ λ(t'); otherwise move to t' with λ̄ recomputed there.  Each path b
// uses the stream Rng(seed, b).
//
// Window forecasts from a history H_t (all events up to t): with no new event
// the intensities decay deterministically, so
//   P(no event of any type in (t, t+Δ] | H_t)
//     = exp(−Σ_i [μ_i Δ + Σ_ju α_iju E_ju(t) (1 − e^{−β_u Δ})]),
// exactly; per-type probabilities and the count distribution are simulated.
#pragma once

#include <atomic>
#include <cmath>
#include <cstdint>
#include <vector>

#include "summitcast/core/rng.hpp"
#include "summitcast/events/hawkes_model.hpp"

namespace summitcast::events {

// The state E_ju at time t from all events <= t of the history.
inline HawkesState hawkes_state_at(const HawkesData& d, const HawkesShape& s, const VectorXd& theta, double t) {
  HawkesState st(s, theta);
  double last = 0.0;
  for (Index k = 0; k < d.size() && d.time[k] <= t; ++k) {
    st.advance(d.time[k] - last, false);
    last = d.time[k];
    st.add_event(d.dim[k]);
  }
  st.advance(t - last, false);
  return st;
}

struct SimulatedEvents {
  std::vector<double> time;
  std::vector<int> dim;
};

// Simulate on (t0, t1] continuing from state st (modified in place).
inline void hawkes_thin(const HawkesShape& s, const VectorXd& theta, HawkesState& st, double t0, double t1, Rng& rng,
                        SimulatedEvents* out, std::vector<Index>* counts, Index max_events) {
  double t = t0;
  std::vector<double> lam(s.D);
  Index produced = 0;
  for (;;) {
    double bound = 0.0;
    for (Index i = 0; i < s.D; ++i) bound += st.intensity(theta, i);
    const double w = -std::log(rng.uniform()) / bound;
    if (t + w > t1) {
      // No event before t1.  Leave the state at t1 so that simulation can go
      // on from there: the exponential proposals are memoryless, so stopping
      // at t1 and proposing afresh from it gives the same process.
      st.advance(t1 - t, false);
      break;
    }
    st.advance(w, false);
    t += w;
    double total = 0.0;
    for (Index i = 0; i < s.D; ++i) {
      lam[i] = st.intensity(theta, i);
      total += lam[i];
    }
    const double v = rng.uniform() * bound;
    if (v > total) continue;  // rejected: no event at t
    Index i = 0;
    double acc = lam[0];
    while (acc < v && i + 1 < s.D) acc += lam[++i];
    st.add_event(static_cast<int>(i));
    if (out) {
      out->time.push_back(t);
      out->dim.push_back(static_cast<int>(i));
    }
    if (counts) ++(*counts)[i];
    if (++produced > max_events)
      fail_value("Hawkes.simulate", "more than ", max_events,
                 " events simulated; the process is explosive or the window too long");
  }
}

inline SimulatedEvents simulate_hawkes(const HawkesShape& s, const VectorXd& theta, double end_time,
                                       std::uint64_t seed, Index max_events = 50'000'000) {
  const char* fn = "Hawkes.simulate";
  if (!hawkes_admissible(s, theta)) fail_value(fn, "params must have positive mu and beta and non-negative alpha");
  check_positive(fn, "end_time", end_time);
  HawkesState st(s, theta);
  Rng rng(seed, 0);
  SimulatedEvents ev;
  hawkes_thin(s, theta, st, 0.0, end_time, rng, &ev, nullptr, max_events);
  return ev;
}

// Counts per dimension in (t, t + window] for `paths` simulated continuations
// of the history (paths x D).
inline Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> hawkes_window_counts(
    const HawkesData& d, const HawkesShape& s, const VectorXd& theta, double t, double window, Index paths,
    std::uint64_t seed, const std::atomic<bool>* stop = nullptr, Index max_events = 10'000'000) {
  const char* fn = "Hawkes.prob_event_within";
  if (!hawkes_admissible(s, theta)) fail_value(fn, "params must have positive mu and beta and non-negative alpha");
  check_positive(fn, "window", window);
  if (paths < 1) fail_value(fn, "paths must be at least 1, got ", paths);
  const HawkesState start = hawkes_state_at(d, s, theta, t);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> out(paths, s.D);
  std::vector<Index> counts(s.D);
  for (Index b = 0; b < paths; ++b) {
    if (stop && stop->load(std::memory_order_relaxed)) break;  // interrupted: the caller discards the result
    Rng rng(seed, static_cast<std::uint64_t>(b));
    HawkesState st = start;
    std::fill(counts.begin(), counts.end(), 0);
    hawkes_thin(s, theta, st, t, t + window, rng, nullptr, &counts, max_events);
    for (Index i = 0; i < s.D; ++i) out(b, i) = counts[i];
  }
  return out;
}

// Counts per dimension in consecutive bins (edges[k-1], edges[k]] after the
// history up to t (edges[0] = t), for `paths` simulated continuations: the
// result is paths x (bins * D), column k * D + i holding dimension i in bin
// k.  Each path continues through every bin, so excitation carries over from
// one bin into the next.  Path b uses the stream Rng(seed, b), as the window
// forecast does.
inline Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> hawkes_binned_counts(
    const HawkesData& d, const HawkesShape& s, const VectorXd& theta, const VectorXd& edges, Index paths,
    std::uint64_t seed, const std::atomic<bool>* stop = nullptr, Index max_events = 10'000'000) {
  const char* fn = "Hawkes.simulate";
  if (!hawkes_admissible(s, theta)) fail_value(fn, "params must have positive mu and beta and non-negative alpha");
  if (edges.size() < 2) fail_value(fn, "edges must hold at least two times, got ", edges.size());
  for (Index k = 0; k < edges.size(); ++k)
    if (!std::isfinite(edges[k]) || (k > 0 && !(edges[k] > edges[k - 1])))
      fail_value(fn, "edges must be finite and strictly increasing (at position ", k, ")");
  if (paths < 1) fail_value(fn, "paths must be at least 1, got ", paths);
  const Index bins = edges.size() - 1;
  const HawkesState start = hawkes_state_at(d, s, theta, edges[0]);
  Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic> out(paths, bins * s.D);
  std::vector<Index> counts(s.D);
  for (Index b = 0; b < paths; ++b) {
    if (stop && stop->load(std::memory_order_relaxed)) break;  // interrupted: the caller discards the result
    Rng rng(seed, static_cast<std::uint64_t>(b));
    HawkesState st = start;
    for (Index k = 0; k < bins; ++k) {
      std::fill(counts.begin(), counts.end(), 0);
      hawkes_thin(s, theta, st, edges[k], edges[k + 1], rng, nullptr, &counts, max_events);
      for (Index i = 0; i < s.D; ++i) out(b, k * s.D + i) = counts[i];
    }
  }
  return out;
}

// Exact P(at least one event of any type in (t, t + window] | history up to t).
inline double hawkes_prob_any_event(const HawkesData& d, const HawkesShape& s, const VectorXd& theta, double t,
                                    double window) {
  check_positive("Hawkes.prob_event_within", "window", window);
  const HawkesState st = hawkes_state_at(d, s, theta, t);
  double integral = 0.0;
  for (Index i = 0; i < s.D; ++i) {
    integral += theta[i] * window;
    for (Index j = 0; j < s.D; ++j)
      for (Index u = 0; u < s.U; ++u)
        integral += theta[s.alpha_index(i, j, u)] * st.E()(j, u) * -std::expm1(-theta[s.beta_index(u)] * window);
  }
  return -std::expm1(-integral);
}

}  // namespace summitcast::events
