"""scikit-learn style classifiers backed by the Bayesian models, for pipelines.

They follow scikit-learn's estimator conventions (constructor arguments
stored unchanged, ``fit`` returns self, fitted attributes end in ``_``) and
inherit from scikit-learn's ``BaseEstimator``/``ClassifierMixin`` when
scikit-learn is installed, so ``clone``, ``Pipeline`` and ``cross_val_score``
work; without it they still offer get_params/set_params.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import pandas as pd

from .._common.validation import MAX_COUNT, MAX_ITERATIONS, as_float_array, check_allocation, check_choice, check_int
from .logit import Logit
from .ordinal import OrderedLogit
from .posterior import Posterior
from .priors import Prior

__all__ = ["BayesianLogisticRegression", "BayesianOrderedLogit"]

try:  # pragma: no cover - depends on the environment
    from sklearn.base import BaseEstimator as _Base
    from sklearn.base import ClassifierMixin as _Classifier
except ImportError:  # pragma: no cover

    class _Base:  # type: ignore[no-redef]
        def get_params(self, deep: bool = True) -> dict[str, Any]:
            names = [p for p in inspect.signature(type(self).__init__).parameters if p != "self"]
            return {n: getattr(self, n) for n in names}

        def set_params(self, **params: Any) -> Any:
            valid = self.get_params()
            for key, value in params.items():
                if key not in valid:
                    raise ValueError(f"invalid parameter {key!r} for {type(self).__name__}")
                setattr(self, key, value)
            return self

    class _Classifier:  # type: ignore[no-redef]
        _estimator_type = "classifier"

        def score(self, X: object, y: object) -> float:
            return float(np.mean(self.predict(X) == np.asarray(y)))


class _BayesClassifier(_Classifier, _Base):
    def _keep(self, arguments: dict[str, Any]) -> None:
        """Store the constructor's arguments unchanged (scikit-learn's
        convention: the constructor stores, ``fit`` validates)."""
        for name, value in arguments.items():
            if name not in ("self", "__class__"):
                setattr(self, name, value)

    def _fit(self, model: Any, X: object) -> Any:
        """Sample ``model``, keep it with its posterior and the feature names;
        returns the posterior means."""
        self.model_ = model
        self.posterior_ = self._fit_posterior(model)
        self.n_features_in_ = len(model.exog_names)
        if isinstance(X, pd.DataFrame):
            self.feature_names_in_ = np.asarray(model.exog_names, dtype=object)
        return self.posterior_.draws.mean()

    def _fit_posterior(self, model: Any) -> Posterior:
        method = check_choice(self.method, "method", ("nuts", "laplace"))
        draws = check_int(self.draws, "draws", 4, MAX_ITERATIONS)
        chains = check_int(self.chains, "chains", 1, MAX_COUNT)
        if method == "nuts":
            return model.sample(draws=draws, tune=self.tune, chains=chains, seed=self.seed, cores=self.cores)
        check_allocation("the Laplace draws", draws=draws, chains=chains)
        return model.fit_laplace(draws=draws * chains, seed=self.seed)

    def _check_fitted(self) -> None:
        if not hasattr(self, "posterior_"):
            raise AttributeError(f"this {type(self).__name__} is not fitted yet; call fit first")

    def _frame(self, X: object) -> object:
        """Give arrays the column names seen in fit, so models match columns by name."""
        if isinstance(X, pd.DataFrame):
            return X
        arr = as_float_array(X, "X", allow_nan=True, allow_inf=True)  # the model checks the values
        if arr.ndim == 2 and arr.shape[1] == len(self.model_.exog_names):
            return pd.DataFrame(arr, columns=self.model_.exog_names)
        return arr

    def predict(self, X: object) -> np.ndarray:
        """The class with the highest posterior mean probability."""
        proba = self.predict_proba(X)
        return np.asarray(self.classes_)[np.argmax(proba, axis=1)]


class BayesianLogisticRegression(_BayesClassifier):
    """Bayesian logistic (or probit) regression classifier.

    Parameters
    ----------
    link : {"logit", "probit"}
    prior, prior_intercept : Prior, optional
        As for :class:`summitcast.bayes.Logit` (defaults Normal(0, 2.5)).
    standardize : bool
    method : {"nuts", "laplace"}
    draws, tune, chains, seed, cores
        Sampler settings (``draws * chains`` Laplace draws for ``method="laplace"``).

    Attributes
    ----------
    classes_ : ndarray of the two labels; ``classes_[1]`` is the "positive" one.
    posterior_ : Posterior
    coef_ : ndarray (1, n_features), posterior mean coefficients
    intercept_ : ndarray (1,), posterior mean intercept
    """

    def __init__(
        self,
        link: str = "logit",
        prior: Prior | None = None,
        prior_intercept: Prior | None = None,
        standardize: bool = True,
        method: str = "nuts",
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        seed: int | None = None,
        cores: int | None = None,
    ) -> None:
        self._keep(locals())

    def fit(self, X: object, y: object, sample_weight: object = None) -> BayesianLogisticRegression:
        labels = pd.Series(np.asarray(y).ravel())
        if labels.isna().any():
            raise ValueError("y contains missing values")
        classes = np.sort(labels.unique())
        if classes.size != 2:
            raise ValueError(f"y must have exactly 2 classes, got {classes.size}: {classes.tolist()}")
        self.classes_ = classes
        y01 = (labels.to_numpy() == classes[1]).astype(float)
        model = Logit(X, y01, link=self.link, prior=self.prior, prior_intercept=self.prior_intercept,
                      weights=sample_weight, standardize=self.standardize)
        means = self._fit(model, X)
        self.coef_ = means[model.exog_names].to_numpy()[None, :]
        self.intercept_ = np.array([means["Intercept"]])
        return self

    def predict_proba(self, X: object) -> np.ndarray:
        """Posterior mean probabilities, shape (n, 2), columns in ``classes_`` order."""
        self._check_fitted()
        p1 = self.posterior_.predict_proba(self._frame(X))["mean"].to_numpy()
        return np.column_stack([1 - p1, p1])


class BayesianOrderedLogit(_BayesClassifier):
    """Bayesian ordered logit (or probit) classifier for ordered labels.

    Parameters
    ----------
    link : {"logit", "probit"}
    prior, prior_cutpoints : Prior, optional
    levels : list, optional
        Label order (default: ordered Categorical categories, else sorted labels).
    standardize, method, draws, tune, chains, seed, cores
        As for :class:`BayesianLogisticRegression`.

    Attributes
    ----------
    classes_ : ndarray of the labels in increasing order
    posterior_ : Posterior
    coef_ : ndarray (n_features,), posterior mean coefficients
    cutpoints_ : ndarray (n_classes - 1,), posterior mean cut-points
    """

    def __init__(
        self,
        link: str = "logit",
        prior: Prior | None = None,
        prior_cutpoints: Prior | None = None,
        levels: list | None = None,
        standardize: bool = True,
        method: str = "nuts",
        draws: int = 1000,
        tune: int = 1000,
        chains: int = 4,
        seed: int | None = None,
        cores: int | None = None,
    ) -> None:
        self._keep(locals())

    def fit(self, X: object, y: object, sample_weight: object = None) -> BayesianOrderedLogit:
        model = OrderedLogit(X, y, link=self.link, prior=self.prior, prior_cutpoints=self.prior_cutpoints,
                             levels=self.levels, weights=sample_weight, standardize=self.standardize)
        self.classes_ = np.asarray(model.levels)
        means = self._fit(model, X)
        self.coef_ = means[model.exog_names].to_numpy()
        self.cutpoints_ = means[model.cutpoint_names].to_numpy()
        return self

    def predict_proba(self, X: object) -> np.ndarray:
        """Posterior mean probability of each class, shape (n, n_classes)."""
        self._check_fitted()
        return self.posterior_.predict_proba(self._frame(X)).to_numpy()
