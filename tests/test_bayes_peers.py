"""Posterior agreement with NumPyro on the same models, priors and data:
means within 0.1 posterior sd, sds within 10%.

NumPyro's reference numbers (4 x 10,000 draws) are stored, with the simulated
data, in results/bayes_peer_numpyro.json by benchmarks/reference/bayes_peer_numpyro.py,
because compiling NumPyro's models costs minutes per run.  One live
side-by-side run of the logit model follows when numpyro is installed."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import summitcast.bayes as sb

REFERENCE = json.loads((Path(__file__).parent / "results" / "bayes_peer_numpyro.json").read_text())


def build(case: str, data: dict):
    X, y = np.array(data["X"]), np.array(data["y"])
    if case == "simulated_logit":
        return sb.Logit(X, y, prior=sb.StudentT(4, 0, 2), prior_intercept=sb.Normal(0, 5), standardize=False)
    if case == "simulated_probit":
        return sb.Logit(X, y, link="probit", prior=sb.Normal(0, 2.5), prior_intercept=sb.Cauchy(0, 5), standardize=False)
    if case.startswith("simulated_ordered"):
        link = case.rsplit("_", 1)[1]
        return sb.OrderedLogit(X, y, link=link, prior=sb.Normal(0, 2.5), prior_cutpoints=sb.Normal(0, 5),
                               levels=[0, 1, 2, 3], standardize=False)
    if case == "simulated_hierarchical_logit":
        return sb.HierarchicalLogit(X, y, np.array(data["groups"]), varying_slopes=["x0"], prior=sb.Normal(0, 2.5),
                                    prior_intercept=sb.Normal(0, 2.5), prior_scale=sb.HalfNormal(1.0),
                                    standardize=False)
    raise KeyError(case)


def assert_agrees(ours, reference: dict[str, dict[str, float]]) -> None:
    for name, ref in reference.items():
        mean, sd = ours[name].mean(), ours[name].std(ddof=1)
        assert abs(mean - ref["mean"]) < 0.1 * ref["sd"], (name, mean, ref)
        assert sd == pytest.approx(ref["sd"], rel=0.10), (name, sd, ref)


@pytest.mark.parametrize("case", list(REFERENCE["cases"]))
def test_posterior_matches_numpyro_reference(case):
    entry = REFERENCE["cases"][case]
    model = build(case, entry["data"])
    target_accept = 0.9 if "hierarchical" in case else 0.8
    post = model.sample(draws=2000, tune=1000, chains=4, seed=17, target_accept=target_accept)
    assert set(entry["posterior"]) <= set(post.names)
    assert_agrees(post.draws, entry["posterior"])


@pytest.mark.slow
def test_live_side_by_side_with_numpyro():
    numpyro = pytest.importorskip("numpyro")
    import jax
    import numpyro.distributions as dist
    from numpyro.infer import MCMC, NUTS

    jax.config.update("jax_enable_x64", True)
    data = REFERENCE["cases"]["simulated_logit"]["data"]
    X, y = np.array(data["X"]), np.array(data["y"])

    def model(X, y):
        alpha = numpyro.sample("alpha", dist.Normal(0.0, 5.0))
        beta = numpyro.sample("beta", dist.StudentT(4.0, 0.0, 2.0).expand([X.shape[1]]))
        numpyro.sample("y", dist.Bernoulli(logits=alpha + X @ beta), obs=y)

    mcmc = MCMC(NUTS(model), num_warmup=1000, num_samples=3000, num_chains=1, progress_bar=False)
    mcmc.run(jax.random.PRNGKey(0), X=X, y=y)
    s = mcmc.get_samples()
    theirs = {"Intercept": np.asarray(s["alpha"]), **{f"x{j}": np.asarray(s["beta"][:, j]) for j in range(3)}}
    ours = build("simulated_logit", data).sample(draws=2000, tune=1000, chains=4, seed=3).draws
    reference = {k: {"mean": float(v.mean()), "sd": float(v.std(ddof=1))} for k, v in theirs.items()}
    # 3000 NumPyro draws: allow for their Monte Carlo error as well
    for name, ref in reference.items():
        assert abs(ours[name].mean() - ref["mean"]) < 0.15 * ref["sd"]
        assert ours[name].std(ddof=1) == pytest.approx(ref["sd"], rel=0.12)
