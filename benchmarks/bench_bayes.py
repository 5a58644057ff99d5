"""summitcast.bayes NUTS against the peers installed (NumPyro, PyMC, nutpie)
on the same models, priors and simulated data, in one process.

    PYTHONPATH=python python benchmarks/bench_bayes.py [--quick] [--seeds=5]

PyTensor (under PyMC and nutpie's PyMC front end) finds no BLAS in a pip
install: this script points it at the system OpenBLAS (Debian's
libopenblas-dev) when PYTENSOR_FLAGS does not say otherwise, and prints
which BLAS each peer links, so that the peers run at their proper speed.

Models: logistic regression (n = 5,000, p = 10) and a hierarchical logit
(n = 2,000, 20 groups, varying intercepts and one varying slope).  Every
sampler runs 4 chains of 1,000 warm-up + 1,000 draws.  Printed per sampler:
wall time, min bulk ESS, min bulk-ESS per second and per gradient
evaluation (sampling phase), and time per gradient against the 4 n p flop
floor of one gradient (X beta and X' g: n p multiply-adds each).  Ratios are
summitcast / peer (above 1 = summitcast better), for the default diagonal
metric adapted from draws and gradients; "summitcast-stan" is the diagonal
metric from Stan's windows and "summitcast-dense" the optional dense metric.
Min ESS and so ESS per gradient vary from seed to seed by several per cent
(5-10% on these problems), so the comparison is fixed in advance and not
chosen after the fact: every sampler runs with the same seeds, 1 to 5 by
default (--seeds=N for 1..N), interleaved (every sampler once per seed, in
turn); the table shows for each sampler the *median over the seeds* of
every column (with the range of ESS per gradient), and the ratios printed
are ratios of those medians.  Wall and process CPU times are both shown,
since the samplers use the cores differently (summitcast and nutpie run
chains in parallel, PyMC and NumPyro in turn).
"""

from __future__ import annotations

import ctypes.util
import os
import sys
import time
import warnings

import numpy as np

import summitcast.bayes as sb
import summitcast.diagnostics as sd

QUICK = "--quick" in sys.argv
DRAWS = TUNE = 300 if QUICK else 1000
CHAINS = 4
SEEDS = (1,) if QUICK else tuple(range(1, 1 + int(next((a.split("=")[1] for a in sys.argv if a.startswith("--seeds=")), 5))))

if "PYTENSOR_FLAGS" not in os.environ and ctypes.util.find_library("openblas"):
    os.environ["PYTENSOR_FLAGS"] = "blas__ldflags=-lopenblas"


def blas_report() -> str:
    """Which BLAS the peers' numerical back ends use."""
    lines = []
    try:
        import pytensor

        flags = pytensor.config.blas__ldflags
        lines.append(f"pytensor {pytensor.__version__} blas__ldflags={flags!r}" + ("" if flags else " (NO BLAS)"))
    except ImportError:
        pass
    try:
        import jax

        lines.append(f"jax {jax.__version__} (XLA's own CPU kernels)")
    except ImportError:
        pass
    config = np.show_config(mode="dicts") if hasattr(np, "show_config") else {}
    blas = config.get("Build Dependencies", {}).get("blas", {}) if isinstance(config, dict) else {}
    lines.append(f"numpy {np.__version__} BLAS {blas.get('name', '?')} {blas.get('version', '')}".rstrip())
    return "; ".join(lines)


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


