"""Bayesian binary regression (logit and probit links)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from .. import _core
from .._common.validation import check_allocation, check_bool
from ._base import BayesModel
from ._inputs import (
    as_binary,
    check_tiny,
    predictor_array,
    regression_inputs,
)
from ._separation import check_separation
from .posterior import Posterior
from .priors import Normal, Prior, check_prior

__all__ = ["Logit", "DEFAULT_PRIOR", "DEFAULT_PRIOR_INTERCEPT"]

#: Default coefficient prior: Normal(0, 2.5) per standardised predictor.  A
#: one-sd change in a predictor then moves the log-odds by less than 5 with
#: 95% prior probability -- an odds ratio of ~150, far beyond effects seen in
#: practice, while still ruling out the infinite coefficients of separated data
#: (Gelman, Jakulin, Pittau & Su 2008; the rstanarm defaults).
DEFAULT_PRIOR = Normal(0.0, 2.5)
#: Default intercept prior: Normal(0, 2.5) on the log-odds at the predictors'
#: means (the intercept after centring), i.e. a base rate between about 0.7%
#: and 99.3% with 95% prior probability.
DEFAULT_PRIOR_INTERCEPT = Normal(0.0, 2.5)


class Logit(BayesModel):
    """Bayesian binary regression with a logit or probit link.

    ``P(y_i = 1) = F(offset_i + alpha + x_i' beta)`` with F the logistic
    (``link="logit"``) or standard normal (``link="probit"``) distribution
    function; ``weights`` are frequency weights on the log-likelihood terms.

    Parameters
    ----------
    X : DataFrame or array, shape (n, p)
        Predictors (without a constant column: the intercept is added).
    y : Series or array, shape (n,)
        Outcomes 0/1 or False/True.
    link : {"logit", "probit"}
    prior : Prior, optional
        Prior of each coefficient; default ``Normal(0, 2.5)``.
    prior_intercept : Prior, optional
        Prior of the intercept; default ``Normal(0, 2.5)``.
    offset, weights : array, optional
        Offsets added to the linear predictor; non-negative frequency weights.
    intercept : bool
        Include an intercept (default True).
    standardize : bool
        If True (default), the priors apply to coefficients of predictors
        centred and scaled to unit standard deviation (and the intercept is
        the log-odds at the predictors' means).  If False they apply on the
        original scale.  Reported coefficients are always on the original
        scale of X.
    """

    def __init__(
        self,
        X: object,
        y: object,
        link: str = "logit",
        prior: Prior | None = None,
        prior_intercept: Prior | None = None,
        offset: object = None,
        weights: object = None,
        *,
        intercept: bool = True,
        standardize: bool = True,
    ) -> None:
        design, n, self.offset, self.weights = regression_inputs(X, link, offset, weights)
        self.link = link
        self.y = as_binary(y, n)
        self.prior = check_prior(prior, "prior", DEFAULT_PRIOR)
        self.prior_intercept = check_prior(prior_intercept, "prior_intercept", DEFAULT_PRIOR_INTERCEPT)
        self.intercept = check_bool(intercept, "intercept")
        Xs = self._set_design(design, standardize, center=self.intercept)
        check_separation(design.values, self.y, design.names, self.prior.proper)
        check_tiny(n, len(design.names) + int(self.intercept))
        self._core_model = _core.bayes.BinaryRegression(
            Xs,
            self.y,
            link,
            self.intercept,
            self.prior._to_core(),
            self.prior_intercept._to_core(),
            self.offset,
            self.weights,
        )
        self._param_names = (["Intercept"] if self.intercept else []) + list(design.names)

    @property
    def nobs(self) -> int:
        return int(self.y.shape[0])

    def _constrain(self, theta: np.ndarray) -> np.ndarray:
        k0 = 1 if self.intercept else 0
        beta = theta[:, k0:] / self.scaler.scale
        if not self.intercept:
            return beta
        alpha = theta[:, :1] - beta @ self.scaler.center[:, None]
        return np.hstack([alpha, beta])

    def _coefficients(self, draws: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
        alpha = draws["Intercept"].to_numpy() if self.intercept else np.zeros(len(draws))
        beta = draws[self.exog_names].to_numpy()
        return alpha, beta

    def predict_draws(self, posterior: Posterior, X: object) -> np.ndarray:
        """P(y = 1) under every posterior draw, at many predictor values at once.

        Parameters
        ----------
        posterior : Posterior
            A posterior of this model (NUTS or Laplace).
        X : DataFrame or array
            A DataFrame (rows × the model's columns, matched by name) or an
            array whose last axis holds the predictors in ``exog_names`` order,
            of any leading shape — e.g. (paths, months, k) for covariate paths.

        Returns
        -------
        ndarray
            Shape (n_samples, *X.shape[:-1]).
        """
        Xn = predictor_array(X, self.exog_names)
        check_allocation("the predicted probabilities", samples=len(posterior.draws), rows=math.prod(Xn.shape[:-1]))
        alpha, beta = self._coefficients(posterior.draws)
        eta = np.tensordot(beta, Xn, axes=([1], [Xn.ndim - 1]))
        eta += alpha.reshape((-1,) + (1,) * (Xn.ndim - 1))
        return np.asarray(_core.bayes.inverse_link(self.link, eta))

    def _predict_draws(self, draws: pd.DataFrame, X_new: object) -> tuple[np.ndarray, pd.Index, None]:
        new = self._new_design(X_new)
        alpha, beta = self._coefficients(draws)
        eta = alpha[:, None] + beta @ new.values.T
        return _core.bayes.inverse_link(self.link, eta), new.index, None

    def _summary_notes(self) -> dict[str, str]:
        scale = "standardised predictors" if self.standardize else "the original scale"
        return {
            "link": self.link,
            "priors": f"coefficients {self.prior}, intercept {self.prior_intercept} (on {scale})",
            "observations": str(self.nobs),
        }
