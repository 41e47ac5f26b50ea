"""Plotly figures drawn from the sections' info records (never from the run folder itself).

The search section's charts are Optuna's own plots of the study rebuilt from the trials
(:func:`autotune.report.search.study_from`).
"""

from __future__ import annotations

import math
from typing import Any

import plotly.graph_objects as go
from plotly.subplots import make_subplots

TEMPLATE = "plotly_white"
BEST_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c")
GREY = "rgba(140,140,140,0.35)"
FAILED = "#d62728"
ROUND_COLOURS = ("#d62728", "#ff7f0e", "#2ca02c", "#1f77b4", "#9467bd")
HEIGHT = 360


def _style(fig: go.Figure, height: int = HEIGHT) -> go.Figure:
    """The report's look; no Plotly title (each chart has an HTML heading), so Optuna's go."""
    fig.update_layout(
        template=TEMPLATE,
        title=None,
        height=height,
        margin=dict(l=60, r=20, t=20, b=50),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, xanchor="right", x=1),
    )
    return fig


# --- The search -------------------------------------------------------------------------


def history_chart(search: dict[str, Any], study) -> go.Figure:
    """``study``: :func:`~autotune.report.search.study_from` of ``search``."""
    from optuna.visualization import plot_optimization_history

    fig = plot_optimization_history(study, target_name=search["metric"])
    failed = [t for t in search["trials"] if not t["completed"]]
    scores = [t["score"] for t in search["trials"] if t["completed"]]
    if failed and scores:
        fig.add_trace(
            go.Scatter(
                x=[t["number"] for t in failed],
                y=[max(scores)] * len(failed),
                mode="markers",
                marker=dict(symbol="x", color=FAILED, size=9),
                name="failed trial (no score)",
                text=[f"trial {t['trial_id']} failed" for t in failed],
                hoverinfo="text",
            )
        )
    fig.update_xaxes(title="trial (in the order run)")
    fig.update_yaxes(title=f"{search['metric']} (lower is better)", type=_score_axis(search))
    return _style(fig)


def _score_axis(search: dict[str, Any]) -> str:
    """Log when every score is positive (losses): the good trials then spread apart."""
    scores = [t["score"] for t in search["trials"] if t["completed"]]
    return "log" if scores and min(scores) > 0 else "linear"


def importance_chart(search: dict[str, Any]) -> go.Figure:
    items = sorted(search["importance"].items(), key=lambda kv: kv[1])
    fig = go.Figure(
        go.Bar(
            x=[v for _, v in items],
            y=[k for k, _ in items],
            orientation="h",
            text=[f"{v:.0%}" for _, v in items],
            textposition="outside",
            marker_color="#1f77b4",
        )
    )
    fig.update_xaxes(title="share of the score's variance (fANOVA)", tickformat=".0%")
    return _style(fig, height=max(220, 28 * len(items) + 80))


def parallel_chart(search: dict[str, Any], study) -> go.Figure:
    from optuna.visualization import plot_parallel_coordinate

    fig = plot_parallel_coordinate(study, target_name=search["metric"])
    return _style(fig, height=420)


def slice_chart(search: dict[str, Any], study, name: str) -> go.Figure:
    from optuna.visualization import plot_slice

    fig = plot_slice(study, params=[name], target_name=search["metric"])
    fig.update_layout(showlegend=False)
    fig.update_traces(marker=dict(colorbar=None, showscale=False))
    fig.update_yaxes(title=search["metric"], type=_score_axis(search))
    return _style(fig, height=260)


# --- Learning curves --------------------------------------------------------------------


