"""Datasets: the bundled trilateral-summit record and a synthetic world.

``load_trilateral()`` returns facts of public record compiled with a source for
every value (China–Japan–ROK summits since 1999, preparatory ministerial
meetings, North Korean nuclear tests and missile launches, dated crises and
official Korea–China and Japan–China trade figures).  ``load_trade()``
returns the official monthly trade figures with a monthly nowcast, marked as
estimated, for the months known only through annual totals.  ``simulate_world()`` draws a synthetic
indicator panel and summit history from known parameters; everything it
returns is labelled simulated.
"""

from __future__ import annotations


from ._simulate import SimulatedWorld, simulate_world
from ._trade import TradeData, load_trade
from ._trilateral import OUTCOME_LEVELS, TrilateralData, load_trilateral

__all__ = [
    "OUTCOME_LEVELS", "SimulatedWorld", "TradeData", "TrilateralData", "load_trade", "load_trilateral", "simulate_world",
]
