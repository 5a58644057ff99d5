"""Hawkes processes against a hand-derived likelihood, tick, a brute-force
O(n²) likelihood with finite differences, simulation and goodness of fit."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import scipy.stats as st

import summitcast.events as se
from summitcast import _core


def simulate(params, T, seed, dims=1, n_exp=1):
    ev = _core.events.hawkes_simulate(np.asarray(params, float), dims, n_exp, float(T), seed)
    return [np.asarray(e) for e in ev]


def brute_force_loglike(times, T, mu, alpha, beta):
    """O(n²) log-likelihood: times per dimension, alpha[i, j, u], beta[u]."""
    D = len(times)
    ll = 0.0
    for i in range(D):
        for t in times[i]:
            lam = mu[i]
            for j in range(D):
                s = t - times[j][times[j] < t]
                for u, b in enumerate(beta):
                    lam += alpha[i, j, u] * b * np.exp(-b * s).sum()
            ll += math.log(lam)
        comp = mu[i] * T
        for j in range(D):
            for u, b in enumerate(beta):
                comp += alpha[i, j, u] * (1 - np.exp(-b * (T - times[j]))).sum()
        ll -= comp
    return ll


def test_tiny_case_by_hand():
    # Events 1, 2, 3 on [0, 4]; μ = 0.5, α = 0.5, β = 1, so the kernel is
    # αβ e^{−βs} = 0.5 e^{−s}:
    #   λ(1) = 0.5                                (no earlier event)
    #   λ(2) = 0.5 + 0.5 e^{−1}
    #   λ(3) = 0.5 + 0.5 (e^{−1} + e^{−2})
    #   ∫_0^4 λ = μ·4 + α Σ_k (1 − e^{−β(4 − t_k)}) = 2 + 0.5 (3 − e^{−3} − e^{−2} − e^{−1})
    #   ℓ = log λ(1) + log λ(2) + log λ(3) − ∫_0^4 λ
    #     = log 0.5 + log(0.5 + 0.5/e) + log(0.5 + 0.5/e + 0.5/e²) − 3.5 + 0.5 (e^{−1} + e^{−2} + e^{−3})
    e = math.exp
    expected = (
        math.log(0.5)
        + math.log(0.5 + 0.5 * e(-1))
        + math.log(0.5 + 0.5 * (e(-1) + e(-2)))
        - 3.5
        + 0.5 * (e(-1) + e(-2) + e(-3))
    )
    assert expected == pytest.approx(-4.582072993329273, abs=1e-14)  # the number itself, to 15 digits
    ll, grad = se.Hawkes().loglike([1.0, 2.0, 3.0], [0.5, 0.5, 1.0], end_time=4.0)
    assert ll == pytest.approx(expected, rel=1e-14)
    # ∂ℓ/∂μ = Σ 1/λ(t_k) − T, also by hand.
    lam = np.array([0.5, 0.5 + 0.5 * e(-1), 0.5 + 0.5 * (e(-1) + e(-2))])
    assert grad[0] == pytest.approx(np.sum(1 / lam) - 4.0, rel=1e-13)


@pytest.mark.parametrize("dims,n_exp", [(1, 1), (1, 2), (2, 1), (3, 2)])
def test_loglike_and_gradient_against_brute_force(dims, n_exp):
    rng = np.random.default_rng(dims * 10 + n_exp)
    D, U = dims, n_exp
    mu = rng.uniform(0.2, 0.6, D)
    alpha = rng.uniform(0.02, 0.5 / (D * U), (D, D, U))
    beta = np.sort(rng.uniform(0.5, 4.0, U))
    theta = np.r_[mu, alpha.ravel(), beta]
    times = simulate(theta, 150.0, seed=7, dims=D, n_exp=U)
    T = 160.0
    hawkes = se.Hawkes(n_exp=U)
    tt = times if D > 1 else times[0]
    ll, grad = hawkes.loglike(list(times) if D > 1 else tt, theta, end_time=T)
    ref = brute_force_loglike(times, T, mu, alpha, beta)
    assert ll == pytest.approx(ref, rel=1e-10)
    fd = np.empty_like(theta)
    for k in range(len(theta)):
        h = 1e-6 * max(abs(theta[k]), 1e-2)
        tp, tm = theta.copy(), theta.copy()
        tp[k] += h
        tm[k] -= h
        fd[k] = (hawkes.loglike(list(times) if D > 1 else tt, tp, end_time=T)[0] - hawkes.loglike(list(times) if D > 1 else tt, tm, end_time=T)[0]) / (2 * h)
    np.testing.assert_allclose(grad, fd, rtol=1e-4, atol=1e-5 * np.abs(fd).max())


def test_agrees_with_tick_for_fixed_decays():
    hm = pytest.importorskip("tick.hawkes.model.build.hawkes_model")
    # tick's ModelHawkesExpKernLogLik loss is −(ℓ + D·T)/N (its log-likelihood
    # omits the constant Σ_i T) and its coefficients are (μ, adjacency row-major)
    # with the kernel adjacency·decay·e^{−decay·s}, the same parametrisation.
    theta = np.array([0.3, 0.4, 0.2, 0.1, 0.15, 0.3, 1.5])  # D = 2: μ(2), α(2x2), β
    times = simulate(theta, 500.0, seed=3, dims=2)
    T = 500.0
    model = hm.ModelHawkesExpKernLogLik(1.5, 1)
    model.set_data([[times[0], times[1]]], np.array([T]))
    N = sum(len(t) for t in times)
    for coeffs in (theta[:6], np.array([0.5, 0.25, 0.05, 0.3, 0.2, 0.1])):
        ours, grad = se.Hawkes().loglike(list(times), np.r_[coeffs, 1.5], end_time=T)
        assert -(N * model.loss(coeffs) + 2 * T) == pytest.approx(ours, rel=1e-10)
        g_tick = np.zeros(6)
        model.grad(coeffs, g_tick)
        np.testing.assert_allclose(-N * g_tick, grad[:6], rtol=1e-8)


def test_fixed_decay_fit_matches_fixed_decay_optimum():
    theta = np.array([0.5, 0.6, 2.0])
    t = simulate(theta, 2000.0, seed=4)[0]
    res = se.Hawkes().fit(t, end_time=2000.0, decays=2.0)
    assert res.params["beta"] == 2.0 and np.isnan(res.bse["beta"])
    assert np.max(np.abs(res.gradient.to_numpy()[:2])) < 1e-3
    free = se.Hawkes().fit(t, end_time=2000.0)
    assert free.llf >= res.llf - 1e-9


def test_fixed_decay_profile_newton_equals_general_fit():
    # The univariate fixed-decay fit profiles μ out and solves for α by Newton;
    # starting values force the general BFGS path instead.  Same optimum.
    t = simulate(np.array([0.3, 0.7, 0.8]), 3000.0, seed=14)[0]
    fast = se.Hawkes().fit(t, end_time=3000.0, decays=0.8)
    general = se.Hawkes().fit(t, end_time=3000.0, decays=0.8, start_params=[0.2, 0.5, 0.8])
    assert fast.optimizer_message == "profile Newton converged"
    assert general.optimizer_message != fast.optimizer_message
    np.testing.assert_allclose(fast.params.to_numpy(), general.params.to_numpy(), rtol=1e-6)
    assert fast.llf == pytest.approx(general.llf, rel=1e-12)
    assert fast.llf == pytest.approx(se.Hawkes().loglike(t, fast.params.to_numpy(), end_time=3000.0)[0], rel=1e-13)
    np.testing.assert_allclose(fast.bse.to_numpy()[:2], general.bse.to_numpy()[:2], rtol=1e-4)
    # Both score components vanish at the optimum; the decay's does not need to.
    assert np.max(np.abs(fast.gradient.to_numpy()[:2])) < 1e-6 * len(t)
    g_ref = se.Hawkes().loglike(t, fast.params.to_numpy(), end_time=3000.0)[1]
    np.testing.assert_allclose(fast.gradient.to_numpy()[2], g_ref[2], rtol=1e-9)


def test_parameter_recovery_with_decay_and_coverage():
    truth = np.array([0.5, 0.6, 2.0])
    hits = np.zeros(3)
    R = 30
    for rep in range(R):
        t = simulate(truth, 1500.0, seed=100 + rep)[0]
        res = se.Hawkes().fit(t, end_time=1500.0)
        ci = res.conf_int()
        hits += (ci["lower"].to_numpy() <= truth) & (truth <= ci["upper"].to_numpy())
    rate = hits.sum() / (3 * R)
    assert 0.87 <= rate <= 1.0, hits  # pooled 95% coverage, sd ≈ 2.3 points
    assert hits.min() >= 0.8 * R


def test_multivariate_and_sum_of_exponentials_recovery():
    theta2 = np.array([0.2, 0.3, 0.3, 0.1, 0.0, 0.5, 1.5])  # α[i<-j] row-major: a does not excite b
    times = simulate(theta2, 4000.0, seed=9, dims=2)
    res = se.Hawkes().fit({"a": times[0], "b": times[1]}, end_time=4000.0)
    z = (res.params.to_numpy() - theta2) / res.bse.to_numpy()
    ok = np.abs(z[np.isfinite(z)]) < 4
    assert ok.all(), res.params
    assert res.branching_matrix.loc["b", "b"] == pytest.approx(0.5, abs=0.1)
    assert res.branching_matrix.loc["b", "a"] < 0.05
    assert res.branching_ratio == pytest.approx(np.max(np.abs(np.linalg.eigvals(np.array([[0.3, 0.1], [0.0, 0.5]])))), abs=0.1)
    theta_s = np.array([0.4, 0.3, 0.3, 0.5, 10.0])  # one slow and one fast component
    t = simulate(theta_s, 6000.0, seed=10, n_exp=2)[0]
    r2 = se.Hawkes(n_exp=2).fit(t, end_time=6000.0)
    z2 = (r2.params.to_numpy() - theta_s) / r2.bse.to_numpy()
    assert np.all(np.abs(z2) < 4), r2.params
    assert list(r2.params.index) == ["mu", "alpha_1", "alpha_2", "beta_1", "beta_2"]


def test_time_rescaling_ks_passes_true_model_and_fails_misspecified():
    truth = np.array([0.5, 0.6, 2.0])
    t = simulate(truth, 3000.0, seed=12)[0]
    good = se.Hawkes().fit(t, end_time=3000.0)
    r = good.residuals()
    assert len(r) == len(t)
    # Independent check of the statistic with scipy on the same residuals.
    ref = st.kstest(r, "expon", method="asymp")
    ks = good.ks_test()
    assert ks["statistic"] == pytest.approx(ref.statistic, rel=1e-12)
    assert ks["pvalue"] == pytest.approx(ref.pvalue, rel=1e-6)
    assert ks["pvalue"] > 0.05
    # A kernel far too fast to explain the clustering: residuals are not Exp(1).
    bad = se.Hawkes().fit(t, end_time=3000.0, decays=1000.0)
    assert bad.ks_test()["pvalue"] < 1e-10
    # The compensator at the true parameters: its increments' mean is 1.
    comp = _core.events.hawkes_compensator([t], 3000.0, truth, 1)[0]
    assert np.mean(np.diff(np.r_[0, comp])) == pytest.approx(1.0, abs=0.05)


def test_simulation_moments_and_determinism():
    truth = np.array([0.4, 0.5, 1.0])
    counts = [len(simulate(truth, 200.0, seed=s)[0]) for s in range(300)]
    # E N(T) → μT/(1 − α) = 160 (up to the start-up transient of order α/(β(1−α)²) = 2)
    assert np.mean(counts) == pytest.approx(160 - 0.4 * 2.0, abs=3 * np.std(counts) / math.sqrt(300) + 1)
    a = simulate(truth, 200.0, seed=5)[0]
    assert np.array_equal(a, simulate(truth, 200.0, seed=5)[0])
    assert not np.array_equal(a, simulate(truth, 200.0, seed=6)[0])
    assert np.all(np.diff(a) > 0) and a.min() > 0 and a.max() <= 200.0


def test_window_forecast_exact_and_simulated():
    truth = np.array([0.1, 0.7, 0.5])
    t = simulate(truth, 500.0, seed=2)[0]
    res = se.Hawkes().fit(t, end_time=500.0)
    fc = res.prob_event_within(2.0, paths=40000, seed=3)
    mu, a, b = res.params.to_numpy()
    # Exact: 1 − exp(−[μΔ + α Σ_k e^{−β(T − t_k)} (1 − e^{−βΔ})]).
    E = np.exp(-b * (500.0 - t)).sum()
    exact = 1 - math.exp(-(mu * 2.0 + a * E * (1 - math.exp(-b * 2.0))))
    assert fc.prob_any == pytest.approx(exact, rel=1e-12)
    assert fc.prob_any_simulated == pytest.approx(exact, abs=4 * math.sqrt(exact * (1 - exact) / 40000))
    dist = fc.count_distribution()
    assert dist["0"].sum() == pytest.approx(1.0)
    assert dist.loc[0, "0"] == pytest.approx(1 - fc.prob_any_simulated)
    again = res.prob_event_within(2.0, paths=40000, seed=3)
    assert again.counts.equals(fc.counts)


def test_intensity_against_direct_sum():
    t = simulate(np.array([0.5, 0.5, 1.5]), 100.0, seed=1)[0]
    res = se.Hawkes().fit(t, end_time=100.0)
    mu, a, b = res.params.to_numpy()
    at = np.array([50.0, 3.0, t[10], 99.5])  # unsorted; t[10] itself is excluded (left limit)
    lam = res.intensity(at)
    ref = [mu + a * b * np.exp(-b * (s - t[t < s])).sum() for s in at]
    np.testing.assert_allclose(lam.to_numpy(), ref, rtol=1e-12)


def test_timestamps_match_floats():
    t = simulate(np.array([0.5, 0.5, 1.5]), 300.0, seed=8)[0]
    origin = pd.Timestamp("2020-01-01")
    stamps = origin + pd.to_timedelta(t, unit="D")
    r_ts = se.Hawkes().fit(pd.Series(stamps), start_time=origin, end_time=origin + pd.Timedelta(300, "D"))
    r_fl = se.Hawkes().fit(t, end_time=300.0)
    np.testing.assert_allclose(r_ts.params.to_numpy(), r_fl.params.to_numpy(), rtol=1e-6)
    assert r_ts.llf == pytest.approx(r_fl.llf, rel=1e-9)
    p = r_ts.prob_event_within(pd.Timedelta(7, "D"), paths=10)
    assert p.prob_any == pytest.approx(r_fl.prob_event_within(7.0, paths=10).prob_any, rel=1e-6)
    sim = r_ts.sample_events(origin + pd.Timedelta(50, "D"), seed=1)
    assert isinstance(sim, pd.DatetimeIndex) and (sim >= origin).all()
    lam = r_ts.intensity([origin + pd.Timedelta(100, "D")])
    assert lam.iloc[0] == pytest.approx(r_fl.intensity([100.0]).iloc[0], rel=1e-6)


def test_boundary_warning_on_poisson_data():
    t = np.sort(np.random.default_rng(1).uniform(0, 3000, 1500))  # simulated homogeneous Poisson events
    with pytest.warns(se.BoundaryWarning):
        res = se.Hawkes().fit(t, end_time=3000.0)
    assert res.at_boundary


def test_results_presentation():
    t = simulate(np.array([0.5, 0.5, 1.5]), 200.0, seed=1)[0]
    res = se.Hawkes().fit(t, end_time=200.0)
    text = res.summary()
    assert "Branching ratio" in text and "beta" in text and f"{res.llf:.4f}" in text
    assert "<table>" in res._repr_html_() and "Branching ratio" in res._repr_html_()
    import matplotlib

    matplotlib.use("Agg")
    ax = res.plot()
    assert len(ax.get_lines()) == 2


# -- bad input -----------------------------------------------------------------

def test_bad_event_times():
    h = se.Hawkes()
    good = np.linspace(1, 90, 40)
    with pytest.raises(ValueError, match=r"times\[0\] must be sorted"):
        h.fit(np.r_[good[:5], good[3], good[6:]][::-1], end_time=100.0)
    with pytest.raises(ValueError, match=r"times\[0\] has duplicated event times"):
        h.fit(np.r_[good[:5], good[4:]], end_time=100.0)
    with pytest.raises(ValueError, match=r"outside the window \[0, end_time = 50"):
        h.fit(good, end_time=50.0)
    with pytest.raises(ValueError, match=r"outside the window"):
        h.fit(np.r_[-1.0, good], end_time=100.0)
    with pytest.raises(ValueError, match="too few events"):
        h.fit([1.0, 2.0, 3.0], end_time=4.0)
    with pytest.raises(ValueError, match=r"times\[1\] has no events"):
        h.fit([good, np.array([])], end_time=100.0)
    with pytest.raises(ValueError, match="NaN"):
        h.fit(np.r_[good, np.nan], end_time=100.0)
    with pytest.raises(ValueError, match="end_time"):
        h.fit(good, end_time=-1.0)
    with pytest.raises(TypeError, match="timestamps or all numbers"):
        h.fit([pd.to_datetime(["2020-01-01"]), np.array([1.0])])


def test_bad_decays_and_start_values():
    t = simulate(np.array([0.5, 0.5, 1.5]), 200.0, seed=1)[0]
    with pytest.raises(ValueError, match="decays must be positive"):
        se.Hawkes().fit(t, end_time=200.0, decays=0.0)
    with pytest.raises(ValueError, match="decays must be positive"):
        se.Hawkes().fit(t, end_time=200.0, decays=-1.0)
    with pytest.raises(ValueError, match="decays must have 2"):
        se.Hawkes(n_exp=2).fit(t, end_time=200.0, decays=1.0)
    with pytest.raises(ValueError, match="decays must be finite"):
        se.Hawkes().fit(t, end_time=200.0, decays=float("nan"))
    with pytest.raises(TypeError, match="decays"):
        se.Hawkes().fit(t, end_time=200.0, decays=True)
    # a scalar decay (checked as a scalar) and the same decay as an array fit alike
    as_scalar = se.Hawkes().fit(t, end_time=200.0, decays=np.float64(1.5)).params
    as_array = se.Hawkes().fit(t, end_time=200.0, decays=[1.5]).params
    pd.testing.assert_series_equal(as_scalar, as_array)
    with pytest.raises(ValueError, match="start_params are explosive: branching ratio"):
        se.Hawkes().fit(t, end_time=200.0, start_params=[0.5, 1.2, 1.0])
    with pytest.raises(ValueError, match="start_params must have 3"):
        se.Hawkes().fit(t, end_time=200.0, start_params=[0.5, 0.2])
    with pytest.raises(ValueError, match="n_exp"):
        se.Hawkes(n_exp=0)
    with pytest.raises(ValueError, match="kernel"):
        se.Hawkes(kernel="power")
    res = se.Hawkes().fit(t, end_time=200.0)
    with pytest.raises(ValueError, match="window must be positive"):
        res.prob_event_within(0.0)
    with pytest.raises(ValueError, match="seed"):
        res.prob_event_within(1.0, seed=-3)


def test_multivariate_intensity_residuals_and_plot():
    theta = np.array([0.2, 0.3, 0.3, 0.1, 0.2, 0.4, 1.2])
    times = simulate(theta, 300.0, seed=21, dims=2)
    res = se.Hawkes().fit({"x": times[0], "y": times[1]}, end_time=300.0)
    mu = res.params.to_numpy()[:2]
    A = res.params.to_numpy()[2:6].reshape(2, 2)
    b = res.params["beta"]
    at = np.array([10.0, 150.0, 299.0])
    lam = res.intensity(at)
    assert list(lam.columns) == ["x", "y"]
    for i, name in enumerate(["x", "y"]):
        ref = [mu[i] + sum(A[i, j] * b * np.exp(-b * (s - times[j][times[j] < s])).sum() for j in range(2)) for s in at]
        np.testing.assert_allclose(lam[name].to_numpy(), ref, rtol=1e-12)
    r = res.residuals()
    assert set(r) == {"x", "y"} and len(r["x"]) == len(times[0])
    # Λ_i at the last event of i, by direct integration of the fitted intensity.
    t_last = times[0][-1]
    comp = mu[0] * t_last + sum(A[0, j] * (1 - np.exp(-b * (t_last - times[j][times[j] < t_last]))).sum() for j in range(2))
    assert r["x"].sum() == pytest.approx(comp, rel=1e-12)
    assert res.ks_test()["n"] == len(times[0]) + len(times[1])
    import matplotlib

    matplotlib.use("Agg")
    assert len(res.plot().get_lines()) == 4


def test_sum_of_exponentials_with_fixed_decays():
    theta = np.array([0.4, 0.3, 0.3, 0.5, 10.0])
    t = simulate(theta, 4000.0, seed=23, n_exp=2)[0]
    res = se.Hawkes(n_exp=2).fit(t, end_time=4000.0, decays=[0.5, 10.0])
    assert list(res.params[["beta_1", "beta_2"]]) == [0.5, 10.0]
    assert np.max(np.abs(res.gradient.to_numpy()[:3])) < 1e-6 * len(t)
    z = (res.params.to_numpy()[:3] - theta[:3]) / res.bse.to_numpy()[:3]
    assert np.all(np.abs(z) < 4), res.params
    with pytest.raises(ValueError, match="strictly increasing"):
        se.Hawkes(n_exp=2).fit(t, end_time=4000.0, decays=[10.0, 0.5])


def profile_root_reference(t, T, beta):
    """The fixed-decay optimum (μ, α) independently of the compiled fit: x_k by
    a plain recursion, μ profiled out (μ = (N − αG)/T), and the root of the
    profile score Σ φ_k / (N/T + α φ_k), φ_k = x_k − G/T, by Brent's method."""
    from scipy.optimize import brentq

    x, E, last = np.empty(len(t)), 0.0, 0.0
    for k, tk in enumerate(t):
        E *= math.exp(-beta * (tk - last))
        x[k] = beta * E
        E += 1.0
        last = tk
    N = len(t)
    G = N - E * math.exp(-beta * (T - last))
    phi, base = x - G / T, N / T
    score = lambda a: np.sum(phi / (base + a * phi))
    hi = min(1.0, N / G)
    if score(0.0) <= 0:
        return np.array([N / T, 0.0])
    a = brentq(score, 0.0, hi * (1 - 1e-12), xtol=1e-15, rtol=1e-15)
    return np.array([(N - a * G) / T, a])


