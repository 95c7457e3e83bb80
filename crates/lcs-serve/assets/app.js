// The lever explorer's page (docs/EXPLORER.md). Plain JavaScript, SVG charts drawn here,
// nothing fetched from outside this server. Every number shown comes from the API.
"use strict";

const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
const PALETTE = ["#0b6e4f", "#3b6fb6", "#c0631c", "#7a4fa3", "#b8860b", "#2a9d8f",
  "#d1495b", "#4d6a2e", "#8c564b", "#1f77b4", "#e377c2", "#6b6b6b", "#17becf", "#bcbd22"];

const state = {
  list: null,      // GET /api/scenarios
  info: null,      // the chosen scenario's info
  levers: {},      // action id -> {ambition, start} (complete)
  year: null,
  last: null,      // last evaluation
  band: null,      // last ensemble band for the current state
  seq: 0,          // bumped on every change
};

const fmt0 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const fmt2 = new Intl.NumberFormat("en-US", { maximumFractionDigits: 2, minimumFractionDigits: 2 });
function pct(x) { return x === null || x === undefined ? "–" : (x >= 0 ? "+" : "") + (100 * x).toFixed(1) + " %"; }
function num(x, f = fmt0) { return x === null || x === undefined ? "–" : f.format(x); }
function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function sv(tag, attrs = {}, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function status(text, error = false) {
  const s = $("status");
  s.textContent = text;
  s.className = error ? "error" : "";
}

// ---- lever state and the URL ------------------------------------------------------------

function fileLevers() {
  const out = {};
  for (const a of state.info.actions) out[a.id] = { ambition: a.ambition, start: a.start };
  return out;
}

// The request's levers: only the actions that differ from the file.
function changedLevers() {
  const out = {};
  for (const a of state.info.actions) {
    const l = state.levers[a.id];
    const e = {};
    if (l.ambition !== a.ambition) e.ambition = l.ambition;
    if (l.start !== a.start) e.start = l.start;
    if (Object.keys(e).length) out[a.id] = e;
  }
  return out;
}

// ?scenario=ID&year=Y&A1=80,2015 (ambition in %, start year) for each changed action.
function writeUrl() {
  const p = new URLSearchParams();
  p.set("scenario", state.info.id);
  p.set("year", String(state.year));
  for (const a of state.info.actions) {
    const l = state.levers[a.id];
    if (l.ambition !== a.ambition || l.start !== a.start) {
      p.set(a.id, `${+(l.ambition * 100).toFixed(6)},${l.start}`);
    }
  }
  history.replaceState(null, "", "?" + p.toString());
}

function readUrl() {
  const p = new URLSearchParams(location.search);
  const id = p.get("scenario");
  state.info = state.list.scenarios.find((s) => s.id === id) || state.list.scenarios[0];
  state.levers = fileLevers();
  const y = parseInt(p.get("year"), 10);
  state.year = y >= state.info.base_year && y <= state.info.end_year ? y : state.info.default_year;
  for (const a of state.info.actions) {
    const v = p.get(a.id);
    if (!v) continue;
    const [amb, start] = v.split(",");
    const k = parseFloat(amb);
    const s = parseInt(start, 10);
    if (isFinite(k) && k >= 0 && k <= a.max_ambition * 100) state.levers[a.id].ambition = k / 100;
    if (isFinite(s) && s >= a.first_start && s <= a.last_start) state.levers[a.id].start = s;
  }
}

// ---- requests ---------------------------------------------------------------------------

async function post(path, body, signal) {
  const r = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    signal,
  });
  if (!r.ok) {
    let msg = `HTTP ${r.status}`;
    try { msg = (await r.json()).error || msg; } catch (_) { /* not JSON */ }
    throw new Error(msg);
  }
  return r;
}

function request(extra = {}) {
  return { scenario: state.info.id, levers: changedLevers(), year: state.year, ...extra };
}