def _curve_panels(curves: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(key in the trial record, subplot title, log axis), row by row, two per row."""
    loss, metric = curves["loss_name"], curves["metric_name"]
    panels = [("val_loss", f"validation {loss}", True), ("loss", f"training {loss}", True)]
    if metric:
        log = False
        panels += [
            ("val_metric", f"validation {metric}", log),
            ("metric", f"training {metric}", log),
        ]
    if curves["has_learning_rate"]:
        panels.append(("learning_rate", "learning rate used (per epoch)", True))
    return panels


def curves_chart(curves: dict[str, Any]) -> go.Figure:
    """Loss (and metric) per epoch, validation beside training, every trial in one grid."""
    panels = _curve_panels(curves)
    rows = (len(panels) + 1) // 2
    fig = make_subplots(
        rows=rows,
        cols=2,
        subplot_titles=[title for _, title, _ in panels],
        horizontal_spacing=0.08,
        vertical_spacing=0.16 / rows * 2,
    )
    first_grey = next((t for t in curves["trials"] if not t["highlighted"]), None)
    for trial in curves["trials"]:
        highlighted = trial["highlighted"]
        colour = BEST_COLOURS[trial["rank"] - 1] if highlighted else GREY
        name = f"#{trial['rank']} trial {trial['trial_id']}" if highlighted else "other trials"
        for index, (key, _, _) in enumerate(panels):
            values = trial[key]
            if not values:
                continue
            row, col = index // 2 + 1, index % 2 + 1
            fig.add_trace(
                go.Scatter(
                    x=trial["epochs"][: len(values)],
                    y=values,
                    mode="lines",
                    line=dict(color=colour, width=2.5 if highlighted else 1),
                    name=name,
                    legendgroup=name,
                    showlegend=index == 0 and (highlighted or trial is first_grey),
                    hovertemplate=f"trial {trial['trial_id']}<br>epoch %{{x}}: %{{y:.4g}}"
                    "<extra></extra>",
                ),
                row=row,
                col=col,
            )
            if highlighted and key.startswith("val") and trial["best_epoch"]:
                legend = index == 0 and trial["rank"] == 1
                _mark_stop(fig, trial, values, colour, row, col, legend)
    fig.update_xaxes(title="epoch")
    for index, (_, _, log) in enumerate(panels):
        if log:
            fig.update_yaxes(type="log", row=index // 2 + 1, col=index % 2 + 1)
    _style(fig, height=300 * rows + 80)
    fig.update_layout(
        legend=dict(orientation="h", yanchor="bottom", y=1.0 + 0.12 / rows, xanchor="left", x=0),
        margin=dict(t=70),
    )
    return fig


def repair_chart(rounds: list[dict[str, Any] | None], curves: dict[str, Any]) -> go.Figure:
    """``diagnose --repair``: each round's training (solid) and validation (dotted) loss."""
    fig = go.Figure()
    for number, trial in enumerate(rounds):
        if trial is None:
            continue
        colour = ROUND_COLOURS[number % len(ROUND_COLOURS)]
        for key, dash, label in (("loss", "solid", "training"), ("val_loss", "dot", "validation")):
            fig.add_trace(
                go.Scatter(
                    x=trial["epochs"][: len(trial[key])],
                    y=trial[key],
                    mode="lines",
                    line=dict(color=colour, dash=dash, width=2),
                    name=f"round {number} {label}",
                    hovertemplate=f"round {number} {label}<br>epoch %{{x}}: %{{y:.4g}}"
                    "<extra></extra>",
                )
            )
    fig.update_xaxes(title="epoch")
    fig.update_yaxes(title=curves["loss_name"], type="log")
    return _style(fig)


def _mark_stop(fig, trial, values, colour, row, col, legend):
    """A star at the restored (best) epoch; an X where early stopping ended the trial."""
    i = trial["best_epoch"] - trial["epochs"][0]
    if 0 <= i < len(values):
        fig.add_trace(
            go.Scatter(
                x=[trial["best_epoch"]],
                y=[values[i]],
                mode="markers",
                marker=dict(symbol="star", size=13, color=colour, line=dict(width=1, color="#222")),
                name="best epoch (weights restored)",
                legendgroup="best",
                showlegend=legend,
                hovertemplate=f"trial {trial['trial_id']}: best epoch %{{x}}<extra></extra>",
            ),
            row=row,
            col=col,
        )
    if trial["stopped_by"] == "early_stopping":
        fig.add_trace(
            go.Scatter(
                x=[trial["last_epoch"]],
                y=[values[-1]],
                mode="markers",
                marker=dict(symbol="x", size=10, color=colour, line=dict(width=1, color="#222")),
                name="early stopping",
                legendgroup="stop",
                showlegend=legend,
                hovertemplate=f"trial {trial['trial_id']}: stopped early at epoch %{{x}}"
                "<extra></extra>",
            ),
            row=row,
            col=col,
        )


# --- Gradient health --------------------------------------------------------------------
# One chart of each kind per trial: built as plain Plotly JSON (no figure validation, no
# template copy per trial); the page applies the shared template when it draws them.


def _log10(value: float | None) -> float | None:
    if value is None or not math.isfinite(value) or value <= 0:
        return None
    return math.log10(value)


def _plain(data: list[dict[str, Any]], height: int = HEIGHT, **axes: Any) -> dict[str, Any]:
    layout = {
        "height": height,
        "margin": {"l": 60, "r": 20, "t": 30, "b": 50},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "right", "x": 1},
        **axes,
    }
    return {"data": data, "layout": layout}


