"""Forecast evaluation: proper scores, calibration and their uncertainty.

Scores are negatively oriented (smaller is better), computed one per
forecast and vectorised over numpy arrays and pandas objects (pandas in,
pandas out, index kept), so a backtest's columns score in place::

    from summitcast import evaluate
    df["brier"] = evaluate.brier(df.forecast, df.outcome)
    df.groupby("horizon")["brier"].mean()

=========================  ==================================================
binary and categorical     :func:`brier`, :func:`log_score`, :func:`rps`,
                           :func:`brier_decomposition`, :func:`skill_score`,
                           :func:`auc`
continuous and counts      :func:`crps_normal`, :func:`crps_poisson`,
                           :func:`crps_negbin`, :func:`crps_ensemble`,
                           :func:`interval_score`, :func:`pit`
calibration                :func:`reliability` (bins or CORP isotonic),
                           :func:`corp_decomposition`, :func:`ece`
dependence                 :func:`bootstrap_mean`, :func:`bootstrap_skill`,
                           :func:`effective_sample_size` (block bootstrap
                           for overlapping forecast windows)
plots                      :func:`plot_reliability`, :func:`plot_pit`,
                           :func:`plot_score_over_time`
backtests                  :func:`backtest` (rolling origin, no look-ahead,
                           any executor) → :class:`Backtest`;
                           :func:`stack_backtest`, :func:`stacking_weights`
                           (leave-future-out stacking);
                           :func:`recalibrate_backtest`,
                           :func:`logistic_recalibration`,
                           :func:`recalibrate` (leave-future-out
                           logistic recalibration)
baselines                  :class:`BaseRateWindows`, :class:`BaseRateMonthly`,
                           :class:`TimeSinceLast`, :class:`Persistence`,
                           :class:`Constant` (``DEFAULT_BASELINES``)
many series                :func:`fit_many` (one model per series of a panel)
=========================  ==================================================
"""

from __future__ import annotations

from ._backtest import backtest
from ._backtest_result import Backtest
from ._baselines import (
    DEFAULT_BASELINES,
    BaseRateMonthly,
    BaseRateWindows,
    Constant,
    Persistence,
    TimeSinceLast,
)
from ._binary import auc, brier, log_score, rps, skill_score
from ._bootstrap import (
    BlockBootstrap,
    BootstrapInterval,
    bootstrap_mean,
    bootstrap_skill,
    default_block_length,
    effective_sample_size,
)
from ._calibration import Reliability, ece, plot_reliability, reliability
from ._continuous import crps_ensemble, crps_negbin, crps_normal, crps_poisson, interval_score
from ._decomposition import BrierDecomposition, CorpDecomposition, brier_decomposition, corp_decomposition
from ._executors import process_pool
from ._fit_many import fit_many
from ._protocol import HeldForecast
from ._pit import pit
from ._plots import plot_pit, plot_score_over_time
from ._recalibration import logistic_recalibration, recalibrate, recalibrate_backtest
from ._stacking import stack_backtest, stacking_weights

__all__ = [
    "DEFAULT_BASELINES",
    "Backtest",
    "BaseRateMonthly",
    "BaseRateWindows",
    "BlockBootstrap",
    "BootstrapInterval",
    "BrierDecomposition",
    "Constant",
    "CorpDecomposition",
    "HeldForecast",
    "Persistence",
    "Reliability",
    "TimeSinceLast",
    "auc",
    "backtest",
    "bootstrap_mean",
    "bootstrap_skill",
    "brier",
    "brier_decomposition",
    "corp_decomposition",
    "crps_ensemble",
    "crps_negbin",
    "crps_normal",
    "crps_poisson",
    "default_block_length",
    "ece",
    "effective_sample_size",
    "fit_many",
    "process_pool",
    "interval_score",
    "log_score",
    "logistic_recalibration",
    "pit",
    "plot_pit",
    "plot_reliability",
    "plot_score_over_time",
    "recalibrate",
    "recalibrate_backtest",
    "reliability",
    "rps",
    "skill_score",
    "stack_backtest",
    "stacking_weights",
]
