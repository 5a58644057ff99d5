"""The Python surface: pandas names carry through, summaries, predictions,
ArviZ export, Laplace, and bad input raising ValueError/TypeError that name
the argument."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import statsmodels.api as sm
from scipy import stats

import summitcast.bayes as sb
from peers import quiet_peer


@pytest.fixture(scope="module")
def spector():
    data = sm.datasets.spector.load_pandas()
    return data.exog, data.endog


@pytest.fixture(scope="module")
def spector_posterior(spector):
    X, y = spector
    return sb.Logit(X, y).sample(draws=1000, tune=1000, chains=4, seed=2024)


def test_draws_frame_and_names(spector_posterior):
    post = spector_posterior
    assert post.draws.index.names == ["chain", "draw"]
    assert list(post.draws.columns) == ["Intercept", "GPA", "TUCE", "PSI"]
    assert post.n_chains == 4 and post.n_draws == 1000
    assert post.array("GPA").shape == (4, 1000)
    with pytest.raises(ValueError, match="name must be one of 'Intercept', 'GPA'.*got 'gpa'"):
        post.array("gpa")


def test_summary_text_and_html(spector_posterior):
    summary = spector_posterior.summary()
    frame = summary.frame
    assert list(frame.columns) == ["mean", "sd", "hdi_3%", "hdi_97%", "mcse_mean", "mcse_sd", "ess_bulk", "ess_tail", "r_hat"]
    assert (frame["hdi_3%"] < frame["mean"]).all() and (frame["mean"] < frame["hdi_97%"]).all()
    text = str(summary)
    assert "GPA" in text and "r_hat" in text and "divergences 0" in text
    html = spector_posterior._repr_html_()
    assert "<table" in html and "GPA" in html


def test_standardisation_reports_original_scale(spector):
    """The same flat-prior mode whether or not predictors are standardised,
    and coefficients from NUTS agree between the two parameterisations when
    the prior is (nearly) flat on both scales."""
    X, y = spector
    wide = sb.Normal(0, 1000)
    a = sb.Logit(X, y, prior=wide, prior_intercept=wide).fit_map()
    b = sb.Logit(X, y, prior=wide, prior_intercept=wide, standardize=False).fit_map()
    np.testing.assert_allclose(a.params, b.params, rtol=1e-4)


def test_predict_proba_matches_draws(spector, spector_posterior):
    X, _ = spector
    post = spector_posterior
    new = X.iloc[:5]
    table = post.predict_proba(new)
    assert list(table.index) == list(new.index)
    draws = post.predict_proba(new, return_draws=True)
    assert draws.shape == (4000, 5)
    d = post.draws
    eta = d["Intercept"].to_numpy()[:, None] + d[["GPA", "TUCE", "PSI"]].to_numpy() @ new.to_numpy().T
    np.testing.assert_allclose(draws, 1 / (1 + np.exp(-eta)), rtol=1e-12)
    np.testing.assert_allclose(table["mean"], draws.mean(axis=0), rtol=1e-12)
    # columns are matched by name, not position
    np.testing.assert_allclose(post.predict_proba(new[["PSI", "GPA", "TUCE"]])["mean"], table["mean"], rtol=1e-12)
    with pytest.raises(ValueError, match="lacks column"):
        post.predict_proba(new[["GPA"]])


def test_to_arviz_schema(spector_posterior):
    idata = spector_posterior.to_arviz()
    assert set(idata.posterior.data_vars) == {"Intercept", "GPA", "TUCE", "PSI"}
    assert idata.posterior["GPA"].dims == ("chain", "draw")
    stats_vars = set(idata.sample_stats.data_vars)
    assert {"lp", "acceptance_rate", "step_size", "tree_depth", "n_steps", "diverging", "energy"} <= stats_vars
    assert idata.sample_stats["diverging"].dtype == bool
    np.testing.assert_array_equal(idata.posterior["GPA"].values, spector_posterior.array("GPA"))


def test_laplace_matches_mode_and_curvature(spector):
    X, y = spector
    model = sb.Logit(X, y, prior=sb.Normal(0, 1), prior_intercept=sb.Normal(0, 1))
    post = model.fit_laplace(draws=20000, seed=1)
    assert post.method == "laplace" and post.n_chains == 1
    mode = post.info["mode"]
    # On the standardised scale the approximation is N(mode, (-H)^-1); the
    # reported draws are a linear map of it, so their mean is the mapped mode.
    np.testing.assert_allclose(post.draws.mean(), mode.params, atol=4 * post.draws.std().max() / np.sqrt(20000))
    cov = np.linalg.inv(-post.info["hessian"])
    theta = np.asarray(post.info["mode"].theta)
    assert theta.shape == (4,)
    assert np.all(np.linalg.eigvalsh(cov) > 0)
    assert np.isnan(post.summary_frame()["r_hat"]).all()


def test_laplace_close_to_nuts_for_a_near_gaussian_posterior():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(600, 2))
    y = (rng.uniform(size=600) < 1 / (1 + np.exp(-(0.5 + X @ [0.8, -0.4])))).astype(int)
    model = sb.Logit(X, y)
    lap = model.fit_laplace(draws=8000, seed=3).draws
    nuts = model.sample(draws=1000, tune=1000, chains=4, seed=3).draws
    np.testing.assert_allclose(lap.mean(), nuts.mean(), atol=0.1 * nuts.std().min())
    np.testing.assert_allclose(lap.std(), nuts.std(), rtol=0.1)


# ------------------------------------------------------------------ bad input
def test_bad_inputs_name_the_argument(spector):
    X, y = spector
    bad_X = X.copy()
    bad_X.iloc[3, 1] = np.nan
    with pytest.raises(ValueError, match=r"X contains 1 non-finite.*row 3.*'TUCE'"):
        sb.Logit(bad_X, y)
    inf_X = X.to_numpy().copy()
    inf_X[0, 0] = np.inf
    with pytest.raises(ValueError, match="X contains"):
        sb.Logit(inf_X, y)
    with pytest.raises(ValueError, match="y must contain only 0 and 1.*2.0 at row 0"):
        sb.Logit(X, y.replace({0.0: 2.0}))
    with pytest.raises(ValueError, match="y has 31 rows but X has 32"):
        sb.Logit(X, y.iloc[:-1])
    with pytest.raises(ValueError, match="weights must be non-negative"):
        sb.Logit(X, y, weights=-np.ones(len(y)))
    with pytest.raises(ValueError, match="offset has 3 rows"):
        sb.Logit(X, y, offset=[1, 2, 3])
    with pytest.raises(ValueError, match="link must be"):
        sb.Logit(X, y, link="cloglog")
    with pytest.raises(TypeError, match="prior must be a summitcast.bayes prior"):
        sb.Logit(X, y, prior=2.5)
    with pytest.raises(TypeError, match="column 'name' must be numeric"):
        sb.Logit(X.assign(name="a"), y)


@pytest.mark.parametrize(
    ("make", "pattern"),
    [
        (lambda: sb.Normal(0, 0), "Normal: sigma must be positive"),
        (lambda: sb.Normal(0, -1), "Normal: sigma must be positive"),
        (lambda: sb.Normal(np.nan, 1), "Normal: mu must be finite"),
        (lambda: sb.StudentT(0, 0, 1), "StudentT: nu must be positive"),
        (lambda: sb.Cauchy(0, -2), "Cauchy: sigma must be positive"),
        (lambda: sb.HalfNormal(0), "HalfNormal: sigma must be positive"),
        (lambda: sb.HalfStudentT(3, -1), "HalfStudentT: sigma must be positive"),
        (lambda: sb.Exponential(0), "Exponential: rate must be positive"),
    ],
)
def test_non_positive_prior_scales(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


# ------------------------------------------------- degenerate but legal data
def test_perfect_separation_is_finite_under_proper_prior_with_warning():
    x = np.arange(20, dtype=float)
    y = (x >= 10).astype(int)
    with pytest.warns(sb.DataWarning, match="separates y = 0 from y = 1"):
        model = sb.Logit(pd.DataFrame({"x": x}), y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = model.sample(draws=500, tune=500, chains=2, seed=1)
    assert np.isfinite(post.draws.to_numpy()).all()
    assert post.draws["x"].mean() > 0
    # the prior bounds the standardised slope: |beta * sd(x)| stays within a few prior sds
    assert (post.draws["x"].abs() * x.std(ddof=1)).max() < 6 * 2.5


def test_separation_by_a_combination_of_columns_is_detected():
    rng = np.random.default_rng(4)
    X = pd.DataFrame(rng.normal(size=(60, 2)), columns=["a", "b"])
    y = (X["a"] + X["b"] > 0).astype(int)  # neither column alone separates
    with pytest.warns(sb.DataWarning, match="combination of the columns"):
        sb.Logit(X, y)
    noisy = (X["a"] + X["b"] + rng.normal(size=60) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error", sb.DataWarning)
        sb.Logit(X, noisy)  # no warning when the classes overlap


def test_constant_column_and_tiny_sample_warn_but_stay_finite():
    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "const": [1.0, 1.0, 1.0]})
    y = [0, 1, 0]
    with pytest.warns(sb.DataWarning) as record:
        model = sb.Logit(X, y)
    messages = " ".join(str(w.message) for w in record)
    assert "constant column" in messages and "only 3 observations" in messages
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = model.sample(draws=300, tune=300, chains=2, seed=1)
    assert np.isfinite(post.draws.to_numpy()).all()
    # a constant column under an intercept is identified only by the prior: its
    # posterior sd stays near the prior's 2.5
    assert 1.0 < post.draws["const"].std() < 2.6


def test_convergence_warning_for_short_runs(spector):
    X, y = spector
    with pytest.warns(sb.ConvergenceWarning, match="ESS"):
        sb.Logit(X, y).sample(draws=20, tune=50, chains=2, seed=1)


@pytest.mark.parametrize("kind", ["logit", "probit", "ordered_logit", "ordered_probit"])
def test_reported_parameters_reproduce_the_likelihood(kind):
    """Draws on the original scale give exactly the log-likelihood the sampler
    saw on the standardised scale (the back-transform is exact)."""
    rng = np.random.default_rng(8)
    X = pd.DataFrame({"a": rng.normal(5, 3, 80), "b": rng.normal(-2, 0.1, 80)})
    link = kind.split("_")[-1]
    if kind.startswith("ordered"):
        y = pd.Series(rng.integers(0, 3, 80))
        model = sb.OrderedLogit(X, y, link=link)
    else:
        y = pd.Series(rng.integers(0, 2, 80))
        model = sb.Logit(X, y, link=link)
    theta = rng.normal(size=(3, model._core_model.dim))
    params = pd.DataFrame(model._constrain(theta), columns=model.param_names)
    dist = stats.logistic if link == "logit" else stats.norm
    for s in range(3):
        row = params.iloc[s]
        eta = X.to_numpy() @ row[["a", "b"]].to_numpy(dtype=float)
        if kind.startswith("ordered"):
            cuts = np.concatenate([[-np.inf], row[model.cutpoint_names].to_numpy(dtype=float), [np.inf]])
            codes = y.to_numpy()
            ll = np.sum(np.log(dist.cdf(cuts[codes + 1] - eta) - dist.cdf(cuts[codes] - eta)))
        else:
            eta = eta + row["Intercept"]
            ll = np.sum(np.where(y == 1, dist.logcdf(eta), dist.logsf(eta)))
        assert ll == pytest.approx(model._core_model.log_likelihood(theta[s]), rel=1e-9)


def test_ordered_outcome_levels_and_errors():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=30)})
    y = pd.Series(pd.Categorical(rng.choice(["none", "declaration", "security"], 30),
                                 categories=["none", "declaration", "security"], ordered=True))
    model = sb.OrderedLogit(X, y)
    assert model.levels == ["none", "declaration", "security"]
    assert model.param_names == ["a", "none|declaration", "declaration|security"]
    with pytest.raises(ValueError, match="y contains 'other' at row 0, which is not among the levels"):
        sb.OrderedLogit(X, ["other"] + list(y.iloc[1:]), levels=["none", "declaration", "security"])
    with pytest.raises(ValueError, match="at least 2 levels"):
        sb.OrderedLogit(X, ["none"] * 30)
    with pytest.warns(sb.DataWarning, match=r"level\(s\) \['extra'\] of y are never observed"):
        sb.OrderedLogit(X, y.astype(str), levels=["none", "declaration", "security", "extra"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = model.sample(draws=300, tune=300, chains=2, seed=1)
    probs = post.predict_proba(X.head(4))
    assert list(probs.columns) == ["none", "declaration", "security"]
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
    cuts = post.draws[model.cutpoint_names].to_numpy()
    assert (np.diff(cuts, axis=1) > 0).all()


def test_collinear_but_identified_design_does_not_warn_of_separation():
    """Duration terms d, d^2, d^3 and two covariates with 5 events in 120
    months: statsmodels converges to a finite MLE whose standardised
    coefficients exceed 100 (collinear terms), with fitted |eta| about 21.
    That is not separation, so no separation warning."""
    summits = ["2008-12-13", "2009-10-10", "2010-05-29", "2011-05-21", "2012-05-13", "2015-11-01"]
    months = pd.period_range("2009-01", periods=120, freq="M")
    rng = np.random.default_rng(2)
    cov = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)}, index=months)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model = sb.DiscreteHazard(months, summits, cov)
    assert not [w for w in caught if "separates" in str(w.message)]
    with quiet_peer():
        reference = sm.Logit(model.y, sm.add_constant(model.scaler.transform(model.design.values))).fit(disp=0, maxiter=1000)
    assert reference.mle_retvals["converged"] and np.abs(reference.params[1:]).max() > 15


@pytest.mark.parametrize("hierarchical", [False, True])
def test_save_and_load_round_trip(tmp_path, spector, hierarchical):
    X, y = spector
    if hierarchical:
        model = sb.HierarchicalLogit(X, y, pd.Series(np.arange(len(y)) % 3, name="g"))
    else:
        model = sb.Logit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = model.sample(draws=100, tune=100, chains=2, seed=1)
    path = tmp_path / "posterior.nc"
    post.save(path)
    loaded = sb.Posterior.load(path, model)
    pd.testing.assert_frame_equal(loaded.draws, post.draws)
    pd.testing.assert_frame_equal(loaded.sample_stats, post.sample_stats)
    np.testing.assert_allclose(loaded.predict_proba(X.head(3))["mean"], post.predict_proba(X.head(3))["mean"])
    other = sb.Logit(X[["GPA", "PSI"]], y)
    with pytest.raises(ValueError, match="parameters|posterior"):
        sb.Posterior.load(path, other)


def test_plot_draws_a_forest_without_showing(spector_posterior, monkeypatch):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    monkeypatch.setattr(plt, "show", lambda *a, **k: pytest.fail("plot() must not call plt.show()"))
    fig, ax = plt.subplots()
    out = spector_posterior.plot(names=["GPA", "PSI"], ax=ax)
    assert out is ax
    labels = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks())}
    assert set(labels) == {"GPA", "PSI"} and labels["GPA"] > labels["PSI"]  # listed top to bottom
    means = spector_posterior.draws[["GPA", "PSI"]].mean().to_numpy()
    np.testing.assert_allclose(ax.lines[0].get_xdata(), means)
    np.testing.assert_allclose(ax.lines[0].get_ydata(), [labels["GPA"], labels["PSI"]])
    plt.close(fig)
    with pytest.raises(ValueError, match=r"names has unknown parameter\(s\) \['nope'\]"):
        spector_posterior.plot(names=["nope"])
