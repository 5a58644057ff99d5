// The Kalman filter with exact diffuse initialisation, univariate treatment of
// the observation vector and exact handling of missing values.
//
// For each time t and each observed element i of y_t (row z' of Z_t, variance
// h of H_t) the filter forms, with P = P_* + κ P_∞,
//
//   v   = y_ti − d_ti − z'a          M_* = P_* z,  F_* = z'M_* + h
//                                     M_∞ = P_∞ z,  F_∞ = z'M_∞
//
// While F_∞ > 0 the observation is "diffuse" (Koopman & Durbin 2000):
//   K_0 = M_∞ / F_∞,   a ← a + K_0 v,
//   P_* ← P_* + F_* K_0 K_0' − K_0 M_*' − M_* K_0',   P_∞ ← P_∞ − K_0 M_∞',
//   log-likelihood contribution −½ (log 2π + log F_∞).
// Otherwise it is regular:
//   K = M_* / F_*,  a ← a + K v,  P_* ← P_* − K M_*',
//   contribution −½ (log 2π + log F_* + v² / F_*).
// Then a ← T a + c,  P_* ← T P_* T' + R Q R',  P_∞ ← T P_∞ T'.
//
// Log-likelihood convention: the −½ log 2π constant is kept for diffuse
// observations, as in statsmodels' exact diffuse filter (Durbin & Koopman 2012,
// §7.2.5).  KFAS drops it; the two differ by ½ log 2π per diffuse observation.
//
// Speed: a time-invariant transition is applied through its diagonal blocks
// (block_transition.hpp), so T P T' costs O(m²) for component models.  For
// component models (one series, fixed covariances, predicted states not
// stored) the regular steps run in a frame that moves with the seasonal
// blocks (moving_frame.hpp: the rotations of a trigonometric seasonal cost
// nothing, the shift of a dummy seasonal is a relabelling), with the
// innermost loops compiled for the processor (core/simd.hpp); the general
// path (time-varying or multivariate systems) keeps the plain loops.  In
// the frame the measurement update P − M M'/F_* is deferred and fused with
// the time update (MovingFrame::transition: one pass over the columns of a
// P padded to a multiple of four rows), and M = P z̃ is summed in registers.
// The steps between two anchors of the frame run as one loop
// (framed_steps.hpp) with no per-step test but "is y_t missing": the
// diffuse, steady-state and storage decisions are made once per interval
// of kAnchorEvery steps, and a missing month is the time update alone.
//
// Anchors: the decisions are made every kAnchorEvery = 16 steps, but the
// frame is mapped back to the true coordinates (MovingFrame::anchor: the
// rotations of P, the permutation of the dummy block, G = I) only where the
// true P_* is needed: when the steady-state test may pass, at the end of
// the series, and at least every kReanchorEvery = 256 steps (so that the
// rounding of the rotated observation row z̃ = z'R^k, one 2 x 2 product per
// step, accumulates over at most 256 products; the dummy block's relabelling is
// exact at any length).  Whether the test may pass is decided from a number
// that is the same in the frame and in the true coordinates, the
// observation's signal variance f = z'P_* z = z̃'P̃ z̃: |Δf| ≤ ‖z‖₁² max |ΔP_*|
// and max |P_*| ≤ trace P_* (P_* positive semi-definite, the trace kept by
// the orthogonal G), so an interval whose |Δf| exceeds
// 2 ‖z‖₁² · 16 · steady_tol · trace P_* (the factor 2 covers the rounding
// of f) cannot pass the test below, and the frame moves on.  Otherwise it is
// anchored, and the test runs against the anchor at the start of the
// interval (if the interval did not start at an anchor, the test waits for
// the next interval: the steady state may be entered an interval later than
// with anchors every interval).  With months missing every few dozen steps
// |Δf| is never that small, and the anchors (the permutation and the copy
// of P for the test) are left out; the measured saving is in
// benchmarks/results/bench_statespace.txt, and the log-likelihood equals the
// general path's to 1e-12 over 20,000 steps (cpp/tests/test_structured.cpp).
//
// Symmetry: in the frame each column of P_* is computed on its own, so
// P_*[i, j] and P_*[j, i] differ by rounding ((s M_j) M_i against
// (s M_i) M_j, sums taken in different orders).  The frame's transition is
// a relabelling and the level + trend shear, so the difference only
// accumulates rounding between anchors, and it is removed where the frame
// is anchored (at most every kReanchorEvery steps) rather than after every
// interval; the log-likelihood moves by rounding only (the structured path
// equals the general one to 1e-12, cpp/tests/test_structured.cpp).
//
// Steady state: for time-invariant covariances the recursion is monitored
// and, once P_* stops changing, frozen until a missing value breaks it; it
// is re-entered as soon as the recursion has converged again.  Converged
// means: on the general path max |ΔP_*| over one step ≤ steady_tol = 1e-11
// of max |P_*| (tested every 4 steps); on the structured path the change
// over the 16 steps between anchors of the frame ≤ 16 · steady_tol of
// max |P_*| (the same tolerance per step, on average), every step of the 16
// fully observed.  With that tolerance the log-likelihood stays within
// 1e-10 (relative) of the full recursion: 2.3e-11 on the n = 10,000
// benchmark series; the C++ tests steady_state_shortcut_keeps_the_loglike
// (general path) and steady_state_re_entry_keeps_the_loglike_within_1e_10
// (structured path, 20,000 steps with 8 gaps, at most 3.6e-11) check it.
// How exact the test is: it bounds the change of P_* per step, and the
// distance to the fixed point is about that change / (1 − ρ²), ρ the
// spectral radius of the closed-loop transition T(I − K z') (0.993 for the
// benchmark's dummy seasonal model, 0.965 for its trigonometric one), so a
// frozen P_* may be up to ~70 · steady_tol (7e-10 relative) from the limit;
// the log-likelihood bound above is what is measured and tested.
// Convergence is slow for these models (every mode of T(I − K z'), not
// only the slowest, decays by 0.95–0.99 per step, so P_* takes ~1,000
// steps to settle to 1e-11); with months missing every few dozen steps the
// steady state is never re-entered and every step pays the full recursion.
// For the same reason neither a cache of the covariance trajectory after a
// miss (keyed by the misses since the last steady state: with 3% of the
// months missing no pattern recurs before re-convergence) nor a low-rank
// form of P_* − P̄ (P̄ the steady-state limit; the numerical rank of the
// difference at 1e-12 of max |P̄| averages 11 of 13 and 8 of 12 on the
// benchmark series with missing months) would save work.
// Where a full step's time went (85-110 ns on the benchmark's machine, AMD
// Zen 4, AVX2 clone): about 40% of it was the wait of vector loads for the
// single-entry stores of the rows T̃ rewrites (row b of the level + trend
// block, row q of the dummy's new first state, the diagonal of R Q R';
// measured by leaving those stores out, 58 and 56 ns per step, wrong
// numbers); keeping those rows only in their columns (P symmetric) and
// putting them into each column in registers during the next pass removed
// the wait but, as written with per-lane blends, cost more instructions
// than it saved (150-210 ns).  For a level + trend in states 0 and 1 with
// at most one dummy seasonal block (every unobserved-components model with
// a trend) standard_pass.hpp finishes every column in registers instead,
// with the dummy block's new row known before the pass (from the column
// sums ρ of the block, kept by a recursion), and writes whole vectors only.
// What did not pay (2026-12-03, measured and left out): computing the next
// step's M = P z̃, F and 1/F inside the pass, right after column 0 (both
// columns z̃ reads are known there for a level + dummy seasonal model), so
// that the division leaves the chain from one step to the next: the same
// time within noise (the best of eight alternated runs 93.5 against 94.7
// ns per step, the medians 103.2 and 95.8).  Fewer instructions paid less
// than in proportion: −12% per step (dummy) and −16% (trigonometric) gave
// −3 to −8% and −5 to −13% of the time (best and median of alternated
// runs, benchmarks/results/bench_statespace.txt).
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "summitcast/core/simd.hpp"
#include "summitcast/statespace/block_transition.hpp"
#include "summitcast/statespace/framed_steps.hpp"
#include "summitcast/statespace/moving_frame.hpp"
#include "summitcast/statespace/system.hpp"

