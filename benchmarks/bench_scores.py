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
the best of several repeats after a warm-up call (numba compiles on first
use).  Run: PYTHONPATH=python python benchmarks/bench_scores.py
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


def best_time(fn, repeat=5):
    fn()  # warm-up (numba compiles here)
    best, out = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, np.asarray(out)


def report(case, ours_t, peers):
    print(f"  summitcast {ours_t * 1e3:9.1f} ms")
    for name, (t, agree) in peers.items():
        print(f"  {name:<34s} {t * 1e3:9.1f} ms   ratio {t / ours_t:6.1f}x   max |diff| {agree:.1e}")


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
    t, ours = best_time(lambda: ev.crps_normal(y, mu, sigma))
    print(f"CRPS normal, {n:,} forecasts (floor: one erf and one exp per forecast, about 10 ns each)")
    peers = {}
    if mods["properscoring"]:
        tp, theirs = best_time(lambda: mods["properscoring"].crps_gaussian(y, mu, sigma))
        peers["properscoring.crps_gaussian"] = (tp, np.max(np.abs(theirs - ours)))
    if mods["scoringrules"]:
        backends = ["numba", "numpy"] if mods["numba"] else ["numpy"]
        for backend in backends:
            tp, theirs = best_time(lambda: mods["scoringrules"].crps_normal(y, mu, sigma, backend=backend))
            peers[f"scoringrules.crps_normal ({backend})"] = (tp, np.max(np.abs(theirs - ours)))
    report("normal", t, peers)


def bench_crps_ensemble(mods, rng):
    n, m = 10_000, 1_000
    y = rng.normal(size=n)
    x = rng.normal(size=(n, m))
    print(f"Ensemble CRPS, {n:,} forecasts x {m:,} members (floor: sorting 10^7 doubles, ~10^8 comparisons)")
    t_plain, plain = best_time(lambda: ev.crps_ensemble(y, x), repeat=3)
    t_fair, fair = best_time(lambda: ev.crps_ensemble(y, x, fair=True), repeat=3)
    chunks = np.array_split(np.arange(n), 2)

    def two_threads():
        with ThreadPoolExecutor(2) as pool:
            return np.concatenate(list(pool.map(lambda i: ev.crps_ensemble(y[i], x[i]), chunks)))

    t_threads, threaded = best_time(two_threads, repeat=3)
    assert np.array_equal(threaded, plain)
    print(f"  summitcast plain {t_plain * 1e3:9.1f} ms, fair {t_fair * 1e3:9.1f} ms, "
          f"plain on 2 threads {t_threads * 1e3:9.1f} ms ({t_plain / t_threads:.2f}x: the GIL is released)")
    peers = {}
    if mods["scoringrules"]:
        backends = ["numba", "numpy"] if mods["numba"] else ["numpy"]
        for backend in backends:
            for estimator, ours, t_ours in (("qd", plain, t_plain), ("pwm", fair, t_fair)):
                tp, theirs = best_time(
                    lambda: mods["scoringrules"].crps_ensemble(y, x, estimator=estimator, backend=backend), repeat=3)
                peers[f"scoringrules {estimator} ({backend})"] = (tp, np.max(np.abs(theirs - ours)), t_ours)
    if mods["properscoring"] and mods["numba"]:
        tp, theirs = best_time(lambda: mods["properscoring"].crps_ensemble(y, x), repeat=3)
        peers["properscoring.crps_ensemble (numba)"] = (tp, np.max(np.abs(theirs - plain)), t_plain)
    elif mods["properscoring"]:
        print("  properscoring without numba needs O(n m^2) memory (80 GB here): skipped")
    for name, (tp, diff, t_ours) in peers.items():
        form = "fair" if "pwm" in name else "plain"
        print(f"  {name:<34s} {tp * 1e3:9.1f} ms   ratio {tp / t_ours:6.1f}x vs summitcast {form}   max |diff| {diff:.1e}")


def bench_counts(mods, rng):
    if not mods["scoringrules"]:
        return
    n = 100_000
    mu = rng.uniform(0.5, 60, size=n)
    y = rng.poisson(mu).astype(float)
    size = rng.uniform(0.5, 40, size=n)
    prob = size / (size + mu)
    for label, ours_fn, peer_fn in (
        ("Poisson", lambda: ev.crps_poisson(y, mu), lambda: mods["scoringrules"].crps_poisson(y, mu, backend="numpy")),
        ("negative binomial", lambda: ev.crps_negbin(y, size, prob),
         lambda: mods["scoringrules"].crps_negbinom(y, size, prob, backend="numpy")),
    ):
        t, ours = best_time(ours_fn, repeat=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tp, theirs = best_time(peer_fn, repeat=3)
        finite = np.isfinite(theirs)
        print(f"CRPS {label}, {n:,} forecasts")
        report(label, t, {f"scoringrules (numpy), {finite.mean():.1%} finite": (tp, np.max(np.abs(theirs[finite] - ours[finite])))})


def main():
    mods = peers_available()
    print("peers:", ", ".join(f"{k} {getattr(v, '__version__', 'installed') if v else 'absent'}" for k, v in mods.items()))
    rng = np.random.default_rng(20251)
    bench_crps_normal(mods, rng)
    bench_crps_ensemble(mods, rng)
    bench_counts(mods, rng)


if __name__ == "__main__":
    main()
