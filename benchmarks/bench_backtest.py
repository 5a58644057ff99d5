"""Speed and scale of summitcast.evaluate's backtests and fit_many.

1. The full monthly backtest of the bundled record: origins 2010-01 to the
   last one whose 6-month window is known, horizons 6, 12, 24; the five
   baselines and their stacking.  Serially, on 2 processes and on 2 threads
   (frames checked equal); the floor is the serial cost of the vintages
   (``data.truncate``) and the fits, divided by 2.
2. The real forecaster (``SummitForecaster``, fast mode) over the same
   origins and horizons (without the baselines), serially and on 2
   processes (frames checked equal), against the targets of issue 11
   (>= 1.8x, < 60 s on 2 workers), and serially on one core thread (one
   worker as a pool runs it); then where one origin's time goes (CPU
   seconds by part: vintage, record, features, each model, indicators,
   forecast) and the importance rounds each model used.
3. ``fit_many`` of a Poisson INGARCH(1, 1) over 100, 1,000 and 10,000
   SIMULATED monthly count series (120 months each), serially and on 2
   processes (started and warmed up before the clock starts); the time per
   series shows whether growth is linear.
4. Per-task overhead of a Dask LocalCluster (2 worker processes, 1 thread
   each) against a process pool and a thread pool: N tasks that do nothing
   through the same ``run_tasks`` the backtests use; and the backtest of (1)
   on the cluster (frame checked equal).

Processes are ``summitcast.evaluate.process_pool(2)`` (workers started by a
fork server, so each imports summitcast itself: that start-up is in the
times).  The machine is shared: the load average is printed before each part, and
times are wall-clock seconds of one run (the backtests take long enough for
single runs).
Its scores are benchmarks/skill_backtest.py's business.

Run: PYTHONPATH=python python benchmarks/bench_backtest.py [--quick]
"""

from __future__ import annotations

import os

for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")
# the forecaster's convergence notes (UserWarnings) in worker processes, which
# do not inherit this process's filters: its own benchmark reports them
os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning")

import argparse  # noqa: E402
import functools  # noqa: E402
import concurrent.futures as cf  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from summitcast import evaluate as ev  # noqa: E402
from summitcast._common.threads import using_core_threads  # noqa: E402
from summitcast._common.time import month_index  # noqa: E402
from summitcast.datasets import load_trilateral  # noqa: E402
from summitcast.evaluate._executors import run_tasks  # noqa: E402
from summitcast.evaluate._record import ordinal_month, series_history  # noqa: E402

HORIZONS = (6, 12, 24)
SEED = 20240526


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"(load average {one:.1f}, 5-min {five:.1f}, on {os.cpu_count()} cores)"


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def measured(run):
    """(wall seconds, result) of ``run(executor_or_None)`` for a pool maker
    (None: serially); the pool is shut down after the run."""
    def measure(make):
        if make is None:
            return timed(lambda: run(None))
        with make() as pool:
            return timed(lambda: run(pool))
    return measure


def full_origins(data):
    last = series_history(data, "trilateral").last - min(HORIZONS)
    return month_index("2010-01", ordinal_month(last))


def part_backtest(data, origins):
    print(f"\n1. Monthly backtest of the bundled record, baselines + stacking {load()}")
    print(f"   {len(origins)} origins ({origins[0]:%Y-%m}..{origins[-1]:%Y-%m}) x horizons {HORIZONS}")
    t_trunc, _ = timed(lambda: [data.truncate(o) for o in origins])
    measure = measured(lambda pool: ev.backtest(None, data, origins, HORIZONS, seed=SEED, executor=pool,
                                                 progress=False))
    serial_t, serial = measure(None)
    proc_t, proc = measure(lambda: ev.process_pool(2))
    thread_t, thread = measure(lambda: cf.ThreadPoolExecutor(2))
    pd.testing.assert_frame_equal(serial.frame, proc.frame)
    pd.testing.assert_frame_equal(serial.frame, thread.frame)
    print(f"   vintages alone (data.truncate, serial): {t_trunc:7.1f} s  ({t_trunc / len(origins) * 1e3:.0f} ms each)")
    print(f"   {'':<22}{'wall s':>8}  speed-up")
    print(f"   {'serial':<22}{serial_t:8.1f}")
    print(f"   {'2 processes':<22}{proc_t:8.1f}  {serial_t / proc_t:5.2f}x   (floor serial/2 = {serial_t / 2:.1f} s; "
          "includes starting the workers)")
    print(f"   {'2 threads':<22}{thread_t:8.1f}  {serial_t / thread_t:5.2f}x")
    print("   frames equal on all three: yes")
    print("\n   scores on the bundled record (trilateral, by horizon):")
    cols = ["n", "n_effective", "events", "brier", "log_score", "auc", "ece"]
    with pd.option_context("display.width", 160, "display.max_columns", 20, "display.float_format", "{:.3f}".format):
        print(serial.by_horizon()[cols].to_string())
        bss = serial.by_horizon()[[c for c in serial.by_horizon().columns if c.startswith("bss_")]]
        print("\n   Brier skill against each baseline:")
        print(bss.to_string())
    return serial


