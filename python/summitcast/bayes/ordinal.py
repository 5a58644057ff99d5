"""Bayesian ordered logit / ordered probit regression."""

from __future__ import annotations

import math

import warnings
from collections.abc import Hashable, Iterable

import numpy as np
import pandas as pd

from .. import _core
from ._base import BayesModel
from ._inputs import check_tiny, predictor_array, regression_inputs
from .logit import DEFAULT_PRIOR
from .posterior import Posterior
from .priors import Normal, Prior, check_prior
from .._common.exceptions import DataWarning
from .._common.validation import check_allocation, describe

__all__ = ["OrderedLogit", "OrderedProbit", "DEFAULT_PRIOR_CUTPOINTS", "encode_levels"]

#: Default cut-point prior: Normal(0, 5) on each cut-point, the log-odds of
#: "level <= k" at the predictors' means: it keeps every level's base rate
#: between about 5e-5 and 1 - 5e-5 (95% prior mass) yet lets the data place
#: the cut-points; its role is to keep the cut-points of unobserved or
#: separated levels finite.
DEFAULT_PRIOR_CUTPOINTS = Normal(0.0, 5.0)


def encode_levels(y: object, n: int, levels: list | None) -> tuple[np.ndarray, list]:
    """Integer codes 0..K-1 of an ordered outcome and the list of its levels.

    The order comes from ``levels`` when given, else from an ordered pandas
    Categorical, else from sorting the observed values.
    """
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise ValueError(f"y must be one column, got {y.shape[1]}")
        y = y.iloc[:, 0]
    if isinstance(y, (pd.Categorical, pd.Index)):
        y = pd.Series(y)
    series = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y).ravel() if np.ndim(y) else [y])
    if len(series) != n:
        raise ValueError(f"y has {len(series)} rows but X has {n}; lengths must match")
    if series.isna().any():
        i = int(np.argmax(series.isna().to_numpy()))
        raise ValueError(f"y contains {int(series.isna().sum())} missing value(s); first at row {i}")
    if levels is None:
        if isinstance(series.dtype, pd.CategoricalDtype):
            levels = list(series.cat.categories)
        else:
            levels = sorted(pd.unique(series.to_numpy()).tolist())
    if isinstance(levels, (str, bytes, dict)) or not isinstance(levels, Iterable):
        raise TypeError(f"levels must be a list of the outcome's levels in increasing order, got {describe(levels)}")
    levels = list(levels)
    if len(levels) < 2:
        raise ValueError(f"y must have at least 2 levels, got {levels}")
    if not all(isinstance(v, Hashable) for v in levels):
        raise TypeError(f"levels must hold labels (strings or numbers), got {levels!r}")
    if len(set(levels)) != len(levels):
        raise ValueError(f"levels must be distinct, got {levels}")
    lookup = {v: k for k, v in enumerate(levels)}
    values = series.astype(object).to_numpy()
    codes = np.empty(n, dtype=float)
    for i, v in enumerate(values):
        code = lookup.get(v)
        if code is None:
            raise ValueError(f"y contains {v!r} at row {i}, which is not among the levels {levels}")
        codes[i] = code
    unseen = [levels[k] for k in range(len(levels)) if not (codes == k).any()]
    if unseen:
        warnings.warn(
            f"level(s) {unseen} of y are never observed: their cut-points are identified only by the prior",
            DataWarning,
            stacklevel=3,
        )
    return codes, levels