namespace summitcast::statespace {

inline constexpr double kLog2Pi = 1.8378770664093454835606594728112;

struct FilterOptions {
  bool store = false;             // keep everything the smoother needs
  bool store_states = true;       // with store: also the predicted states and covariances
                                  // (the score needs only innovations and gains)
  bool steady_state = true;       // freeze a converged covariance recursion
  double steady_tol = 1e-11;      // relative change in P_* that counts as converged
  Index loglikelihood_burn = 0;   // time points whose contributions are not summed
  bool structured_pass = true;    // the specialised time update of standard_pass.hpp where it applies
                                  // (false: the general one of moving_frame.hpp; for tests)
};

struct FilterOutput {
  double loglike = 0.0;
  VectorXd loglike_t;        // n: contribution of each time point
  Index n = 0;
  Index nobs = 0;            // observed elements
  Index nobs_diffuse = 0;    // observed elements treated as diffuse
  Index diffuse_periods = 0; // time points with a nonzero P_∞ at the start
  Index converged_at = -1;   // first time point run in steady state (or -1)
  Index steady_entries = 0;  // times the steady state was entered (first time, and after each gap)

  // Stored when options.store (n_eff = n time points; p elements per point).
  MatrixXd a_pred;             // m x (n + 1): predicted states a_t, a_{n+1}
  MatrixXd P_pred;             // m x m(n + 1): predicted P_*,t
  MatrixXd Pinf_pred;          // m x m * diffuse_periods: P_∞,t in the diffuse period
  MatrixXd a_filt;             // m x n: filtered states a_{t|t}
  MatrixXd v, F_star, F_inf;   // p x n: innovations and their variances
  MatrixXd M_star, M_inf;      // m x (p n): P z before each element's update
  std::vector<ObsKind> kind;   // p n

