"""Posterior draws with summaries, diagnostics, predictions and ArviZ export."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from .. import diagnostics as _diagnostics
from .._common.exceptions import ConvergenceWarning
from .._common.summary import HtmlSummary, Summary
from .._common.validation import check_alpha, check_choice

if TYPE_CHECKING:  # pragma: no cover
    from ._base import BayesModel

__all__ = ["Posterior", "PosteriorSummary", "hdi"]

_STAT_NAMES = ("lp", "acceptance_rate", "step_size", "tree_depth", "n_steps", "diverging", "energy")


def hdi(values: np.ndarray, prob: float = 0.94) -> tuple[float, float]:
    """Narrowest interval holding ``prob`` of the sorted draws (ArviZ's convention)."""
    prob = check_alpha(prob, "hdi_prob")
    a = np.sort(np.ravel(values))
    n = a.size
    inc = int(np.floor(prob * n))
    n_int = n - inc
    if inc == 0 or n_int <= 0:
        return float(a[0]), float(a[-1])
    widths = a[inc:] - a[:n_int]
    i = int(np.argmin(widths))
    return float(a[i]), float(a[i + inc])


class PosteriorSummary(Summary):
    """Table of posterior summaries (the shared :class:`Summary`, with the
    table kept as ``frame``)."""

    def __init__(self, frame: pd.DataFrame, title: str, notes: list[str] | None = None) -> None:
        self.frame = frame
        super().__init__(title, (), [("", frame)], [f"Note: {n}" for n in notes or []])


class Posterior(HtmlSummary):
    """Posterior draws of a summitcast Bayesian model.

    Attributes
    ----------
    draws : pandas.DataFrame
        One column per parameter on the original scale of the data, indexed by
        (chain, draw).
    sample_stats : pandas.DataFrame or None
        Sampler statistics per draw (``lp``, ``acceptance_rate``, ``step_size``,
        ``tree_depth``, ``n_steps``, ``diverging``, ``energy``); None for the
        Laplace approximation.
    method : str
        ``"nuts"`` or ``"laplace"``.
    info : dict
        Seed, gradient evaluations, adapted step sizes and metric, and so on.
    """

    def __init__(
        self,
        draws: pd.DataFrame,
        model: BayesModel,
        method: str,
        sample_stats: pd.DataFrame | None = None,
        info: dict[str, Any] | None = None,
    ) -> None:
        self.draws = draws
        self.model = model
        self.method = method
        self.sample_stats = sample_stats
        self.info = dict(info or {})

    # ----------------------------------------------------------------- shape
    @property
    def mode(self) -> Any:
        """The posterior mode a Laplace approximation is centred on (a
        ``ModeResult`` with ``params``, ``llf``, ``theta``); None for NUTS
        draws (use ``model.fit_map()`` for the mode there)."""
        return self.info.get("mode")

    @property
    def n_chains(self) -> int:
        return int(self.draws.index.get_level_values("chain").nunique())

    @property
    def n_draws(self) -> int:
        return int(len(self.draws) // self.n_chains)

    @property
    def names(self) -> list[str]:
        return list(self.draws.columns)

    def array(self, name: str) -> np.ndarray:
        """Draws of one parameter as a (chain, draw) array."""
        check_choice(name, "name", self.names)
        return self.draws[name].to_numpy().reshape(self.n_chains, self.n_draws)

    def _cube(self) -> np.ndarray:
        return self.draws.to_numpy().reshape(self.n_chains, self.n_draws, -1)

    # ------------------------------------------------------------- summaries
    def summary_frame(self, hdi_prob: float = 0.94) -> pd.DataFrame:
        """Mean, sd, HDI, MCSE, bulk/tail ESS and rank-normalised R-hat per
        parameter (see :func:`summitcast.diagnostics.summary_diagnostics` for
        when a diagnostic is NaN and why)."""
        hdi_prob = check_alpha(hdi_prob, "hdi_prob")
        cube = self._cube()
        diag = _diagnostics.summary_diagnostics(cube, self.names)
        flat = cube.reshape(-1, cube.shape[2])
        lo_name = f"hdi_{100 * (1 - hdi_prob) / 2:g}%"
        hi_name = f"hdi_{100 * (1 + hdi_prob) / 2:g}%"
        intervals = np.array([hdi(flat[:, j], hdi_prob) for j in range(flat.shape[1])])
        frame = pd.DataFrame(
            {
                "mean": flat.mean(axis=0),
                "sd": flat.std(axis=0, ddof=1),
                lo_name: intervals[:, 0],
                hi_name: intervals[:, 1],
            },
            index=pd.Index(self.names, name="parameter"),
        ).join(diag)
        frame.attrs["why_nan"] = diag.attrs["why_nan"]
        return frame

    def summary(self, hdi_prob: float = 0.94) -> PosteriorSummary:
        """Posterior summary table (text via ``str()``, HTML in Jupyter)."""
        frame = self.summary_frame(hdi_prob)
        title = f"{type(self.model).__name__} posterior ({self.method}: {self.n_chains} chain(s) x {self.n_draws} draws)"
        notes = [f"{k}: {v}" for k, v in self.model._summary_notes().items()]
        if self.sample_stats is not None:
            d = self.diagnostics()
            notes.append(
                f"divergences {d['divergences']}, tree-depth saturation {d['max_tree_depth_hits']}, "
                f"min E-BFMI {min(d['bfmi']):.3f}"
            )
        if self.method == "laplace":
            notes.append("Gaussian (Laplace) approximation at the posterior mode; R-hat does not apply")
            psis = self.info.get("psis")
            if psis is not None:
                notes.append(f"importance-resampled by PSIS: Pareto k-hat {psis.khat:.2f}, importance ESS {psis.ess:.0f}")
        return PosteriorSummary(frame, title, notes)

    def __repr__(self) -> str:
        return (
            f"<Posterior of {type(self.model).__name__}: {self.method}, {self.n_chains} chain(s) x "
            f"{self.n_draws} draws, {len(self.names)} parameters>"
        )

    def plot(self, names: list[str] | None = None, hdi_prob: float = 0.94, ax: Any = None) -> Any:
        """Forest plot: posterior mean and HDI of each parameter (one row each).

        Parameters
        ----------
        names : list of str, optional
            Parameters to show (default: all).
        hdi_prob : float
        ax : matplotlib Axes, optional
            Drawn into when given; otherwise a new figure.  Never calls ``plt.show()``.

        Returns
        -------
        matplotlib Axes
        """
        import matplotlib.pyplot as plt

        frame = self.summary_frame(hdi_prob)
        if names is not None:
            missing = [n for n in names if n not in frame.index]
            if missing:
                raise ValueError(f"names has unknown parameter(s) {missing}; parameters are {self.names}")
            frame = frame.loc[list(names)]
        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.4 * len(frame) + 1))
        rows = np.arange(len(frame))[::-1]
        lo, hi = frame.columns[2], frame.columns[3]
        ax.hlines(rows, frame[lo], frame[hi], color="C0", linewidth=2, label=f"{100 * hdi_prob:g}% HDI")
        ax.plot(frame["mean"], rows, "o", color="C0", label="mean")
        ax.set_yticks(rows)
        ax.set_yticklabels(frame.index)
        ax.axvline(0.0, color="grey", linewidth=0.8, linestyle=":")
        ax.set_title(f"{type(self.model).__name__} posterior ({self.method})")
        ax.legend(loc="best", fontsize="small")
        return ax

    # ----------------------------------------------------------- diagnostics
    def diagnostics(self) -> dict[str, Any]:
        """Sampler health: divergences, tree-depth saturation, E-BFMI per chain, worst R-hat and ESS."""
        frame = self.summary_frame()
        out: dict[str, Any] = {
            "max_r_hat": float(np.nanmax(frame["r_hat"])) if self.n_chains > 1 else float("nan"),
            "min_ess_bulk": float(frame["ess_bulk"].min()),
            "min_ess_tail": float(frame["ess_tail"].min()),
        }
        if self.sample_stats is not None:
            stats = self.sample_stats
            out["divergences"] = int(stats["diverging"].sum())
            max_depth = self.info.get("max_tree_depth", 10)
            out["max_tree_depth_hits"] = int((stats["tree_depth"] >= max_depth).sum())
            energy = stats["energy"].to_numpy().reshape(self.n_chains, self.n_draws)
            out["bfmi"] = [float(v) for v in _diagnostics.bfmi(energy)]
        return out

    def _warn_if_unhealthy(self) -> None:
        """A ConvergenceWarning listing every threshold of
        :mod:`summitcast.diagnostics` the draws fail, and NUTS's own checks."""
        d = self.diagnostics()
        problems = _diagnostics.convergence_problems(self.summary_frame(), self.n_chains)
        if d.get("divergences", 0) > 0:
            problems.append(f"{d['divergences']} divergent transition(s); raise target_accept or reparameterise")
        if d.get("max_tree_depth_hits", 0) > 0:
            problems.append(f"{d['max_tree_depth_hits']} transition(s) hit the maximum tree depth")
        if "bfmi" in d and min(d["bfmi"]) < _diagnostics.BFMI_MIN:
            problems.append(f"E-BFMI as low as {min(d['bfmi']):.2f} (< {_diagnostics.BFMI_MIN})")
        if problems:
            warnings.warn("sampler diagnostics failed: " + "; ".join(problems), ConvergenceWarning, stacklevel=3)

    # ----------------------------------------------------------- predictions
    def predict_proba(
        self, X_new: object, hdi_prob: float = 0.94, return_draws: bool = False, **kwargs: Any
    ) -> pd.DataFrame | np.ndarray:
        """Predicted probabilities for new rows with their posterior uncertainty.

        Parameters
        ----------
        X_new : DataFrame or array
            New predictors with the model's columns.
        hdi_prob : float
            Probability mass of the highest-density interval reported.
        return_draws : bool
            If True, return the array of draws instead: shape (n_samples, n_rows)
            for binary models, (n_samples, n_rows, n_levels) for ordered models.
        **kwargs
            Model-specific: ``groups=`` (and ``seed=``) for hierarchical models,
            where rows of unseen or unspecified groups get a new group effect
            drawn from N(0, tau^2).

        Returns
        -------
        DataFrame
            Binary models: columns ``mean``, ``sd``, HDI bounds, one row per new row.
            Ordered models: the posterior mean probability of each level.
        """
        hdi_prob = check_alpha(hdi_prob, "hdi_prob")
        draws, index, levels = self.model._predict_draws(self.draws, X_new, **kwargs)
        if return_draws:
            return draws
        if levels is not None:
            return pd.DataFrame(draws.mean(axis=0), index=index, columns=pd.Index(levels, name="level"))
        lo_name = f"hdi_{100 * (1 - hdi_prob) / 2:g}%"
        hi_name = f"hdi_{100 * (1 + hdi_prob) / 2:g}%"
        intervals = np.array([hdi(draws[:, i], hdi_prob) for i in range(draws.shape[1])])
        return pd.DataFrame(
            {"mean": draws.mean(axis=0), "sd": draws.std(axis=0, ddof=1), lo_name: intervals[:, 0], hi_name: intervals[:, 1]},
            index=index,
        )

    def prob_within(self, horizon: int, **kwargs: Any) -> pd.DataFrame | np.ndarray:
        """P(event within 1..horizon months) for hazard models (see ``DiscreteHazard.prob_within``)."""
        method = getattr(self.model, "prob_within", None)
        if method is None:
            raise TypeError(f"prob_within needs a DiscreteHazard posterior, not {type(self.model).__name__}")
        return method(self, horizon, **kwargs)

    # ---------------------------------------------------------------- ArviZ
    def to_arviz(self) -> Any:
        """An ``arviz.InferenceData`` with posterior dims (chain, draw, ...) and ArviZ's sample_stats names."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", FutureWarning)  # ArviZ's notice about its refactor
                import arviz as az
        except ImportError as exc:  # pragma: no cover - depends on the environment
            raise ImportError("to_arviz() needs arviz: pip install arviz") from exc
        posterior, dims, coords = self.model._arviz_variables(self._cube(), self.names)
        kwargs: dict[str, Any] = {"posterior": posterior, "dims": dims, "coords": coords}
        if self.sample_stats is not None:
            stats = {}
            for name in _STAT_NAMES:
                arr = self.sample_stats[name].to_numpy().reshape(self.n_chains, self.n_draws)
                if name == "diverging":
                    arr = arr.astype(bool)
                elif name in ("tree_depth", "n_steps"):
                    arr = arr.astype(np.int64)
                stats[name] = arr
            kwargs["sample_stats"] = stats
        return az.from_dict(**kwargs)

    # ------------------------------------------------------------ save/load
    def save(self, path: str) -> None:
        """Write the draws and sampler statistics to netCDF (through ArviZ); no pickle."""
        idata = self.to_arviz()
        idata.posterior.attrs["summitcast_method"] = self.method
        idata.posterior.attrs["summitcast_model"] = type(self.model).__name__
        idata.posterior.attrs["summitcast_columns"] = list(self.names)
        idata.to_netcdf(str(path))

    @classmethod
    def load(cls, path: str, model: BayesModel) -> Posterior:
        """Read draws written by :meth:`save` and attach them to ``model``
        (rebuilt from the same data), so predictions work again."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            import arviz as az
        idata = az.from_netcdf(str(path))
        post = idata.posterior
        expected = type(model).__name__
        if post.attrs.get("summitcast_model") != expected:
            raise ValueError(f"{path} holds a {post.attrs.get('summitcast_model')!r} posterior, not a {expected!r} one")
        columns = list(post.attrs["summitcast_columns"])
        if columns != model.param_names:
            raise ValueError(f"{path} has parameters {columns}, but the model has {model.param_names}")
        n_chains, n_draws = post.sizes["chain"], post.sizes["draw"]
        posterior, _, _ = model._arviz_variables(np.zeros((1, 1, len(columns))), columns)
        blocks = []
        for var in posterior:
            arr = post[var].values.reshape(n_chains, n_draws, -1)
            blocks.append(arr)
        cube = np.concatenate(blocks, axis=2)
        index = pd.MultiIndex.from_product([range(n_chains), range(n_draws)], names=["chain", "draw"])
        draws = pd.DataFrame(cube.reshape(n_chains * n_draws, -1), index=index, columns=columns)
        stats = None
        if "sample_stats" in idata.groups():
            ss = idata.sample_stats
            stats = pd.DataFrame({k: ss[k].values.reshape(-1) for k in _STAT_NAMES}, index=index)
        return cls(draws, model, str(post.attrs["summitcast_method"]), stats, {"loaded_from": str(path)})

