"""Scores of probability forecasts for binary and categorical events.

All scores here are negatively oriented (smaller is better) and returned
one per forecast, so that a backtest's columns can be scored in place
(``brier(df.forecast, df.outcome).groupby(df.horizon).mean()``); summaries
of many forecasts (``skill_score``, ``auc``) return a number.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import _core
from .._common.validation import as_float_array
from ._inputs import binary_outcomes, broadcast, categorical, numbers, output, pandas_index, probabilities

__all__ = ["auc", "brier", "log_score", "rps", "skill_score"]


def brier(p: Any, y: Any) -> Any:
    """Brier score of probability forecasts, one per forecast.

    Binary events: ``(p - y)**2`` with ``p`` the forecast probability of the
    event and ``y`` 1 if it happened, 0 if not (Brier 1950, in the two-outcome
    form used by scikit-learn and forecasting tournaments; range [0, 1]).

    Categorical events: ``p`` an (n, K) array or DataFrame of probabilities of
    K categories, ``y`` the categories observed, and the score
    ``sum_k (p_k - 1{y = k})**2`` (Brier's original multi-category form; range
    [0, 2], and twice the binary score when K = 2).

    Parameters
    ----------
    p : float, array_like, Series or DataFrame
        Forecast probabilities in [0, 1].  A DataFrame (or 2-D array) is a
        categorical forecast; its rows must sum to 1.
    y : array_like or Series
        Binary outcomes (0/1 or False/True), or for a categorical forecast
        integer codes 0..K-1 (labels of the DataFrame's columns).

    Returns
    -------
    float, ndarray or Series
        The scores; a Series on the inputs' index when they were pandas.
    """
    index = pandas_index(p=p, y=y)
    if np.ndim(p) == 2:
        probs, codes = categorical(p, y, "p", "y")
        onehot = np.zeros_like(probs)
        onehot[np.arange(len(codes)), codes] = 1.0
        return output(((probs - onehot) ** 2).sum(axis=1), index, "brier")
    prob, outcome = broadcast(p=probabilities(p, "p"), y=binary_outcomes(y, "y"))
    return output((prob - outcome) ** 2, index, "brier")


def log_score(p: Any, y: Any) -> Any:
    """Logarithmic score (negative log-likelihood), one per forecast.

    Binary events: ``-log(p)`` if the event happened, ``-log(1 - p)`` if not,
    natural logarithms, so smaller is better and 0 is a certain forecast
    that came true (the orientation of scikit-learn's ``log_loss``).
    Categorical events: ``-log p_y``, the probability given to the category
    observed.

    No probability is clipped.  A forecast of exactly 0 for something that
    then happened (or 1 for something that did not) has an infinite score,
    returned as ``inf``, and any mean over it is ``inf``: that is the log
    score's verdict on a certainty that failed.  To score such forecasts as
    if they had been hedged, clip them yourself and say so
    (``log_score(np.clip(p, 1e-3, 1 - 1e-3), y)``).

    Parameters
    ----------
    p, y
        As for :func:`brier`.

    Returns
    -------
    float, ndarray or Series
        The scores in nats; a Series on the inputs' index when they were pandas.
    """
    index = pandas_index(p=p, y=y)
    with np.errstate(divide="ignore"):
        if np.ndim(p) == 2:
            probs, codes = categorical(p, y, "p", "y")
            return output(-np.log(probs[np.arange(len(codes)), codes]), index, "log_score")
        prob, outcome = broadcast(p=probabilities(p, "p"), y=binary_outcomes(y, "y"))
        score = np.where(outcome == 1.0, -np.log(prob), -np.log1p(-prob))
    return output(score, index, "log_score")


def rps(p_cat: Any, y_cat: Any) -> Any:
    """Ranked probability score for ordered categories, one per forecast.

    ``RPS = sum_{k=1}^{K-1} (P_k - O_k)**2`` with ``P_k`` the forecast
    probability of category k or below and ``O_k = 1{y <= k}`` (Epstein 1969;
    Murphy 1971).  Unlike the Brier score it rewards probability placed near
    the observed category.  It is not divided by K - 1 (the convention of
    R's verification and Python's scoringrules); the range is [0, K - 1].

    Parameters
    ----------
    p_cat : (n, K) array_like or DataFrame
        Probabilities of the K categories in their order (a DataFrame's
        column order); rows sum to 1.  A 1-D array is one forecast.
    y_cat : array_like or Series
        Observed categories: codes 0..K-1, or the DataFrame's column labels.

    Returns
    -------
    float, ndarray or Series
    """
    index = pandas_index(p_cat=p_cat, y_cat=y_cat)
    probs, codes = categorical(p_cat, y_cat)
    k = probs.shape[1]
    cumulative = np.cumsum(probs, axis=1)[:, : k - 1]
    observed = (codes[:, None] <= np.arange(k - 1)[None, :]).astype(float)
    score = ((cumulative - observed) ** 2).sum(axis=1)
    if np.ndim(p_cat) == 1 and index is None:
        return float(score[0])
    return output(score, index, "rps")


def _mean_score(value: Any, name: str, allow_inf: bool) -> float:
    scores = as_float_array(value, name, allow_inf=allow_inf)
    if (scores < 0).any():
        raise ValueError(f"{name} must hold negatively oriented scores (>= 0), got {float(scores.min())!r}")
    return float(scores.mean())


def skill_score(score: Any, reference: Any) -> float:
    """Skill of forecasts relative to a reference: ``1 - mean(score) / mean(reference)``.

    1 is a perfect forecast, 0 no better than the reference, negative worse.
    Both are negatively oriented scores (Brier, log score, CRPS, ...) of the
    same forecasts, given one per forecast or already averaged.

    Parameters
    ----------
    score, reference : float, array_like or Series
        Scores of the forecaster and of the reference (e.g. the base rate),
        each non-negative.  An infinite log score is allowed in ``score``
        (the skill is then ``-inf``) but not in ``reference``.

    Returns
    -------
    float

    Raises
    ------
    ValueError
        If the reference's mean score is 0 (a perfect reference leaves
        nothing to improve on) or infinite, or the two have different lengths.
    """
    pandas_index(score=score, reference=reference)
    s, r = np.size(score), np.size(reference)
    if s > 1 and r > 1 and s != r:
        raise ValueError(f"score and reference must score the same forecasts, got {s} and {r} values")
    mean_score = _mean_score(score, "score", allow_inf=True)
    mean_ref = _mean_score(reference, "reference", allow_inf=False)
    if mean_ref == 0.0:
        raise ValueError("reference has a mean score of 0 (a perfect reference); the skill score is undefined")
    return 1.0 - mean_score / mean_ref


def auc(p: Any, y: Any) -> float:
    """Area under the ROC curve: how well forecasts separate events from non-events.

    The Mann–Whitney statistic: the probability that a randomly chosen event
    was given a higher forecast than a randomly chosen non-event, ties
    counting one half (equal to the trapezoidal area under the empirical ROC
    curve and to scikit-learn's ``roc_auc_score``).  0.5 is no separation;
    it says nothing about calibration.

    Parameters
    ----------
    p : array_like or Series
        Forecasts (any real scores; probabilities in practice).
    y : array_like or Series
        Binary outcomes; both must occur.

    Returns
    -------
    float
    """
    pandas_index(p=p, y=y)
    forecast = numbers(p, "p", 1)
    outcome = binary_outcomes(y, "y")
    if outcome.ndim != 1 or outcome.size != forecast.size:
        raise ValueError(f"p and y must have the same length, got {forecast.size} and {outcome.size}")
    return float(_core.score.auc(forecast, outcome))
