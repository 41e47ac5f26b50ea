"""The HTML report of a run folder: each section builds an info record (plain data) from the
run folder, then Plotly figures and a Jinja2 template turn the records into ``report.html``.

Reads only the run folder (no TensorFlow); the search never imports this package.
"""

from autotune.report.render import write_report

__all__ = ["write_report"]