  auto P_at(Index t) const { return P_pred.middleCols(t * a_pred.rows(), a_pred.rows()); }
  auto Pinf_at(Index t) const { return Pinf_pred.middleCols(t * a_pred.rows(), a_pred.rows()); }
  auto P_at_mut(Index t) { return P_pred.middleCols(t * a_pred.rows(), a_pred.rows()); }
};

// Forward pass.  y is p x n with NaN for missing values.
class KalmanFilter {
 public:
  KalmanFilter(const SystemMatrices& sys, const Eigen::Ref<const MatrixXd>& y, FilterOptions options = {})
      : sys_(sys), y_(y), opt_(options) {
    sys_.validate("kalman_filter", y.cols());
    if (y.rows() != sys_.p())
      fail_value("kalman_filter", "y has ", y.rows(), " series (columns) but Z has ", sys_.p(),
                 " rows (one per series); they must agree");
    for (Index j = 0; j < y.size(); ++j) {
      const double value = y.data()[j];
      if (std::isinf(value)) fail_value("kalman_filter", "y must not contain infinite values, got ", value);
    }
    if (opt_.loglikelihood_burn < 0 || opt_.loglikelihood_burn >= y.cols())
      fail_value("kalman_filter", "loglikelihood_burn must be between 0 and the number of time points less one (",
                 y.cols() - 1, "), got ", opt_.loglikelihood_burn);
  }

