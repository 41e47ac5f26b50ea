"""The report in a real headless Chromium (Playwright driving the system's ``chromium``).

Checks what a reader would: no console error, every chart drawn, the trial switch, sorting,
filtering, printing, and user strings shown as text. Screenshots are kept in
``reports/screenshots/`` for a person to look at.

Without a Chromium on PATH these tests skip, unless AUTOTUNE_BROWSER_TESTS=required (CI).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from autotune.report import write_report

RECORDED = Path(__file__).parents[1] / "data" / "runs" / "penguins_wide"
SCREENSHOTS = Path(__file__).parents[2] / "reports" / "screenshots"
CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
EVIL = "<script>alert(1)</script>"
ALL_DRAWN = (
    "() => [...document.querySelectorAll('.chart')].every(c => c.querySelector('.main-svg'))"
)


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        if os.environ.get("AUTOTUNE_BROWSER_TESTS") == "required":
            pytest.fail("no chromium on PATH: install it (apt-get install chromium)")
        pytest.skip("no chromium on PATH (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


class Page:
    """A report opened at 1280 px, recording every console message, error, dialog and
    network request that is not the file itself."""

    def __init__(self, browser, path: Path):
        self.problems: list[str] = []
        self.page = browser.new_page(viewport={"width": 1280, "height": 900})
        self.page.on(
            "console",
            lambda m: (
                self.problems.append(f"console {m.type}: {m.text}")
                if m.type in ("error", "warning")
                else None
            ),
        )
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("dialog", self._dialog)
        self.page.on(
            "request",
            lambda r: (
                None
                if r.url.startswith(("file:", "data:"))
                else self.problems.append(f"network request: {r.url}")
            ),
        )
        self.page.goto(path.as_uri())
        self.page.wait_for_function(ALL_DRAWN, timeout=30_000)

    def _dialog(self, dialog):
        self.problems.append(f"dialog: {dialog.message}")
        dialog.dismiss()

    def board_ids(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#board tbody tr:not([hidden])", "rows => rows.map(r => r.dataset.trial)"
        )


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("report") / "penguins_wide"
    shutil.copytree(RECORDED, folder)
    return write_report(folder)


def test_report_renders_every_chart_without_errors(browser, report):
    view = Page(browser, report)
    page = view.page
    charts = page.eval_on_selector_all(".chart", "cs => cs.map(c => c.id)")
    slices = [c for c in charts if c.startswith("fig-slice-")]
    assert {"fig-history", "fig-importance", "fig-parallel", "fig-curves"} <= set(charts)
    assert {"fig-heatmap", "fig-update", "fig-units"} <= set(charts)
    assert len(slices) >= 5
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "report.png", full_page=True)
    for section in ("summary", "leaderboard", "search", "curves", "health", "across"):
        page.locator(f"#{section}").screenshot(path=SCREENSHOTS / f"report-{section}.png")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1280  # no sideways scrolling at 1280 px
    assert view.problems == []


def test_gradient_health_switches_trial(browser, report):
    view = Page(browser, report)
    page = view.page
    assert page.locator('.trial-findings[data-trial="00"]').is_visible()
    page.select_option("#trial-select", "07")
    assert page.locator('.trial-findings[data-trial="07"]').is_visible()
    assert not page.locator('.trial-findings[data-trial="00"]').is_visible()
    assert "dying_relu" in page.locator('.trial-findings[data-trial="07"]').inner_text()
    heat_y = page.evaluate("document.getElementById('fig-heatmap').data[0].y")
    assert heat_y[-1] == "output" and len(heat_y) == 5  # trial 07: 4 hidden layers + output
    page.locator("#health").screenshot(path=SCREENSHOTS / "report-health-trial-07.png")
    assert view.problems == []


def test_leaderboard_sorts_and_filters(browser, report):
    view = Page(browser, report)
    page = view.page
    ranked = view.board_ids()
    assert ranked[0] == "00" and ranked[-1] == "03"  # best first, failed last
    score = page.locator("#board th", has_text="score")
    score.click()  # ascending: the same order
    assert view.board_ids() == ranked
    score.click()  # descending: worst completed first, the failed trial still last
    descending = view.board_ids()
    assert descending[:-1] == ranked[:-1][::-1] and descending[-1] == "03"
    page.fill("#board-filter", "dying")
    assert view.board_ids() == ["07"]
    assert page.inner_text("#board-count") == "1 of 12 trials"
    page.fill("#board-filter", "failed")
    assert view.board_ids() == ["03"]
    assert view.problems == []


def test_report_prints(browser, report):
    view = Page(browser, report)
    pdf = view.page.pdf(path=SCREENSHOTS / "report.pdf", format="A4", print_background=True)
    assert pdf[:4] == b"%PDF" and len(pdf) > 50_000
    view.page.emulate_media(media="print")
    assert not view.page.locator("nav").is_visible()
    assert view.problems == []


def test_user_strings_show_as_text(browser, tmp_path, cli):
    """A real run on a CSV whose file, column and class names are HTML."""
    csv = tmp_path / "<b>evil<b>.csv"
    rows = [f"{EVIL},size,<i>kind</i>"]
    rows += [
        f"{i % 7},{i % 5},{'<img src=x onerror=alert(2)>' if i % 2 else 'plain'}" for i in range(40)
    ]
    csv.write_text("\n".join(rows) + "\n")
    out = tmp_path / "run"
    done = cli(
        "tune", csv, "--space", "fast", "--max-trials", "1", "--max-epochs", "1", "--out", out
    )
    assert done.returncode == 0, done.stderr
    view = Page(browser, out / "report.html")
    text = view.page.inner_text("#summary")
    assert "<b>evil<b>.csv" in text and "<i>kind</i>" in text
    assert "<img src=x onerror=alert(2)>" in text
    assert view.page.locator("#summary b, #summary i, #summary img").count() == 0
    view.page.locator("#summary").screenshot(path=SCREENSHOTS / "report-escaped.png")
    assert view.problems == []
