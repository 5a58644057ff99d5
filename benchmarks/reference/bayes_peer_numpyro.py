"""Reference posteriors from NumPyro for tests/test_bayes_peers.py.

Run from the project root:  python benchmarks/reference/bayes_peer_numpyro.py
It simulates small data sets (simulated, not real: the names say so), fits the
same models with the same priors in NumPyro's NUTS with long chains, and
writes the data and the posterior means and standard deviations to
tests/results/bayes_peer_numpyro.json.  The test compares summitcast's
posterior with these numbers (NumPyro's JIT compilation is too slow to repeat
for every model in CI; a live NumPyro comparison for the logit runs when
numpyro is installed).
"""

from __future__ import annotations

import json
from pathlib import Path

import jax
import jax.numpy as jnp
import numpy as np
import numpyro
import numpyro.distributions as dist
from jax.scipy.stats import norm as jnorm
from numpyro.infer import MCMC, NUTS

numpyro.set_host_device_count(1)
jax.config.update("jax_enable_x64", True)

DRAWS, WARMUP, CHAINS = 10000, 2000, 4


def simulate(seed: int, n: int, p: int, groups: int = 0, levels: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * np.linspace(0.5, 2.0, p) + np.linspace(-1.0, 1.0, p)
    beta = np.linspace(0.8, -0.6, p)
    eta = X @ beta
    out: dict = {"X": X.round(6).tolist()}
    if groups:
        g = np.arange(n) % groups
        u0, u1 = rng.normal(0, 0.7, groups), rng.normal(0, 0.3, groups)
        eta = -0.3 + eta + u0[g] + u1[g] * X[:, 0]
        out["groups"] = g.tolist()
    if levels:
        cuts = np.linspace(-1.0, 1.5, levels - 1)
        latent = eta + rng.logistic(size=n)
        out["y"] = np.searchsorted(cuts, latent).tolist()
    else:
        out["y"] = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.4 + eta)))).astype(int).tolist()
    return out


def run(model, seed: int, **data) -> dict[str, np.ndarray]:
    mcmc = MCMC(NUTS(model, target_accept_prob=0.9), num_warmup=WARMUP, num_samples=DRAWS, num_chains=CHAINS,
                chain_method="sequential", progress_bar=False)
    mcmc.run(jax.random.PRNGKey(seed), **data)
    return {k: np.asarray(v) for k, v in mcmc.get_samples().items()}


def binary(X, y, link):
    p = X.shape[1]
    if link == "logit":
        alpha = numpyro.sample("alpha", dist.Normal(0.0, 5.0))
        beta = numpyro.sample("beta", dist.StudentT(4.0, 0.0, 2.0).expand([p]))
        numpyro.sample("y", dist.Bernoulli(logits=alpha + X @ beta), obs=y)
    else:
        alpha = numpyro.sample("alpha", dist.Cauchy(0.0, 5.0))
        beta = numpyro.sample("beta", dist.Normal(0.0, 2.5).expand([p]))
        eta = alpha + X @ beta
        numpyro.factor("loglik", jnp.sum(jnp.where(y == 1, jnorm.logcdf(eta), jnorm.logcdf(-eta))))


def ordered(X, y, levels, link):
    p = X.shape[1]
    beta = numpyro.sample("beta", dist.Normal(0.0, 2.5).expand([p]))
    cut = numpyro.sample("cut", dist.ImproperUniform(dist.constraints.ordered_vector, (), (levels - 1,)))
    numpyro.factor("cut_prior", jnp.sum(dist.Normal(0.0, 5.0).log_prob(cut)))
    eta = X @ beta
    if link == "logit":
        numpyro.sample("y", dist.OrderedLogistic(eta, cut), obs=y)
    else:
        bounds = jnp.concatenate([jnp.array([-jnp.inf]), cut, jnp.array([jnp.inf])])
        prob = jnorm.cdf(bounds[y + 1] - eta) - jnorm.cdf(bounds[y] - eta)
        numpyro.factor("loglik", jnp.sum(jnp.log(prob)))


def hierarchical(X, y, g, n_groups):
    p = X.shape[1]
    alpha = numpyro.sample("alpha", dist.Normal(0.0, 2.5))
    beta = numpyro.sample("beta", dist.Normal(0.0, 2.5).expand([p]))
    tau = numpyro.sample("tau", dist.HalfNormal(1.0).expand([2]))
    z = numpyro.sample("z", dist.Normal(0.0, 1.0).expand([n_groups, 2]))
    u = z * tau
    eta = alpha + X @ beta + u[g, 0] + u[g, 1] * X[:, 0]
    numpyro.sample("y", dist.Bernoulli(logits=eta), obs=y)


def moments(columns: dict[str, np.ndarray]) -> dict:
    return {k: {"mean": float(v.mean()), "sd": float(v.std(ddof=1))} for k, v in columns.items()}


def main() -> None:
    out: dict = {"numpyro": numpyro.__version__, "draws": DRAWS, "warmup": WARMUP, "chains": CHAINS, "cases": {}}
    names = lambda p: [f"x{j}" for j in range(p)]  # noqa: E731
    for link, seed in [("logit", 1), ("probit", 2)]:
        data = simulate(seed, 150, 3)
        X, y = np.array(data["X"]), np.array(data["y"])
        s = run(lambda X, y: binary(X, y, link), seed, X=X, y=y)
        cols = {"Intercept": s["alpha"], **{n: s["beta"][:, j] for j, n in enumerate(names(3))}}
        out["cases"][f"simulated_{link}"] = {"data": data, "posterior": moments(cols)}
    for link, seed in [("logit", 3), ("probit", 4)]:
        data = simulate(seed, 200, 2, levels=4)
        X, y = np.array(data["X"]), np.array(data["y"])
        s = run(lambda X, y: ordered(X, y, 4, link), seed, X=X, y=y)
        cols = {n: s["beta"][:, j] for j, n in enumerate(names(2))}
        cols.update({f"{k}|{k + 1}": s["cut"][:, k] for k in range(3)})
        out["cases"][f"simulated_ordered_{link}"] = {"data": data, "posterior": moments(cols)}
    data = simulate(5, 300, 2, groups=8)
    X, y, g = np.array(data["X"]), np.array(data["y"]), np.array(data["groups"])
    s = run(lambda X, y, g: hierarchical(X, y, g, 8), 5, X=X, y=y, g=g)
    u = s["z"] * s["tau"][:, None, :]
    cols = {"Intercept": s["alpha"], **{n: s["beta"][:, j] for j, n in enumerate(names(2))}}
    cols["sd(Intercept|group)"] = s["tau"][:, 0]
    cols["sd(x0|group)"] = s["tau"][:, 1]
    cols.update({f"Intercept|group[{k}]": u[:, k, 0] for k in range(8)})
    cols.update({f"x0|group[{k}]": u[:, k, 1] for k in range(8)})
    out["cases"]["simulated_hierarchical_logit"] = {"data": data, "posterior": moments(cols)}
    path = Path(__file__).resolve().parents[2] / "tests" / "results" / "bayes_peer_numpyro.json"
    path.write_text(json.dumps(out, indent=1))
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
