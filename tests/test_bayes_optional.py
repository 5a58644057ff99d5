"""summitcast.bayes with its optional dependencies hidden (tqdm, ArviZ,
SciPy, scikit-learn): everything that does not need them still works, and
what does says which package to install."""

from __future__ import annotations

import sys
import warnings

import numpy as np
import pytest

import summitcast.bayes as sb

RNG = np.random.default_rng(3)
X = RNG.normal(size=(120, 2))
Y = (RNG.uniform(size=120) < 0.5).astype(int)


def hide(monkeypatch, *names):
    for name in names:
        monkeypatch.setitem(sys.modules, name, None)  # import now raises ImportError


def test_progress_without_tqdm(monkeypatch):
    hide(monkeypatch, "tqdm", "tqdm.auto")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = sb.Logit(X, Y).sample(draws=100, tune=100, chains=2, seed=1, progress=True)
    assert post.n_draws == 100


def test_to_arviz_without_arviz_names_the_package(monkeypatch):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = sb.Logit(X, Y).sample(draws=100, tune=100, chains=2, seed=1)
    hide(monkeypatch, "arviz")
    with pytest.raises(ImportError, match="pip install arviz"):
        post.to_arviz()
    assert "r_hat" in post.summary_frame()  # diagnostics are summitcast's own


def test_separation_check_without_scipy_still_finds_columns_and_combinations(monkeypatch):
    hide(monkeypatch, "scipy", "scipy.optimize")
    x = np.arange(20.0)[:, None]
    with pytest.warns(sb.DataWarning, match="separates"):
        sb.Logit(x, (x[:, 0] >= 10).astype(int))
    # a combination of columns is proved by the Newton certificate, which needs no SciPy
    Z = RNG.normal(size=(40, 2))
    with pytest.warns(sb.DataWarning, match="a combination of the columns"):
        sb.Logit(Z, (Z.sum(axis=1) > 0).astype(int))
    # and an overlapping design is proved so: no warning
    y = np.tile([0, 1], 20)  # every row of Z once with y = 0 and once with y = 1: no direction can separate
    Z = np.repeat(RNG.normal(size=(20, 2)), 2, axis=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sb.DataWarning)
        sb.Logit(Z, y)
