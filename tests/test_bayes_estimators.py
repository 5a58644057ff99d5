"""scikit-learn style estimators: fit/predict/predict_proba/classes_, and use
inside scikit-learn's clone, Pipeline and cross-validation."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import summitcast.bayes as sb
from peers import quiet_peer

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.model_selection import cross_val_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402


def simulated_binary(n=300, seed=0):
    rng = np.random.default_rng(seed)
    X = pd.DataFrame(rng.normal(size=(n, 3)), columns=["a", "b", "c"])
    y = np.where(rng.uniform(size=n) < 1 / (1 + np.exp(-(X @ [1.5, -1.0, 0.0]))), "summit", "none")
    return X, y


def test_logistic_classifier_matches_sklearn_with_weak_prior():
    X, y = simulated_binary()
    ours = sb.BayesianLogisticRegression(prior=sb.Flat(), prior_intercept=sb.Flat(), method="laplace", seed=1).fit(X, y)
    with quiet_peer():
        theirs = LogisticRegression(C=np.inf, tol=1e-10, max_iter=1000).fit(X, y)
    assert list(ours.classes_) == list(theirs.classes_) == ["none", "summit"]
    mode = ours.posterior_.info["mode"].params
    np.testing.assert_allclose(mode[["a", "b", "c"]], theirs.coef_[0], rtol=1e-4)
    assert mode["Intercept"] == pytest.approx(theirs.intercept_[0], abs=1e-4)
    proba = ours.predict_proba(X)
    assert proba.shape == (300, 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert np.mean(ours.predict(X) == theirs.predict(X)) > 0.97
    np.testing.assert_array_equal(ours.feature_names_in_, ["a", "b", "c"])


def test_pipeline_clone_and_cross_validation():
    X, y = simulated_binary()
    pipe = make_pipeline(StandardScaler(), sb.BayesianLogisticRegression(draws=300, tune=300, chains=2, seed=1,
                                                                        method="laplace"))
    scores = cross_val_score(pipe, X.to_numpy(), y, cv=3)
    assert scores.mean() > 0.7
    est = sb.BayesianLogisticRegression(link="probit", draws=50)
    copy = clone(est)
    assert copy.get_params()["link"] == "probit" and copy.get_params()["draws"] == 50
    with pytest.raises(AttributeError, match="not fitted"):
        copy.predict_proba(X)
    with pytest.raises(ValueError, match="exactly 2 classes"):
        sb.BayesianLogisticRegression().fit(X, np.arange(len(X)) % 3)


def test_ordered_classifier_on_ucla_data():
    import statsmodels
    from pathlib import Path

    path = Path(statsmodels.__file__).parent / "miscmodels" / "tests" / "results" / "ologit_ucla.csv"
    data = pd.read_csv(path)
    y = pd.Categorical(data["apply"], categories=["unlikely", "somewhat likely", "very likely"], ordered=True)
    X = data[["pared", "public", "gpa"]]
    est = sb.BayesianOrderedLogit(draws=1000, tune=500, chains=4, seed=3).fit(X, y)
    assert list(est.classes_) == ["unlikely", "somewhat likely", "very likely"]
    proba = est.predict_proba(X)
    assert proba.shape == (400, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-12)
    # weakly informative priors, n = 400: close to the MLE (polr: 1.048, -0.059, 0.616)
    np.testing.assert_allclose(est.coef_, [1.048, -0.059, 0.616], atol=0.1)
    assert set(est.predict(X)) <= set(est.classes_)
