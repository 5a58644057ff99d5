// One chain of the No-U-Turn sampler in the form Stan runs it (Hoffman &
// Gelman 2014; Betancourt 2017, "A Conceptual Introduction to Hamiltonian
// Monte Carlo", appendix A).
//
// Each transition draws a momentum and builds a trajectory by repeated
// doubling: a coin picks the direction, and a new subtree of 2^depth
// leapfrog steps is built recursively at that end.  Along the way:
//
// * Multinomial sampling.  Every state z on the trajectory has weight
//   exp(-H(z)) (relative to the initial energy H0).  Inside a subtree the
//   proposal is drawn in proportion to these weights (progressive uniform
//   sampling: keep the left proposal, switch to the right one with
//   probability w_right / (w_left + w_right)).  When a new subtree is joined
//   to the old trajectory the switch probability is min(1, w_new / w_old),
//   which favours moving away from the start (biased progressive sampling).
// * Generalised U-turn criterion.  With rho the sum of momenta over a
//   trajectory and p# = M^{-1} p the velocities at its two ends, the
//   trajectory keeps expanding only while p#_minus . rho > 0 and
//   p#_plus . rho > 0.  It is checked on every subtree and, as current Stan
//   does, also across the seam between two merged subtrees (each subtree
//   extended by the nearest state of the other), which catches U-turns that
//   straddle the seam.
// * Divergence.  A leapfrog step whose energy error H - H0 exceeds
//   max_delta_h (1000) marks the transition divergent and stops the tree.
// * Acceptance statistic for step-size adaptation: the mean over all new
//   states of min(1, exp(H0 - H)).
#pragma once

#include <Eigen/Dense>
#include <cmath>
#include <limits>

#include "summitcast/bayes/link_functions.hpp"
#include "summitcast/bayes/log_density.hpp"
#include "summitcast/bayes/metric.hpp"
#include "summitcast/core/errors.hpp"
#include "summitcast/core/rng.hpp"

namespace summitcast::bayes {

struct TransitionStats {
  double lp = 0.0;           // log density at the draw
  double accept_stat = 0.0;  // mean Metropolis acceptance over the trajectory
  double step_size = 0.0;
  int tree_depth = 0;
  int n_leapfrog = 0;  // gradient evaluations in this transition
  bool divergent = false;
  double energy = 0.0;  // Hamiltonian at the draw
};

class NutsChain {
 public:
  NutsChain(const LogDensity& model, const Metric& metric, Rng& rng, int max_depth, double max_delta_h = 1000.0)
      : model_(model), metric_(metric), rng_(rng), max_depth_(max_depth), max_delta_h_(max_delta_h) {
    const Eigen::Index d = model.dim();
    z_.resize(d);
    v_.resize(d);
  }

  // Set the position; throws NumericalError if the density or its gradient
  // is not finite there.
  void set_position(const Eigen::VectorXd& q) {
    z_.q = q;
    z_.lp = model_.log_density(z_.q, z_.g, true);
    ++gradient_evaluations_;
  }
  bool position_is_finite() const { return std::isfinite(z_.lp) && z_.g.allFinite(); }
  const Eigen::VectorXd& position() const { return z_.q; }
  const Eigen::VectorXd& gradient() const { return z_.g; }  // of the log density at position()
  double log_density() const { return z_.lp; }
  long long gradient_evaluations() const { return gradient_evaluations_; }

