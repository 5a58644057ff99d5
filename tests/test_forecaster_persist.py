"""A fitted SummitForecaster saved and loaded: the loaded one gives the same
forecasts, drivers, scenarios and summaries for its seed; the file keeps
nothing dated after as-of; the golden file of format version 1 keeps loading
to the same numbers; damaged files raise clear errors.

The golden file ``tests/results/golden/forecaster_simulated_v1.json`` was
written by :func:`write_golden` (summitcast 0.1.0, format version 1) from a
SIMULATED record (``simulate_record(4, n_months=120)``, named so), with few
draws and paths to keep it small.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import summitcast as sc
from summitcast.datasets import load_trilateral, simulate_record
from summitcast.forecaster import SummitForecaster

GOLDEN = Path(__file__).parent / "results" / "golden" / "forecaster_simulated_v1.json"

pytestmark = pytest.mark.filterwarnings("ignore::summitcast.ConvergenceWarning")


def _golden_fit() -> SummitForecaster:
    return SummitForecaster(series="sim_trilateral", draws=10, paths=4).fit(simulate_record(4, n_months=120), seed=11)


def write_golden() -> None:  # pragma: no cover - run by hand when the format version changes
    _golden_fit().save(GOLDEN)


@pytest.fixture(scope="module")
def fitted():
    return SummitForecaster(draws=120, paths=24).fit(load_trilateral(), seed=7)


@pytest.fixture(scope="module")
def loaded(fitted, tmp_path_factory):
    path = tmp_path_factory.mktemp("saved") / "forecaster.json"
    fitted.save(path)
    return sc.load(path)


def test_loaded_forecaster_gives_the_same_forecast_drivers_and_document(fitted, loaded):
    assert type(loaded) is SummitForecaster and repr(loaded) == repr(fitted)
    a, b = fitted.forecast(24), loaded.forecast(24)
    pd.testing.assert_frame_equal(a.to_frame(), b.to_frame(), check_exact=True)
    pd.testing.assert_frame_equal(a.drivers, b.drivers, check_exact=True)
    assert json.dumps(a.to_dict(), allow_nan=False) == json.dumps(b.to_dict(), allow_nan=False)
    assert str(a.summary()) == str(b.summary())
    assert str(fitted.summary()) == str(loaded.summary())


def test_loaded_forecaster_forecasts_other_series_and_scenarios_alike(fitted, loaded):
    for key in ("japan_korea_visits", "trilateral_foreign_ministers"):
        pd.testing.assert_frame_equal(fitted.forecast(12, series=key, drivers=False).to_frame(),
                                      loaded.forecast(12, series=key, drivers=False).to_frame(), check_exact=True)
    spec = dict(nuclear_test=2, trade=(-0.15, 3), ministers_meeting=("cancelled", 4))
    pd.testing.assert_frame_equal(fitted.scenario(12, **spec).to_frame(), loaded.scenario(12, **spec).to_frame(),
                                  check_exact=True)


def test_full_mode_forecaster_round_trips(tmp_path):
    fc = SummitForecaster(mode="full", draws=40, chains=2, paths=8).fit(load_trilateral(), seed=3)
    fc.save(tmp_path / "full.json")
    back = sc.load(tmp_path / "full.json")
    pd.testing.assert_frame_equal(fc.forecast(12).to_frame(), back.forecast(12).to_frame(), check_exact=True)
    assert str(fc.summary()) == str(back.summary())  # R-hat, ESS and divergences as they were


def test_the_file_holds_nothing_dated_after_as_of(tmp_path):
    fc = SummitForecaster(draws=40, paths=8).fit(load_trilateral(), as_of="2019-06", seed=5)
    path = tmp_path / "as_of.json"
    fc.save(path)
    record = json.loads(path.read_text(encoding="utf-8"))["payload"]["record"]
    assert record["as_of"].startswith("2019-06-01")
    assert record["indicators"]["index"]["values"][-1].startswith("2019-06-01")
    cutoff = pd.Timestamp("2019-06-30")
    for key, series in record["series"].items():
        for table in ("meetings", "steps"):
            dates = next(c["values"] for c in series[table]["columns"] if c["name"] == "date")
            assert all(pd.Timestamp(d) <= cutoff for d in dates), (key, table)
    back = sc.load(path)
    assert back.as_of == pd.Timestamp("2019-06-01")
    pd.testing.assert_frame_equal(fc.forecast(12).to_frame(), back.forecast(12).to_frame(), check_exact=True)


def test_loaded_forecaster_refuses_draws_it_did_not_keep(loaded):
    """A user changing the settings of a loaded forecaster meets a clear error, not NaN."""
    original = loaded.draws
    try:
        loaded.draws = 77
        loaded._cache.clear()
        with pytest.raises(ValueError, match="keeps only the draws its own settings use"):
            loaded.forecast(6, drivers=False)
    finally:
        loaded.draws = original
        loaded._cache.clear()


def test_unfitted_forecaster_cannot_be_saved(tmp_path):
    with pytest.raises(ValueError, match="not fitted"):
        SummitForecaster().save(tmp_path / "x.json")
    assert not (tmp_path / "x.json").exists()


def test_golden_file_of_format_version_1_still_loads_to_the_same_numbers():
    doc = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert doc["format"] == "summitcast" and doc["version"] == 1 and doc["kind"] == "forecaster.SummitForecaster"
    fc = sc.load(GOLDEN)
    assert fc.series == "sim_trilateral" and fc.seed == 11 and f"{fc.as_of:%Y-%m}" == "2004-12"
    frame = fc.forecast(24, drivers=False).to_frame().set_index("months")
    # written by write_golden(); the loaded forecaster must keep giving these
    expected = {6: (0.7502635935082702, 0.38059601880940563, 0.9581204403058585),
                12: (0.8114793990831617, 0.5414817346433862, 0.9827571189553848),
                24: (0.93826393821698, 0.840986564797888, 0.9986942749461022)}
    for h, (p, lower, upper) in expected.items():
        np.testing.assert_allclose(frame.loc[h, ["p_held", "lower", "upper"]].to_numpy(float), [p, lower, upper],
                                   rtol=1e-12)


def test_golden_file_equals_a_fresh_save_of_the_same_fit():
    """While the models are unchanged, a fresh fit saved again writes the golden payload (a
    change of priors or features shows here first: then write the golden file anew)."""
    fresh = json.loads(json.dumps(_golden_payload(_golden_fit())))
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["payload"]
    # the golden file was written before the forecaster carried a recalibration map (and so
    # also shows that such files load); this one is as of 2004-12, before the bundled table's
    # first map (2010-01): none, and nothing to note
    maps, notes = fresh["settings"].pop("recalibration_maps"), fresh["settings"].pop("recalibration_notes")
    assert set(maps) == set(fresh["record"]["series"]) and all(m is None for m in maps.values()) and notes == {}
    assert fresh["settings"] == golden["settings"]
    assert fresh["record"] == golden["record"]


def _golden_payload(fc: SummitForecaster) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fresh.json"
        fc.save(path)
        return json.loads(path.read_text(encoding="utf-8"))["payload"]


def _tampered(tmp_path, edit) -> Path:
    doc = json.loads(GOLDEN.read_text(encoding="utf-8"))
    edit(doc["payload"])
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _first_column(table: dict) -> dict:
    return table["columns"][0]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda p: p.pop("models"), "incomplete or malformed"),
        (lambda p: p["settings"].update(mode="exec"), "mode must be one of"),
        (lambda p: p["settings"].update(paths="many"), "paths must be"),
        (lambda p: p["models"]["summit"]["draws"]["values"][0].__setitem__(0, "__import__('os')"), "non-number"),
        (lambda p: p["models"]["summit"]["draws"].update(positions=[10**6]), "do not fit"),
        (lambda p: _first_column(p["record"]["crises"]).update(dtype="pickle"), "needs a name, a dtype"),
        (lambda p: _first_column(p["record"]["leaders"])["values"].pop(), "needs a name, a dtype"),
        (lambda p: p["record"]["indicators"]["index"].update(kind="pickle"), "unknown kind 'pickle'"),
        (lambda p: p["indicators"]["launches"]["fitted"].update(kind="os:system"), "one of"),
        (lambda p: p["indicators"]["launches"]["fitted"].update(kind="forecaster.SummitForecaster"), "one of"),
        (lambda p: p["indicators"]["launches"]["fitted"]["payload"]["model"].update(link="exec"),
         "link must be one of"),
        (lambda p: p["settings"].update(series="no_such_series"), "series must be one of"),
    ],
)
def test_tampered_files_raise_clear_errors(tmp_path, edit, message):
    with pytest.raises(ValueError, match=message):
        sc.load(_tampered(tmp_path, edit))


def test_truncated_file_raises_a_clear_error(tmp_path):
    text = GOLDEN.read_text(encoding="utf-8")
    cut = tmp_path / "cut.json"
    cut.write_text(text[: len(text) * 2 // 3], encoding="utf-8")
    with pytest.raises(ValueError, match="invalid JSON.*truncated"):
        sc.load(cut)
