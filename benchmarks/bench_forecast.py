"""Cold-start wall time of ``summitcast forecast`` on the bundled data, fast and full mode.

Each run is a fresh ``python -m summitcast forecast`` process (what a user
runs: imports, data loading, fitting, the forecast and its drivers, the JSON
written), timed from outside; then, in one fresh process, each layer's share
of the same work.  The package's bytecode is compiled first, as ``pip
install`` does (this machine sets PYTHONDONTWRITEBYTECODE, so a source tree
would otherwise be recompiled at every start: about 0.15 s more).  The
benchmark also lists the heavy optional modules a forecast loaded (none of
SciPy, matplotlib, scikit-learn or ArviZ should be).
The shares are given twice, as wall time and as CPU time (``time.process_time``,
all threads of the process): on a machine shared with other work the wall
times swell with the load average printed in the header, the CPU times much
less.  Targets on the 2-core machine: fast < 2 s, full < 20 s.

    python benchmarks/bench_forecast.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import subprocess
import sys
import time


def cold(mode: str, repeat: int) -> tuple[list[float], list[float]]:
    """Wall seconds and CPU seconds (user + system, all threads) of each cold start."""
    times, cpu = [], []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "summitcast", "forecast", "--mode", mode, "--format", "json"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
        times.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return times, cpu


def header() -> str:
    """The commit measured, the date and the machine's load."""
    here = os.path.dirname(os.path.abspath(__file__))
    commit = subprocess.run(["git", "-C", here, "log", "-1", "--format=%h %s"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", here, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    one, five, fifteen = os.getloadavg()
    return (f"commit {commit.stdout.strip()[:90] or 'unknown'}{' (with uncommitted changes)' if dirty else ''}\n"
            f"date {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average {one:.1f} / {five:.1f} / "
            f"{fifteen:.1f} (1 / 5 / 15 min) on {os.cpu_count()} CPUs (other work slows every figure)")


def shares(mode: str, clock: str) -> dict[str, float]:
    """Seconds per layer by ``time.<clock>`` (perf_counter: wall; process_time: CPU of all threads), in a
    fresh process (so the imports are cold too), doing what the CLI does."""
    code = f"""
import time, warnings, json, sys
warnings.simplefilter("ignore")
t0 = time.{clock}()
import summitcast
from summitcast.forecaster import SummitForecaster
from summitcast.forecaster import _forecaster as F
t1 = time.{clock}()
data = summitcast.datasets.load_trilateral()
t2 = time.{clock}()
fc = SummitForecaster(mode={mode!r})
marks = {{}}
orig_models, orig_ind = F.fit_models, F.fit_indicators
def timed(name, fn):
    def run(*a, **k):
        s = time.{clock}(); out = fn(*a, **k); marks[name] = time.{clock}() - s; return out
    return run
F.fit_models, F.fit_indicators = timed("outcome models (bayes)", orig_models), timed("indicator models", orig_ind)
fc.fit(data, seed=20240526)
t3 = time.{clock}()
result = fc.forecast(24)
t4 = time.{clock}()
result.drivers
t5 = time.{clock}()
json.dumps(result.to_dict())
t6 = time.{clock}()
out = {{"import": t1 - t0, "data (datasets)": t2 - t1, **marks,
        "record and features": (t3 - t2) - sum(marks.values()), "fusion": t4 - t3, "drivers": t5 - t4,
        "output (json)": t6 - t5}}
heavy = sorted({{m.split(".")[0] for m in sys.modules}} & {{"scipy", "matplotlib", "sklearn", "arviz"}})
print(json.dumps({{"seconds": out, "heavy": heavy}}))
"""
    result = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import summitcast

    package = os.path.dirname(summitcast.__file__)
    compileall.compile_dir(package, quiet=1)
    print(header())
    print(f"bytecode compiled for {package}")
    for mode, target in (("fast", 2.0), ("full", 20.0)):
        times, cpu = cold(mode, args.repeat)
        best = min(times)
        print(f"summitcast forecast --mode {mode}: best {best:.2f} s of {args.repeat} cold starts "
              f"(median {sorted(times)[len(times) // 2]:.2f} s); target < {target:.0f} s: "
              f"{'met' if best < target else 'NOT met'} (ratio {best / target:.2f} of the target); "
              f"CPU (user + system, all threads) best {min(cpu):.2f} s, median {sorted(cpu)[len(cpu) // 2]:.2f} s")
        wall, cpu = shares(mode, "perf_counter"), shares(mode, "process_time")
        total, total_cpu = sum(wall["seconds"].values()), sum(cpu["seconds"].values())
        print(f"    {'layer (one fresh process each)':<30} {'wall':>7} {'share':>6}  {'CPU':>7} {'share':>6}")
        for name, seconds in wall["seconds"].items():
            c = cpu["seconds"][name]
            print(f"    {name:<30} {seconds:6.2f}s {100 * seconds / total:5.1f}%  {c:6.2f}s {100 * c / total_cpu:5.1f}%")
        print(f"    {'total':<30} {total:6.2f}s {'':6}  {total_cpu:6.2f}s")
        print(f"    heavy optional modules loaded: {', '.join(wall['heavy']) or 'none'}")


if __name__ == "__main__":
    main()
