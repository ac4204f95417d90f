// The console's dashboard: draws the figures of the page's JSON block (#dash-data) with the
// vendored ECharts. Every text comes from the block, in the page's language; the tables beside
// the charts stay in the page (folded once a chart is drawn) for screen readers and for pages
// without JavaScript.
(function () {
  "use strict";
  function draw() {
    var block = document.getElementById("dash-data");
    if (!block || typeof echarts === "undefined") return;
    var d;
    try { d = JSON.parse(block.textContent); } catch (e) { return; }
    var L = d.labels || {};
    var colors = ["#0b5cad", "#1d7a3e", "#e0a100", "#b3261e", "#6a4fb3", "#0f8b8d", "#8a5a00", "#5b6675", "#c2185b", "#2e7d32", "#455a64"];
    var statusColor = { released: "#1d7a3e", cleared: "#2e7d32", rejected: "#b3261e", inspection: "#e0a100",
      manual_review: "#8a5a00", cancelled: "#5b6675", withdrawn: "#5b6675", error: "#b3261e", send_failed: "#b3261e" };
    var grid = { left: 8, right: 16, top: 32, bottom: 8, containLabel: true };
    var tooltip = { trigger: "axis", confine: true };
    function bars(points) {
      return {
        color: colors, grid: grid, tooltip: tooltip,
        xAxis: { type: "category", data: points.map(function (p) { return p.name; }), axisLabel: { interval: 0, rotate: points.length > 5 ? 35 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", name: L.count, data: points.map(function (p) {
          return { value: p.value, itemStyle: { color: statusColor[p.code] || colors[0] } };
        }) }]
      };
    }
    function money(cats, series, horizontal) {
      var s = series.map(function (x) { return { type: "bar", name: x.name, data: x.data, stack: horizontal ? "v" : undefined }; });
      var cat = { type: "category", data: cats }, val = { type: "value" };
      return { color: colors, grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true }, tooltip: tooltip,
        legend: { top: 0, data: series.map(function (x) { return x.name; }) },
        xAxis: horizontal ? val : cat, yAxis: horizontal ? Object.assign({}, cat, { inverse: true }) : val, series: s };
    }
    var options = {
      parcels: function () { return bars(d.parcels || []); },
      lists: function () { return bars(d.lists || []); },
      byMonth: function () { return money(d.months || [], d.byMonth || [], false); },
      byCountry: function () { return money(d.countries || [], d.byCountry || [], true); },
      buckets: function () {
        var o = bars(d.buckets || []);
        o.series[0].barCategoryGap = "2%"; // a histogram: the buckets touch
        return o;
      },
      trend: function () {
        return { color: ["#0b5cad", "#e0a100"], grid: grid, tooltip: tooltip, legend: { top: 0, data: [L.p50, L.p90] },
          xAxis: { type: "category", data: d.weeks || [] },
          yAxis: { type: "log", name: L.minutes, logBase: 10, minorSplitLine: { show: false } },
          series: [{ type: "line", name: L.p50, data: d.p50 || [], connectNulls: false, symbolSize: 6 },
                   { type: "line", name: L.p90, data: d.p90 || [], connectNulls: false, symbolSize: 6 }] };
      }
    };
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var make = options[el.getAttribute("data-chart")];
      if (!make) return;
      var chart = echarts.init(el, null, { renderer: "canvas" });
      var o = make();
      o.animation = !still; // no motion for those who asked for none
      chart.setOption(o);
      charts.push(chart);
      el.classList.add("drawn");
      var fig = el.closest("figure");
      var details = fig && fig.querySelector("details.dash-table");
      if (details) details.removeAttribute("open"); // the table stays, folded
    });
    document.documentElement.classList.add("dash-charts");
    var pending = 0;
    window.addEventListener("resize", function () {
      cancelAnimationFrame(pending);
      pending = requestAnimationFrame(function () { charts.forEach(function (c) { c.resize(); }); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
