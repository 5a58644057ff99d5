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
    (["forecast", "--as-of", "1980-01"], "before the indicator panel starts"),
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
    numbers = tmp_path / "numbers"
    assert main(["data", "--export", str(numbers)]) == 0
    capsys.readouterr()
    panel = (numbers / "indicators.csv").read_text().splitlines()
    cells = panel[5].split(",")
    cells[panel[0].split(",").index("missile_launches")] = "many"
    (numbers / "indicators.csv").write_text("\n".join([*panel[:5], ",".join(cells), *panel[6:]]) + "\n")
    bad_value = tmp_path / "v.json"
    bad_value.write_text(json.dumps({"trade": "lots"}))
    no_month = tmp_path / "m.csv"
    no_month.write_text("keyword,value\ntrade,-0.1\n")
    cases = [(["--scenario", str(unknown)], "unknown or missing column"),
             (["--scenario", str(no_month)], "unknown or missing column"),
             (["--scenario", str(bad_json)], "invalid JSON"),
             (["--scenario", str(unknown_key)], "unknown scenario keyword"),
             (["--scenario", str(bad_value)], "trade must be (change, month)"),
             (["--data", str(folder)], "not a date"),
             (["--data", str(numbers)], "'missile_launches' has a non-number at data row 5: 'many'")]
    for extra, needle in cases:
        out_file = tmp_path / "never.txt"
        status, out, err = run(["forecast", *extra, "--out", str(out_file), *FAST], capsys)
        assert status == 2 and out == "" and not out_file.exists()
        lines = err.strip().splitlines()
        assert len(lines) == 1 and needle in lines[0], err


def test_help_is_complete():
    for args in (["--help"], ["forecast", "--help"], ["data", "--help"], ["backtest", "--help"]):
        result = subprocess.run([sys.executable, "-m", "summitcast", *args], capture_output=True, text=True)
        assert result.returncode == 0
    text = subprocess.run([sys.executable, "-m", "summitcast", "forecast", "--help"], capture_output=True,
                          text=True).stdout
    for option in ("--as-of", "--horizon", "--data", "--scenario", "--format", "--out", "--mode", "--seed"):
        assert option in text


def test_every_option_of_every_subcommand_is_documented():
    """Each subcommand has a help line and each of its options a help text (not just a name)."""
    import argparse

    from summitcast.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    listed = {choice.dest: choice.help for choice in sub._choices_actions}
    assert set(sub.choices) == {"forecast", "data", "backtest"} == set(listed)
    assert all(listed.values()), listed
    for name, command in sub.choices.items():
        for action in command._actions:
            if action.option_strings and action.dest != "help":
                assert action.help and action.help != argparse.SUPPRESS, f"{name} {action.option_strings[0]}"
        assert command.description, name


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "html"])
def test_scenario_in_every_format(fmt, capsys, tmp_path):
    if fmt == "html":
        pytest.importorskip("matplotlib")
    spec = tmp_path / "s.json"
    spec.write_text(json.dumps({"trade": [-0.15, 2]}))
    out_file = tmp_path / f"s.{fmt}"
    status, out, _ = run(["forecast", "--scenario", str(spec), "--format", fmt, "--horizon", "6",
                          "--out", str(out_file), *FAST], capsys)
    assert status == 0 and out == ""
    text = out_file.read_text(encoding="utf-8")
    if fmt == "json":
        doc = json.loads(text)
        assert doc["schema"] == "summitcast.scenario" and [h["months"] for h in doc["horizons"]] == list(range(1, 7))
    elif fmt == "csv":
        frame = pd.read_csv(out_file)
        assert list(frame.columns[:5]) == ["months", "month", "shift", "lower", "upper"] and len(frame) == 6
    elif fmt == "html":
        assert text.startswith("<!DOCTYPE html>") and "data:image/png;base64," in text
    else:
        assert "Shift of P(held by month)" in text


def test_out_and_export_targets_are_checked_before_any_work(capsys, tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("keep me")
    cases = [(["forecast", "--out", str(tmp_path / "no" / "such" / "f.json")], "does not exist"),
             (["forecast", "--out", str(tmp_path)], "is a folder"),
             (["data", "--export", str(a_file)], "is a file"),
             (["data", "--export", str(tmp_path / "no" / "such")], "does not exist")]
    for args, needle in cases:
        status, out, err = run(args, capsys)
        lines = err.strip().splitlines()
        assert status == 2 and out == "" and len(lines) == 1 and needle in lines[0], err
    assert a_file.read_text() == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]  # no staging folder or partial file left


def test_text_forecast_in_a_pipe_is_quiet_and_loads_no_heavy_optional_module():
    """A cold `summitcast forecast` (text) in a pipe prints no progress bar, only one-line notes on
    standard error, and never imports SciPy, matplotlib, scikit-learn or ArviZ (they cost its cold start)."""
    code = ("import sys; from summitcast.cli import main; status = main(['forecast', '--draws', '40', '--paths', "
            "'8', '--horizon', '6']); heavy = sorted({m.split('.')[0] for m in sys.modules} & "
            "{'scipy', 'matplotlib', 'sklearn', 'arviz'}); print('HEAVY', heavy, file=sys.stderr); sys.exit(status)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "within  6 months" in result.stdout
    lines = result.stderr.strip().splitlines()
    assert lines[-1] == "HEAVY []", lines[-1]
    assert all(line.startswith("summitcast: note:") for line in lines[:-1]), lines


def test_sampler_warnings_surface_as_one_line_notes(capsys):
    # a tiny NUTS run cannot reach its diagnostics' thresholds: the CLI must say so
    status, out, err = run(["forecast", "--mode", "full", "--draws", "40", "--chains", "1", "--paths", "4",
                            "--horizon", "3", "--seed", "1"], capsys)
    assert status == 0
    notes = [line for line in err.splitlines() if line.startswith("summitcast: note:")]
    assert any("ConvergenceWarning" in line for line in notes), err
    assert all("\n" not in line for line in notes)
