"""Side-by-side timings of summitcast.evaluate's scores against properscoring
and scoringrules, in one process on the same arrays.

1. CRPS of normal forecasts, 10^6 forecasts (summitcast.evaluate.crps_normal
   with its argument checks; properscoring.crps_gaussian; scoringrules
   .crps_normal with its numba and numpy backends).
2. Ensemble CRPS, 10^4 forecasts x 1,000 members: summitcast's plain and fair
   forms (one sort per forecast); scoringrules' "qd" (its default, the plain
   CRPS) and "pwm" (the fair CRPS) estimators, each sorting first;
   properscoring.crps_ensemble (plain form, its numba gufunc).
3. Closed-form count CRPS, 10^5 forecasts: Poisson and negative binomial
   against scoringrules (numpy backend; NaN where its formulas overflow).

Every pair of results is checked to agree before its time is printed.  The
ratio is peer time / summitcast time (> 1: summitcast is faster).  Times are
the best of several rounds after a warm-up call (numba compiles on first
use); within a round the candidates run one after another, so a change in
the load of a shared machine hits them alike.
Run: PYTHONPATH=python python benchmarks/bench_scores.py
"""

from __future__ import annotations

import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import time  # noqa: E402
import warnings  # noqa: E402
from concurrent.futures import ThreadPoolExecutor  # noqa: E402

import numpy as np  # noqa: E402

from summitcast import evaluate as ev  # noqa: E402


def race(candidates, rounds=5):
    """{name: (best seconds, result)} for {name: callable}, run interleaved."""
    results = {name: fn() for name, fn in candidates.items()}  # warm-up (numba compiles here)
    best = dict.fromkeys(candidates, float("inf"))
    for _ in range(rounds):
        for name, fn in candidates.items():
            t0 = time.perf_counter()
            fn()
            best[name] = min(best[name], time.perf_counter() - t0)
    return {name: (best[name], np.asarray(results[name])) for name in candidates}


def report(times, pairs):
    """Print each summitcast entry, then each peer against its summitcast pair."""
    for name, (t, _) in times.items():
        if name.startswith("summitcast"):
            print(f"  {name:<40s} {t * 1e3:9.1f} ms")
    for peer, ours in pairs.items():
        if peer in times:
            tp, theirs = times[peer]
            to, mine = times[ours]
            finite = np.isfinite(theirs)
            note = "" if finite.all() else f"   ({finite.mean():.1%} finite)"
            diff = np.max(np.abs(theirs[finite] - mine[finite]))
            print(f"  {peer:<40s} {tp * 1e3:9.1f} ms   ratio {tp / to:5.1f}x vs {ours}   max |diff| {diff:.1e}{note}")


def peers_available():
    found = {}
    for name in ("properscoring", "scoringrules", "numba"):
        try:
            found[name] = __import__(name)
        except ImportError:
            found[name] = None
    return found


def bench_crps_normal(mods, rng):
    n = 1_000_000
    y, mu, sigma = rng.normal(size=n), rng.normal(size=n), rng.uniform(0.5, 2.0, size=n)
    print(f"CRPS normal, {n:,} forecasts (floor: one erf and one exp per forecast, about 10 ns each)")
    candidates = {"summitcast": lambda: ev.crps_normal(y, mu, sigma)}
    pairs = {}
    if mods["properscoring"]:
        candidates["properscoring.crps_gaussian"] = lambda: mods["properscoring"].crps_gaussian(y, mu, sigma)
        pairs["properscoring.crps_gaussian"] = "summitcast"
    if mods["scoringrules"]:
        for backend in ["numba", "numpy"] if mods["numba"] else ["numpy"]:
            name = f"scoringrules.crps_normal ({backend})"
            candidates[name] = lambda b=backend: mods["scoringrules"].crps_normal(y, mu, sigma, backend=b)
            pairs[name] = "summitcast"
    report(race(candidates), pairs)


def bench_crps_ensemble(mods, rng):
    n, m = 10_000, 1_000
    y = rng.normal(size=n)
    x = rng.normal(size=(n, m))
    print(f"Ensemble CRPS, {n:,} forecasts x {m:,} members (floor: sorting 10^7 doubles, ~10^8 comparisons)")
    halves = [slice(0, n // 2), slice(n // 2, n)]  # views, no copies

    def two_threads():
        with ThreadPoolExecutor(2) as pool:
            return np.concatenate(list(pool.map(lambda h: ev.crps_ensemble(y[h], x[h]), halves)))

    candidates = {
        "summitcast plain": lambda: ev.crps_ensemble(y, x),
        "summitcast fair": lambda: ev.crps_ensemble(y, x, fair=True),
        "summitcast plain, 2 threads": two_threads,
    }
    pairs = {}
    if mods["scoringrules"]:
        for backend in ["numba", "numpy"] if mods["numba"] else ["numpy"]:
            for estimator, ours in (("qd", "summitcast plain"), ("pwm", "summitcast fair")):
                name = f"scoringrules {estimator} ({backend})"
                candidates[name] = lambda e=estimator, b=backend: mods["scoringrules"].crps_ensemble(
                    y, x, estimator=e, backend=b)
                pairs[name] = ours
    if mods["properscoring"] and mods["numba"]:
        candidates["properscoring.crps_ensemble (numba)"] = lambda: mods["properscoring"].crps_ensemble(y, x)
        pairs["properscoring.crps_ensemble (numba)"] = "summitcast plain"
    elif mods["properscoring"]:
        print("  properscoring without numba needs O(n m^2) memory (80 GB here): skipped")
    times = race(candidates, rounds=3)
    assert np.array_equal(times["summitcast plain, 2 threads"][1], times["summitcast plain"][1])
    report(times, pairs)
    t1, t2 = times["summitcast plain"][0], times["summitcast plain, 2 threads"][0]
    print(f"  two threads: {t1 / t2:.2f}x the single-thread speed (the GIL is released; needs a free core)")


def bench_counts(mods, rng):
    if not mods["scoringrules"]:
        return
    n = 100_000
    mu = rng.uniform(0.5, 60, size=n)
    y = rng.poisson(mu).astype(float)
    size = rng.uniform(0.5, 40, size=n)
    prob = size / (size + mu)
    sr = mods["scoringrules"]

    def quiet(fn):
        def run():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                return fn()
        return run

    print(f"CRPS of counts, {n:,} forecasts with means 0.5-60 (negative binomial: sizes 0.5-40)")
    candidates = {
        "summitcast Poisson": lambda: ev.crps_poisson(y, mu),
        "summitcast negative binomial": lambda: ev.crps_negbin(y, size, prob),
        "scoringrules Poisson (numpy)": quiet(lambda: sr.crps_poisson(y, mu, backend="numpy")),
        "scoringrules negative binomial (numpy)": quiet(lambda: sr.crps_negbinom(y, size, prob, backend="numpy")),
    }
    report(race(candidates, rounds=3), {"scoringrules Poisson (numpy)": "summitcast Poisson",
                                        "scoringrules negative binomial (numpy)": "summitcast negative binomial"})


def main():
    mods = peers_available()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (a shared machine: compare ratios, not times)")
    print("peers:", ", ".join(f"{k} {getattr(v, '__version__', 'installed') if v else 'absent'}" for k, v in mods.items()))
    rng = np.random.default_rng(20251)
    bench_crps_normal(mods, rng)
    bench_crps_ensemble(mods, rng)
    bench_counts(mods, rng)


if __name__ == "__main__":
    main()
