"""Small HTML renderers for Jupyter reprs (no dependencies beyond pandas)."""

from __future__ import annotations

import html

import pandas as pd


def table(title: str, info: list[tuple[str, str]], frames: list[tuple[str, pd.DataFrame]]) -> str:
    parts = [f"<div class='summitcast'><h4>{html.escape(title)}</h4>"]
    if info:
        parts.append("<table><tbody>")
        for key, value in info:
            parts.append(f"<tr><th style='text-align:left'>{html.escape(key)}</th><td>{html.escape(value)}</td></tr>")
        parts.append("</tbody></table>")
    for caption, frame in frames:
        if caption:
            parts.append(f"<p><b>{html.escape(caption)}</b></p>")
        parts.append(frame.to_html(float_format=lambda x: f"{x:.4g}", border=0))
    parts.append("</div>")
    return "".join(parts)


def text(title: str, info: list[tuple[str, str]], frames: list[tuple[str, pd.DataFrame]]) -> str:
    width = 78
    lines = [title.center(width), "=" * width]
    for key, value in info:
        lines.append(f"{key + ':':<28}{value}")
    for caption, frame in frames:
        lines.append("-" * width)
        if caption:
            lines.append(caption)
        with pd.option_context("display.float_format", lambda x: f"{x:.4g}", "display.width", width):
            lines.append(frame.to_string())
    lines.append("=" * width)
    return "\n".join(lines)


class Summary:
    """A summary that prints as text and renders as HTML in Jupyter."""

    def __init__(self, title: str, info: list[tuple[str, str]], frames: list[tuple[str, pd.DataFrame]]):
        self.title = title
        self.info = info
        self.frames = frames

    def __str__(self) -> str:
        return text(self.title, self.info, self.frames)

    __repr__ = __str__

    def _repr_html_(self) -> str:
        return table(self.title, self.info, self.frames)

    def as_text(self) -> str:
        return str(self)

    def as_html(self) -> str:
        return self._repr_html_()
