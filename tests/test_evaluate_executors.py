"""The same frame whatever runs the tasks: serially, on a thread pool, a
process pool or a Dask LocalCluster; fit_many's series, seeds and bad input;
errors from tasks."""

from __future__ import annotations

import concurrent.futures as cf
import threading
import warnings

import numpy as np
import pandas as pd
import pytest

from summitcast import evaluate as ev
from summitcast._common.seeds import child_seed
from summitcast._common.time import month_index
from summitcast.evaluate import process_pool

from evaluate_records import SeededNoise, simulated_record

ORIGINS = month_index("2004-01", "2009-12")


@pytest.fixture(scope="module")
def record():
    return simulated_record()


def run(record, executor=None):
    return ev.backtest(SeededNoise, record, ORIGINS, [3, 12], seed=21, series=["simulated_a", "simulated_b"],
                       executor=executor).frame


@pytest.fixture(scope="module")
def serial(record):
    return run(record)


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed", reason="Dask's distributed scheduler is not installed "
                                                            "(pip install 'summitcast[dask]')")
    with warnings.catch_warnings():  # the cluster's own start-up and shutdown warnings are not ours
        warnings.simplefilter("ignore")
        cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                           dashboard_address=None, silence_logs=40)
        client = distributed.Client(cluster)
    yield client
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client.close()
        cluster.close()


def test_thread_pool_gives_the_serial_frame(record, serial):
    with cf.ThreadPoolExecutor(3) as pool:
        pd.testing.assert_frame_equal(run(record, pool), serial)


def test_process_pool_gives_the_serial_frame(record, serial):
    with process_pool(2) as pool:
        pd.testing.assert_frame_equal(run(record, pool), serial)


def test_dask_cluster_gives_the_serial_frame(record, serial, dask_client):
    executor = dask_client.get_executor()
    pd.testing.assert_frame_equal(run(record, executor), serial)


def test_frame_does_not_depend_on_completion_order(record, serial):
    class Reversed(cf.Executor):
        """Runs the tasks in reverse submission order, once submissions pause."""

        def __init__(self):
            self.pending = []
            self.timer = None

        def submit(self, fn, *args, **kwargs):
            future = cf.Future()
            self.pending.append((future, fn, args, kwargs))
            if self.timer is not None:
                self.timer.cancel()
            self.timer = threading.Timer(0.5, self.run_reversed)
            self.timer.start()
            return future

        def run_reversed(self):
            for fut, f, a, k in reversed(self.pending):
                fut.set_result(f(*a, **k))

    frame = ev.backtest(SeededNoise, record, ORIGINS, [3, 12], seed=21, series=["simulated_a", "simulated_b"],
                        executor=Reversed()).frame
    pd.testing.assert_frame_equal(frame, serial)


def test_a_dask_client_itself_is_refused_with_a_hint(dask_client, record):
    with pytest.raises(TypeError, match=r"executor must be a concurrent.futures.Executor.*client.get_executor\(\)"):
        ev.backtest(SeededNoise, record, ORIGINS[:2], [3], seed=0, executor=dask_client)


class Failing(SeededNoise):
    name = "failing"

    def fit(self, data, as_of=None, seed=None):
        if pd.Timestamp(as_of) >= pd.Timestamp("2005-03-01"):
            raise ValueError(f"no fit at {pd.Timestamp(as_of):%Y-%m}")
        return super().fit(data, as_of, seed)


@pytest.mark.parametrize("make", [lambda: None, lambda: cf.ThreadPoolExecutor(2)])
def test_the_first_failing_task_is_raised(record, make):
    executor = make()
    try:
        with pytest.raises(ValueError, match=r"no fit at 2005-03") as err:
            ev.backtest(Failing, record, ORIGINS, [3], seed=0, series="simulated_a", baselines=(), executor=executor)
        notes = getattr(err.value, "__notes__", None)
        if notes is not None:
            assert notes[-1].startswith("in backtest task ") and "2005-03" in notes[-1]
    finally:
        if executor is not None:
            executor.shutdown()


def core_threads_here(i):
    """A module-level (picklable) task: the core thread count it runs with."""
    from summitcast._common.threads import core_threads

    return i, core_threads()


@pytest.mark.parametrize("make", [lambda: cf.ThreadPoolExecutor(2), lambda: process_pool(2)])
def test_tasks_on_an_executor_use_one_core_thread_and_serial_ones_all(make):
    from summitcast._common.threads import core_threads, using_core_threads
    from summitcast.evaluate._executors import run_tasks

    tasks, labels = [(i,) for i in range(4)], [str(i) for i in range(4)]
    assert run_tasks(core_threads_here, tasks, labels, None, False, "t") == [(i, 0) for i in range(4)]
    with make() as pool:
        assert run_tasks(core_threads_here, tasks, labels, pool, False, "t") == [(i, 1) for i in range(4)]
    assert core_threads() == 0  # the caller's setting is untouched
    with using_core_threads(2):
        assert core_threads() == 2
    assert core_threads() == 0
    with pytest.raises(ValueError, match="threads must be >= 0, got -1"):
        with using_core_threads(-1):
            pass


