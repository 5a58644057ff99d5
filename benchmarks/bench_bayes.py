"""summitcast.bayes NUTS against the peers installed (NumPyro, PyMC, nutpie)
on the same models, priors and simulated data, in one process.

    PYTHONPATH=python python benchmarks/bench_bayes.py [--quick]

Models: logistic regression (n = 5,000, p = 10) and a hierarchical logit
(n = 2,000, 20 groups, varying intercepts and one varying slope).  Every
sampler runs 4 chains of 1,000 warm-up + 1,000 draws.  Printed per sampler:
wall time, min bulk ESS, min bulk-ESS per second and per gradient
evaluation (sampling phase), and time per gradient against the 4 n p flop
floor of one gradient (X beta and X' g: n p multiply-adds each).  Ratios are
summitcast / peer (above 1 = summitcast better), for the default diagonal
metric; "summitcast-dense" shows the optional dense metric.
"""

from __future__ import annotations

import sys
import time
import warnings

import numpy as np

import summitcast.bayes as sb
import summitcast.diagnostics as sd

QUICK = "--quick" in sys.argv
DRAWS = TUNE = 300 if QUICK else 1000
CHAINS = 4


def logistic_data(n=5000, p=10, seed=0):
    """Simulated (not real) logistic-regression data."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    beta = np.linspace(1.0, -1.0, p) * 0.5
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-(0.3 + X @ beta)))).astype(int)
    return X, y


def hierarchical_data(n=2000, p=3, G=20, seed=1):
    """Simulated (not real) grouped binary data."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    g = np.arange(n) % G
    u0, u1 = rng.normal(0, 0.8, G), rng.normal(0, 0.3, G)
    eta = -0.2 + X @ np.array([0.7, -0.4, 0.2]) + u0[g] + u1[g] * X[:, 0]
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-eta))).astype(int)
    return X, y, g


def min_ess(chains_draws: dict[str, np.ndarray]) -> float:
    """Min bulk ESS over all scalar parameters; arrays are (chain, draw, ...)."""
    out = np.inf
    for arr in chains_draws.values():
        a = arr.reshape(arr.shape[0], arr.shape[1], -1)
        for k in range(a.shape[2]):
            out = min(out, sd.ess_bulk(a[:, :, k]))
    return out


def run_summitcast(kind, data, dense=False):
    if kind == "logistic":
        X, y = data
        model = sb.Logit(X, y, prior=sb.Normal(0, 2.5), prior_intercept=sb.Normal(0, 2.5), standardize=False)
    else:
        X, y, g = data
        model = sb.HierarchicalLogit(X, y, g, varying_slopes=["x0"], prior=sb.Normal(0, 2.5),
                                     prior_intercept=sb.Normal(0, 2.5), prior_scale=sb.HalfNormal(1.0),
                                     standardize=False)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", sb.ConvergenceWarning)
        post = model.sample(draws=DRAWS, tune=TUNE, chains=CHAINS, seed=1, dense_metric=dense)
    elapsed = time.perf_counter() - start
    theta = post.info["theta"]
    grads = float(post.sample_stats["n_steps"].sum())
    total_grads = float(post.info["gradient_evaluations"].sum())
    # time one gradient directly (C++ call through pybind11)
    point = theta[0, -1]
    reps = 2000
    t0 = time.perf_counter()
    for _ in range(reps):
        model.log_density(point)
    per_grad = (time.perf_counter() - t0) / reps
    return {"time": elapsed, "ess": min_ess({"theta": theta}), "grads": grads, "total_grads": total_grads,
            "per_grad": per_grad}


def run_numpyro(kind, data):
    import jax
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist
    from numpyro.infer import MCMC, NUTS

    jax.config.update("jax_enable_x64", True)
    if kind == "logistic":
        X, y = data

        def model(X, y):
            a = numpyro.sample("a", dist.Normal(0, 2.5))
            b = numpyro.sample("b", dist.Normal(0, 2.5).expand([X.shape[1]]))
            numpyro.sample("y", dist.Bernoulli(logits=a + X @ b), obs=y)

        args = {"X": jnp.asarray(X), "y": jnp.asarray(y)}
    else:
        X, y, g = data
        G = int(g.max()) + 1

        def model(X, y, g):
            a = numpyro.sample("a", dist.Normal(0, 2.5))
            b = numpyro.sample("b", dist.Normal(0, 2.5).expand([X.shape[1]]))
            tau = numpyro.sample("tau", dist.HalfNormal(1.0).expand([2]))
            z = numpyro.sample("z", dist.Normal(0, 1).expand([G, 2]))
            u = z * tau
            numpyro.sample("y", dist.Bernoulli(logits=a + X @ b + u[g, 0] + u[g, 1] * X[:, 0]), obs=y)

        args = {"X": jnp.asarray(X), "y": jnp.asarray(y), "g": jnp.asarray(g)}
    times = []
    for rep in range(2):  # the second run reuses JAX's compilation cache
        mcmc = MCMC(NUTS(model), num_warmup=TUNE, num_samples=DRAWS, num_chains=CHAINS, chain_method="sequential",
                    progress_bar=False)
        start = time.perf_counter()
        mcmc.run(jax.random.PRNGKey(rep), extra_fields=("num_steps",), **args)
        samples = mcmc.get_samples(group_by_chain=True)
        jax.block_until_ready(samples)
        times.append(time.perf_counter() - start)
    # unconstrained scale for tau as for summitcast (ESS is invariant to monotone maps anyway)
    draws = {k: np.asarray(v) for k, v in samples.items()}
    grads = float(np.asarray(mcmc.get_extra_fields()["num_steps"]).sum())
    return {"time": times[1], "first_time": times[0], "ess": min_ess(draws), "grads": grads}


