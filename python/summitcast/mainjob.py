"""The main job: what the bundled public record says about the next
China–Japan–ROK leaders' summit.

Two layers run on the bundled data (``summitcast.datasets.load_trilateral``):

1. incidents — a negative-binomial count autoregression (INGARCH, log link) of
   North Korean missile launches per month, forecast as a predictive
   distribution with P(at least one launch) per month;
2. summit timing — a Bayesian discrete-time hazard model of the stand-alone
   leaders' summit (a logit on the at-risk months with cubic duration terms,
   Beck–Katz–Tucker / Carter–Signorino), sampled with NUTS, giving the
   posterior of P(a summit within H months).

The fusion of the two (indicator paths pushed through the outcome model) is a
later layer; here each runs on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass
class MainJobResult:
    as_of: pd.Timestamp
    last_summit: pd.Timestamp
    incidents: pd.DataFrame
    incident_fit: object
    summit_timing: pd.DataFrame
    summit_posterior: object


def summit_covariates(data, horizon: int = 0, meetings_ahead: list[int] | None = None) -> pd.DataFrame:
    """Monthly predictors known at the start of each month (so usable for forecasting).

    ``fm_meeting_past6``: a trilateral foreign ministers' meeting in the six
    previous months (preparatory diplomacy); ``crisis_past12``: the onset of
    one of the dated bilateral crises in the twelve previous months.

    The frame ends at ``data.as_of`` (the last month the outcome tables are
    complete; later panel months are NaN for these columns).  With
    ``horizon`` > 0 it runs that many months past ``as_of``, assuming no new
    meeting or crisis (a baseline), except foreign ministers' meetings in the
    forecast months listed in ``meetings_ahead`` (0 = the first forecast
    month) — a scenario.
    """
    ind = data.indicators.loc[: pd.Timestamp(data.as_of)]
    fm = ind["foreign_ministers_meetings"].fillna(0)
    onsets = ind[[c for c in ind.columns if c.endswith("_onset")]].fillna(0).sum(axis=1)
    if horizon > 0:
        future = pd.date_range(ind.index[-1] + pd.offsets.MonthBegin(1), periods=horizon, freq="MS")
        planned = pd.Series(0.0, index=future)
        for k in meetings_ahead or []:
            if not 0 <= k < horizon:
                raise ValueError(f"meetings_ahead must lie in [0, {horizon}), got {k}")
            planned.iloc[k] = 1.0
        fm = pd.concat([fm, planned])
        onsets = pd.concat([onsets, pd.Series(0.0, index=future)])
    frame = pd.DataFrame(
        {
            "fm_meeting_past6": (fm.shift(1).rolling(6, min_periods=1).sum() > 0).astype(float),
            "crisis_past12": (onsets.shift(1).rolling(12, min_periods=1).sum() > 0).astype(float),
        },
        index=fm.index,
    )
    return frame.fillna(0.0)


def run(seed: int = 20240526, draws: int = 1000, chains: int = 4, horizon: int = 12,
        incident_steps: int = 6, paths: int = 20000) -> MainJobResult:
    import warnings

    from .bayes import DiscreteHazard
    from .counts import INGARCH
    from .datasets import load_trilateral

    data = load_trilateral()

    # 1. incidents: launches per month since 2006 (the era of regular testing)
    launches = data.indicators["missile_launches"].dropna()
    launches = launches[launches.index >= "2006-01-01"]
    incident_fit = INGARCH(launches, past_obs=[1, 12], past_mean=1, family="negbin", link="log").fit()
    forecast = incident_fit.get_forecast(incident_steps, paths=paths, seed=seed)
    incidents = forecast.summary_frame()
    incidents["P(at least 1)"] = forecast.prob_at_least(1)

    # 2. summit timing: months at risk from the first stand-alone summit on
    summits = data.summits
    held = summits[(summits["series"] == "standalone") & (summits["held"] == True)]  # noqa: E712 (nullable)
    dates = pd.to_datetime(held["date"]).sort_values()
    months = pd.period_range(dates.iloc[0].to_period("M"), pd.Timestamp(data.as_of).to_period("M"), freq="M")
    cov = summit_covariates(data, horizon=horizon)
    cov.index = cov.index.to_period("M")
    model = DiscreteHazard(months, dates, covariates=cov.reindex(months).fillna(0.0), time="cubic")
    with warnings.catch_warnings():
        # a nine-event history gives the sampler little to work with; the
        # posterior summary reports R-hat and ESS for the reader to judge
        warnings.simplefilter("ignore")
        posterior = model.sample(draws=draws, tune=draws, chains=chains, seed=seed)
    # baseline covariates: the lagged windows roll on with no new meeting or crisis
    future = cov.loc[cov.index > months[-1]]
    timing = model.prob_within(posterior, horizon, covariates=future)
    return MainJobResult(pd.Timestamp(data.as_of), dates.iloc[-1], incidents, incident_fit, timing, posterior)


def report(result: MainJobResult) -> str:
    lines = []
    lines.append("summitcast: the next China-Japan-ROK leaders' summit, from bundled public-record data")
    lines.append(f"data as of {result.as_of:%Y-%m-%d}; last stand-alone summit held {result.last_summit:%Y-%m-%d}")
    lines.append("")
    lines.append("1. North Korean missile launches per month (negative-binomial INGARCH, log link, since 2006)")
    lines.append(str(result.incident_fit.summary()))
    with pd.option_context("display.float_format", lambda v: f"{v:.3f}", "display.width", 100):
        lines.append(result.incidents.to_string())
    lines.append("")
    lines.append("2. Leaders' summit timing (Bayesian discrete-time hazard, cubic duration terms, NUTS)")
    lines.append(str(result.summit_posterior.summary()))
    with pd.option_context("display.float_format", lambda v: f"{v:.3f}", "display.width", 100):
        lines.append("P(a summit within the next H months), posterior mean and 94% HDI")
        lines.append("(baseline: no new ministers' meeting or crisis; the lagged indicators roll on):")
        lines.append(result.summit_timing.to_string())
    return "\n".join(lines)


__all__ = ["MainJobResult", "report", "run", "summit_covariates"]