// One evaluation in flight at a time; moves made meanwhile coalesce into the next one.
let evalBusy = false, evalAgain = false;
async function evaluateNow() {
  if (evalBusy) { evalAgain = true; return; }
  evalBusy = true;
  do {
    evalAgain = false;
    const seq = state.seq;
    const t0 = performance.now();
    try {
      const r = await post("/api/evaluate", request());
      const e = await r.json();
      if (seq === state.seq) {
        state.last = e;
        render(e);
        status(`evaluated in ${Math.round(performance.now() - t0)} ms`);
        document.body.dataset.seq = String(seq);
        if (!state.wedges || state.wedgeSeq !== seq) { state.wedgeSeq = seq; wedgesSoon(); }
        if (!state.band) bandSoon(seq);
      }
    } catch (err) {
      status(err.message, true);
    }
  } while (evalAgain);
  evalBusy = false;
}

let wedgeBusy = false, wedgeAgain = false;
async function wedgesSoon() {
  if (wedgeBusy) { wedgeAgain = true; return; }
  wedgeBusy = true;
  do {
    wedgeAgain = false;
    const seq = state.seq;
    try {
      const r = await post("/api/evaluate", request({ attribution: "shapley" }));
      const e = await r.json();
      if (seq === state.seq && e.attribution) {
        state.wedges = e;
        drawWedges(e);
        document.body.dataset.wedgeSeq = String(seq);
      }
    } catch (err) {
      status(err.message, true);
    }
  } while (wedgeAgain);
  wedgeBusy = false;
}

// The ensemble runs in the background; a lever move aborts it (the server cancels it).
let bandAbort = null, bandTimer = null;
function bandSoon(seq) {
  if (!state.info.uncertainty) return;
  if (bandTimer) clearTimeout(bandTimer);
  bandTimer = setTimeout(async () => {
    if (bandAbort) bandAbort.abort();
    bandAbort = new AbortController();
    $("band-note").textContent = "Uncertainty band: running a small ensemble…";
    try {
      const body = { scenario: state.info.id, levers: changedLevers(), samples: state.list.limits.default_samples };
      const r = await post("/api/ensemble", body, bandAbort.signal);
      const b = await r.json();
      if (seq === state.seq) {
        state.band = b;
        render(state.last);
        $("band-note").textContent = `Band: P5–P95 of ${b.samples} samples of the scenario's uncertainty (seed ${b.seed}).`;
        document.body.dataset.bandSeq = String(seq);
      }
    } catch (err) {
      if (err.name !== "AbortError") $("band-note").textContent = err.message;
    }
  }, 250);
}

function changed() {
  state.seq += 1;
  state.band = null;
  if (bandAbort) { bandAbort.abort(); bandAbort = null; }
  writeUrl();
  markCards();
  evaluateNow();
}

// ---- controls ---------------------------------------------------------------------------

function buildControls() {
  const info = state.info;
  const picker = $("picker");
  picker.textContent = "";
  for (const s of state.list.scenarios) picker.append(el("option", { value: s.id }, `${s.id}: ${s.name}`));
  picker.value = info.id;
  $("picker-label").hidden = state.list.scenarios.length < 2;
  $("scenario-name").textContent = state.list.scenarios.length < 2 ? `${info.name} (${info.region_name})` : info.region_name;
  const year = $("year");
  year.textContent = "";
  for (let y = info.base_year; y <= info.end_year; y++) year.append(el("option", { value: y }, String(y)));
  year.value = String(state.year);
  $("p-head").hidden = !info.uncertainty;
  $("band-note").textContent = info.uncertainty ? "" : "This scenario has no uncertainty: section, so no band.";

  const box = $("levers");
  box.textContent = "";
  const themes = new Map();
  for (const a of info.actions) {
    const t = a.theme || "Other actions";
    if (!themes.has(t)) themes.set(t, []);
    themes.get(t).push(a);
  }
  for (const [theme, actions] of themes) {
    const sec = el("div", { class: "theme" });
    sec.append(el("h2", {}, theme));
    for (const a of actions) sec.append(card(a));
    box.append(sec);
  }
  markCards();
}

