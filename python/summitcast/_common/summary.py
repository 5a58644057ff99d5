"""One summary object with text and HTML forms.

Every ``summary()`` in summitcast returns a :class:`Summary`: ``print()`` and
the plain repr give aligned text (so a notebook cell never shows a quoted
string full of ``\\n``), Jupyter renders ``_repr_html_``, and
``as_text()``/``as_html()`` return the two forms.  The parts are kept as
data — a title, header pairs, captioned tables and notes — so other outputs
(JSON, reports) can be built from the same object.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

__all__ = ["HtmlSummary", "Summary"]

WIDTH = 78


def _fmt(value: float) -> str:
    return f"{value:.4g}"


class Summary:
    """A titled block of header pairs, captioned tables and notes.

    Parameters
    ----------
    title : str
    info : sequence of (str, str)
        Header pairs such as ("Log-likelihood", "-633.465").
    tables : sequence of (str, DataFrame)
        Captioned tables ("" for no caption).
    notes : sequence of str
        Lines printed after the tables (warnings, conventions).
    """

    def __init__(
        self,
        title: str,
        info: Sequence[tuple[str, str]] = (),
        tables: Sequence[tuple[str, pd.DataFrame]] = (),
        notes: Sequence[str] = (),
    ) -> None:
        self.title = str(title)
        self.info = [(str(k), str(v)) for k, v in info]
        self.tables = [(str(c), f) for c, f in tables]
        self.notes = [str(n) for n in notes]

    # the statsmodels-era name of the tables
    @property
    def frames(self) -> list[tuple[str, pd.DataFrame]]:
        return self.tables

    def as_text(self) -> str:
        lines = [self.title.center(WIDTH).rstrip(), "=" * WIDTH]
        key_width = max([len(k) for k, _ in self.info] + [10]) + 2
        for key, value in self.info:
            lines.append(f"{key + ':':<{key_width}}{value}")
        for caption, frame in self.tables:
            lines.append("-" * WIDTH)
            if caption:
                lines.append(caption)
            with pd.option_context("display.float_format", _fmt, "display.width", WIDTH, "display.max_columns", 20):
                lines.append(frame.to_string())
        if self.notes:
            lines.append("-" * WIDTH)
            lines.extend(self.notes)
        lines.append("=" * WIDTH)
        return "\n".join(lines)

    def as_html(self) -> str:
        parts = [f"<div class='summitcast-summary'><h4>{html.escape(self.title)}</h4>"]
        if self.info:
            parts.append("<table><tbody>")
            for key, value in self.info:
                parts.append(f"<tr><th style='text-align:left'>{html.escape(key)}</th><td>{html.escape(value)}</td></tr>")
            parts.append("</tbody></table>")
        for caption, frame in self.tables:
            if caption:
                parts.append(f"<p><b>{html.escape(caption)}</b></p>")
            parts.append(frame.to_html(float_format=_fmt, border=0))
        for note in self.notes:
            parts.append(f"<p>{html.escape(note)}</p>")
        parts.append("</div>")
        return "".join(parts)

    def __str__(self) -> str:
        return self.as_text()

    def __contains__(self, text: str) -> bool:
        """``"AIC" in summary``: whether the text form contains ``text``."""
        return text in self.as_text()

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return self.as_html()


class HtmlSummary:
    """Mixin for results objects: Jupyter shows ``self.summary()`` as HTML."""

    def _repr_html_(self) -> str:
        return self.summary().as_html()