  FilterOutput run() {
    const Index n = y_.cols(), p = sys_.p(), m = sys_.m();
    FilterOutput out;
    out.n = n;
    out.loglike_t = VectorXd::Zero(n);
    const bool keep_states = opt_.store && opt_.store_states;
    const VectorXd zeros = VectorXd::Zero(m);
    if (keep_states) {
      out.a_pred.resize(m, n + 1);
      out.P_pred.resize(m, m * (n + 1));
      out.a_filt.resize(m, n);
    }
    if (opt_.store) {
      out.v = MatrixXd::Constant(p, n, std::nan(""));
      out.F_star = MatrixXd::Constant(p, n, std::nan(""));
      out.F_inf = MatrixXd::Zero(p, n);
      out.M_star = MatrixXd::Zero(m, p * n);
      out.M_inf = MatrixXd::Zero(m, p * n);
      out.kind.assign(static_cast<size_t>(p * n), ObsKind::missing);
    }

    VectorXd a = sys_.a1;
    MatrixXd P = sys_.P1_star;
    MatrixXd Pinf = sys_.P1_inf;
    bool diffuse = sys_.has_diffuse();
    std::vector<MatrixXd> Pinf_store;

    VectorXd Mstar(m), Minf(m), work(m);
    MatrixXd U(m, m), P_start(m, m), Pnext_inf(m, m);

    const bool invariant = sys_.covariance_time_invariant();
    const bool has_c = sys_.c.size() > 0 && sys_.c.cwiseAbs().maxCoeff() > 0.0;
    const bool use_steady = opt_.steady_state && invariant;
    BlockTransition blocks;
    MatrixXd RQR;
    std::vector<std::pair<Index, double>> RQR_nonzero;  // (column-major position, value)
    if (invariant) {
      blocks = BlockTransition::detect(sys_.T[0]);
      RQR = sys_.R[0] * sys_.Q[0] * sys_.R[0].transpose();
      for (Index k = 0; k < RQR.size(); ++k)
        if (RQR.data()[k] != 0.0) RQR_nonzero.emplace_back(k, RQR.data()[k]);
    }
    std::vector<std::vector<Index>> z_nonzero(p);
    auto refresh_z_pattern = [&](const MatrixXd& Z) {
      for (Index i = 0; i < p; ++i) {
        z_nonzero[i].clear();
        for (Index k = 0; k < m; ++k)
          if (Z(i, k) != 0.0) z_nonzero[i].push_back(k);
      }
    };
    if (invariant) refresh_z_pattern(sys_.Z[0]);

    // The structured path for component models (one series, fixed
    // covariances, no state intercept, the predicted states not stored):
    // outside the diffuse period and the steady state the covariance
    // recursion runs in a frame that moves with the seasonal blocks
    // (moving_frame.hpp), decided on every kAnchorEvery steps and anchored
    // where the true P_* is needed (see "Anchors" above).
    const bool framed = invariant && p == 1 && !has_c && !keep_states && MovingFrame::applies(blocks, RQR) &&
                        MovingFrame::fusable(blocks);
    MovingFrame frame = framed ? MovingFrame(blocks, RQR, sys_.Z[0].data()) : MovingFrame();
    StandardPass standard_pass = framed ? StandardPass(frame, RQR) : StandardPass();
    // In the frame P_* is kept with ld ≥ m rows (the rows beyond m zero), so
    // that every column is a whole number of vector registers.
    const Index ld = MovingFrame::padded(m);
    std::vector<std::pair<Index, double>> RQR_unframed;  // R Q R' outside the dummy blocks (the frame adds those), at ld
    if (framed)
      for (const auto& [k, value] : RQR_nonzero)
        if (!in_dummy_block(blocks, k % m) && !in_dummy_block(blocks, k / m))
          RQR_unframed.emplace_back(k % m + ld * (k / m), value);
    bool in_frame = false;
    Index anchor_t = -1;       // the time point of P_anchor (true coordinates)
    double zPz_before = 0.0;   // z'P_* z at the start of the interval
    double z_norm1_sq = 0.0;   // (Σ |z_k|)²
    if (framed) z_norm1_sq = std::pow(sys_.Z[0].cwiseAbs().sum(), 2);
    VectorXd zrow = VectorXd::Zero(m), true_M(m);
    MatrixXd Pf, P_anchor;  // P_* in the frame, and at the last anchor
    VectorXd Mf, af;        // P_* z̃ and a in the frame (length ld, zero beyond m)
    FramedInputs framed_in;
    FramedOutputs framed_out;
    if (framed) {
      Pf = MatrixXd::Zero(ld, m);
      Mf = VectorXd::Zero(ld);
      af = VectorXd::Zero(ld);
      framed_in.y = y_.data();
      framed_in.y_stride = y_.outerStride();
      framed_in.d = sys_.d.data();
      framed_in.d_stride = sys_.d.cols() == 1 ? 0 : sys_.d.rows();
      framed_in.h = sys_.H[0](0, 0);
      framed_in.RQR_unframed = &RQR_unframed;
      if (standard_pass.applies() && opt_.structured_pass) framed_in.standard = &standard_pass;
      framed_out.loglike_t = out.loglike_t.data();
      if (opt_.store) {
        framed_out.v = out.v.data();
        framed_out.F = out.F_star.data();
        framed_out.M_true = &out.M_star;
        framed_out.kind = out.kind.data();
      }
    }

    // Steady state: the per-element gains and variances of one fully observed
    // step, valid while P_* does not change.
    bool converged = false;
    MatrixXd P_frozen;
    MatrixXd K_frozen(m, p), M_frozen(m, p);
    VectorXd F_frozen(p);
    double logdetF_frozen = 0.0;

    for (Index t = 0; t < n; ++t) {
      const MatrixXd& Z = sys_.Z_at(t);
      const MatrixXd& H = sys_.H_at(t);
      if (!invariant) refresh_z_pattern(Z);
      auto dt = sys_.d_at(t);

      bool all_observed = true;
      for (Index i = 0; i < p; ++i)
        if (std::isnan(y_(i, t))) all_observed = false;
      if (converged && !all_observed) {
        converged = false;  // a missing value breaks the steady state
        P = P_frozen;
      }
      const bool step_diffuse = diffuse;
      if (diffuse) ++out.diffuse_periods;
      if (framed && !converged && !diffuse) {
        // One interval of the frame, kAnchorEvery steps from t, in one loop
        // (framed_steps.hpp); then, where needed, the anchor and the
        // steady-state test.
        if (!in_frame) {
          frame.reset();  // P and a are the true ones: G = I
          in_frame = true;
          Pf.topRows(m) = P;
          af.head(m) = a;
          P_anchor = Pf;
          anchor_t = t;
          zPz_before = use_steady ? frame.observed_variance(Pf) : std::nan("");
        }
        const Index t1 = std::min(n, t + kAnchorEvery);
        const bool full_interval = t1 - t == kAnchorEvery;
        const FramedResult r =
            framed_steps(frame, Pf, af.data(), Mf.data(), t, t1, framed_in, framed_out, use_steady && full_interval ? true_M.data() : nullptr);
        out.nobs += r.nobs;
        for (Index k = t; k < t1; ++k)
          if (k >= opt_.loglikelihood_burn) out.loglike += out.loglike_t[k];
        const Index t0 = t;
        t = t1 - 1;
        // Near convergence (see "Anchors" above): z'P z moved over the
        // interval by at most twice what the steady-state test allows.  It
        // is evaluated after fully observed intervals only (after a miss
        // the test cannot run, at this anchor or at the next).
        const bool testable = use_steady && full_interval && r.all_observed;
        const double zPz = testable ? frame.observed_variance(Pf) : std::nan("");
        const bool near = testable && std::abs(zPz - zPz_before) <= 2.0 * z_norm1_sq * opt_.steady_tol *
                                                                        static_cast<double>(kAnchorEvery) * Pf.trace();
        zPz_before = zPz;
        if (!near && t1 < n && frame.steps() < kReanchorEvery) continue;  // the frame moves on
        symmetrize(Pf);  // the rounding of the steps since the last anchor (see "Symmetry" above)
        frame.anchor(Pf, af.data());
        a = af.head(m);
        if (!near) continue;
        // Steady when the average change per step over the interval is at
        // most steady_tol of max |P_*| (the test of the general path, made
        // once per interval, against the anchor at its start); the frozen
        // gain is the one of its last step.
        if (anchor_t == t0) {
          const double scale = std::max(Pf.cwiseAbs().maxCoeff(), 1e-300);
          const double change = (Pf - P_anchor).cwiseAbs().maxCoeff();
          if (change <= opt_.steady_tol * static_cast<double>(kAnchorEvery) * scale) {
            converged = true;
            in_frame = false;
            if (out.converged_at < 0) out.converged_at = t + 1;
            ++out.steady_entries;
            P_frozen = Pf.topRows(m);
            K_frozen.col(0) = true_M * (1.0 / r.last_F);
            M_frozen.col(0) = true_M;
            F_frozen[0] = r.last_F;
            logdetF_frozen = std::log(r.last_F);
          }
        }
        P_anchor = Pf;
        anchor_t = t1;
        continue;
      }
      const bool check_steady = use_steady && !framed && !converged && !diffuse && t % kSteadyCheckEvery == 0;
      if (check_steady) P_start = P;
      if (keep_states) {
        out.a_pred.col(t) = a;
        out.P_at_mut(t) = converged ? P_frozen : P;
        if (diffuse) Pinf_store.push_back(Pinf);
      }

      double ll = 0.0;
      if (converged) {
        // Steady state: only the mean moves.
        for (Index i = 0; i < p; ++i) {
          double za = 0.0;
          for (Index k : z_nonzero[i]) za += Z(i, k) * a[k];
          const double v = y_(i, t) - dt[i] - za;
          const double* __restrict k = K_frozen.data() + i * m;
          double* __restrict ad = a.data();
          for (Index r = 0; r < m; ++r) ad[r] += k[r] * v;
          ll -= 0.5 * (v * v / F_frozen[i]);
          if (opt_.store) store_element(out, t, i, v, F_frozen[i], 0.0, M_frozen.col(i), zeros, ObsKind::regular);
        }
        ll -= 0.5 * (p * kLog2Pi + logdetF_frozen);
        out.nobs += p;
      } else {
        for (Index i = 0; i < p; ++i) {
          const double y = y_(i, t);
          if (std::isnan(y)) continue;
          ++out.nobs;
          // The plain sums of the general path (the structured one has its
          // own, vectorised and reordered, in framed_steps.hpp), so that its
          // results do not depend on the processor.
          const auto& nz = z_nonzero[i];
          for (Index k : nz) zrow[k] = Z(i, k);
          double za = 0.0;
          for (Index k : nz) za += zrow[k] * a[k];
          const double v = y - dt[i] - za;
          double* md = Mstar.data();
          for (Index r = 0; r < m; ++r) md[r] = 0.0;
          for (Index k : nz) {
            const double zk = zrow[k];
            const double* pc = P.data() + k * m;
            for (Index r = 0; r < m; ++r) md[r] += zk * pc[r];
          }
          double Fstar = H(i, i);
          for (Index k : nz) Fstar += zrow[k] * Mstar[k];
          double Finf = 0.0;
          if (diffuse) {
            Minf.setZero();
            for (Index k : nz) Minf.noalias() += zrow[k] * Pinf.col(k);
            for (Index k : nz) Finf += zrow[k] * Minf[k];
          }
          double zz = 0.0;
          if (diffuse)
            for (Index k : nz) zz += zrow[k] * zrow[k];
          if (diffuse && Finf > kDiffuseTol * std::max(1.0, zz)) {
            // Diffuse element: the observation pins down a diffuse direction.
            work = Minf / Finf;  // K_0
            a.noalias() += work * v;
            P.noalias() += work * (Fstar * work - Mstar).transpose();
            P.noalias() -= Mstar * work.transpose();
            Pinf.noalias() -= work * Minf.transpose();
            ll -= 0.5 * (kLog2Pi + std::log(Finf));
            ++out.nobs_diffuse;
            if (opt_.store) store_element(out, t, i, v, Fstar, Finf, Mstar, Minf, ObsKind::diffuse);
          } else if (Fstar > kDegenerateTol) {
            work = Mstar / Fstar;  // K
            a.noalias() += work * v;
            rank1_update(P, Mstar, Mstar, 1.0 / Fstar);
            ll -= 0.5 * (kLog2Pi + std::log(Fstar) + v * v / Fstar);
            // The frozen gain is the one of the step before a steady-state test.
            if (opt_.store) store_element(out, t, i, v, Fstar, Finf, Mstar, diffuse ? Minf : zeros, ObsKind::regular);
            if (use_steady && !diffuse && all_observed) {
              K_frozen.col(i) = work;
              M_frozen.col(i) = Mstar;
              F_frozen[i] = Fstar;
            }
          } else {
            // No variance at all: the element carries no information.
            if (opt_.store) store_element(out, t, i, v, Fstar, Finf, Mstar, diffuse ? Minf : zeros, ObsKind::degenerate);
            if (use_steady) all_observed = false;  // cannot be frozen
          }
        }
      }
      if (keep_states) out.a_filt.col(t) = a;
      if (t >= opt_.loglikelihood_burn) out.loglike += ll;
      out.loglike_t[t] = ll;

      // Time update.
      const MatrixXd& T = sys_.T_at(t);
      if (invariant) {
        blocks.apply(a.data());
      } else {
        work.noalias() = T * a;
        a.swap(work);
      }
      if (has_c) a += sys_.c_at(t);
      if (converged) continue;

      // P ← T P T' + R Q R' (in place through the blocks when invariant).
      if (invariant) {
        blocks.propagate(P);
        for (const auto& [k, value] : RQR_nonzero) P.data()[k] += value;
      } else {
        U.noalias() = T * P;
        P.noalias() = U * T.transpose();
        const MatrixXd& R = sys_.R_at(t);
        P.noalias() += R * sys_.Q_at(t) * R.transpose();
      }
      // Rounding makes T P T' drift from exact symmetry only slowly.
      if (t % kSymmetrizeEvery == 0 || check_steady) symmetrize(P);

      if (diffuse) {
        if (invariant) {
          blocks.propagate(Pinf);
        } else {
          U.noalias() = T * Pinf;
          Pnext_inf.noalias() = U * T.transpose();
          Pinf.swap(Pnext_inf);
        }
        symmetrize(Pinf);
        if (Pinf.cwiseAbs().maxCoeff() <= kDiffuseEnd) {
          diffuse = false;
          Pinf.setZero();
        }
      }

      if (check_steady && !step_diffuse && all_observed) {
        const double scale = std::max(P.cwiseAbs().maxCoeff(), 1e-300);
        const double change = (P - P_start).cwiseAbs().maxCoeff();
        if (change <= opt_.steady_tol * scale) {
          converged = true;
          if (out.converged_at < 0) out.converged_at = t + 1;
          ++out.steady_entries;
          P_frozen = P;
          logdetF_frozen = F_frozen.array().log().sum();
        }
      }
    }
    if (keep_states) {
      out.a_pred.col(n) = a;
      out.P_at_mut(n) = converged ? P_frozen : P;
      out.Pinf_pred.resize(m, m * static_cast<Index>(Pinf_store.size()));
      for (size_t k = 0; k < Pinf_store.size(); ++k) out.Pinf_pred.middleCols(static_cast<Index>(k) * m, m) = Pinf_store[k];
    }
    if (in_frame) P = Pf.topRows(m);  // anchored at the last step: the true P_*
    final_a_ = a;
    final_P_ = converged ? P_frozen : P;
    final_diffuse_ = diffuse;
    return out;
  }