function card(a) {
  const c = el("div", { class: "card", id: `card-${a.id}` });
  const title = el("div", { class: "title" });
  title.append(el("span", { class: "id" }, a.id), document.createTextNode(a.name));
  c.append(title);
  const meta = [];
  if (a.agency.length) meta.push(a.agency.join(", "));
  if (a.kpi) meta.push("KPI: " + a.kpi);
  if (meta.length) c.append(el("div", { class: "meta" }, meta.join(" · ")));
  const l = state.levers[a.id];
  const ctl = el("div", { class: "ctl" });
  const slider = el("input", {
    type: "range", min: "0", max: String(Math.round(a.max_ambition * 100)), step: "1",
    value: String(Math.round(l.ambition * 100)), id: `amb-${a.id}`, "aria-label": `Ambition of ${a.id}`,
  });
  const out = el("span", { class: "amb", id: `amb-value-${a.id}` }, `${Math.round(l.ambition * 100)} %`);
  slider.addEventListener("input", () => {
    state.levers[a.id].ambition = parseInt(slider.value, 10) / 100;
    out.textContent = `${slider.value} %`;
    changed();
  });
  ctl.append(el("label", { for: slider.id }, "ambition"), slider, out);
  const start = el("input", {
    type: "number", min: String(a.first_start), max: String(a.last_start), step: "1",
    value: String(l.start), id: `start-${a.id}`, "aria-label": `Start year of ${a.id}`,
  });
  start.addEventListener("change", () => {
    const y = parseInt(start.value, 10);
    if (!(y >= a.first_start && y <= a.last_start)) { start.value = String(state.levers[a.id].start); return; }
    state.levers[a.id].start = y;
    changed();
  });
  ctl.append(el("label", { for: start.id }, "start"), start, el("span", {}, ""));
  c.append(ctl);
  return c;
}

function markCards() {
  for (const a of state.info.actions) {
    const l = state.levers[a.id];
    const cardEl = $(`card-${a.id}`);
    if (cardEl) cardEl.classList.toggle("changed", l.ambition !== a.ambition || l.start !== a.start);
  }
}

function syncControls() {
  for (const a of state.info.actions) {
    const l = state.levers[a.id];
    $(`amb-${a.id}`).value = String(Math.round(l.ambition * 100));
    $(`amb-value-${a.id}`).textContent = `${Math.round(l.ambition * 100)} %`;
    $(`start-${a.id}`).value = String(l.start);
  }
  markCards();
}

// ---- rendering --------------------------------------------------------------------------

function metric(label, value, unit, id, raw) {
  const m = el("div", { class: "metric" });
  m.append(el("div", { class: "label" }, label));
  const v = el("div", { class: "value", id }, value);
  if (raw !== undefined && raw !== null) v.dataset.value = String(raw);
  m.append(v, el("div", { class: "unit" }, unit));
  return m;
}

function render(e) {
  if (!e) return;
  const h = e.headline;
  const box = $("headline");
  box.textContent = "";
  box.append(metric(`Emissions ${h.year}`, num(h.emissions_kt), "kt CO2e/yr", "headline-emissions", h.emissions_kt));
  box.append(metric(`vs ${h.base_year}`, pct(h.change_vs_base), `base ${num(h.base_emissions_kt)} kt`, "headline-vs-base", h.change_vs_base));
  box.append(metric("vs reference", pct(h.change_vs_reference), `reference ${num(h.reference_kt)} kt`, "headline-vs-reference", h.change_vs_reference));
  for (const i of h.intensities) {
    const f = Math.abs(i.value) < 100 ? fmt2 : fmt0;
    box.append(metric(`per ${i.name}`, num(i.value, f), i.unit, `headline-intensity-${i.driver}`, i.value));
  }
  box.append(metric("file's scenario", num(h.scenario_kt), "kt CO2e/yr", "headline-file", h.scenario_kt));
  drawPathway(e);
  drawSectors(e);
  drawTargets(e);
}