def gradient_heatmap(trial: dict[str, Any]) -> dict[str, Any]:
    """Layers (input side at the bottom) x epochs, colour = log10 of the gradient norm."""
    z = [
        [_log10(row[i]) if i < len(row) else None for row in trial["grad_norm"]]
        for i in range(len(trial["layers"]))
    ]
    trace = {
        "type": "heatmap",
        "z": z,
        "x": trial["epochs"],
        "y": trial["layers"],
        "colorscale": "Viridis",
        "colorbar": {"title": {"text": "log10 ‖grad‖"}},
        "hovertemplate": "layer %{y}, epoch %{x}<br>log10 gradient norm %{z:.2f}<extra></extra>",
    }
    return _plain(
        [trace],
        height=max(240, 34 * len(z) + 110),
        xaxis={"title": {"text": "epoch"}},
        yaxis={"title": {"text": "layer (input side at the bottom)"}, "type": "category"},
    )


def _per_layer_lines(trial, key, layers, **axes) -> dict[str, Any]:
    data = []
    for i, layer in enumerate(layers):
        values = [row[i] if i < len(row) else None for row in trial[key]]
        if all(v is None for v in values):
            continue
        data.append(
            {
                "type": "scatter",
                "x": trial["epochs"],
                "y": values,
                "mode": "lines+markers",
                "name": layer,
                "hovertemplate": f"{layer}, epoch %{{x}}: %{{y:.3g}}<extra></extra>",
            }
        )
    return _plain(data, xaxis={"title": {"text": "epoch"}}, **axes)


def update_chart(trial: dict[str, Any]) -> dict[str, Any]:
    """Update ratio ||dW|| / ||W|| per layer and epoch (tiny and flat: stalled weights)."""
    return _per_layer_lines(
        trial,
        "update_ratio",
        trial["layers"],
        yaxis={"title": {"text": "update ratio ‖ΔW‖ / ‖W‖"}, "type": "log"},
    )


def units_chart(trial: dict[str, Any]) -> dict[str, Any]:
    """Dead (ReLU) or saturated (sigmoid / tanh) share of each hidden layer's units."""
    saturated = any(v is not None for row in trial["saturated_fraction"] for v in row)
    key = "saturated_fraction" if saturated else "dead_fraction"
    title = "saturated share of inputs" if saturated else "dead share of units"
    return _per_layer_lines(
        trial,
        key,
        trial["layers"][:-1],
        yaxis={"title": {"text": title}, "range": [-0.02, 1.02], "tickformat": ".0%"},
    )
