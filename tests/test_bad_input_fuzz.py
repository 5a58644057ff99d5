"""Bad input, everywhere: a fuzz over every public entry point.

The table in ``bad_input_cases.py`` pairs each entry point's argument with a
family of bad values; hypothesis draws further values from each family's
strategy (``ROUNDS`` derandomised rounds, so a run is reproducible).  The
cases run in child processes, many per process, each under a watchdog
(``faulthandler.dump_traceback_later``): a hang or a crash kills only its
child, is reported as a failure of that case, and the rest of the batch
carries on in a fresh process.

Every entry is first called once with a value that must work (so an entry
whose call is broken cannot pass by turning every bad value into an error).
Every other case must end in one of two ways:

* a result with no NaN in it, or with NaN and a ``SummitcastWarning`` that
  says why (NaN with a reason is an answer; silent NaN is not);
* a ``ValueError``, ``TypeError`` or ``FileNotFoundError`` whose message
  names the argument (or, for paths, the path).

Set ``SUMMITCAST_FUZZ_ROUNDS`` for a deeper run (default 2 rounds).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import bad_input_cases as cases

TESTS = Path(__file__).resolve().parent
ROUNDS = int(os.environ.get("SUMMITCAST_FUZZ_ROUNDS", "2"))
ACCEPTED = ("ValueError", "TypeError", "FileNotFoundError")
WORKERS = max(1, min(2, os.cpu_count() or 1))


def write_files(root: Path) -> dict[str, str]:
    """Small files the readers' non-path arguments are tried on (header-only
    tables or the hand-made fixtures: no real data)."""
    from summitcast.io import CNS_COLUMNS, ICEWS_COLUMNS
    from summitcast.io._comtrade import CURRENT_COLUMNS

    (root / "empty.csv").write_bytes(b"")
    (root / "garbage.bin").write_bytes(bytes(range(256)) * 4)
    (root / "cns.csv").write_text(",".join(f'"{c}"' for c in CNS_COLUMNS) + "\n", encoding="utf-8")
    (root / "icews.tab").write_text("\t".join(ICEWS_COLUMNS) + "\n", encoding="utf-8")
    (root / "comtrade.csv").write_text(",".join(CURRENT_COLUMNS) + "\n", encoding="utf-8")
    from summitcast.statespace import UnobservedComponents

    UnobservedComponents(cases.walk(), level="local level").fit().save(root / "saved.json")
    fixtures = TESTS / "fixtures"
    return {"acled": str(fixtures / "acled_2019_layout.csv"), "cns": str(root / "cns.csv"),
            "icews": str(root / "icews.tab"), "comtrade": str(root / "comtrade.csv"),
            "gdelt": str(fixtures / "gdelt1_daily_20130401.export.CSV"), "saved": str(root / "saved.json")}


def generate(root: Path, files: dict[str, str]) -> tuple[list[tuple[int, str, Any]], set[int]]:
    """Every (entry, value) case: a value that must work, the family's
    classics, then hypothesis draws; and the ids of the must-work cases."""
    families = cases.families(str(root))
    table: list[tuple[int, str, Any]] = []
    seen: set[tuple[str, str]] = set()

    def add(key: str, value: Any) -> int:
        token = (key, repr(value)[:300] + type(value).__name__)
        if token not in seen:
            seen.add(token)
            table.append((len(table), key, value))
        return len(table) - 1

    must_work = {add(key, cases.valid_value(entry, files)) for key, entry in cases.ENTRIES.items()}
    for key, entry in cases.ENTRIES.items():
        for value in families[entry.family].classics:
            add(key, value)

    @settings(max_examples=ROUNDS, derandomize=True, database=None, phases=[Phase.generate], deadline=None)
    @given(st.data())
    def draw(data: st.DataObject) -> None:
        for key, entry in cases.ENTRIES.items():
            add(key, data.draw(families[entry.family].strategy, label=key))

    draw()
    return table, must_work


def run_batch(batch: list[tuple[int, str, Any]], env: dict[str, str], workdir: Path) -> tuple[subprocess.Popen, Path]:
    """Start a worker on ``batch``; its output goes to files (a pipe that
    nobody reads while the parent waits on another worker could fill up)."""
    command = [sys.executable, "-c", f"import sys; sys.path.insert(0, {str(TESTS)!r}); "
               "import bad_input_cases; bad_input_cases.worker()"]
    stem = workdir / f"worker-{batch[0][0]}-{len(batch)}"
    with open(stem.with_suffix(".in"), "wb") as fh:
        pickle.dump(batch, fh)
    with open(stem.with_suffix(".in"), "rb") as stdin, open(stem.with_suffix(".out"), "wb") as stdout, \
            open(stem.with_suffix(".err"), "wb") as stderr:
        proc = subprocess.Popen(command, stdin=stdin, stdout=stdout, stderr=stderr, env=env)
    return proc, stem


def run_all(table: list[tuple[int, str, Any]], env: dict[str, str], workdir: Path) -> dict[int, dict[str, Any]]:
    """Outcome of every case; a case that hangs or crashes its process is
    recorded as such and the cases after it run in a new process."""
    records: dict[int, dict[str, Any]] = {}
    pending = [table[i::WORKERS] for i in range(WORKERS)]
    while any(pending):
        running = [(batch, *run_batch(batch, env, workdir)) for batch in pending if batch]
        pending = []
        for batch, proc, stem in running:
            proc.wait()
            stdout = stem.with_suffix(".out").read_text(encoding="utf-8", errors="replace")
            stderr = stem.with_suffix(".err").read_text(encoding="utf-8", errors="replace")
            started = None
            for line in stdout.splitlines():
                if not line.startswith(cases.MARK):
                    continue
                rec = json.loads(line[len(cases.MARK):])
                if rec["event"] == "start":
                    started = rec["id"]
                else:
                    records[rec["id"]] = rec
                    started = None
            if started is not None:
                hung = "Timeout" in stderr
                records[started] = {"outcome": "hang" if hung else "crash", "returncode": proc.returncode,
                                    "stderr": stderr[-1500:]}
                done = {case_id for case_id, _, _ in batch if case_id in records}
                pending.append([case for case in batch if case[0] not in done])
            elif len([c for c in batch if c[0] in records]) < len(batch):
                raise RuntimeError(f"a fuzz worker died before its first case:\n{stderr[-3000:]}")
    return records


def problem(entry: cases.Entry, value: Any, rec: dict[str, Any], must_work: bool) -> str | None:
    """Why a case's outcome is not acceptable (None when it is)."""
    outcome = rec["outcome"]
    if must_work and outcome != "ok":
        return f"a valid value failed: {rec.get('type', outcome)}: {rec.get('message', rec.get('stderr', ''))}"
    if outcome in ("hang", "crash"):
        return f"{outcome} (exit {rec['returncode']}): {rec['stderr'][-600:]}"
    if outcome == "ok":
        if rec["nan"] and not rec["warned"] and not entry.nan_means:
            return f"silent NaN at {rec['nan']}"
        return None
    if not any(name in rec["mro"] for name in ACCEPTED):
        return f"{rec['type']} (not ValueError/TypeError/FileNotFoundError): {rec['message']}"
    message = rec["message"]
    named = [n for n in entry.names if n in message]
    if entry.family in ("path", "paths"):
        values = value if isinstance(value, (list, tuple)) else [value]
        named += [str(v) for v in values if isinstance(v, (str, os.PathLike)) and str(v) and str(v) in message]
    if not named:
        return f"{rec['type']} without the argument's name {entry.names}: {message}"
    return None


def test_every_public_entry_point_refuses_bad_input_clearly(tmp_path):
    files = write_files(tmp_path)
    table, must_work = generate(tmp_path, files)
    assert len(table) > 1000, "the fuzz table shrank"
    env = {**os.environ, "SUMMITCAST_FUZZ_FILES": json.dumps(files), "PYTHONWARNINGS": "ignore"}
    workdir = tmp_path / "workers"
    workdir.mkdir()
    started = time.perf_counter()
    records = run_all(table, env, workdir)
    elapsed = time.perf_counter() - started
    failures = []
    for case_id, key, value in table:
        entry = cases.ENTRIES[key]
        why = problem(entry, value, records[case_id], case_id in must_work)
        if why:
            failures.append(f"{key} <- {cases.describe(value)}: {why}")
    summary = f"{len(failures)} of {len(table)} cases failed ({elapsed:.0f} s)"
    if failures:
        pytest.fail(summary + "\n" + "\n".join(failures), pytrace=False)