  TransitionStats transition(double eps) {
    const Eigen::Index d = z_.q.size();
    metric_.sample_momentum(rng_, z_.p);
    const double H0 = hamiltonian(z_);

    Point z_fwd = z_, z_bwd = z_, z_sample = z_, z_propose = z_;
    Eigen::VectorXd p_sharp0(d);
    metric_.velocity(z_.p, p_sharp0);
    // Momenta and velocities at the two ends of the backward (bwd) and
    // forward (fwd) parts of the trajectory; *_fwd_bwd is the end of the
    // forward part nearest the start, and so on.
    Eigen::VectorXd p_fwd_fwd = z_.p, p_fwd_bwd = z_.p, p_bwd_fwd = z_.p, p_bwd_bwd = z_.p;
    Eigen::VectorXd ps_fwd_fwd = p_sharp0, ps_fwd_bwd = p_sharp0, ps_bwd_fwd = p_sharp0, ps_bwd_bwd = p_sharp0;
    Eigen::VectorXd rho = z_.p, rho_fwd(d), rho_bwd(d);

    double log_sum_weight = 0.0;  // log of the weight exp(H0 - H0) of the start
    TransitionStats stats;
    stats.step_size = eps;
    Tally tally;
    int depth = 0;
    while (depth < max_depth_) {
      rho_fwd.setZero();
      rho_bwd.setZero();
      double log_sum_weight_subtree = -std::numeric_limits<double>::infinity();
      bool valid = false;
      if (rng_.uniform() > 0.5) {
        rho_bwd = rho;
        p_bwd_fwd = p_fwd_bwd;
        ps_bwd_fwd = ps_fwd_bwd;
        valid = build_tree(depth, z_fwd, z_propose, ps_fwd_bwd, ps_fwd_fwd, rho_fwd, p_fwd_bwd, p_fwd_fwd, H0, eps,
                           log_sum_weight_subtree, tally);
      } else {
        rho_fwd = rho;
        p_fwd_bwd = p_bwd_fwd;
        ps_fwd_bwd = ps_bwd_fwd;
        valid = build_tree(depth, z_bwd, z_propose, ps_bwd_fwd, ps_bwd_bwd, rho_bwd, p_bwd_fwd, p_bwd_bwd, H0, -eps,
                           log_sum_weight_subtree, tally);
      }
      if (!valid) break;
      ++depth;
      // Biased progressive sampling between the old trajectory and the new subtree.
      if (log_sum_weight_subtree > log_sum_weight) {
        z_sample = z_propose;
      } else if (rng_.uniform() < std::exp(log_sum_weight_subtree - log_sum_weight)) {
        z_sample = z_propose;
      }
      log_sum_weight = log_sum_exp(log_sum_weight, log_sum_weight_subtree);

      rho = rho_bwd + rho_fwd;
      bool persist = no_u_turn(ps_bwd_bwd, ps_fwd_fwd, rho);
      persist = persist && no_u_turn(ps_bwd_bwd, ps_fwd_bwd, rho_bwd + p_fwd_bwd);
      persist = persist && no_u_turn(ps_bwd_fwd, ps_fwd_fwd, rho_fwd + p_bwd_fwd);
      if (!persist) break;
    }
    z_ = z_sample;
    stats.lp = z_.lp;
    stats.tree_depth = depth;
    stats.n_leapfrog = tally.n_leapfrog;
    stats.divergent = tally.divergent;
    stats.accept_stat = tally.n_leapfrog > 0 ? tally.sum_metro_prob / tally.n_leapfrog : 0.0;
    stats.energy = hamiltonian(z_);
    return stats;
  }

  // Stan's step-size heuristic: from eps, double (or halve) the step until
  // the acceptance probability of one leapfrog step from a fresh momentum
  // crosses 0.8.  Leaves the position unchanged.
  double find_reasonable_step_size(double eps) {
    const Point start = z_;
    auto delta_h = [&](double e) {
      z_ = start;
      metric_.sample_momentum(rng_, z_.p);
      const double H0 = hamiltonian(z_);
      leapfrog(z_, e);
      double h = hamiltonian(z_);
      if (std::isnan(h)) h = std::numeric_limits<double>::infinity();
      return H0 - h;
    };
    const double log08 = std::log(0.8);
    const int direction = delta_h(eps) > log08 ? 1 : -1;
    for (int it = 0; it < 200; ++it) {
      const double dh = delta_h(eps);
      if (direction == 1 && !(dh > log08)) break;
      if (direction == -1 && !(dh < log08)) break;
      eps = direction == 1 ? 2.0 * eps : 0.5 * eps;
      if (eps > 1e7) {
        z_ = start;
        throw NumericalError("NUTS: the step size grew beyond 1e7; the posterior is probably improper");
      }
      if (eps == 0.0) {
        z_ = start;
        throw NumericalError("NUTS: no acceptable step size; the log density is not smooth at the start");
      }
    }
    z_ = start;
    return eps;
  }

 private:
  struct Point {
    Eigen::VectorXd q, p, g;
    double lp = 0.0;
    void resize(Eigen::Index d) {
      q = Eigen::VectorXd::Zero(d);
      p = Eigen::VectorXd::Zero(d);
      g = Eigen::VectorXd::Zero(d);
    }
  };
  struct Tally {
    int n_leapfrog = 0;
    double sum_metro_prob = 0.0;
    bool divergent = false;
  };

  double hamiltonian(const Point& z) const { return -z.lp + metric_.kinetic(z.p); }