def origin_cost(data, origin):
    """CPU seconds (this process, ``time.process_time``) of the parts of one backtest origin of the
    forecaster: the vintage, the record and features, each model's fit, the indicator models and the
    forecast (the importance densities run on this process's threads, counted here too)."""
    from summitcast.forecaster import SummitForecaster
    from summitcast.forecaster import _forecaster as F
    from summitcast.forecaster import _models as M

    marks: dict[str, float] = {}

    def timed(name, fn):
        def run(*args, **kwargs):
            started = time.process_time()
            out = fn(*args, **kwargs)
            key = name(*args) if callable(name) else name
            marks[key] = marks.get(key, 0.0) + time.process_time() - started
            return out
        return run

    patched = {(F, "read_record"): "record", (F, "build_history"): "features",
               (F, "fit_indicators"): "indicator models", (M, "_fit"): lambda label, *rest: f"model: {label}"}
    saved = {key: getattr(*key) for key in patched}
    for (module, attr), name in patched.items():
        setattr(module, attr, timed(name, getattr(module, attr)))
    try:
        started = time.process_time()
        vintage = data.truncate(origin)
        marks["vintage (data.truncate)"] = time.process_time() - started
        fc = SummitForecaster().fit(vintage, as_of=origin, seed=SEED)
        started = time.process_time()
        fc.held_probabilities(max(HORIZONS))  # what the backtest asks for
        marks["forecast (fusion, p_held)"] = time.process_time() - started
    finally:
        for (module, attr), fn in saved.items():
            setattr(module, attr, fn)
    rounds = {name: len(fm.posterior.info["khats"]) for name, fm in fc.models.all.items()}
    return marks, rounds


