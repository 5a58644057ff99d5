"""One save format for every fitted object: round trips, golden files of
format version 1, and files that are truncated, tampered or foreign.

The golden files in tests/results/golden were written by summitcast 0.1.0
(format version 1) from the Nile data (statsmodels' copy, bundled) and from
simulated series (named so); they must keep loading to the same numbers.
"""

from __future__ import annotations

import contextlib

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import summitcast as sc
from summitcast import _core
from summitcast._bundled import load_nile
from summitcast._common import persist

GOLDEN = Path(__file__).parent / "results" / "golden"


@pytest.fixture(scope="module")
def fitted():
    idx = pd.date_range("2000-01-01", periods=120, freq="MS")
    y = sc.counts.simulate_ingarch([0.5, 0.4, 0.3], 120, past_obs=1, past_mean=1, seed=2, index=idx)
    x = pd.DataFrame({"trend": np.arange(120) / 120.0}, index=idx)
    ev = np.asarray(_core.events.hawkes_simulate(np.array([0.05, 0.5, 0.1]), 1, 1, 3650.0, 3)[0])
    times = pd.Timestamp("2010-01-01") + pd.to_timedelta(ev, unit="D")
    nile = load_nile()
    nile.iloc[[10, 11, 40]] = np.nan
    return {
        "uc": sc.statespace.UnobservedComponents(nile, level="local linear trend").fit(),
        "ingarch": sc.counts.INGARCH(y, past_obs=[1, 12], exog=x, family="negbin").fit(),
        "hawkes": sc.events.Hawkes().fit(pd.DatetimeIndex(times), end_time=pd.Timestamp("2020-01-01")),
    }


@pytest.mark.parametrize("name", ["uc", "ingarch", "hawkes"])
def test_round_trip_gives_the_same_results(fitted, name, tmp_path):
    res = fitted[name]
    path = tmp_path / f"{name}.json"
    res.save(path)
    back = sc.load(path)
    assert type(back) is type(res)
    pd.testing.assert_series_equal(back.params, res.params)
    # the Nile's trend variance is at 0: its standard error is NaN, and says why
    undefined = pytest.warns(sc.BoundaryWarning, match="sigma2.trend") if name == "uc" else contextlib.nullcontext()
    with undefined:
        pd.testing.assert_series_equal(back.bse, res.bse)
    assert back.llf == res.llf
    kwargs = {}
    if name == "ingarch":  # the forecast months' regressor, on their index
        kwargs["exog"] = pd.DataFrame({"trend": np.arange(120, 124) / 120.0},
                                      index=pd.date_range("2010-01-01", periods=4, freq="MS"))
    a = res.simulate(4, paths=50, seed=7, **kwargs)
    b = back.simulate(4, paths=50, seed=7, **kwargs)
    np.testing.assert_array_equal(a.values, b.values)
    assert list(a.index) == list(b.index)


def test_the_file_is_plain_versioned_json(fitted, tmp_path):
    path = tmp_path / "uc.json"
    fitted["uc"].save(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == "summitcast" and doc["version"] == 1
    assert doc["kind"] == "statespace.UnobservedComponentsResults"
    assert doc["payload"]["endog"]["values"][10] is None  # NaN (a missing year) is written as null


@pytest.mark.parametrize(
    ("file", "expected_params", "llf"),
    [
        # Nile, local level: the published MLE (Durbin & Koopman) is 15099 / 1469.1
        ("uc_nile_local_level_v1.json", {"sigma2.irregular": 15098.519458066354, "sigma2.level": 1469.1760484605068},
         -633.464563636252),
        ("ingarch_simulated_v1.json", {"intercept": 0.2607295652036324, "beta_1": 0.3129050293763719,
                                        "alpha_1": 0.5406826709383337}, -150.51699161928462),
        ("hawkes_simulated_v1.json", {"mu": 0.11289046394025622, "alpha": 0.026500441371655456,
                                      "beta": 32.06360532876911}, -250.60444259584773),
    ],
)
def test_golden_files_of_format_version_1_still_load(file, expected_params, llf):
    res = sc.load(GOLDEN / file)
    pd.testing.assert_series_equal(res.params, pd.Series(expected_params, name="params"), rtol=1e-12)
    assert res.llf == pytest.approx(llf, rel=1e-12)


def test_statespace_load_results_is_the_same_loader():
    res = sc.statespace.load_results(GOLDEN / "uc_nile_local_level_v1.json")
    assert res.params["sigma2.level"] == pytest.approx(1469.1760484605068)
    with pytest.raises(ValueError, match="not unobserved-components results"):
        sc.statespace.load_results(GOLDEN / "ingarch_simulated_v1.json")


def _tampered(tmp_path, edit):
    doc = json.loads((GOLDEN / "ingarch_simulated_v1.json").read_text(encoding="utf-8"))
    edit(doc)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(format="pickle"), "not a summitcast save file"),
        (lambda d: d.update(version=2), "format version 2"),
        (lambda d: d.update(kind="os:system"), "unknown kind 'os:system'"),
        (lambda d: d.update(kind="builtins.eval"), "unknown kind"),
        (lambda d: d.pop("payload"), "no payload"),
        (lambda d: d["payload"].pop("fit"), "incomplete or malformed"),
        (lambda d: d["payload"]["fit"].update(params=["__import__('os')", 0.1, 0.2]), "non-number"),
        (lambda d: d["payload"]["fit"].update(params=[0.1, 0.2]), "do not match"),
        (lambda d: d["payload"]["endog"]["index"].update(kind="pickle"), "unknown kind 'pickle'"),
        (lambda d: d["payload"]["model"].update(link="exec"), "link must be one of"),
    ],
)
def test_tampered_files_raise_clear_errors(tmp_path, edit, message):
    with pytest.raises(ValueError, match=message):
        sc.load(_tampered(tmp_path, edit))


def test_truncated_binary_and_missing_files(tmp_path):
    text = (GOLDEN / "uc_nile_local_level_v1.json").read_text(encoding="utf-8")
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) // 2], encoding="utf-8")
    with pytest.raises(ValueError, match="invalid JSON.*truncated"):
        sc.load(cut)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\x80\x04\x95 pickle-like bytes \xff")
    with pytest.raises(ValueError, match="not UTF-8"):
        sc.load(binary)
    with pytest.raises(FileNotFoundError, match="no summitcast file"):
        sc.load(tmp_path / "absent.json")
    other = tmp_path / "list.json"
    other.write_text("[1, 2, 3]", encoding="utf-8")
    with pytest.raises(ValueError, match="not a summitcast save file"):
        sc.load(other)


def test_the_loader_table_names_only_summitcast_functions():
    for kind, target in persist.LOADERS.items():
        module, function = target.split(":")
        assert module.startswith("summitcast.") and function == "results_from_payload", kind
