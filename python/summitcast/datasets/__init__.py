"""Datasets: the bundled trilateral-summit record and a synthetic world.

``load_trilateral()`` returns facts of public record compiled with a source for
every value (China–Japan–ROK summits since 1999, preparatory ministerial
meetings and the dated diplomatic steps before each summit, six more series
of leaders' meetings in the region, leaders' terms and elections, North
Korean nuclear tests and missile launches, dated crises and official trade
figures), each table with the date through which it is complete, and
earlier vintages via ``TrilateralData.truncate(as_of)``.  ``simulate_world()`` draws a synthetic
indicator panel and summit history from known parameters; everything it
returns is labelled simulated.
"""

from __future__ import annotations


from ._simulate import SimulatedWorld, simulate_world
from ._trilateral import (
    MEETING_KINDS, OUTCOME_LEVELS, OUTCOME_TABLES, STEP_KIND_RULES, STEP_KINDS, TrilateralData, load_trilateral,
)

__all__ = [
    "MEETING_KINDS", "OUTCOME_LEVELS", "OUTCOME_TABLES", "STEP_KINDS", "STEP_KIND_RULES", "SimulatedWorld",
    "TrilateralData", "load_trilateral", "simulate_world",
]
