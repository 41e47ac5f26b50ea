"""Assemble the report: info records -> Plotly figures -> one HTML file (Jinja2).

The file is self-contained (plotly.js is embedded), so it opens offline, from ``file://``, and
can be mailed. Every string from the run folder goes through Jinja2's autoescaping; the
figures travel as JSON in a ``<script type="application/json">`` block with ``<``, ``>`` and
``&`` escaped, so no column or class name can close the tag.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup
from plotly.offline import get_plotlyjs

from autotune.report import charts
from autotune.report.across import across_info
from autotune.report.curves import curves_info
from autotune.report.health import health_info
from autotune.report.leaderboard import leaderboard_info
from autotune.report.repair import repair_info
from autotune.report.run_data import RunData, load_run
from autotune.report.search import search_info, study_from
from autotune.report.summary import summary_info
from autotune.runs import write_text

_ASSETS = Path(__file__).parent / "assets"


def _json_for_html(text: str) -> Markup:
    """JSON that is safe inside a ``<script>`` element (as Jinja2's ``tojson`` makes it)."""
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"), ("'", "\\u0027")):
        text = text.replace(char, escaped)
    return Markup(text)


def _figures_json(figures: dict[str, Any]) -> Markup:
    plain = {k: f.to_plotly_json() if isinstance(f, go.Figure) else f for k, f in figures.items()}
    return _json_for_html(pio.json.to_json_plotly(plain))


def _number(value: Any, digits: int = 4) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(value).lower()  # as in the YAML of a search space
    if not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:.{digits}g}"


def _evidence(evidence: dict[str, Any]) -> str:
    """``epoch 5; rms_ratio 0.00023; grad_rms_by_layer dense_1 1e-06, output 0.004``."""

    def value(v: Any) -> str:
        if isinstance(v, dict):
            return ", ".join(f"{k} {_number(x, 3)}" for k, x in v.items())
        if isinstance(v, list):
            return ", ".join(_number(x, 3) for x in v)
        return _number(v, 3)

    return "; ".join(f"{key} {value(v)}" for key, v in evidence.items())


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("autotune.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = _number
    env.filters["evidence"] = _evidence
    env.filters["pct"] = lambda v: "–" if v is None else f"{v:.0%}"
    return env


def build_sections(run: RunData) -> dict[str, dict[str, Any]]:
    """Every section's info record (plain data)."""
    return {
        "summary": summary_info(run),
        "repair": repair_info(run),
        "leaderboard": leaderboard_info(run),
        "search": search_info(run),
        "curves": curves_info(run),
        "health": health_info(run),
        "across": across_info(run),
    }


def build_figures(sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The Plotly figures, keyed by the id of the element that shows each."""
    search, figures = sections["search"], {}
    study = study_from(search)
    if sum(t["completed"] for t in search["trials"]) >= 2:
        figures["history"] = charts.history_chart(search, study)
    if search["importance"]:
        figures["importance"] = charts.importance_chart(search)
        if len(search["importance"]) >= 2:
            figures["parallel"] = charts.parallel_chart(search, study)
        for name in search["importance"]:
            figures[f"slice-{name}"] = charts.slice_chart(search, study, name)
    if sections["curves"]["trials"]:
        figures["curves"] = charts.curves_chart(sections["curves"])
    figures["template"] = pio.templates[charts.TEMPLATE].to_plotly_json()
    figures.update(_repair_figures(sections))
    figures["trials"] = {
        t["trial_id"]: {
            "heatmap": charts.gradient_heatmap(t),
            "update": charts.update_chart(t),
            "units": charts.units_chart(t),
        }
        for t in sections["health"]["trials"]
        if t["measured"]
    }
    return figures


def _repair_figures(sections: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """``diagnose --repair``: every round's curves in one chart, and each round's gradient
    heatmap (with the report's template, as they are drawn on their own)."""
    ids = [r["trial_id"] for r in sections["repair"]["rounds"]]
    if not ids:
        return {}
    curves = {t["trial_id"]: t for t in sections["curves"]["trials"]}
    figures = {"repair": charts.repair_chart([curves.get(i) for i in ids], sections["curves"])}
    template = pio.templates[charts.TEMPLATE].to_plotly_json()
    heatmaps = {
        t["trial_id"]: charts.gradient_heatmap(t)
        for t in sections["health"]["trials"]
        if t["trial_id"] in ids and t["measured"]
    }
    # One colour scale for every round, so that before and after compare at a glance.
    z = [v for h in heatmaps.values() for row in h["data"][0]["z"] for v in row if v is not None]
    for trial_id, heatmap in heatmaps.items():
        if z:
            heatmap["data"][0].update(zmin=min(z), zmax=max(z))
        heatmap["layout"] = {**heatmap["layout"], "template": template}
        figures[f"repair-heatmap-{trial_id}"] = heatmap
    return figures


def render_report(run: RunData) -> str:
    sections = build_sections(run)
    figures = build_figures(sections)
    template = _environment().get_template("report.html.j2")
    return template.render(
        **sections,
        chart_ids=[k for k in figures if k not in ("trials", "template")],
        figures_json=_figures_json(figures),
        plotly_js=Markup(get_plotlyjs()),
        css=Markup((_ASSETS / "report.css").read_text(encoding="utf-8")),
        js=Markup((_ASSETS / "report.js").read_text(encoding="utf-8")),
        generated=datetime.now().isoformat(timespec="seconds"),
    )


def write_report(run_dir: str | Path) -> Path:
    """Build ``RUN_DIR/report.html`` from the run folder alone; return its path."""
    run = load_run(run_dir)
    write_text(run.folder.report, render_report(run))
    return run.folder.report
