"""Loaders for event, trade and incident data in their published formats.

All readers take local files (nothing is downloaded), check them as they read,
and raise :class:`DataFileError` naming the file, line and column of the first
bad value; with ``errors="skip"`` bad rows are dropped and reported in the
result's ``attrs["skipped"]`` and a :class:`DataFileWarning`.
"""

from __future__ import annotations

from ._errors import DataFileError, DataFileWarning
from ._acled import ACLED_COLUMNS, read_acled
from ._cns import CNS_COLUMNS, parse_distance_km, read_cns_missile_db
from ._comtrade import comtrade_area_codes, read_comtrade
from ._gdelt import GDELT_COLUMNS, PANEL_COLUMNS, detect_gdelt_version, iter_gdelt_events, read_gdelt_events
from ._icews import ICEWS_COLUMNS, read_icews
from ._panel import build_indicator_panel, incident_counts, quad_class_from_root

__all__ = ["ACLED_COLUMNS", "CNS_COLUMNS", "DataFileError", "DataFileWarning", "GDELT_COLUMNS", "ICEWS_COLUMNS",
           "PANEL_COLUMNS", "build_indicator_panel", "comtrade_area_codes", "detect_gdelt_version",
           "incident_counts", "iter_gdelt_events", "parse_distance_km",
           "quad_class_from_root", "read_acled", "read_cns_missile_db", "read_comtrade", "read_gdelt_events",
           "read_icews"]
