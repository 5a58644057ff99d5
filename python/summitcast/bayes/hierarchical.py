"""Bayesian hierarchical (multilevel) logit / probit with varying intercepts and slopes."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .. import _core
from ._base import BayesModel
from ._inputs import as_binary, check_tiny, regression_inputs
from ._separation import check_separation
from .logit import DEFAULT_PRIOR, DEFAULT_PRIOR_INTERCEPT
from .._common.validation import as_names, check_bool
from .priors import Exponential, Prior, ScalePrior, check_prior, check_scale_prior

__all__ = ["HierarchicalLogit", "DEFAULT_PRIOR_SCALE", "encode_groups"]

#: Default prior of each group-effect standard deviation: Exponential(1) on
#: the log-odds scale (of standardised predictors for slopes), the rstanarm
#: default.  Its mean 1 allows groups whose base rates differ by a factor of
#: e^2 ~ 7 in odds, while the mode at 0 lets the data pool the groups fully
#: when they look alike -- the point of a hierarchical model with few events.
DEFAULT_PRIOR_SCALE = Exponential(1.0)


def encode_groups(groups: object, n: int) -> tuple[np.ndarray, list, str]:
    """Integer codes 0..G-1 of group labels, the list of labels and the grouping's name."""
    if isinstance(groups, pd.DataFrame):
        if groups.shape[1] != 1:
            raise ValueError(f"groups must be one column, got {groups.shape[1]}")
        groups = groups.iloc[:, 0]
    series = groups if isinstance(groups, pd.Series) else pd.Series(np.asarray(groups, dtype=object).ravel())
    name = str(series.name) if series.name is not None else "group"
    if len(series) != n:
        raise ValueError(f"groups has {len(series)} rows but X has {n}; lengths must match")
    if series.isna().any():
        i = int(np.argmax(series.isna().to_numpy()))
        raise ValueError(f"groups contains {int(series.isna().sum())} missing label(s); first at row {i}")
    if isinstance(series.dtype, pd.CategoricalDtype):
        levels = list(series.cat.categories)
        codes = series.cat.codes.to_numpy()
        empty = [levels[g] for g in range(len(levels)) if not (codes == g).any()]
        if empty:
            raise ValueError(f"groups has level(s) {empty} with no observations (empty groups); remove unused categories")
    else:
        levels = sorted(pd.unique(series.to_numpy()).tolist(), key=lambda v: (str(type(v)), v))
        lookup = {v: g for g, v in enumerate(levels)}
        codes = np.array([lookup[v] for v in series.to_numpy()])
    return codes.astype(np.int32), levels, name