def part_forecaster(data, origins):
    print(f"\n2. SummitForecaster (fast mode), {len(origins)} origins ({origins[0]:%Y-%m}..{origins[-1]:%Y-%m}) x "
          f"horizons {HORIZONS}, no baselines {load()}")
    try:
        from summitcast.forecaster import SummitForecaster
    except ImportError:
        print("   not in this installation: skipped")
        return
    kw = dict(seed=SEED, baselines=(), stack=False, progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # its convergence notes are reported by its own benchmark
        cpu_started = time.process_time()
        serial_t, serial = timed(lambda: ev.backtest(SummitForecaster, data, origins, HORIZONS, **kw))
        serial_cpu = time.process_time() - cpu_started
        print(f"   serial done {load()}: {serial_cpu:.1f} CPU-s in {serial_t:.1f} wall-s "
              f"({serial_cpu / len(origins):.2f} CPU-s per origin; the core's importance densities run on every "
              f"hardware thread serially, on one per worker in a pool)")
        with ev.process_pool(2) as pool:
            proc_t, proc = timed(lambda: ev.backtest(SummitForecaster, data, origins, HORIZONS, executor=pool, **kw))
    pd.testing.assert_frame_equal(serial.frame, proc.frame)
    speedup = serial_t / proc_t
    print(f"   serial {serial_t:.1f} s ({serial_t / len(origins):.2f} s per origin); 2 processes {proc_t:.1f} s "
          f"(includes starting the workers); speed-up {speedup:.2f}x; frames equal")
    # one worker as each worker of the pool runs (its core loops on one thread), measured
    with warnings.catch_warnings(), using_core_threads(1):
        warnings.simplefilter("ignore")
        one_t, one = timed(lambda: ev.backtest(SummitForecaster, data, origins, HORIZONS, **kw))
    pd.testing.assert_frame_equal(serial.frame, one.frame)
    print(f"   serial on one core thread (one worker as the pool's run): {one_t:.1f} s; 2 processes against it: "
          f"{one_t / proc_t:.2f}x (frames equal)")
    full = len(full_origins(data))
    scale = full / len(origins)
    print(f"   targets (issue 11, the full backtest of {full} origins): speed-up >= 1.8x: "
          f"{'met' if speedup >= 1.8 else 'NOT met'}; 2 processes < 60 s: "
          f"{'met' if proc_t * scale < 60 else 'NOT met'}"
          + (f" (extrapolated from {len(origins)} origins: ~{proc_t * scale:.0f} s, an estimate, not a run)"
             if scale > 1 else "")
          + f"; it needs {60 / full * 2:.2f} s per origin per worker, the serial run took {serial_t / len(origins):.2f}")
    for origin in (origins[len(origins) // 2], origins[-1]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            marks, rounds = origin_cost(data, origin)
        total = sum(marks.values())
        print(f"   where one origin's time goes ({origin:%Y-%m}, CPU seconds of this process, {total:.2f} s in all):")
        for name, seconds in marks.items():
            print(f"      {name:<36} {seconds:5.2f} s  {100 * seconds / total:5.1f}%")
        print("      importance rounds used: " + ", ".join(f"{k} {v}" for k, v in rounds.items()))


def fit_ingarch(y, seed):
    """One Poisson INGARCH(1, 1) fit; its parameters (small to send back)."""
    from summitcast import BoundaryWarning
    from summitcast.counts import INGARCH

    with warnings.catch_warnings():  # some simulated series fit on the boundary: the speed is what is measured
        warnings.simplefilter("ignore", BoundaryWarning)
        return INGARCH(y).fit().params.to_numpy()


def simulated_panel(n_series, months=120, seed=0):
    """SIMULATED monthly counts: a Poisson INGARCH(1, 1) per series."""
    rng = np.random.default_rng(seed)
    omega = rng.uniform(0.5, 2.0, n_series)
    y = np.zeros((months, n_series))
    lam = omega / 0.5
    for t in range(months):
        y[t] = rng.poisson(lam)
        lam = omega + 0.3 * y[t] + 0.2 * lam
    index = pd.date_range("2010-01-01", periods=months, freq="MS", name="month")
    return pd.DataFrame(y, index=index, columns=[f"simulated_{i:05d}" for i in range(n_series)])


def part_fit_many(sizes):
    print(f"\n3. fit_many: a Poisson INGARCH(1,1) per SIMULATED series (120 months each) {load()}")
    print(f"   {'series':>7} {'serial s':>9} {'ms/series':>10} {'2 procs s':>10} {'ms/series':>10} {'speed-up':>9}")
    per_series = []
    for n in sizes:
        panel = simulated_panel(n)
        serial_t, serial = timed(lambda: ev.fit_many(fit_ingarch, panel, seed=SEED, progress=False))
        with ev.process_pool(2) as pool:
            list(pool.map(functools.partial(fit_ingarch, seed=0), [panel.iloc[:, 0]] * 2))  # warm workers
            proc_t, proc = timed(lambda: ev.fit_many(fit_ingarch, panel, seed=SEED, executor=pool, progress=False))
        assert all(np.array_equal(serial[k], proc[k]) for k in serial)
        per_series.append(serial_t / n)
        print(f"   {n:>7} {serial_t:9.2f} {serial_t / n * 1e3:10.2f} {proc_t:10.2f} {proc_t / n * 1e3:10.2f} "
              f"{serial_t / proc_t:8.2f}x")
    print(f"   linear growth: serial time per series at the largest size / at the smallest = "
          f"{per_series[-1] / per_series[0]:.2f} (1 = linear); results equal serially and on processes")


def nothing(i):
    return i


def part_overhead(data, origins, n_tasks, backtest_result):
    print(f"\n4. Per-task overhead, {n_tasks} tasks that do nothing {load()}")
    try:
        import distributed
    except ImportError:
        print("   dask.distributed is not installed (pip install 'summitcast[dask]'): skipped")
        return
    tasks = [(i,) for i in range(n_tasks)]
    labels = [str(i) for i in range(n_tasks)]
    rows = []
    with cf.ThreadPoolExecutor(2) as pool:
        rows.append(("thread pool (2)", timed(lambda: run_tasks(nothing, tasks, labels, pool, False, "bench"))[0]))
    with ev.process_pool(2) as pool:
        pool.submit(nothing, 0).result()  # workers started
        rows.append(("process pool (2)", timed(lambda: run_tasks(nothing, tasks, labels, pool, False, "bench"))[0]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                           silence_logs=40)
        client = distributed.Client(cluster)
    try:
        executor = client.get_executor()
        executor.submit(nothing, 0).result()
        rows.append(("Dask LocalCluster (2 processes)",
                     timed(lambda: run_tasks(nothing, tasks, labels, executor, False, "bench"))[0]))
        for name, t in rows:
            print(f"   {name:<34s} {t:7.2f} s   {t / n_tasks * 1e3:7.3f} ms per task")
        if backtest_result is not None:
            dask_t, on_dask = timed(lambda: ev.backtest(None, data, origins, HORIZONS, seed=SEED, executor=executor,
                                                        progress=False))
            pd.testing.assert_frame_equal(on_dask.frame, backtest_result.frame)
            print(f"   backtest of part 1 on the cluster: {dask_t:.1f} s; frame equal to the serial one")
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            client.close()
            cluster.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="smaller sizes (a smoke run)")
    parser.add_argument("--forecaster-every", type=int, default=1,
                        help="part 2 on every k-th origin only (said so; for a loaded machine)")
    parser.add_argument("--skip-baselines", action="store_true", help="leave out part 1 (and its Dask rerun)")
    args = parser.parse_args()
    data = load_trilateral()
    origins = full_origins(data)
    if args.quick:
        origins = origins[-24:]
    from bench_forecast import header  # this folder's sibling script: commit, date, load

    print(f"summitcast bench_backtest  (python {os.sys.version.split()[0]}, pandas {pd.__version__})")
    print(header())
    result = None if args.skip_baselines else part_backtest(data, origins)
    part_forecaster(data, origins[-4:] if args.quick else origins[:: args.forecaster_every])
    part_fit_many([100, 1000] if args.quick else [100, 1000, 10000])
    part_overhead(data, origins, 200 if args.quick else 2000, result)


if __name__ == "__main__":
    main()
