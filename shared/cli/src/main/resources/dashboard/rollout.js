// The rollout page: what the rollout is doing, why, and the evidence, redrawn whenever the
// server pushes a change of this rollout (no reload). Buttons send commands through the
// CLI's command path and show the controller's answer, a rejection's reason included.
"use strict";

(() => {
  const { api, post, el, duration, time, share, live, debounce } = canaryrun;
  const id = decodeURIComponent(location.pathname.split("/").pop());
  let draws = 0;

  function fact(name, ...value) {
    return [el("dt", {}, name), el("dd", {}, ...value)];
  }

  function drawSummary(v) {
    const r = v.rollout;
    document.title = "canaryrun: " + r.id;
    document.getElementById("title").textContent = r.service + " / " + r.id;
    const facts = document.getElementById("facts");
    facts.replaceChildren(...[
      fact("State", el("strong", { id: "state", "data-state": r.state }, r.state),
        r.pause ? " (paused by " + r.pause.actor + ": " + r.pause.reason + ")" : ""),
      fact("Why", r.reason),
      fact("Step", r.stepIndex >= 0 ? (r.stepIndex + 1) + " of " + r.steps.length : "–"),
      fact("Candidate traffic", share(r.traffic.candidatePercent, r.traffic.applied)),
      fact("Revisions", "candidate " + (r.candidateRevision || "–") + ", stable " + (r.stableRevision || "–")),
      fact("Image", r.image),
      fact("Started", time(r.createdAt)),
    ].flat());
    const buttons = document.querySelectorAll("#controls button");
    buttons.forEach((b) => { b.disabled = false; });
  }

  function drawVerdict(v) {
    const o = v.outlook;
    document.getElementById("verdict").textContent = o.outcome ? o.outcome + ": " + o.summary : o.summary;
    const rows = (o.tests || []).map((t) => el("tr", {},
      el("th", { scope: "row" }, t.name), el("td", {}, t.outcome),
      el("td", {}, t.outcome === "PASS" ? "passed" : t.minutesToPass == null ? "–" : "about " + duration(t.minutesToPass * 60)),
      el("td", { class: "explanation" }, t.explanation)));
    document.querySelector("#outlook tbody").replaceChildren(...rows);
  }

  function drawSteps(v) {
    const rows = v.steps.map((s) => el("tr", { class: s.current ? "current" : null },
      el("th", { scope: "row" }, String(s.index + 1)), el("td", {}, s.percent + "%"),
      el("td", {}, "min " + duration(s.minDwellSeconds) + ", max " + duration(s.maxDwellSeconds)),
      el("td", {}, s.startedAt ? time(s.startedAt) : "not reached"),
      el("td", {}, s.actualSeconds == null ? "–" : duration(s.actualSeconds)),
      el("td", {}, s.current ? "← current" : "")));
    document.querySelector("#steps tbody").replaceChildren(...rows);
    const holds = v.holds.map((h) => el("li", {}, time(h.at) + " " + h.kind + " by " + h.actor
      + " (" + h.from + " → " + h.to + "): " + h.message));
    document.getElementById("holds").replaceChildren(...(holds.length ? holds : [el("li", {}, "none")]));
  }

  function drawCharts(v) {
    charts.draw("chart-traffic", v.traffic.t, [{ label: "candidate %", values: v.traffic.percent }],
      { yLabel: "candidate share (%)", stepped: true, yMin: 0 });
    const m = v.metrics;
    const note = document.getElementById("metrics-note");
    note.textContent = m.error || m.note || ("Metrics per " + duration(m.alignmentSeconds) + " bucket, from Cloud Monitoring.");
    if (m.t) {
      const pct = (xs) => xs.map((x) => x == null ? null : x * 100);
      charts.draw("chart-errors", m.t, [
        { label: "canary 5xx %", values: pct(m.canary.rate5xx), color: charts.PALETTE[2] },
        { label: "stable 5xx %", values: pct(m.stable.rate5xx), style: "stable", color: charts.PALETTE[1] },
      ], { yLabel: "5xx rate (%)", yMin: 0 });
      const lat = [];
      ["p50", "p90", "p99"].forEach((q, i) => {
        lat.push({ label: "canary " + q + " ms", values: m.canary[q], color: charts.PALETTE[i] });
        lat.push({ label: "stable " + q + " ms", values: m.stable[q], style: "stable", color: charts.PALETTE[i] });
      });
      charts.draw("chart-latency", m.t, lat, { yLabel: "latency (ms)", yMin: 0 });
    } else {
      charts.draw("chart-errors", [], []);
      charts.draw("chart-latency", [], []);
    }
    const e = v.evidence;
    const harm = [], pass = [];
    e.tests.forEach((t, i) => {
      const color = charts.PALETTE[i % charts.PALETTE.length];
      harm.push({ label: t.name + " e-value", values: t.eFail, color });
      if (t.ePass.some((x) => x != null)) pass.push({ label: t.name + " e-value", values: t.ePass, color });
    });
    charts.draw("chart-harm", e.t, harm.concat(thresholds(e.tests, "failThreshold", "roll back at")),
      { yLabel: "e-value (log)", log: true });
    charts.draw("chart-pass", e.t, pass.concat(thresholds(e.tests.filter((t) => t.ePass.some((x) => x != null)),
      "passThreshold", "pass at")), { yLabel: "e-value (log)", log: true });
  }

  /** One dotted line per distinct threshold, named with every test that uses it. */
  function thresholds(tests, column, verb) {
    const byValue = new Map();
    tests.forEach((t, i) => {
      const value = t[column].find((x) => x != null);
      if (value == null) return;
      const key = fmt(value);
      if (!byValue.has(key)) byValue.set(key, { names: [], values: t[column], color: charts.PALETTE[i % charts.PALETTE.length] });
      byValue.get(key).names.push(t.name);
    });
    return [...byValue.entries()].map(([key, th]) => ({
      label: th.names.join(", ") + " " + verb + " " + key, values: th.values, style: "threshold", color: th.color }));
  }

  function fmt(x) {
    return x == null ? "–" : x >= 100 ? Math.round(x).toString() : x.toPrecision(3);
  }

  function drawReport(v) {
    const section = document.getElementById("report-section");
    section.hidden = !v.report;
    document.getElementById("report").textContent = v.report ? v.report.join("\n") : "";
  }

  function drawAudit(v) {
    const items = v.audit.map((a, i) => {
      const head = el("summary", {}, time(a.at) + "  " + a.eventType + "  " + a.from + " → " + a.to
        + "  " + a.trafficBefore + "% → " + a.trafficAfter + "%  (" + a.actor + ")  " + a.message);
      const body = [];
      if (a.verdict) {
        body.push(el("p", {}, el("strong", {}, a.verdict.outcome), ": " + a.verdict.summary));
        for (const c of a.verdict.checks) {
          const figures = Object.entries(c.figures).map(([k, x]) => k + " = " + (x == null ? "n/a" : fmt(x)));
          body.push(el("div", { class: "check" }, el("strong", {}, c.name + " " + c.outcome), ": " + c.explanation,
            el("p", { class: "figures" }, figures.join(", "))));
        }
      } else {
        body.push(el("p", {}, "cause " + a.cause + "; no verdict behind this entry"));
      }
      return el("li", { "data-seq": i + 1 }, el("details", {}, head, ...body));
    });
    document.getElementById("audit").replaceChildren(...items);
  }

  async function draw() {
    const res = await api("/api/rollouts/" + encodeURIComponent(id));
    const error = document.getElementById("error");
    if (!res.ok) {
      error.hidden = false;
      error.textContent = res.body.error;
      return;
    }
    error.hidden = true;
    const v = res.body;
    drawSummary(v);
    drawVerdict(v);
    drawSteps(v);
    drawCharts(v);
    drawReport(v);
    drawAudit(v);
    document.body.dataset.version = String(v.rollout.version);
    document.body.dataset.draws = String(++draws);
  }

  async function command(name) {
    const reason = document.getElementById("reason");
    const result = document.getElementById("command-result");
    if (!reason.value.trim()) {
      result.textContent = "Refused: a reason is required. Say why, for the audit trail.";
      result.dataset.outcome = "REFUSED";
      reason.setAttribute("aria-invalid", "true");
      reason.focus();
      return;
    }
    reason.removeAttribute("aria-invalid");
    document.querySelectorAll("#controls button").forEach((b) => { b.disabled = true; });
    result.textContent = name + ": sent, waiting for the controller…";
    result.dataset.outcome = "SENT";
    const res = await post("/api/rollouts/" + encodeURIComponent(id) + "/commands",
      { command: name, reason: reason.value });
    document.querySelectorAll("#controls button").forEach((b) => { b.disabled = false; });
    result.dataset.outcome = res.body.outcome || "REFUSED";
    result.textContent = (res.ok ? "" : (res.body.outcome === "REJECTED" ? "Rejected: " : "Refused: "))
      + (res.body.text || res.body.error);
    if (res.ok) reason.value = "";
    draw();
  }

  document.querySelectorAll("#controls button").forEach((b) =>
    b.addEventListener("click", () => command(b.dataset.command)));
  document.getElementById("command-form").addEventListener("submit", (e) => e.preventDefault());
  const redraw = debounce(draw, 150);
  live((change) => { if (change.id === id) redraw(); });
  setInterval(draw, 15000);
  draw();
})();