  // The one-step prediction after the last observation: a_{n+1}, P_{n+1}.
  const VectorXd& final_state() const { return final_a_; }
  const MatrixXd& final_cov() const { return final_P_; }
  bool final_diffuse() const { return final_diffuse_; }

  static constexpr double kDiffuseTol = 1e-9;    // F_∞ below this (relative to z'z) is zero
  static constexpr double kDiffuseEnd = 1e-9;    // max |P_∞| below this ends the diffuse period
  static constexpr double kDegenerateTol = 0.0;  // F_* must be strictly positive
  static constexpr Index kSteadyCheckEvery = 4;  // time points between steady-state checks
  static constexpr Index kSymmetrizeEvery = 8;   // time points between re-symmetrisations of P_*
  static constexpr Index kAnchorEvery = 16;      // time points between the interval decisions of the frame
  static constexpr Index kReanchorEvery = 256;   // at most this many time points between anchors of the frame

 private:
  // The leading m x m block (m = A.cols()) made exactly symmetric.
  static void symmetrize(MatrixXd& A) {
    const Index m = A.cols();
    for (Index j = 0; j < m; ++j)
      for (Index i = j + 1; i < m; ++i) {
        const double s = 0.5 * (A(i, j) + A(j, i));
        A(i, j) = s;
        A(j, i) = s;
      }
  }