class OrderedLogit(BayesModel):
    """Bayesian ordered (cumulative-link) regression.

    ``P(y <= k) = F(c_k - offset - x' beta)`` with ordered cut-points
    c_1 < ... < c_{K-1}, F logistic (``link="logit"``) or normal (``"probit"``).

    Parameters
    ----------
    X : DataFrame or array, shape (n, p)
        Predictors (no constant: the cut-points play the intercept's role).
    y : Series, Categorical or array, shape (n,)
        Ordered outcome.  Level order from ``levels``, an ordered Categorical,
        or sorting.
    link : {"logit", "probit"}
    prior : Prior, optional
        Prior of each coefficient; default ``Normal(0, 2.5)``.
    prior_cutpoints : Prior, optional
        Prior of each cut-point; default ``Normal(0, 5)``.
    levels : list, optional
        The outcome levels in increasing order.
    offset, weights : array, optional
    standardize : bool
        Priors on the coefficients of standardised predictors (default) or on
        the original scale; results are always on the original scale.
    """

    def __init__(
        self,
        X: object,
        y: object,
        link: str = "logit",
        prior: Prior | None = None,
        prior_cutpoints: Prior | None = None,
        levels: list | None = None,
        offset: object = None,
        weights: object = None,
        *,
        standardize: bool = True,
    ) -> None:
        design, n, self.offset, self.weights = regression_inputs(X, link, offset, weights)
        self.link = link
        self.codes, self.levels = encode_levels(y, n, levels)
        self.prior = check_prior(prior, "prior", DEFAULT_PRIOR)
        self.prior_cutpoints = check_prior(prior_cutpoints, "prior_cutpoints", DEFAULT_PRIOR_CUTPOINTS)
        Xs = self._set_design(design, standardize, center=True)
        K = len(self.levels)
        check_tiny(n, len(design.names) + K - 1)
        self._core_model = _core.bayes.OrderedRegression(
            Xs,
            self.codes,
            K,
            link,
            self.prior._to_core(),
            self.prior_cutpoints._to_core(),
            self.offset,
            self.weights,
        )
        self.cutpoint_names = [f"{self.levels[k]}|{self.levels[k + 1]}" for k in range(K - 1)]
        self._param_names = list(design.names) + self.cutpoint_names

    @property
    def nobs(self) -> int:
        return int(self.codes.shape[0])

    def _constrain(self, theta: np.ndarray) -> np.ndarray:
        p = len(self.exog_names)
        beta = theta[:, :p] / self.scaler.scale
        r = theta[:, p:]
        steps = np.concatenate([r[:, :1], np.exp(r[:, 1:])], axis=1)
        cut = np.cumsum(steps, axis=1) + (beta @ self.scaler.center)[:, None]
        return np.hstack([beta, cut])

    def predict_draws(self, posterior: Posterior, X: object) -> np.ndarray:
        """P(y = level k) under every posterior draw, at many predictor values at once.

        ``X`` is a DataFrame (rows × the model's columns, matched by name) or an
        array whose last axis holds the predictors in ``exog_names`` order, of
        any leading shape; the result has shape (n_samples, *X.shape[:-1],
        n_levels), the levels in the order of ``levels``.
        """
        Xn = predictor_array(X, self.exog_names)
        check_allocation("the predicted probabilities", samples=len(posterior.draws),
                         rows=math.prod(Xn.shape[:-1]), levels=len(self.levels))
        return self._level_probabilities(posterior.draws, Xn)

    def _level_probabilities(self, draws: pd.DataFrame, Xn: np.ndarray) -> np.ndarray:
        """P(y = k) = F(c_k − η) − F(c_{k−1} − η), with c_0 = −∞ and c_K = +∞."""
        beta = draws[self.exog_names].to_numpy()
        cut = draws[self.cutpoint_names].to_numpy()
        eta = np.tensordot(beta, Xn, axes=([1], [Xn.ndim - 1]))  # S x ...
        lead = (slice(None),) + (None,) * (Xn.ndim - 1)
        cdf = _core.bayes.inverse_link(self.link, cut[lead] - eta[..., None])  # S x ... x (K-1)
        ones = np.ones(eta.shape + (1,))
        return np.concatenate([cdf, ones], axis=-1) - np.concatenate([0 * ones, cdf], axis=-1)

    def _predict_draws(self, draws: pd.DataFrame, X_new: object) -> tuple[np.ndarray, pd.Index, list]:
        new = self._new_design(X_new)
        return self._level_probabilities(draws, new.values), new.index, self.levels

    def _summary_notes(self) -> dict[str, str]:
        scale = "standardised predictors" if self.standardize else "the original scale"
        return {
            "link": self.link,
            "levels": " < ".join(map(str, self.levels)),
            "priors": f"coefficients {self.prior}, cut-points {self.prior_cutpoints} (on {scale})",
        }


class OrderedProbit(OrderedLogit):
    """Ordered probit regression: ``OrderedLogit`` with ``link="probit"``."""

    def __init__(self, X: object, y: object, **kwargs: object) -> None:
        if "link" in kwargs:
            raise TypeError("OrderedProbit fixes link='probit'; use OrderedLogit(link=...) to choose")
        super().__init__(X, y, link="probit", **kwargs)  # type: ignore[arg-type]
