"""HierarchicalLogit: original-scale reporting, predictions for new groups,
ArviZ dims, bad input."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import summitcast.bayes as sb


def simulated_groups(seed=0, n=400, G=6):
    """Simulated panel (not real data): group-varying intercepts and slopes."""
    rng = np.random.default_rng(seed)
    g = rng.integers(0, G, n)
    g[:G] = np.arange(G)
    a, b = rng.normal(0, 0.8, G), rng.normal(0, 0.4, G)
    X = pd.DataFrame({"x": rng.normal(2, 3, n), "w": rng.normal(size=n)})
    eta = -0.5 + a[g] + (0.4 + b[g]) * (X["x"] - 2) / 3 + 0.3 * X["w"]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    groups = pd.Series([f"s{k}" for k in g], name="series")
    return X, y, groups


@pytest.fixture(scope="module")
def fitted():
    X, y, groups = simulated_groups()
    model = sb.HierarchicalLogit(X, y, groups, varying_slopes=["x"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)  # an occasional divergence in 4000 draws
        post = model.sample(draws=500, tune=500, chains=4, seed=4)
    return X, y, groups, model, post


def test_reported_parameters_reproduce_the_likelihood(fitted):
    """The original-scale draws give the same log-likelihood as the sampler's
    standardised, non-centred parameters: the back-transform is exact."""
    X, y, groups, model, post = fitted
    theta = post.info["theta"].reshape(-1, model._core_model.dim)
    d = post.draws
    for s in [0, 777, 1999]:
        row = d.iloc[s]
        eta = row["Intercept"] + X.to_numpy() @ row[["x", "w"]].to_numpy(dtype=float)
        for i, lab in enumerate(groups):
            eta[i] += row[f"Intercept|series[{lab}]"] + X["x"].iloc[i] * row[f"x|series[{lab}]"]
        ll = np.sum(np.where(y == 1, stats.logistic.logcdf(eta), stats.logistic.logsf(eta)))
        assert ll == pytest.approx(model._core_model.log_likelihood(theta[s]), rel=1e-9)


def test_names_dims_and_prediction(fitted):
    X, y, groups, model, post = fitted
    assert model.group_levels == [f"s{k}" for k in range(6)]
    assert "sd(Intercept|series)" in post.names and "x|series[s3]" in post.names
    idata = post.to_arviz()
    assert idata.posterior["Intercept|series"].dims == ("chain", "draw", "series")
    assert list(idata.posterior["series"].values) == model.group_levels
    known = post.predict_proba(X.head(2), groups=["s1", "s2"])
    assert ((known["mean"] > 0) & (known["mean"] < 1)).all()
    # an unseen group is more uncertain than a seen one at the same predictors
    new = post.predict_proba(X.head(1), groups=["brand new"], seed=1)
    seen = post.predict_proba(X.head(1), groups=["s1"])
    assert new["sd"].iloc[0] > seen["sd"].iloc[0]
    assert post.summary().frame.loc["sd(Intercept|series)", "mean"] > 0


def test_pooling_shrinks_group_effects_towards_zero():
    """With almost no data per group and a tight scale prior, group effects shrink to ~0."""
    X, y, groups = simulated_groups(seed=3, n=60, G=6)
    model = sb.HierarchicalLogit(X, y, groups, prior_scale=sb.HalfNormal(0.05))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = model.sample(draws=500, tune=500, chains=2, seed=2)
    effects = post.draws[model.effect_names["Intercept"]]
    assert effects.abs().mean().max() < 0.1


def test_bad_input():
    X, y, groups = simulated_groups(n=50)
    with pytest.raises(ValueError, match="groups has 49 rows but X has 50"):
        sb.HierarchicalLogit(X, y, groups.iloc[:-1])
    cat = pd.Series(pd.Categorical(groups, categories=[*sorted(set(groups)), "unused"]), name="series")
    with pytest.raises(ValueError, match=r"groups has level\(s\) \['unused'\] with no observations"):
        sb.HierarchicalLogit(X, y, cat)
    with pytest.raises(ValueError, match="groups contains 1 missing"):
        sb.HierarchicalLogit(X, y, groups.where(groups.index != 4))
    with pytest.raises(ValueError, match="varying_slopes names"):
        sb.HierarchicalLogit(X, y, groups, varying_slopes=["nope"])
    with pytest.raises(TypeError, match="prior_scale must be a summitcast.bayes scale prior"):
        sb.HierarchicalLogit(X, y, groups, prior_scale=sb.Normal(0, 1))
    with pytest.raises(ValueError, match="HalfNormal: sigma must be positive"):
        sb.HierarchicalLogit(X, y, groups, prior_scale=sb.HalfNormal(-1))