function niceTicks(lo, hi, n = 5) {
  const span = hi - lo || Math.abs(hi) || 1;
  const step0 = span / n;
  const mag = Math.pow(10, Math.floor(Math.log10(step0)));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => span / s <= n) || 10 * mag;
  const ticks = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * span; t += step) ticks.push(+t.toPrecision(12));
  return ticks;
}

// A frame with x = years and y = [lo, hi]; returns scale functions.
function frame(svg, years, lo, hi, w = 760, hgt = 300) {
  svg.textContent = "";
  const m = { l: 58, r: 22, t: 10, b: 24 };
  const ticks = niceTicks(lo, hi);
  lo = Math.min(lo, ticks[0]);
  hi = Math.max(hi, ticks[ticks.length - 1]);
  const x = (y) => m.l + ((y - years[0]) / Math.max(1, years[years.length - 1] - years[0])) * (w - m.l - m.r);
  const y = (v) => hgt - m.b - ((v - lo) / (hi - lo || 1)) * (hgt - m.t - m.b);
  for (const t of ticks) {
    svg.append(sv("line", { class: "grid", x1: m.l, x2: w - m.r, y1: y(t), y2: y(t) }));
    svg.append(sv("text", { x: m.l - 6, y: y(t) + 4, "text-anchor": "end" }, fmt0.format(t)));
  }
  const step = years.length > 30 ? 5 : years.length > 12 ? 2 : 1;
  for (const yr of years) {
    if (yr % step !== 0) continue;
    svg.append(sv("text", { x: x(yr), y: hgt - 6, "text-anchor": "middle" }, String(yr)));
  }
  svg.append(sv("line", { class: "axis", x1: m.l, x2: w - m.r, y1: y(lo), y2: y(lo) }));
  if (lo < 0 && hi > 0) svg.append(sv("line", { class: "axis", x1: m.l, x2: w - m.r, y1: y(0), y2: y(0) }));
  return { x, y, m, w, hgt, lo, hi };
}

function pathD(years, values, f) {
  let d = "";
  values.forEach((v, i) => {
    if (v === null || v === undefined) return;
    d += (d ? "L" : "M") + f.x(years[i]).toFixed(2) + "," + f.y(v).toFixed(2);
  });
  return d;
}

function drawPathway(e) {
  const svg = $("pathway");
  const p = e.pathway;
  const years = e.years;
  const band = state.band;
  const all = [...p.reference, ...p.scenario, ...p.current];
  if (band) all.push(...band.p5.filter((v) => v !== null), ...band.p95.filter((v) => v !== null));
  for (const t of e.targets) if (t.threshold_kt !== null) all.push(t.threshold_kt);
  const f = frame(svg, years, Math.min(0, ...all), Math.max(...all), 760, 260);
  if (band) {
    let d = "";
    years.forEach((yr, i) => { if (band.p95[i] !== null) d += (d ? "L" : "M") + f.x(yr) + "," + f.y(band.p95[i]); });
    for (let i = years.length - 1; i >= 0; i--) if (band.p5[i] !== null) d += "L" + f.x(years[i]) + "," + f.y(band.p5[i]);
    svg.append(sv("path", { class: "band", id: "band", d: d + "Z" }));
  }
  svg.append(sv("line", { class: "yearline", x1: f.x(state.year), x2: f.x(state.year), y1: f.m.t, y2: f.hgt - f.m.b }));
  svg.append(sv("path", { class: "reference", id: "line-reference", d: pathD(years, p.reference, f) }));
  svg.append(sv("path", { class: "scenario", id: "line-scenario", d: pathD(years, p.scenario, f) }));
  const cur = sv("path", { class: "current", id: "line-current", d: pathD(years, p.current, f) });
  cur.dataset.values = JSON.stringify(p.current);
  svg.append(cur);
  for (const t of e.targets) {
    if (t.threshold_kt === null) continue;
    const cx = f.x(t.year), cy = f.y(t.threshold_kt);
    const g = sv("g", {});
    g.append(sv("path", { class: "marker " + (t.met ? "met" : "missed"), d: `M${cx - 5},${cy}L${cx},${cy - 6}L${cx + 5},${cy}L${cx},${cy + 6}Z` }));
    g.append(sv("title", {}, `${t.id}: threshold ${num(t.threshold_kt)} kt CO2e in ${t.year} (${t.met ? "met" : "missed"})`));
    svg.append(g);
  }
  const lg = $("pathway-legend");
  lg.textContent = "";
  const items = [["reference", "var(--ref)"], ["file's scenario", "var(--file)"], ["current setting", "var(--accent)"]];
  if (band) items.push(["P5–P95", "rgba(11,110,79,.25)"]);
  for (const [name, color] of items) {
    const s = el("span");
    const i = el("i", { class: "sw" });
    i.style.background = color;
    s.append(i, document.createTextNode(name));
    lg.append(s);
  }
  const t = el("span");
  t.textContent = "◆ target (as emissions)";
  lg.append(t);
}