  static bool no_u_turn(const Eigen::VectorXd& p_sharp_minus, const Eigen::VectorXd& p_sharp_plus,
                        const Eigen::VectorXd& rho) {
    return p_sharp_plus.dot(rho) > 0.0 && p_sharp_minus.dot(rho) > 0.0;
  }

  // Leapfrog (velocity Verlet) step of size eps (negative = backwards in time).
  void leapfrog(Point& z, double eps) {
    z.p.noalias() += 0.5 * eps * z.g;
    metric_.velocity(z.p, v_);
    z.q.noalias() += eps * v_;
    z.lp = model_.log_density(z.q, z.g, true);
    ++gradient_evaluations_;
    z.p.noalias() += 0.5 * eps * z.g;
  }

  // Build a subtree of 2^depth leapfrog steps from z in direction sign(eps).
  // On return z is the outermost state, z_propose the subtree's multinomial
  // draw, rho has the subtree's momentum sum added, and p_beg/p_end (and
  // their velocities) hold the momenta at its inner and outer ends.
  bool build_tree(int depth, Point& z, Point& z_propose, Eigen::VectorXd& p_sharp_beg, Eigen::VectorXd& p_sharp_end,
                  Eigen::VectorXd& rho, Eigen::VectorXd& p_beg, Eigen::VectorXd& p_end, double H0, double eps,
                  double& log_sum_weight, Tally& tally) {
    if (depth == 0) {
      leapfrog(z, eps);
      ++tally.n_leapfrog;
      double h = hamiltonian(z);
      if (std::isnan(h)) h = std::numeric_limits<double>::infinity();
      if (h - H0 > max_delta_h_) tally.divergent = true;
      log_sum_weight = log_sum_exp(log_sum_weight, H0 - h);
      tally.sum_metro_prob += H0 - h > 0.0 ? 1.0 : std::exp(H0 - h);
      z_propose = z;
      metric_.velocity(z.p, p_sharp_beg);
      p_sharp_end = p_sharp_beg;
      rho += z.p;
      p_beg = z.p;
      p_end = p_beg;
      return !tally.divergent;
    }
    const Eigen::Index d = z.q.size();
    // The inner half.
    double log_sum_weight_init = -std::numeric_limits<double>::infinity();
    Eigen::VectorXd p_init_end(d), p_sharp_init_end(d), rho_init = Eigen::VectorXd::Zero(d);
    if (!build_tree(depth - 1, z, z_propose, p_sharp_beg, p_sharp_init_end, rho_init, p_beg, p_init_end, H0, eps,
                    log_sum_weight_init, tally))
      return false;
    // The outer half.
    Point z_propose_final = z;
    double log_sum_weight_final = -std::numeric_limits<double>::infinity();
    Eigen::VectorXd p_final_beg(d), p_sharp_final_beg(d), rho_final = Eigen::VectorXd::Zero(d);
    if (!build_tree(depth - 1, z, z_propose_final, p_sharp_final_beg, p_sharp_end, rho_final, p_final_beg, p_end, H0,
                    eps, log_sum_weight_final, tally))
      return false;
    // Progressive uniform sampling between the two halves.
    const double log_sum_weight_subtree = log_sum_exp(log_sum_weight_init, log_sum_weight_final);
    log_sum_weight = log_sum_exp(log_sum_weight, log_sum_weight_subtree);
    if (log_sum_weight_final > log_sum_weight_subtree) {
      z_propose = z_propose_final;
    } else if (rng_.uniform() < std::exp(log_sum_weight_final - log_sum_weight_subtree)) {
      z_propose = z_propose_final;
    }
    // U-turn across the whole subtree and across the seam between its halves.
    const Eigen::VectorXd rho_subtree = rho_init + rho_final;
    bool persist = no_u_turn(p_sharp_beg, p_sharp_end, rho_subtree);
    persist = persist && no_u_turn(p_sharp_beg, p_sharp_final_beg, rho_init + p_final_beg);
    persist = persist && no_u_turn(p_sharp_init_end, p_sharp_end, rho_final + p_init_end);
    rho += rho_subtree;
    return persist;
  }

  const LogDensity& model_;
  const Metric& metric_;
  Rng& rng_;
  int max_depth_;
  double max_delta_h_;
  Point z_;
  Eigen::VectorXd v_;
  long long gradient_evaluations_ = 0;
};

}  // namespace summitcast::bayes
