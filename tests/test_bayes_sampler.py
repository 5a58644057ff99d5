"""NUTS: reproducibility whatever the thread count, exact answers where the
posterior is known, Ctrl-C, and the sampler statistics."""

from __future__ import annotations

import os
import signal
import threading
import time

import numpy as np
import pytest
from scipy import stats

import summitcast.bayes as sb

RNG = np.random.default_rng(1)
X = RNG.normal(size=(200, 3))
Y = (RNG.uniform(size=200) < 1 / (1 + np.exp(-(0.3 + X @ np.array([1.0, -0.5, 0.0]))))).astype(float)


@pytest.mark.filterwarnings("ignore::summitcast.bayes.ConvergenceWarning")  # short runs
@pytest.mark.parametrize("adaptation", ["gradients", "stan"])
def test_same_seed_same_draws_for_1_2_4_threads(adaptation):
    model = sb.Logit(X, Y)
    runs = [model.sample(draws=300, tune=300, chains=4, seed=123, cores=c, metric_adaptation=adaptation)
            for c in (1, 2, 4)]
    for other in runs[1:]:
        assert np.array_equal(runs[0].draws.to_numpy(), other.draws.to_numpy())
        assert runs[0].sample_stats.equals(other.sample_stats)
    different = model.sample(draws=300, tune=300, chains=4, seed=124, cores=2, metric_adaptation=adaptation)
    assert not np.array_equal(runs[0].draws.to_numpy(), different.draws.to_numpy())
    # chain c does not depend on how many chains run beside it
    two = model.sample(draws=300, tune=300, chains=2, seed=123, cores=1, metric_adaptation=adaptation)
    assert np.array_equal(two.draws.loc[1].to_numpy(), runs[0].draws.loc[1].to_numpy())


@pytest.mark.parametrize("dense, adaptation", [(False, None), (False, "stan"), (True, None)])
def test_zero_weights_give_back_the_prior(dense, adaptation):
    """With all weights 0 the likelihood vanishes and the posterior is the prior."""
    prior = sb.Normal(1.0, 2.0)
    t_prior = sb.StudentT(5.0, -1.0, 0.5)
    model = sb.Logit(X, Y, prior=prior, prior_intercept=t_prior, weights=np.zeros(len(Y)), standardize=False)
    post = model.sample(draws=2000, tune=1000, chains=4, seed=5, dense_metric=dense, metric_adaptation=adaptation)
    flat = post.draws
    for name in ["x0", "x1", "x2"]:
        assert flat[name].mean() == pytest.approx(1.0, abs=0.1)
        assert flat[name].std() == pytest.approx(2.0, rel=0.05)
    # Student-t intercept: compare quantiles with scipy's
    q = np.quantile(flat["Intercept"], [0.05, 0.25, 0.5, 0.75, 0.95])
    np.testing.assert_allclose(q, stats.t(5.0, -1.0, 0.5).ppf([0.05, 0.25, 0.5, 0.75, 0.95]), atol=0.06)
    # a Kolmogorov-Smirnov test on thinned (near-independent) draws
    thinned = flat["x1"].to_numpy()[::4]
    assert stats.kstest(thinned, stats.norm(1.0, 2.0).cdf).pvalue > 1e-3
    assert post.info["dense_metric"] is dense
    assert post.info["metric_adaptation"] == (adaptation or ("stan" if dense else "gradients"))
    if not dense and adaptation is None:
        # the metric from draws and gradients: for this Gaussian prior the
        # gradient is exactly -(x - 1)/4, so the inverse metric is the prior
        # variance 4 to rounding in every chain (draws alone would be off by
        # their sampling error)
        inverse_metric = np.asarray(post.info["inverse_metric"])
        np.testing.assert_allclose(inverse_metric[:, 1:], 4.0, rtol=1e-9)


def test_sample_stats_are_consistent():
    post = sb.Logit(X, Y).sample(draws=400, tune=400, chains=2, seed=9)
    s = post.sample_stats
    assert list(s.columns) == ["lp", "acceptance_rate", "step_size", "tree_depth", "n_steps", "diverging", "energy"]
    assert s.index.names == ["chain", "draw"]
    # tree_depth counts completed doublings (2^depth - 1 steps); a last subtree
    # rejected for a U-turn adds at most 2^depth more.
    depth = s["tree_depth"].to_numpy()
    assert (s["n_steps"] >= 2**depth - 1).all()
    assert (s["n_steps"] <= 2 ** (depth + 1) - 1).all()
    assert ((s["acceptance_rate"] >= 0) & (s["acceptance_rate"] <= 1)).all()
    assert (s["energy"] >= -s["lp"]).all()  # H = -lp + K with K >= 0
    assert not s["diverging"].any()
    # the adapted step size is constant within a chain after warm-up
    assert s["step_size"].groupby(level="chain").nunique().eq(1).all()
    # mean acceptance near the dual-averaging target
    assert 0.7 < s["acceptance_rate"].mean() < 0.97
    total = post.info["gradient_evaluations"].sum()
    assert total >= s["n_steps"].sum()


def test_ctrl_c_stops_sampling_cleanly():
    n = 20000
    Xb = np.random.default_rng(2).normal(size=(n, 10))
    yb = (Xb[:, 0] > 0).astype(float)
    yb[:100] = 1 - yb[:100]
    model = sb.Logit(Xb, yb)
    timer = threading.Timer(0.5, lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.perf_counter()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        model.sample(draws=100000, tune=1000, chains=2, seed=1, cores=2)
    timer.join()
    assert time.perf_counter() - start < 30


def test_progress_bar_counts_every_iteration(monkeypatch):
    tqdm_auto = pytest.importorskip("tqdm.auto")
    bars = []

    class Recorder:
        def __init__(self, total, desc, unit):
            self.total, self.count, self.closed = total, 0, False
            bars.append(self)

        def update(self, k):
            self.count += k

        def close(self):
            self.closed = True

    monkeypatch.setattr(tqdm_auto, "tqdm", Recorder)
    post = sb.Logit(X, Y).sample(draws=400, tune=400, chains=2, seed=3, progress=True)
    assert post.n_draws == 400
    (bar,) = bars
    assert bar.total == 2 * (400 + 400) and bar.count == bar.total and bar.closed


def test_bad_sampler_arguments():
    model = sb.Logit(X, Y)
    with pytest.raises(ValueError, match="draws"):
        model.sample(draws=0)
    with pytest.raises(ValueError, match="chains"):
        model.sample(chains=0)
    with pytest.raises(TypeError, match="seed"):
        model.sample(seed=1.5)
    with pytest.raises(ValueError, match="target_accept"):
        model.sample(draws=10, tune=10, target_accept=1.5)
    with pytest.raises(ValueError, match="cores"):
        model.sample(cores=0)
    with pytest.raises(ValueError, match="metric_adaptation must be one of 'gradients', 'stan'; got 'nutpie'"):
        model.sample(draws=10, tune=10, metric_adaptation="nutpie")
    with pytest.raises(ValueError, match="metric_adaptation='gradients' adapts a diagonal metric"):
        model.sample(draws=10, tune=10, dense_metric=True, metric_adaptation="gradients")
