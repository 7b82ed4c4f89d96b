// Dashboard charts with Apache ECharts (static/vendor/echarts). No inline scripts (the CSP forbids
// them): each chart is <div class="chart" data-chart="ID">, and its data is the JSON that Django's
// json_script wrote into <script type="application/json" id="ID">. The data is already translated:
// {kind: "stacked"|"bar"|"pie"|"line", labels: [...], series: [{name, data: [...]}], unit: "..."}.
// Every chart also has a plain table next to it, so the page reads without JavaScript.
//
// ECharts itself (715 KB, 240 KB compressed: most of the page's script) is not in the page: this
// file fetches it from its data-echarts URL once the page has loaded, and only where there is a
// chart to draw. On a slow phone the figures and lists are ready first, the charts a moment later.
(function () {
  "use strict";
  var me = document.currentScript;
  var library = me && me.getAttribute("data-echarts");

  var FONT = 'system-ui, -apple-system, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", ' +
    '"Noto Sans CJK SC", "WenQuanYi Micro Hei", Arial, sans-serif';
  // The page's red says overdue (its figures, chips and badges) and nothing else, so the palette that
  // colours series by their order (categories, statuses, sources) has no red and no grey in it.
  var COLOURS = ["#1d5fa8", "#1f7a45", "#9a6200", "#6b4fa0", "#2a8c8c", "#c0603a", "#4a6fa5",
    "#3f7f3f", "#8a6d3b", "#b5495b", "#7a5c99", "#3d8fb8"];
  // A series that says what it is ({tone: "overdue"}) takes its colour from the page's stylesheet:
  // overdue the red of the "41 overdue" figure, open a neutral grey beside it.
  var TONES = { overdue: ["--red", "#9f2b2b"], open: ["--muted", "#5f6670"] };
  function tone(name) {
    var pair = TONES[name];
    if (!pair) return null;
    var css = window.getComputedStyle(document.documentElement).getPropertyValue(pair[0]).trim();
    return css || pair[1];
  }
  var charts = [];

  function narrow(el) { return el.clientWidth < 520; }

  // A donut on a phone: the ring leaves each side LABEL_ROOM px for its labels (a status's three
  // characters, "In progress"), rather than a share of a width that is itself small.
  var LABEL_ROOM = 88;
  function ringOnPhone(el) {
    var outer = Math.max(40, Math.min(el.clientHeight * 0.4, el.clientWidth / 2 - LABEL_ROOM));
    return [Math.round(outer * 0.52), Math.round(outer)];
  }

  function option(spec, el) {
    var small = narrow(el);
    var base = {
      color: COLOURS,
      textStyle: { fontFamily: FONT, fontSize: small ? 11 : 12 },
      animation: false,
      // Canvas tooltips: HTML ones carry style attributes, which the CSP refuses.
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", renderMode: "richText", confine: true },
      legend: { type: "scroll", bottom: 0, textStyle: { fontFamily: FONT } }
    };
    if (spec.kind === "pie") {
      base.series = [{
        type: "pie",
        radius: small ? ringOnPhone(el) : ["35%", "65%"],
        center: ["50%", "45%"],
        // A label that does not fit is wrapped, never cut: "等..." for 等待中 told nobody anything.
        label: { formatter: "{b}\n{c}", fontFamily: FONT, overflow: "break" },
        labelLine: small ? { length: 10, length2: 8 } : {},
        // Empty slices only crowd the labels; the list beside the chart still shows the zeros.
        data: spec.labels.map(function (label, i) { return { name: label, value: spec.series[0].data[i] }; })
          .filter(function (item) { return item.value > 0; })
      }];
      base.legend.show = false;
      return base;
    }
    base.grid = { left: 8, right: 12, top: 28, bottom: spec.series.length > 1 ? 48 : 16, containLabel: true };
    base.xAxis = {
      type: "category",
      data: spec.labels,
      axisLabel: { interval: small ? "auto" : 0, rotate: small && spec.labels.length > 6 ? 45 : 0, hideOverlap: true }
    };
    // The unit starts at the axis and runs right: centred on it, its first letters fell off the left edge.
    base.yAxis = { type: "value", name: spec.unit || "", nameTextStyle: { align: "left" },
      minInterval: spec.kind === "line" ? 0 : 1 };
    base.legend.show = spec.series.length > 1;
    base.series = spec.series.map(function (s) {
      var one = { name: s.name, type: spec.kind === "line" ? "line" : "bar", data: s.data };
      var colour = tone(s.tone);
      if (colour) one.itemStyle = { color: colour };
      if (spec.kind === "stacked") one.stack = "all";
      if (spec.kind === "line") { one.connectNulls = true; one.symbolSize = 6; }
      if (spec.kind === "bar") { one.barMaxWidth = 28; one.label = { show: !small, position: "top" }; }
      return one;
    });
    return base;
  }

  function draw() {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-chart"));
      if (!source) return;
      var spec = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec, el));
      el.classList.add("chart-drawn");
      charts.push({ chart: chart, spec: spec, el: el });
    });
  }

  var timer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      charts.forEach(function (c) {
        c.chart.setOption(option(c.spec, c.el), true);
        c.chart.resize();
      });
    }, 150);
  });

  function start() {
    if (!document.querySelector("[data-chart]")) return;  // every chart empty: nothing to fetch
    if (window.echarts) { draw(); return; }
    if (!library) return;
    var script = document.createElement("script");
    script.src = library;
    script.nonce = me.nonce;  // the CSP's nonce, as the page gave it to this script
    script.onload = draw;
    document.head.appendChild(script);
  }

  if (document.readyState === "complete") start();
  else window.addEventListener("load", start);
})();