def test_submit_order_hands_out_tasks_in_that_order_and_returns_them_in_task_order():
    from summitcast.evaluate._executors import run_tasks

    class Recording(cf.Executor):
        def __init__(self):
            self.seen = []

        def submit(self, fn, *args, **kwargs):
            self.seen.append(args[0])
            future = cf.Future()
            future.set_result(fn(*args, **kwargs))
            return future

    executor = Recording()
    tasks, labels = [(i,) for i in range(5)], [str(i) for i in range(5)]
    out = run_tasks(core_threads_here, tasks, labels, executor, False, "t", submit_order=[4, 2, 0, 1, 3])
    assert executor.seen == [4, 2, 0, 1, 3]
    assert out == [(i, 1) for i in range(5)]
    with pytest.raises(ValueError, match="submit_order must be a permutation of the 5 task numbers"):
        run_tasks(core_threads_here, tasks, labels, executor, False, "t", submit_order=[0, 1, 2, 3, 3])


# ------------------------------------------------------------------ fit_many
def rate_model(y, seed):
    """A module-level (picklable) model: the series' mean plus seeded noise."""
    noise = np.random.default_rng(seed).normal()
    return {"mean": float(np.nanmean(np.asarray(y, dtype=float))), "noise": noise, "seed": seed}


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(4)
    index = pd.date_range("2015-01-01", periods=24, freq="MS", name="period")
    columns = pd.MultiIndex.from_product([[f"SIM{i}-SIM{i + 1}" for i in range(12)], ["events", "goldstein_mean"]],
                                         names=["dyad", "measure"])
    return pd.DataFrame(rng.poisson(3.0, (24, len(columns))).astype(float), index=index, columns=columns)


def test_fit_many_one_result_per_series_with_its_child_seed(panel):
    fits = ev.fit_many(rate_model, panel, seed=5)
    keys = list(dict.fromkeys(panel.columns.get_level_values(0)))
    assert list(fits) == keys
    for k in keys:
        assert fits[k]["seed"] == child_seed(5, "series", k)
        assert fits[k]["mean"] == pytest.approx(panel[k].to_numpy().mean())


def test_fit_many_is_the_same_on_every_executor(panel, dask_client):
    serial = ev.fit_many(rate_model, panel, seed=5, chunksize=5)
    with cf.ThreadPoolExecutor(2) as threads:
        assert ev.fit_many(rate_model, panel, seed=5, executor=threads) == serial
    with process_pool(2) as processes:
        assert ev.fit_many(rate_model, panel, seed=5, executor=processes, chunksize=1) == serial
    assert ev.fit_many(rate_model, panel, seed=5, executor=dask_client.get_executor(), chunksize=4) == serial


def test_fit_many_panels_of_other_shapes(panel):
    flat = panel.xs("events", axis=1, level="measure")
    fits = ev.fit_many(rate_model, flat, seed=1)
    assert list(fits) == list(flat.columns)
    mapping = {("a", 1): [1.0, 2.0], 7: [3.0]}
    fits = ev.fit_many(rate_model, mapping, seed=1)
    assert fits[("a", 1)]["seed"] == child_seed(1, "series", "('a', 1)")
    assert fits[7]["seed"] == child_seed(1, "series", 7) and fits[7]["mean"] == 3.0


@pytest.mark.parametrize("call, error, pattern", [
    (lambda p: ev.fit_many(3, p), TypeError, r"model_factory must be callable"),
    (lambda p: ev.fit_many(rate_model, [1, 2]), TypeError, r"panel must be a DataFrame .* or a mapping"),
    (lambda p: ev.fit_many(rate_model, {}), ValueError, r"panel has no series"),
    (lambda p: ev.fit_many(rate_model, pd.DataFrame([[1, 2]], columns=["a", "a"])), ValueError,
     r"panel has the series 'a' more than once"),
    (lambda p: ev.fit_many(rate_model, p, executor="dask"), TypeError, r"executor must be"),
    (lambda p: ev.fit_many(rate_model, p, chunksize=0), ValueError, r"chunksize"),
    (lambda p: ev.fit_many(rate_model, p, seed=2**64), ValueError, r"seed"),
])
def test_fit_many_bad_input(panel, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(panel)


def test_fit_many_reports_the_failing_series(panel):
    def fails_on_third(y, seed):
        if y.name == "SIM2-SIM3" or (hasattr(y, "columns") and y["events"].iloc[0] < 0):
            raise ValueError("bad series")
        return 1

    flat = panel.xs("events", axis=1, level="measure")
    with pytest.raises(ValueError, match="bad series") as err:
        ev.fit_many(fails_on_third, flat, seed=0, chunksize=1)
    if hasattr(err.value, "__notes__"):
        assert err.value.__notes__[-1] == "in fit_many task series 'SIM2-SIM3'"


def test_progress_bar_when_asked_and_silence_otherwise(record, capsys):
    pytest.importorskip("tqdm", reason="progress bars need tqdm")
    kw = dict(seed=0, series="simulated_a", baselines=[ev.Constant], stack=False)
    ev.backtest(SeededNoise, record, ORIGINS[:5], [3], progress=True, **kw)
    err = capsys.readouterr().err
    assert "backtest" in err and "5/5" in err
    ev.backtest(SeededNoise, record, ORIGINS[:5], [3], progress=False, **kw)
    ev.backtest(SeededNoise, record, ORIGINS[:5], [3], **kw)  # not a terminal here: silent
    assert capsys.readouterr().err == ""
    with pytest.raises(TypeError, match=r"progress must be True, False or None"):
        ev.backtest(SeededNoise, record, ORIGINS[:5], [3], progress="yes", **kw)
