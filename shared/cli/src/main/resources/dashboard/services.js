// The services page: every watched service, its rollout in flight and its finished ones.
// Redrawn when the server pushes a rollout change (no reload), and every 10 s for the clocks.
"use strict";

(() => {
  const { api, el, duration, time, share, live, debounce } = canaryrun;
  let draws = 0;

  function link(r) {
    return el("a", { href: "/rollouts/" + encodeURIComponent(r.id) }, r.id);
  }

  /** repo@sha256:0123456789ab… (the full reference in the cell's title). */
  function shortImage(image) {
    const at = image.indexOf("@sha256:");
    return at < 0 ? image : image.slice(0, at + 8 + 12) + "…";
  }

  /** The service, and for a rollout of a release across regions its region and wave. */
  function where(s, r) {
    return r.releaseId ? s.service + " · " + r.region + " (wave " + r.wave + "/" + r.waves + ")"
      : s.service;
  }

  function verdict(v) {
    if (!v) return "none yet";
    return el("span", { title: v.summary }, el("strong", {}, v.outcome), ": " + v.summary);
  }

  async function draw() {
    const res = await api("/api/services");
    const error = document.getElementById("error");
    if (!res.ok) {
      error.hidden = false;
      error.textContent = "cannot read the rollouts: " + res.body.error;
      return;
    }
    error.hidden = true;
    document.getElementById("project").textContent = "project " + res.body.project;
    const current = document.querySelector("#current tbody");
    const finished = document.querySelector("#finished tbody");
    const cur = [], fin = [];
    for (const s of res.body.services) {
      for (const r of s.inFlight) {
        cur.push(el("tr", { "data-rollout": r.id, "data-state": r.state },
          el("th", { scope: "row" }, where(s, r)), el("td", {}, link(r)),
          el("td", { class: "state" }, r.state + (r.paused ? " (paused)" : "")),
          el("td", {}, r.stepIndex >= 0 ? (r.stepIndex + 1) + " of " + r.steps : "–"),
          el("td", {}, share(r.candidatePercent, r.applied)),
          el("td", { class: "verdict" }, verdict(r.verdict)),
          el("td", {}, duration(r.secondsInState))));
      }
      for (const r of s.finished) {
        fin.push(el("tr", { "data-rollout": r.id, "data-state": r.state },
          el("th", { scope: "row" }, where(s, r)), el("td", {}, link(r)),
          el("td", { class: "state" }, r.state), el("td", { class: "image", title: r.image }, shortImage(r.image)),
          el("td", {}, time(r.createdAt)), el("td", {}, duration(r.durationSeconds)),
          el("td", { class: "reason" }, r.reason)));
      }
    }
    current.replaceChildren(...cur);
    finished.replaceChildren(...fin);
    document.getElementById("current-note").textContent = cur.length ? ""
      : res.body.services.length ? "No rollout in flight." : "No watched services yet.";
    document.body.dataset.draws = String(++draws);
  }

  const redraw = debounce(draw, 150);
  live(() => redraw());
  setInterval(draw, 10000);
  draw();
})();