function drawWedges(e) {
  const svg = $("wedges");
  const a = e.attribution;
  const years = e.years;
  const ref = e.pathway.reference;
  const cur = e.pathway.current;
  // Stack from the current pathway upwards: each action's contribution in turn, so the top
  // edge meets the reference (contributions add up to reference − current).
  let lower = cur.slice();
  const layers = a.actions.map((w) => {
    const upper = lower.map((v, i) => v + w.values[i]);
    const layer = { id: w.id, lower, upper };
    lower = upper;
    return layer;
  });
  const all = [...ref, ...cur, ...layers.flatMap((l) => l.upper)];
  const f = frame(svg, years, Math.min(0, ...all), Math.max(...all), 760, 220);
  layers.forEach((l, k) => {
    let d = "";
    years.forEach((yr, i) => { d += (d ? "L" : "M") + f.x(yr).toFixed(2) + "," + f.y(l.upper[i]).toFixed(2); });
    for (let i = years.length - 1; i >= 0; i--) d += "L" + f.x(years[i]).toFixed(2) + "," + f.y(l.lower[i]).toFixed(2);
    const p = sv("path", { d: d + "Z", fill: PALETTE[k % PALETTE.length], opacity: "0.8", id: `wedge-${l.id}` });
    const yi = years.indexOf(state.year);
    p.append(sv("title", {}, `${l.id}: ${num(a.actions[k].values[yi])} kt CO2e in ${state.year}`));
    svg.append(p);
  });
  svg.append(sv("path", { class: "reference", d: pathD(years, ref, f) }));
  svg.append(sv("path", { class: "current", d: pathD(years, cur, f) }));
  $("wedge-method").textContent = a.method === "shapley"
    ? "exact Shapley"
    : `sampled Shapley, ${a.permutations} orderings, largest standard error ${num(a.max_error, fmt2)} kt`;
  const lg = $("wedge-legend");
  lg.textContent = "";
  const yi = years.indexOf(state.year);
  a.actions.forEach((w, k) => {
    const s = el("span");
    const i = el("i", { class: "sw" });
    i.style.background = PALETTE[k % PALETTE.length];
    s.append(i, document.createTextNode(`${w.id} ${num(w.values[yi])}`));
    lg.append(s);
  });
}

