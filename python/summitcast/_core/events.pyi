"""
Multivariate Hawkes processes with exponential kernels
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['hawkes_compensator', 'hawkes_fit', 'hawkes_intensity', 'hawkes_loglike', 'hawkes_simulate', 'hawkes_window']
def hawkes_compensator(times: collections.abc.Sequence[typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"]], end_time: typing.SupportsFloat | typing.SupportsIndex, params: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"], n_exp: typing.SupportsInt | typing.SupportsIndex = 1) -> list[typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, 1]"]]:
    ...
def hawkes_fit(times: collections.abc.Sequence[typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"]], end_time: typing.SupportsFloat | typing.SupportsIndex, n_exp: typing.SupportsInt | typing.SupportsIndex = 1, decays: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"] | None = None, start_params: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"] | None = None, max_iterations: typing.SupportsInt | typing.SupportsIndex = 500) -> dict:
    ...
def hawkes_intensity(times: collections.abc.Sequence[typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"]], end_time: typing.SupportsFloat | typing.SupportsIndex, params: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"], n_exp: typing.SupportsInt | typing.SupportsIndex, at: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"]) -> typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, n]"]:
    ...
def hawkes_loglike(times: collections.abc.Sequence[typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"]], end_time: typing.SupportsFloat | typing.SupportsIndex, params: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"], n_exp: typing.SupportsInt | typing.SupportsIndex = 1) -> tuple[float, typing.Annotated[numpy.typing.NDArray[numpy.float64], "[m, 1]"]]:
    ...
def hawkes_simulate(params: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"], dims: typing.SupportsInt | typing.SupportsIndex, n_exp: typing.SupportsInt | typing.SupportsIndex, end_time: typing.SupportsFloat | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex) -> list[list[float]]:
    ...
def hawkes_window(times: collections.abc.Sequence[typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"]], end_time: typing.SupportsFloat | typing.SupportsIndex, params: typing.Annotated[numpy.typing.ArrayLike, numpy.float64, "[m, 1]"], n_exp: typing.SupportsInt | typing.SupportsIndex, at: typing.SupportsFloat | typing.SupportsIndex, window: typing.SupportsFloat | typing.SupportsIndex, paths: typing.SupportsInt | typing.SupportsIndex, seed: typing.SupportsInt | typing.SupportsIndex) -> tuple[float, typing.Annotated[numpy.typing.NDArray[numpy.int64], "[m, n]"]]:
    ...
