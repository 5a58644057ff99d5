"""Cold-start wall time of ``summitcast forecast`` on the bundled data, fast and full mode.

Each run is a fresh ``python -m summitcast forecast`` process (what a user
runs: imports, data loading, fitting, the forecast and its drivers, the JSON
written), timed from outside; then, in one fresh process, each layer's share
of the same work.  The package's bytecode is compiled first, as ``pip
install`` does (this machine sets PYTHONDONTWRITEBYTECODE, so a source tree
would otherwise be recompiled at every start: about 0.15 s more).  The
benchmark also lists the heavy optional modules a forecast loaded (none of
SciPy, matplotlib, scikit-learn or ArviZ should be).
Targets on the 2-core machine: fast < 2 s, full < 20 s.

    python benchmarks/bench_forecast.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import subprocess
import sys
import time


def cold(mode: str, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "summitcast", "forecast", "--mode", mode, "--format", "json"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ))
        times.append(time.perf_counter() - started)
    return times


def shares(mode: str) -> dict[str, float]:
    """Seconds per layer, in a fresh process (so the imports are cold too), doing what the CLI does."""
    code = f"""
import time, warnings, json, sys
warnings.simplefilter("ignore")
t0 = time.perf_counter()
import summitcast
from summitcast.forecaster import SummitForecaster
from summitcast.forecaster import _forecaster as F
t1 = time.perf_counter()
data = summitcast.datasets.load_trilateral()
t2 = time.perf_counter()
fc = SummitForecaster(mode={mode!r})
marks = {{}}
orig_models, orig_ind = F.fit_models, F.fit_indicators
def timed(name, fn):
    def run(*a, **k):
        s = time.perf_counter(); out = fn(*a, **k); marks[name] = time.perf_counter() - s; return out
    return run
F.fit_models, F.fit_indicators = timed("outcome models (bayes)", orig_models), timed("indicator models", orig_ind)
fc.fit(data, seed=20240526)
t3 = time.perf_counter()
result = fc.forecast(24)
t4 = time.perf_counter()
result.drivers
t5 = time.perf_counter()
json.dumps(result.to_dict())
t6 = time.perf_counter()
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
    print(f"machine: {os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f} (other work slows every figure); "
          f"bytecode compiled for {package}")
    for mode, target in (("fast", 2.0), ("full", 20.0)):
        times = cold(mode, args.repeat)
        best = min(times)
        print(f"summitcast forecast --mode {mode}: best {best:.2f} s of {args.repeat} cold starts "
              f"(median {sorted(times)[len(times) // 2]:.2f} s); target < {target:.0f} s: "
              f"{'met' if best < target else 'NOT met'} (ratio {best / target:.2f} of the target)")
        parts = shares(mode)
        total = sum(parts["seconds"].values())
        for name, seconds in parts["seconds"].items():
            print(f"    {name:<26} {seconds:6.2f} s  {100 * seconds / total:5.1f}%")
        print(f"    heavy optional modules loaded: {', '.join(parts['heavy']) or 'none'}")


if __name__ == "__main__":
    main()
