"""``summitcast backtest``: every format, the numbers of the Python API, bad
arguments in one line with exit status 2, quiet in a pipe."""

from __future__ import annotations

import functools
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from summitcast import evaluate as ev
from summitcast.__main__ import main
from summitcast._common.time import month_index
from summitcast.datasets import load_trilateral

ARGS = ["backtest", "--from", "2018-01", "--to", "2019-06", "--horizons", "6,12", "--seed", "7", "--baselines-only"]


def run(capsys, *extra):
    status = main([*ARGS, *extra])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture(scope="module")
def api():
    return ev.backtest(None, load_trilateral(), month_index("2018-01", "2019-06"), [6, 12], seed=7)


def test_json_holds_the_api_scores(capsys, api):
    status, out, err = run(capsys, "--format", "json")
    assert status == 0
    doc = json.loads(out)
    assert doc["schema"] == "summitcast.backtest" and doc["schema_version"] == 1
    assert doc["origins"] == {"from": "2018-01", "to": "2019-06", "count": 18}
    assert doc["horizons"] == [6, 12] and doc["series"] == ["trilateral"]
    assert doc["settings"]["seed"] == 7 and doc["settings"]["models"] == api.models
    table = api.by_horizon().reset_index()
    assert len(doc["scores"]) == len(table)
    for record, (_, row) in zip(doc["scores"], table.iterrows()):
        assert record["model"] == row["model"] and record["horizon"] == row["horizon"]
        assert record["brier"] == pytest.approx(row["brier"], rel=1e-12)
        assert record["n"] == row["n"]
    assert all("reason" in u and u["n"] > 0 for u in doc["unscored"]) or not doc["unscored"]


def test_csv_and_text(capsys, api):
    status, out, _ = run(capsys, "--format", "csv")
    assert status == 0
    table = pd.read_csv(io.StringIO(out))
    assert list(table.columns[:3]) == ["model", "horizon", "n"]
    assert table["brier"].to_numpy() == pytest.approx(api.by_horizon()["brier"].to_numpy(), rel=1e-5)
    status, out, _ = run(capsys)
    assert status == 0 and "Backtest (rolling origin, no look-ahead)" in out and "n_effective" in out


@pytest.mark.parametrize("extra, message", [
    (["--horizons", "0"], "--horizons must be at least 1, got 0"),
    (["--horizons", "6,x"], "--horizons must be an integer, got 'x'"),
    (["--horizons", ","], "--horizons must list months"),
    (["--workers", "0"], "--workers must be at least 1, got 0"),
    (["--seed", "-3"], "--seed must be at least 0, got -3"),
    (["--format", "xml"], "invalid choice: 'xml'"),
    (["--mode", "slow"], "invalid choice: 'slow'"),
    (["--series", "nowhere"], "series must"),
    (["--bogus"], "unrecognized arguments: --bogus"),
])
def test_bad_arguments_one_line_exit_2(capsys, extra, message):
    status, out, err = run(capsys, *extra)
    assert status == 2 and out == ""
    lines = [line for line in err.splitlines() if not line.startswith("summitcast: note:")]
    assert len(lines) == 1 and lines[0].startswith("summitcast: error: ") and message in lines[0]


@pytest.mark.parametrize("argv, message", [
    (["backtest", "--from", "1990-01", "--to", "1990-06"], "origins must lie between"),
    (["backtest", "--from", "2019-01", "--to", "2018-01"], "--to 2018-01 is before --from 2019-01"),
    (["backtest", "--from", "2019-13"], "--from must be a month"),
])
def test_bad_months(capsys, argv, message):
    status = main(argv)
    out, err = capsys.readouterr()
    lines = [line for line in err.splitlines() if not line.startswith("summitcast: note:")]
    assert status == 2 and out == "" and len(lines) == 1 and message in lines[0]


def test_the_forecaster_runs_in_the_chosen_mode(capsys, monkeypatch):
    from summitcast.evaluate import cli

    modes = []

    def factory(mode):
        modes.append(mode)
        return functools.partial(ev.Constant, value=0.3), None

    monkeypatch.setattr(cli, "_forecaster", factory)
    status = main(["backtest", "--from", "2019-01", "--to", "2019-03", "--horizons", "6", "--mode", "full",
                   "--format", "json"])
    out, _ = capsys.readouterr()
    doc = json.loads(out)
    assert status == 0 and modes == ["full"] and doc["settings"]["mode"] == "full"
    assert doc["settings"]["models"][0] == "constant_0.3"
    assert "--baselines-only" in subprocess.run([sys.executable, "-m", "summitcast", "backtest", "--help"],
                                                capture_output=True, text=True, env=_env(), timeout=300).stdout


def _env():
    """The environment of a child process that imports the summitcast this
    process imported (the installed one in CI, the source tree in a dev run)."""
    import summitcast

    here = str(Path(summitcast.__file__).resolve().parents[1])
    path = os.environ.get("PYTHONPATH")
    return dict(os.environ, PYTHONPATH=here if not path else os.pathsep.join([here, path]))


def test_cold_process_in_a_pipe_is_quiet_and_runs_on_workers():
    done = subprocess.run([sys.executable, "-m", "summitcast", "backtest", "--from", "2019-01", "--to", "2019-04",
                           "--horizons", "6", "--format", "csv", "--workers", "2", "--baselines-only"],
                          capture_output=True, text=True, env=_env(), timeout=600)
    assert done.returncode == 0, done.stderr
    assert "%|" not in done.stderr  # no progress bar in a pipe
    table = pd.read_csv(io.StringIO(done.stdout))
    assert set(table["horizon"]) == {6} and (table["n"] == 4).all()
