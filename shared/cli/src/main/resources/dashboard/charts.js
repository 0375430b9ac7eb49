// The rollout page's charts, drawn with uPlot (served from its WebJar). Series are told
// apart by line style and point fill as well as colour, so they read in greyscale too.
"use strict";

const charts = (() => {
  const CANARY = { dash: [], points: { show: true, size: 6, fill: "#fff" } };
  const STABLE = { dash: [8, 4], points: { show: true, size: 6, fill: "#000" } };
  const THRESHOLD = { dash: [2, 4], points: { show: false }, width: 2 };
  const PALETTE = ["#1b5e20", "#0d47a1", "#b71c1c", "#4a148c", "#e65100", "#006064"];
  const live = new Map();

  /** Log-axis ticks: whole decades, at most about 7 of them however wide the range. */
  function decades(u, axis, min, max) {
    const lo = Math.floor(Math.log10(min)), hi = Math.ceil(Math.log10(max));
    const step = Math.max(1, Math.ceil((hi - lo) / 7));
    const out = [];
    // Multiples of the step, so the labels read 1e-6, 1, 1e6 ... rather than odd decades.
    for (let d = Math.floor(lo / step) * step; d <= hi; d += step) out.push(Math.pow(10, d));
    return out;
  }

  function power(v) {
    if (v == null) return "";
    const d = Math.round(Math.log10(v));
    return d >= -2 && d <= 4 ? String(Math.pow(10, d)) : "1e" + d;
  }

  function width(el) {
    return Math.max(320, Math.min(1100, el.clientWidth || 900));
  }

  /**
   * Draws (or redraws) a chart into the figure `id`. series: [{label, values, style, color}].
   * Returns the number of x values drawn, which is also put on the figure as data-points.
   */
  function draw(id, xs, series, { yLabel, log = false, stepped = false, yMin } = {}) {
    const fig = document.getElementById(id);
    const old = live.get(id);
    if (old) { old.destroy(); live.delete(id); }
    fig.querySelectorAll(".empty").forEach((n) => n.remove());
    if (xs.length === 0 || series.length === 0) {
      fig.dataset.points = "0";
      fig.append(canaryrun.el("p", { class: "empty note" }, "no points yet"));
      return 0;
    }
    const opts = {
      width: width(fig),
      height: 260,
      scales: {
        x: { time: true },
        y: log ? { distr: 3, log: 10 } : (yMin !== undefined ? { range: (u, min, max) => [yMin, Math.max(max, yMin + 1e-9)] } : {}),
      },
      // Times in UTC, as the audit trail writes them, whatever the browser's zone.
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), "Etc/UTC"),
      axes: [
        { label: "time (UTC)", labelSize: 20, size: 40 },
        log ? { label: yLabel, labelSize: 20, size: 70, splits: decades, values: (u, vs) => vs.map(power) }
          : { label: yLabel, labelSize: 20, size: 70 },
      ],
      series: [{ label: "time", value: (u, v) => v == null ? "–" : new Date(v * 1000).toISOString().slice(11, 19) }]
        .concat(series.map((s, i) => {
          const base = s.style === "stable" ? STABLE : s.style === "threshold" ? THRESHOLD : CANARY;
          const color = s.color || PALETTE[i % PALETTE.length];
          return {
            label: s.label,
            stroke: color,
            width: base.width || 2,
            dash: base.dash,
            spanGaps: s.style === "threshold",
            points: Object.assign({}, base.points, { stroke: color }),
            paths: stepped ? uPlot.paths.stepped({ align: 1 }) : undefined,
          };
        })),
      legend: { live: true },
    };
    const data = [xs].concat(series.map((s) => s.values));
    const chart = new uPlot(opts, data, fig);
    live.set(id, chart);
    // Set once drawn, from what uPlot holds: a test reads what the chart really got.
    fig.dataset.points = String(chart.data[0].length);
    fig.dataset.series = String(chart.series.length - 1);
    return xs.length;
  }

  return { draw, PALETTE };
})();
