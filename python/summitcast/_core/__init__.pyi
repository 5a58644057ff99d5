"""
summitcast's compiled core (private; use the summitcast package)
"""
from __future__ import annotations
import numpy
import numpy.typing
import typing
from . import bayes
from . import counts
from . import events
from . import score
from . import statespace
__all__: list[str] = ['NumericalError', 'bayes', 'chi2_sf', 'counts', 'events', 'f_sf', 'normal_cdf', 'normal_ppf', 'score', 'statespace']
class NumericalError(ArithmeticError):
    pass
def chi2_sf(x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], df: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    ...
def f_sf(x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], d1: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], d2: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    ...
def normal_cdf(x: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    ...
def normal_ppf(p: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    ...
