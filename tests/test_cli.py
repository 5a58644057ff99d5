"""The ``summitcast`` command line: every subcommand and format, and bad
arguments in one line with exit status 2 and nothing written."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from summitcast.cli import main
from summitcast.forecaster import load_schema

FAST = ["--draws", "60", "--paths", "10", "--seed", "5"]


def run(args, capsys):
    status = main(args)
    out = capsys.readouterr()
    return status, out.out, out.err


def test_forecast_text_names_the_horizons_and_the_data(capsys):
    status, out, err = run(["forecast", "--horizon", "12", *FAST], capsys)
    assert status == 0
    assert "within  6 months" in out and "within 12 months" in out and "interval" in out
    assert "data:" in out and "through" in out


def test_forecast_json_validates_against_the_schema(capsys):
    jsonschema = pytest.importorskip("jsonschema")
    status, out, _ = run(["forecast", "--format", "json", "--horizon", "6", *FAST], capsys)
    assert status == 0
    doc = json.loads(out)
    jsonschema.validate(doc, load_schema())
    assert [h["months"] for h in doc["horizons"]] == [1, 2, 3, 4, 5, 6]
    assert doc["settings"]["seed"] == 5 and doc["settings"]["mode"] == "fast"


def test_forecast_csv_has_the_json_names(capsys, tmp_path):
    out_file = tmp_path / "f.csv"
    status, out, _ = run(["forecast", "--format", "csv", "--horizon", "6", "--out", str(out_file), *FAST], capsys)
    assert status == 0 and out == ""
    frame = pd.read_csv(out_file)
    assert list(frame.columns[:5]) == ["months", "month", "p_held", "lower", "upper"] and len(frame) == 6


def test_forecast_html_is_a_page_with_the_plot(capsys, tmp_path):
    pytest.importorskip("matplotlib")
    out_file = tmp_path / "f.html"
    assert run(["forecast", "--format", "html", "--horizon", "6", "--out", str(out_file), *FAST], capsys)[0] == 0
    text = out_file.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<table" in text and "data:image/png;base64," in text


def test_as_of_and_series(capsys):
    status, out, _ = run(["forecast", "--as-of", "2019-06", "--horizon", "6", "--format", "json", *FAST], capsys)
    assert status == 0 and json.loads(out)["as_of"] == "2019-06"


def test_scenario_files_json_and_csv(capsys, tmp_path):
    spec = tmp_path / "s.json"
    spec.write_text(json.dumps({"nuclear_test": 2, "ministers_meeting": ["held", 3]}))
    status, out, _ = run(["forecast", "--scenario", str(spec), "--horizon", "12", *FAST], capsys)
    assert status == 0 and "Shift of P(held by month)" in out
    table = tmp_path / "s.csv"
    table.write_text("keyword,month,value\nnuclear_test,2,\nministers_meeting,3,cancelled\n")
    status, out, _ = run(["forecast", "--scenario", str(table), "--format", "json", "--horizon", "6", *FAST], capsys)
    assert status == 0 and json.loads(out)["schema"] == "summitcast.scenario"


def test_data_lists_and_exports_and_the_export_reads_back(capsys, tmp_path):
    status, out, _ = run(["data"], capsys)
    assert status == 0 and "record" in out.lower()
    status, out, _ = run(["data", "--format", "json"], capsys)
    assert status == 0 and "record_through" in json.loads(out)
    folder = tmp_path / "mine"
    assert run(["data", "--export", str(folder)], capsys)[0] == 0
    assert (folder / "series_meetings.csv").is_file() and (folder / "indicators.csv").is_file()
    status, out, _ = run(["forecast", "--data", str(folder), "--horizon", "6", "--format", "json", *FAST], capsys)
    assert status == 0 and len(json.loads(out)["horizons"]) == 6


BAD = [
    (["forecast", "--horizon", "0"], "--horizon"),
    (["forecast", "--horizon", "-1"], "--horizon"),
    (["forecast", "--horizon", "600"], "at most 120"),
    (["forecast", "--draws", "0"], "--draws"),
    (["forecast", "--chains", "0"], "--chains"),
    (["forecast", "--paths", "0"], "--paths"),
    (["forecast", "--seed", "-1"], "--seed"),
    (["forecast", "--seed", "abc"], "--seed"),
    (["forecast", "--as-of", "2099-01"], "after the data's as-of"),
    (["forecast", "--as-of", "garbage"], "as_of"),
    (["forecast", "--format", "xml"], "--format"),
    (["forecast", "--mode", "medium"], "--mode"),
    (["forecast", "--series", "nope", *FAST], "series"),
    (["forecast", "--data", "/no/such/folder"], "no data folder"),
    (["forecast", "--scenario", "/no/such/file.json"], "no scenario file"),
    (["frobnicate"], "invalid choice"),
    ([], "choose a command"),
]


@pytest.mark.parametrize("args, needle", BAD, ids=[" ".join(a) or "nothing" for a, _ in BAD])
def test_bad_arguments_give_one_line_and_status_2(args, needle, capsys, tmp_path):
    out_file = tmp_path / "never.json"
    status, out, err = run([*args, "--out", str(out_file)] if args and args[0] == "forecast" else args, capsys)
    assert status == 2
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("summitcast: error:") and needle in lines[0], err
    assert not out_file.exists()


def test_bad_files_give_one_line(capsys, tmp_path):
    unknown = tmp_path / "u.csv"
    unknown.write_text("keyword,month,colour\nnuclear_test,2,red\n")
    bad_json = tmp_path / "b.json"
    bad_json.write_text("{nuclear_test: 2")
    unknown_key = tmp_path / "k.json"
    unknown_key.write_text(json.dumps({"earthquake": 2}))
    folder = tmp_path / "data"
    assert main(["data", "--export", str(folder)]) == 0
    capsys.readouterr()
    (folder / "steps.csv").write_text("series,date,kind\ntrilateral,not-a-date,refusal\n")
    cases = [(["--scenario", str(unknown)], "unknown or missing column"),
             (["--scenario", str(bad_json)], "invalid JSON"),
             (["--scenario", str(unknown_key)], "unknown scenario keyword"),
             (["--data", str(folder)], "not a date")]
    for extra, needle in cases:
        out_file = tmp_path / "never.txt"
        status, out, err = run(["forecast", *extra, "--out", str(out_file), *FAST], capsys)
        assert status == 2 and out == "" and not out_file.exists()
        lines = err.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], err


def test_help_is_complete():
    for args in (["--help"], ["forecast", "--help"], ["data", "--help"]):
        result = subprocess.run([sys.executable, "-m", "summitcast", *args], capture_output=True, text=True)
        assert result.returncode == 0
    text = subprocess.run([sys.executable, "-m", "summitcast", "forecast", "--help"], capture_output=True,
                          text=True).stdout
    for option in ("--as-of", "--horizon", "--data", "--scenario", "--format", "--out", "--mode", "--seed"):
        assert option in text


def test_sampler_warnings_surface_as_one_line_notes(capsys):
    # a tiny NUTS run cannot reach its diagnostics' thresholds: the CLI must say so
    status, out, err = run(["forecast", "--mode", "full", "--draws", "40", "--chains", "1", "--paths", "4",
                            "--horizon", "3", "--seed", "1"], capsys)
    assert status == 0
    notes = [line for line in err.splitlines() if line.startswith("summitcast: note:")]
    assert any("ConvergenceWarning" in line for line in notes), err
    assert all("\n" not in line for line in notes)
