// canaryrun dashboard: helpers shared by the two pages. No framework: the pages are small,
// and everything they show comes from /api as JSON.
"use strict";

const canaryrun = (() => {
  const token = document.querySelector('meta[name="canaryrun-token"]').content;

  async function api(path, options) {
    const res = await fetch(path, options);
    let body = null;
    try { body = await res.json(); } catch (e) { body = { error: res.status + " " + res.statusText }; }
    return { ok: res.ok, status: res.status, body };
  }

  function post(path, value) {
    return api(path, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Canaryrun-Token": token },
      body: JSON.stringify(value),
    });
  }

  /** el("td", {class: "x"}, "text", child...) */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "text") e.textContent = v; else e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    const s = Math.max(0, Math.round(seconds));
    if (s < 60) return s + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
    return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60) + " min";
  }

  function time(iso) {
    if (!iso) return "–";
    return new Date(iso).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
  }

  /** The candidate's share as a meter and its number: readable without colour. */
  function share(percent, applied) {
    return el("span", { class: "share" },
      el("meter", { min: 0, max: 100, value: percent, "aria-label": "candidate share " + percent + "%" }),
      " " + percent + "%" + (applied === false ? " (pending)" : ""));
  }

  /** Server-sent events: calls onRollout(change) for each rollout document that changed. */
  function live(onRollout) {
    const status = document.getElementById("live");
    const source = new EventSource("/api/events");
    source.addEventListener("hello", (e) => {
      const problem = JSON.parse(e.data).problem;
      status.textContent = problem ? "live updates: " + problem : "live";
      status.dataset.state = problem ? "problem" : "live";
    });
    source.addEventListener("rollout", (e) => onRollout(JSON.parse(e.data)));
    source.addEventListener("problem", (e) => {
      status.textContent = JSON.parse(e.data).message + " (reload to retry)";
      status.dataset.state = "problem";
    });
    source.onerror = () => { status.textContent = "reconnecting…"; status.dataset.state = "down"; };
    return source;
  }

  /** Calls fn at most once per `ms`, always with the latest call last. */
  function debounce(fn, ms) {
    let timer = null;
    return () => { clearTimeout(timer); timer = setTimeout(fn, ms); };
  }

  return { api, post, el, duration, time, share, live, debounce };
})();