@pytest.mark.parametrize(
    "theta, n_events, seed, note",
    [
        ((0.5, 0.6, 2.0), 10_000, 21, "the benchmark's case, subsample start"),
        ((0.5, 0.6, 2.0), 1_023, 21, "just below the subsample start"),
        ((0.5, 0.6, 2.0), 1_024, 21, "the smallest subsample start"),
        ((1.0, 0.02, 2.0), 4_000, 21, "alpha near 0"),
        ((1.0, 0.3, 0.05), 3_000, 21, "alpha at 0 (Poisson-like), subsample start"),
        ((0.2, 0.97, 1.0), 6_000, 21, "near the stationarity bound"),
        ((1.0, 0.6, 50.0), 3_000, 21, "fast decay"),
        ((1.0, 0.3, 0.05), 3_000, 22, "slow decay"),
        ((0.5, 0.5, 1.0), 6, 21, "few events (alpha at 0)"),
        ((0.5, 0.8, 1.0), 12, 1, "few events"),
    ],
)
def test_profile_newton_start_reaches_the_reference_optimum(theta, n_events, seed, note):
    # Whether the iteration starts at a = 0 or at the subsample's root, the
    # fast fit lands on the optimum found by Brent's method on the profile
    # score, and on the general fit's.
    t = simulate(np.array(theta), 40.0 * n_events / theta[0], seed=seed)[0][:n_events]
    assert len(t) == n_events, note
    T = float(t[-1]) + 0.5
    beta = theta[2]
    ref = profile_root_reference(t, T, beta)
    if ref[1] < 1e-3:  # at the boundary α = 0: the fit says so
        with pytest.warns(se.BoundaryWarning, match="alpha is at its boundary"):
            fast = se.Hawkes().fit(t, end_time=T, decays=beta)
    else:
        fast = se.Hawkes().fit(t, end_time=T, decays=beta)
    assert fast.optimizer_message == "profile Newton converged", note
    np.testing.assert_allclose(fast.params.to_numpy()[:2], ref, rtol=1e-9, atol=1e-12, err_msg=note)
    ll_ref = se.Hawkes().loglike(t, np.r_[ref, beta], end_time=T)[0]
    assert fast.llf == pytest.approx(ll_ref, rel=1e-12, abs=1e-9), note
    if n_events >= 1_000 and ref[1] > 1e-3:
        general = se.Hawkes().fit(t, end_time=T, decays=beta, start_params=[0.5 * theta[0], 0.3, beta])
        np.testing.assert_allclose(fast.params.to_numpy(), general.params.to_numpy(), rtol=1e-6, err_msg=note)


def test_fixed_decay_fit_rejects_one_event_and_ties():
    with pytest.raises(ValueError, match="too few events"):
        se.Hawkes().fit([1.0], end_time=2.0, decays=1.0)
    with pytest.raises(ValueError, match="times"):
        se.Hawkes().fit([1.0, 2.0, 2.0, 3.0, 4.0], end_time=5.0, decays=1.0)
