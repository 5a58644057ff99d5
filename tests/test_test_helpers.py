"""The test helpers themselves: the peer wrapper silences only the peer's
warnings, and the simulated record's perturbation changes only what follows
the origin (the no-look-ahead tests rest on both)."""

from __future__ import annotations

import warnings

import pytest
from evaluate_records import perturbed_after, simulated_record
from peers import peer_call, quiet_peer


def _warns_and_returns(value):
    warnings.warn("a peer's own warning", UserWarning)
    return value


def test_peer_call_returns_the_peer_value_and_ignores_only_its_warnings():
    assert peer_call(_warns_and_returns, 3.5) == 3.5
    with quiet_peer():
        assert _warns_and_returns("x") == "x"
    with pytest.raises(UserWarning):  # outside the wrapper warnings are errors again
        _warns_and_returns(1)


def test_perturbation_keeps_the_vintage_and_changes_the_future():
    record = simulated_record(seed=3)
    out = perturbed_after(record, "2010-06")
    assert out.truncate("2010-06").indicators.equals(record.truncate("2010-06").indicators)
    assert not out.indicators.equals(record.indicators)
    assert len(out.series_meetings) != len(record.series_meetings) or not out.series_meetings.equals(
        record.series_meetings)
