// Draws the dashboard's charts from the JSON the page carries (json_script): no inline script.
// Numbers and month names follow the page's language; right-to-left pages get mirrored charts.
(function () {
  "use strict";
  var root = document.documentElement;
  var locale = root.lang || "en";
  var rtl = root.dir === "rtl";
  var palette = ["#0d6efd", "#dc3545", "#198754", "#fd7e14", "#6f42c1", "#20c997", "#ffc107",
    "#6610f2", "#d63384", "#0dcaf0", "#adb5bd", "#495057", "#6c757d"];
  var monthFormat = new Intl.DateTimeFormat(locale, { year: "numeric", month: "short" });

  function label(text) {
    // Month labels come as YYYY-MM: shown in the page's language.
    var match = /^(\d{4})-(\d{2})$/.exec(text);
    return match ? monthFormat.format(new Date(Number(match[1]), Number(match[2]) - 1, 1)) : text;
  }

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var area = data.type === "line" && data.stacked;
    var chart = new Chart(canvas, {
      type: data.type,
      data: {
        labels: data.labels.map(label),
        datasets: data.datasets.map(function (set, i) {
          var colour = palette[i % palette.length];
          return { label: set.label, data: set.data, backgroundColor: colour, borderColor: colour, fill: area, tension: 0.2 };
        })
      },
      options: {
        locale: locale,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { rtl: rtl, position: "bottom" }, tooltip: { rtl: rtl } },
        scales: {
          x: { stacked: data.stacked, reverse: rtl },
          y: { stacked: data.stacked, beginAtZero: true, position: rtl ? "right" : "left" }
        }
      }
    });
    canvas.dataset.drawn = "true";
    // Charts are redrawn at the printed size.
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