def timed(fn):
    """Run fn(); return its result with wall and process CPU seconds."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - wall, time.process_time() - cpu


def summitcast_model(kind, data):
    if kind == "logistic":
        X, y = data
        return sb.Logit(X, y, prior=sb.Normal(0, 2.5), prior_intercept=sb.Normal(0, 2.5), standardize=False)
    X, y, g = data
    return sb.HierarchicalLogit(X, y, g, varying_slopes=["x0"], prior=sb.Normal(0, 2.5),
                                prior_intercept=sb.Normal(0, 2.5), prior_scale=sb.HalfNormal(1.0),
                                standardize=False)


def run_summitcast(kind, data, seed, variant="gradients"):
    model = summitcast_model(kind, data)
    settings = {"gradients": {}, "stan": {"metric_adaptation": "stan"}, "dense": {"dense_metric": True}}[variant]

    def sample():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", sb.ConvergenceWarning)
            return model.sample(draws=DRAWS, tune=TUNE, chains=CHAINS, seed=seed, **settings)

    post, wall, cpu = timed(sample)
    theta = post.info["theta"]
    return {"time": wall, "cpu": cpu, "ess": min_ess({"theta": theta}),
            "grads": float(post.sample_stats["n_steps"].sum()),
            "total_grads": float(post.info["gradient_evaluations"].sum()), "point": theta[0, -1], "model": model}


def gradient_time(model, point, reps=2000):
    """Seconds per log-density-and-gradient call (C++ through pybind11)."""
    t0 = time.perf_counter()
    for _ in range(reps):
        model.log_density(point)
    return (time.perf_counter() - t0) / reps


def numpyro_model(kind, data):
    import jax.numpy as jnp
    import numpyro
    import numpyro.distributions as dist

    if kind == "logistic":
        X, y = data

        def model(X, y):
            a = numpyro.sample("a", dist.Normal(0, 2.5))
            b = numpyro.sample("b", dist.Normal(0, 2.5).expand([X.shape[1]]))
            numpyro.sample("y", dist.Bernoulli(logits=a + X @ b), obs=y)

        return model, {"X": jnp.asarray(X), "y": jnp.asarray(y)}
    X, y, g = data
    G = int(g.max()) + 1

    def model(X, y, g):
        a = numpyro.sample("a", dist.Normal(0, 2.5))
        b = numpyro.sample("b", dist.Normal(0, 2.5).expand([X.shape[1]]))
        tau = numpyro.sample("tau", dist.HalfNormal(1.0).expand([2]))
        z = numpyro.sample("z", dist.Normal(0, 1).expand([G, 2]))
        u = z * tau
        numpyro.sample("y", dist.Bernoulli(logits=a + X @ b + u[g, 0] + u[g, 1] * X[:, 0]), obs=y)

    return model, {"X": jnp.asarray(X), "y": jnp.asarray(y), "g": jnp.asarray(g)}


def run_numpyro(kind, data, seed):
    import jax
    from numpyro.infer import MCMC, NUTS

    jax.config.update("jax_enable_x64", True)
    model, args = numpyro_model(kind, data)

    def sample():
        mcmc = MCMC(NUTS(model), num_warmup=TUNE, num_samples=DRAWS, num_chains=CHAINS,
                    chain_method="sequential", progress_bar=False)
        mcmc.run(jax.random.PRNGKey(seed), extra_fields=("num_steps",), **args)
        jax.block_until_ready(mcmc.get_samples(group_by_chain=True))
        return mcmc

    mcmc, wall, cpu = timed(sample)
    draws = {k: np.asarray(v) for k, v in mcmc.get_samples(group_by_chain=True).items()}
    grads = float(np.asarray(mcmc.get_extra_fields()["num_steps"]).sum())
    return {"time": wall, "cpu": cpu, "ess": min_ess(draws), "grads": grads}


def pymc_model(kind, data):
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
    return model


def run_pymc(kind, data, seed, sampler, compiled=None):
    import pymc as pm

    model = pymc_model(kind, data)
    if sampler == "nutpie":
        import nutpie

        def sample():
            return nutpie.sample(compiled, draws=DRAWS, tune=TUNE, chains=CHAINS, seed=seed, progress_bar=False)
    else:
        def sample():
            with model:
                return pm.sample(draws=DRAWS, tune=TUNE, chains=CHAINS, cores=1, random_seed=seed,
                                 progressbar=False, compute_convergence_checks=False)

    idata, wall, cpu = timed(sample)
    post = idata.posterior
    draws = {v: post[v].values for v in post.data_vars if v in ("a", "b", "tau", "z")}
    stats = idata.sample_stats
    steps = "n_steps" if "n_steps" in stats else "tree_size"
    grads = float(stats[steps].values.sum()) if steps in stats else float("nan")
    return {"time": wall, "cpu": cpu, "ess": min_ess(draws), "grads": grads}


def peers():
    out = {}
    for name in ("numpyro", "pymc", "nutpie"):
        try:
            __import__(name)
            out[name] = True
        except ImportError:
            print(f"({name} not installed: skipped)")
    return out


def runners(kind, data, available):
    """name -> function(seed) for every sampler, with one-off compilation done here."""
    out = {variant_name: (lambda seed, v=variant: run_summitcast(kind, data, seed, v))
           for variant_name, variant in (("summitcast", "gradients"), ("summitcast-stan", "stan"),
                                         ("summitcast-dense", "dense"))}
    if "numpyro" in available:
        first = run_numpyro(kind, data, 0)  # compiles; later runs reuse JAX's cache
        print(f"(numpyro first run incl. JIT {first['time']:.1f} s)")
        out["numpyro"] = lambda seed: run_numpyro(kind, data, seed)
    if "pymc" in available:
        out["pymc"] = lambda seed: run_pymc(kind, data, seed, "pymc")
        if "nutpie" in available:
            import nutpie

            compiled, wall, _ = timed(lambda: nutpie.compile_pymc_model(pymc_model(kind, data)))
            print(f"(nutpie compilation {wall:.1f} s, not counted)")
            out["nutpie"] = lambda seed: run_pymc(kind, data, seed, "nutpie", compiled)
    return out


def main() -> None:
    available = peers()
    print(f"peers' BLAS: {blas_report()}")
    problems = {"logistic": logistic_data(), "hierarchical": hierarchical_data()}
    for kind, data in problems.items():
        n, p = data[0].shape
        print(f"\n== {kind}: n = {n}, p = {p}; {CHAINS} chains x ({TUNE} tune + {DRAWS} draws); seeds {SEEDS}")
        run = runners(kind, data, available)
        runs = {name: [] for name in run}
        for seed in SEEDS:  # interleaved: every sampler once per seed, in turn
            for name, fn in run.items():
                r = fn(seed)
                r["ess_grad"] = r["ess"] / r["grads"]
                runs[name].append(r)
        print(f"{'sampler':16s} {'wall s':>7s} {'cpu s':>7s} {'min ESS':>8s} {'ESS/s':>8s} {'ESS/cpu-s':>9s} "
              f"{'ESS/grad':>9s} {'(range over seeds)':>19s}")
        table = {}
        for name, rs in runs.items():
            med = {key: float(np.median([r[key] for r in rs])) for key in ("time", "cpu", "ess", "ess_grad")}
            med["ess_s"] = float(np.median([r["ess"] / r["time"] for r in rs]))
            med["ess_cpu"] = float(np.median([r["ess"] / r["cpu"] for r in rs]))
            lo, hi = min(r["ess_grad"] for r in rs), max(r["ess_grad"] for r in rs)
            table[name] = med
            print(f"{name:16s} {med['time']:7.2f} {med['cpu']:7.2f} {med['ess']:8.0f} {med['ess_s']:8.1f} "
                  f"{med['ess_cpu']:9.1f} {med['ess_grad']:9.4f} {lo:9.4f}-{hi:.4f}")
        ours = runs["summitcast"][0]
        per_grad = gradient_time(ours["model"], ours["point"])
        flops = 4.0 * n * p
        print(f"summitcast gradient: {per_grad * 1e6:.1f} us per call; floor 4np = {flops:.0f} flops "
              f"-> {flops / per_grad / 1e9:.2f} GFLOP/s achieved; sampler {ours['time'] / ours['total_grads'] * 1e6:.1f} "
              f"us per gradient (wall, {CHAINS} chains on the available cores)")
        best = table["summitcast"]
        for name, r in table.items():
            if not name.startswith("summitcast"):
                print(f"ratio summitcast/{name}: ESS/s {best['ess_s'] / r['ess_s']:.2f}, "
                      f"ESS/cpu-s {best['ess_cpu'] / r['ess_cpu']:.2f}, ESS/grad {best['ess_grad'] / r['ess_grad']:.2f}")


if __name__ == "__main__":
    main()
