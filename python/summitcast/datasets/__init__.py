"""Datasets: the bundled trilateral-summit record and a synthetic world.

``load_trilateral()`` returns facts of public record compiled with a source for
every value (China–Japan–ROK summits since 1999, preparatory ministerial
meetings and the dated diplomatic steps before each summit, six more series
of leaders' meetings in the region, leaders' terms and elections, North
Korean nuclear tests and missile launches, dated crises and official
Korea–China and Japan–China trade figures), each table with the date through
which it is complete, and earlier vintages via
``TrilateralData.truncate(as_of)``.  ``load_trade()`` returns the official
monthly trade figures with a monthly nowcast, marked as estimated, for the
months known only through annual totals.  ``simulate_world()`` draws a
synthetic indicator panel and summit history from known parameters, and
``simulate_record()`` a synthetic record of several meeting series with
their diplomatic steps in the shape the forecaster reads, with the true
probability of a meeting from any origin; everything they return is
labelled simulated.
"""

from __future__ import annotations


from ._simulate import SimulatedWorld, simulate_world
from ._simulate_record import SimulatedRecord, simulate_record
from ._trade import TradeData, load_trade
from ._trilateral import (
    MEETING_KINDS, OUTCOME_LEVELS, OUTCOME_TABLES, STEP_KIND_RULES, STEP_KINDS, TrilateralData, load_trilateral,
)

__all__ = [
    "MEETING_KINDS", "OUTCOME_LEVELS", "OUTCOME_TABLES", "STEP_KINDS", "STEP_KIND_RULES", "SimulatedRecord", "SimulatedWorld",
    "TradeData", "TrilateralData", "load_trade", "load_trilateral", "simulate_record",
    "simulate_world",
]
