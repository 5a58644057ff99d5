"""Datasets: the bundled trilateral-summit record and a synthetic world.

``load_trilateral()`` returns facts of public record compiled with a source for
every value (China–Japan–ROK summits since 1999, preparatory ministerial
meetings, North Korean nuclear tests and missile launches, dated crises and
official Korea–China trade figures).  ``simulate_world()`` draws a synthetic
indicator panel and summit history from known parameters; everything it
returns is labelled simulated.
"""

from __future__ import annotations


from ._simulate import SimulatedWorld, simulate_world
from ._trilateral import OUTCOME_LEVELS, TrilateralData, load_trilateral

__all__ = ["OUTCOME_LEVELS", "SimulatedWorld", "TrilateralData", "load_trilateral", "simulate_world"]