function drawSectors(e) {
  const svg = $("sectors");
  svg.textContent = "";
  $("sector-year").textContent = String(state.year);
  const yi = e.years.indexOf(state.year);
  const rows = e.sectors.map((s) => ({ name: s.name, cur: s.current[yi], ref: s.reference[yi] }));
  const vals = rows.flatMap((r) => [r.cur, r.ref]);
  const lo = Math.min(0, ...vals), hi = Math.max(0, ...vals);
  const W = 380, L = 128, R = 46, top = 6, rowH = Math.min(30, (250 - top) / Math.max(1, rows.length));
  const x = (v) => L + ((v - lo) / (hi - lo || 1)) * (W - L - R);
  rows.forEach((r, k) => {
    const y0 = top + k * rowH;
    svg.append(sv("text", { x: L - 6, y: y0 + rowH / 2 + 4, "text-anchor": "end" }, r.name.length > 19 ? r.name.slice(0, 18) + "…" : r.name));
    const bar = (v, off, cls, color) => {
      const x1 = x(Math.min(0, v)), x2 = x(Math.max(0, v));
      svg.append(sv("rect", { x: x1, y: y0 + off, width: Math.max(0.5, x2 - x1), height: rowH * 0.36, fill: color, class: cls }));
    };
    bar(r.ref, rowH * 0.08, "ref", "#b7bec8");
    bar(r.cur, rowH * 0.46, "cur", "#0b6e4f");
    svg.append(sv("text", { x: x(Math.max(0, r.cur)) + 3, y: y0 + rowH * 0.8, "text-anchor": "start" }, fmt0.format(r.cur)));
  });
  svg.append(sv("line", { class: "axis", x1: x(0), x2: x(0), y1: top, y2: top + rows.length * rowH }));
}

function drawTargets(e) {
  const tb = $("targets").querySelector("tbody");
  tb.textContent = "";
  for (const t of e.targets) {
    const tr = el("tr", { id: `target-${t.id}` });
    const f = Math.abs(t.value) < 100 ? fmt2 : fmt0;
    tr.append(el("td", {}, t.id), el("td", {}, String(t.year)), el("td", {}, num(t.value, f)),
      el("td", {}, `${num(t.threshold, f)} ${t.unit}`), el("td", {}, pct(t.margin_relative)));
    const st = el("td", { class: t.met ? "met" : "missed" }, t.met ? "met" : "missed");
    tr.append(st);
    if (state.info.uncertainty) {
      const p = state.band && state.band.targets.find((x) => x.id === t.id);
      tr.append(el("td", { class: "p" }, p ? `${(100 * p.probability).toFixed(0)} %` : "…"));
    }
    tb.append(tr);
  }
}

// ---- buttons ----------------------------------------------------------------------------

async function exportYaml() {
  try {
    const r = await post("/api/export", { scenario: state.info.id, levers: changedLevers() });
    const text = await r.text();
    const name = (r.headers.get("Content-Disposition") || "").match(/filename="([^"]+)"/);
    const a = el("a", { href: URL.createObjectURL(new Blob([text], { type: "application/yaml" })), download: name ? name[1] : "explored.yaml" });
    document.body.append(a);
    a.click();
    a.remove();
    status(`exported: save it beside ${state.info.file}`);
  } catch (err) {
    status(err.message, true);
  }
}

function reset() {
  state.levers = fileLevers();
  syncControls();
  changed();
}

async function init() {
  try {
    const r = await fetch("/api/scenarios");
    state.list = await r.json();
  } catch (err) {
    status("cannot reach the explorer: " + err.message, true);
    return;
  }
  readUrl();
  buildControls();
  $("picker").addEventListener("change", () => {
    state.info = state.list.scenarios.find((s) => s.id === $("picker").value);
    state.levers = fileLevers();
    state.year = state.info.default_year;
    buildControls();
    changed();
  });
  $("year").addEventListener("change", () => {
    // The year changes what is shown, not the levers: the wedges and the band stay.
    state.year = parseInt($("year").value, 10);
    writeUrl();
    if (state.wedges) drawWedges(state.wedges);
    evaluateNow();
  });
  $("reset").addEventListener("click", reset);
  $("export").addEventListener("click", exportYaml);
  writeUrl();
  evaluateNow();
}

document.addEventListener("DOMContentLoaded", init);
