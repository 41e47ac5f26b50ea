// autotune report: draws the Plotly figures, switches the gradient-health trial,
// sorts and filters the leaderboard. No network access.
(function () {
  "use strict";
  var figures = JSON.parse(document.getElementById("figures").textContent);
  var config = { responsive: true, displaylogo: false };

  function draw(id, figure) {
    var el = document.getElementById(id);
    if (el && figure) Plotly.react(el, figure.data, figure.layout, config);
  }

  Object.keys(figures).forEach(function (key) {
    if (key !== "trials" && key !== "template") draw("fig-" + key, figures[key]);
  });

  // The per-trial charts are stored without a template: they all share one.
  function drawTrial(id, figure) {
    if (!figure) return;
    var layout = Object.assign({ template: figures.template }, figure.layout);
    draw(id, { data: figure.data, layout: layout });
  }

  // Gradient health: one trial at a time.
  var select = document.getElementById("trial-select");
  function showTrial(id) {
    var charts = figures.trials[id] || {};
    drawTrial("fig-heatmap", charts.heatmap);
    drawTrial("fig-update", charts.update);
    drawTrial("fig-units", charts.units);
    document.querySelectorAll(".trial-findings").forEach(function (div) {
      div.hidden = div.getAttribute("data-trial") !== id;
    });
  }
  if (select) {
    select.addEventListener("change", function () { showTrial(select.value); });
    showTrial(select.value);
  }

  // Printing: fit the charts to the page's width, then back to the window's.
  function resizeCharts() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (el) { Plotly.Plots.resize(el); });
  }
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);

  // Leaderboard: sort by a column (failed trials stay last), filter by text.
  var table = document.getElementById("board");
  if (!table) return;
  var body = table.tBodies[0];
  var headers = table.tHead.rows[0].cells;
  function cellValue(row, index, numeric) {
    var cell = row.cells[index];
    var raw = cell.hasAttribute("data-value") ? cell.getAttribute("data-value") : cell.textContent;
    if (!numeric) return raw.trim().toLowerCase();
    return raw === "" ? null : parseFloat(raw);
  }
  Array.prototype.forEach.call(headers, function (th, index) {
    th.addEventListener("click", function () {
      var numeric = th.getAttribute("data-type") === "num";
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(headers, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var failed = a.classList.contains("failed") - b.classList.contains("failed");
        if (failed) return failed;
        var x = cellValue(a, index, numeric), y = cellValue(b, index, numeric);
        if (x === y) return 0;
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * (ascending ? 1 : -1);
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  var filter = document.getElementById("board-filter");
  var count = document.getElementById("board-count");
  function applyFilter() {
    var words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    Array.prototype.forEach.call(body.rows, function (row) {
      var text = row.textContent.toLowerCase();
      var match = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.hidden = !match;
      shown += match;
    });
    count.textContent = shown + " of " + body.rows.length + " trials";
  }
  filter.addEventListener("input", applyFilter);
  applyFilter();
})();