def run_pymc(kind, data, sampler):
    import pymc as pm

    with pm.Model() as model:
        if kind == "logistic":
            X, y = data
            a = pm.Normal("a", 0, 2.5)
            b = pm.Normal("b", 0, 2.5, shape=X.shape[1])
            pm.Bernoulli("y", logit_p=a + pm.math.dot(X, b), observed=y)
        else:
            X, y, g = data
            G = int(g.max()) + 1
            a = pm.Normal("a", 0, 2.5)
            b = pm.Normal("b", 0, 2.5, shape=X.shape[1])
            tau = pm.HalfNormal("tau", 1.0, shape=2)
            z = pm.Normal("z", 0, 1, shape=(G, 2))
            u = z * tau
            pm.Bernoulli("y", logit_p=a + pm.math.dot(X, b) + u[g, 0] + u[g, 1] * X[:, 0], observed=y)
    start = time.perf_counter()
    if sampler == "nutpie":
        import nutpie

        compiled = nutpie.compile_pymc_model(model)
        idata = nutpie.sample(compiled, draws=DRAWS, tune=TUNE, chains=CHAINS, seed=1, progress_bar=False)
    else:
        with model:
            idata = pm.sample(draws=DRAWS, tune=TUNE, chains=CHAINS, cores=1, random_seed=1, progressbar=False,
                              compute_convergence_checks=False)
    elapsed = time.perf_counter() - start
    post = idata.posterior
    names = [v for v in post.data_vars if v in ("a", "b", "tau", "z")]
    draws = {v: post[v].values for v in names}
    stats = idata.sample_stats
    steps = "n_steps" if "n_steps" in stats else "tree_size"
    grads = float(stats[steps].values.sum()) if steps in stats else float("nan")
    return {"time": elapsed, "ess": min_ess(draws), "grads": grads}


def peers():
    out = {}
    for name in ("numpyro", "pymc", "nutpie"):
        try:
            __import__(name)
            out[name] = True
        except ImportError:
            print(f"({name} not installed: skipped)")
    return out


def main() -> None:
    available = peers()
    problems = {"logistic": logistic_data(), "hierarchical": hierarchical_data()}
    for kind, data in problems.items():
        n, p = data[0].shape
        print(f"\n== {kind}: n = {n}, p = {p}; {CHAINS} chains x ({TUNE} tune + {DRAWS} draws)")
        results = {"summitcast": run_summitcast(kind, data), "summitcast-dense": run_summitcast(kind, data, dense=True)}
        if "numpyro" in available:
            results["numpyro"] = run_numpyro(kind, data)
        if "pymc" in available:
            results["pymc"] = run_pymc(kind, data, "pymc")
        if "nutpie" in available and "pymc" in available:
            results["nutpie"] = run_pymc(kind, data, "nutpie")
        print(f"{'sampler':12s} {'time s':>8s} {'min ESS':>8s} {'ESS/s':>9s} {'ESS/grad':>9s}")
        for name, r in results.items():
            r["ess_s"] = r["ess"] / r["time"]
            r["ess_grad"] = r["ess"] / r["grads"]
            extra = f"  (first run incl. JIT {r['first_time']:.1f}s)" if "first_time" in r else ""
            print(f"{name:12s} {r['time']:8.2f} {r['ess']:8.0f} {r['ess_s']:9.1f} {r['ess_grad']:9.4f}{extra}")
        ours = results["summitcast"]
        flops = 4.0 * n * p
        print(f"summitcast gradient: {ours['per_grad'] * 1e6:.1f} us per call; floor 4np = {flops:.0f} flops "
              f"-> {flops / ours['per_grad'] / 1e9:.2f} GFLOP/s achieved; sampler {ours['time'] / ours['total_grads'] * 1e6:.1f} "
              f"us per gradient (wall, {CHAINS} chains on the available cores)")
        for name, r in results.items():
            if not name.startswith("summitcast"):
                print(f"ratio summitcast/{name}: ESS/s {ours['ess_s'] / r['ess_s']:.2f}, "
                      f"ESS/grad {ours['ess_grad'] / r['ess_grad']:.2f}")


if __name__ == "__main__":
    main()