  static bool in_dummy_block(const BlockTransition& bt, Index k) {
    for (const auto& b : bt.blocks())
      if (b.kind == BlockTransition::Kind::dummy_seasonal && k >= b.start && k < b.start + b.size) return true;
    return false;
  }

  // P ← P − s x y' (column-major, plain loops)
  static void rank1_update(MatrixXd& P, const VectorXd& x, const VectorXd& y, double s) {
    const Index m = P.rows();
    double* pd = P.data();
    const double* xd = x.data();
    for (Index j = 0; j < m; ++j) {
      const double c = s * y[j];
      double* col = pd + j * m;
      for (Index r = 0; r < m; ++r) col[r] -= c * xd[r];
    }
  }

  template <class MS, class MI>
  static void store_element(FilterOutput& out, Index t, Index i, double v, double Fstar, double Finf,
                            const MS& Mstar, const MI& Minf, ObsKind kind) {
    const Index p = out.v.rows();
    out.v(i, t) = v;
    out.F_star(i, t) = Fstar;
    out.F_inf(i, t) = Finf;
    out.M_star.col(t * p + i) = Mstar;
    out.M_inf.col(t * p + i) = Minf;
    out.kind[static_cast<size_t>(t * p + i)] = kind;
  }

  const SystemMatrices& sys_;
  Eigen::Ref<const MatrixXd> y_;
  FilterOptions opt_;
  VectorXd final_a_;
  MatrixXd final_P_;
  bool final_diffuse_ = false;
};

}  // namespace summitcast::statespace