class HierarchicalLogit(BayesModel):
    """Hierarchical binary regression with partial pooling across groups.

    ``P(y_i = 1) = F(offset_i + alpha + x_i' beta + u_{g[i],0} + sum_j x_ij u_{g[i],j})``
    with group effects ``u_{g,j} ~ N(0, tau_j^2)`` for the varying intercept
    and the slopes named in ``varying_slopes``, sampled non-centred
    (u = tau z, z ~ N(0, 1)), and independent across terms.

    Parameters
    ----------
    X : DataFrame or array, shape (n, p)
    y : Series or array of 0/1, shape (n,)
    groups : Series, Categorical or array of labels, shape (n,)
    varying_slopes : list of str, optional
        Columns of X whose slopes vary by group (default: none).
    varying_intercept : bool
        Whether the intercept varies by group (default True).
    link : {"logit", "probit"}
    prior, prior_intercept : Prior, optional
        Priors of the fixed (population) effects; defaults Normal(0, 2.5).
    prior_scale : ScalePrior, optional
        Prior of each tau_j; default Exponential(1).
    offset, weights : array, optional
    standardize : bool
        Priors apply to standardised predictors (default); results are on
        the original scale.  The reported sd of the varying intercept is the
        sd of group log-odds at the predictors' means.
    """

    def __init__(
        self,
        X: object,
        y: object,
        groups: object,
        varying_slopes: list[str] | tuple[str, ...] = (),
        varying_intercept: bool = True,
        link: str = "logit",
        prior: Prior | None = None,
        prior_intercept: Prior | None = None,
        prior_scale: ScalePrior | None = None,
        offset: object = None,
        weights: object = None,
        *,
        standardize: bool = True,
    ) -> None:
        design, n, self.offset, self.weights = regression_inputs(X, link, offset, weights)
        self.link = link
        self.y = as_binary(y, n)
        self.group_codes, self.group_levels, self.group_name = encode_groups(groups, n)
        self.prior = check_prior(prior, "prior", DEFAULT_PRIOR)
        self.prior_intercept = check_prior(prior_intercept, "prior_intercept", DEFAULT_PRIOR_INTERCEPT)
        self.prior_scale = check_scale_prior(prior_scale, "prior_scale", DEFAULT_PRIOR_SCALE)
        Xs = self._set_design(design, standardize, center=True)
        slopes = as_names(varying_slopes, "varying_slopes", single=False)
        unknown = [s for s in slopes if s not in design.names]
        if unknown:
            raise ValueError(f"varying_slopes names {unknown} that are not columns of X {design.names}")
        self.varying_intercept = check_bool(varying_intercept, "varying_intercept")
        if not self.varying_intercept and not slopes:
            raise ValueError("varying_intercept=False needs at least one varying slope")
        self.varying_slopes = slopes
        self.varying_terms = (["Intercept"] if self.varying_intercept else []) + slopes
        self._slope_cols = [design.names.index(s) for s in slopes]
        Z = np.column_stack(([np.ones(n)] if self.varying_intercept else []) + [Xs[:, j] for j in self._slope_cols])
        check_separation(design.values, self.y, design.names, self.prior.proper)
        G, q = len(self.group_levels), len(self.varying_terms)
        check_tiny(n, len(design.names) + 1 + q)
        self._core_model = _core.bayes.HierarchicalBinaryRegression(
            Xs,
            np.ascontiguousarray(Z),
            self.y,
            self.group_codes,
            G,
            link,
            True,
            self.prior._to_core(),
            self.prior_intercept._to_core(),
            self.prior_scale._to_core(),
            self.offset,
            self.weights,
        )
        self.sd_names = [f"sd({t}|{self.group_name})" for t in self.varying_terms]
        self.effect_names = {
            t: [f"{t}|{self.group_name}[{lev}]" for lev in self.group_levels] for t in self.varying_terms
        }
        self._param_names = (
            ["Intercept"] + list(design.names) + self.sd_names + [n for t in self.varying_terms for n in self.effect_names[t]]
        )

    @property
    def nobs(self) -> int:
        return int(self.y.shape[0])

    def _constrain(self, theta: np.ndarray) -> np.ndarray:
        p, q, G = len(self.exog_names), len(self.varying_terms), len(self.group_levels)
        S = theta.shape[0]
        center, scale = self.scaler.center, self.scaler.scale
        beta = theta[:, 1 : 1 + p] / scale
        alpha = theta[:, :1] - beta @ center[:, None]
        tau = np.exp(theta[:, 1 + p : 1 + p + q])
        z = theta[:, 1 + p + q :].reshape(S, G, q)
        u = z * tau[:, None, :]  # S x G x q on the standardised scale
        # back to the original scale: slope deviations divide by the column's
        # scale, and the intercept deviation absorbs -u_slope * center / scale.
        term_scale = np.array(([1.0] if self.varying_intercept else []) + [scale[j] for j in self._slope_cols])
        u_orig = u / term_scale
        tau_orig = tau / term_scale
        if self.varying_intercept and self._slope_cols:
            shift = u_orig[:, :, 1:] @ center[self._slope_cols]
            u_orig[:, :, 0] -= shift
        effects = np.transpose(u_orig, (0, 2, 1)).reshape(S, q * G)  # term-major, as the names
        return np.hstack([alpha, beta, tau_orig, effects])

    def _predict_draws(
        self, draws: pd.DataFrame, X_new: object, groups: object = None, seed: int = 0
    ) -> tuple[np.ndarray, pd.Index, None]:
        design = self._new_design(X_new)
        Xn = design.values
        m = Xn.shape[0]
        S = len(draws)
        eta = draws["Intercept"].to_numpy()[:, None] + draws[self.exog_names].to_numpy() @ Xn.T
        labels = [None] * m if groups is None else list(pd.Series(groups).to_numpy())
        if len(labels) != m:
            raise ValueError(f"groups has {len(labels)} rows but X_new has {m}")
        rng = np.random.default_rng(seed)
        lookup = {lev: g for g, lev in enumerate(self.group_levels)}
        for j, term in enumerate(self.varying_terms):
            w = np.ones(m) if term == "Intercept" else Xn[:, self.exog_names.index(term)]
            effects = draws[self.effect_names[term]].to_numpy()  # S x G
            tau = draws[self.sd_names[j]].to_numpy()
            for i, lab in enumerate(labels):
                g = lookup.get(lab)
                # a new (or unspecified) group gets a fresh effect from N(0, tau^2)
                u = effects[:, g] if g is not None else tau * rng.standard_normal(S)
                eta[:, i] += w[i] * u
        return _core.bayes.inverse_link(self.link, eta), design.index, None

    def _arviz_variables(
        self, cube: np.ndarray, names: list[str]
    ) -> tuple[dict[str, np.ndarray], dict[str, list[str]], dict[str, Any]]:
        position = {n: j for j, n in enumerate(names)}
        posterior: dict[str, np.ndarray] = {}
        dims: dict[str, list[str]] = {}
        for n in ["Intercept", *self.exog_names, *self.sd_names]:
            posterior[n] = cube[:, :, position[n]]
        for t in self.varying_terms:
            var = f"{t}|{self.group_name}"
            posterior[var] = cube[:, :, [position[n] for n in self.effect_names[t]]]
            dims[var] = [self.group_name]
        return posterior, dims, {self.group_name: list(self.group_levels)}

    def _summary_notes(self) -> dict[str, str]:
        return {
            "groups": f"{len(self.group_levels)} levels of {self.group_name!r}; varying: {', '.join(self.varying_terms)}",
            "priors": f"fixed {self.prior}, intercept {self.prior_intercept}, group sds {self.prior_scale}",
        }
