// The page's script: it shows the screens the server sends (every text already in the page's
// language), asks for the login the Today screen offers, sends the setup forms and copies the
// text for support. No text of its own: the few it shows by itself are the page's data-*.
"use strict";

const $ = (id) => document.getElementById(id);
let view = null;
let confirming = false;

function show(v) {
  view = v;
  $("day").className = "card tone-" + v.tone;
  $("headline").textContent = v.headline;
  $("detail").textContent = v.detail;
  $("progress").hidden = !v.progress;
  $("progress-text").textContent = v.progress || "";
  $("seconds").textContent = v.seconds == null ? "" : String(v.seconds);
  $("outcome").hidden = !v.outcome;
  if (v.outcome) {
    $("outcome").className = "outcome " + (v.outcome.ok ? "ok" : "failed");
    $("outcome-title").textContent = v.outcome.title;
    $("outcome-sentence").textContent = v.outcome.sentence;
  }
  $("refused").hidden = !v.refused;
  $("refused").textContent = v.refused || "";
  const a = v.action;
  // A confirmation stays open only while the same login is offered.
  if (!a || !a.confirm || (confirming && confirming !== a.choice)) {
    confirming = false;
  }
  $("action").hidden = !a || !!confirming;
  $("confirm").hidden = !confirming;
  if (a) {
    $("action").textContent = a.label;
    if (a.confirm) {
      $("question").textContent = a.confirm.question;
      $("yes").textContent = a.confirm.yes;
      $("no").textContent = a.confirm.no;
    }
  }
}

async function post(path, body) {
  return fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
    credentials: "same-origin",
  });
}

async function ask(confirmed) {
  if (!view || !view.action) return;
  const choice = view.action.choice;
  confirming = false;
  $("action").disabled = true;
  $("yes").disabled = true;
  try {
    const r = await post("/api/login", { choice: choice, confirmed: confirmed });
    if (r.headers.get("content-type") === "application/json") show(await r.json());
  } finally {
    $("action").disabled = false;
    $("yes").disabled = false;
  }
}

// ---- Screens: #today, #setup, #history, #checks ----

const SCREENS = ["today", "setup", "history", "checks"];

function screen() {
  const name = location.hash.replace("#", "");
  return SCREENS.includes(name) ? name : "today";
}

function showScreen() {
  const name = screen();
  for (const s of SCREENS) {
    $("screen-" + s).hidden = s !== name;
    const link = $("nav-" + s);
    if (s === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (name === "setup") loadSetup();
  if (name === "history") loadHistory();
  if (name === "checks") loadChecks();
}

async function getJson(path) {
  const r = await fetch(path, { credentials: "same-origin" });
  return r.json();
}

// ---- Setup ----

let setupMode = null;
const checkTimers = {};

function fieldRow(form, f) {
  const id = form.id.replace("fields-", "") + "-" + f.name.replace(/[^a-z0-9]/g, "-");
  let row = $("row-" + id);
  if (!row) {
    row = document.createElement("div");
    row.className = "field";
    row.id = "row-" + id;
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = f.label;
    const input = document.createElement("input");
    input.id = id;
    input.name = f.name;
    input.dataset.secret = f.secret ? "1" : "";
    input.type = f.secret ? "password" : "text";
    input.autocomplete = "off";
    input.spellcheck = false;
    if (f.name === "operator.aadhaar" || f.name === "instantpay.outlet_id") input.inputMode = "numeric";
    const now = document.createElement("p");
    now.className = "now";
    const said = document.createElement("p");
    said.className = "check";
    said.id = id + "-said";
    said.setAttribute("aria-live", "polite");
    input.setAttribute("aria-describedby", said.id);
    row.append(label, input, now, said);
    form.append(row);
    input.addEventListener("input", () => {
      clearTimeout(checkTimers[id]);
      checkTimers[id] = setTimeout(() => checkField(input), 500);
    });
    input.addEventListener("blur", () => {
      clearTimeout(checkTimers[id]);
      checkField(input, true);
    });
  }
  const input = row.querySelector("input");
  // What was typed stays: only an untouched field takes the service's value.
  if (!input.dataset.touched) input.value = f.value;
  input.dataset.loaded = f.value;
  const now = row.querySelector(".now");
  now.textContent = f.now || "";
  now.hidden = !f.now;
}

async function checkField(input, blurred) {
  const value = input.value;
  const said = $(input.id + "-said");
  if (value.trim() === "") {
    said.textContent = "";
    said.className = "check";
    input.removeAttribute("aria-invalid");
    return true;
  }
  input.dataset.touched = "1";
  const r = await post("/api/setup/check", { name: input.name, value: value });
  if (!r.ok) return false;
  const c = await r.json();
  if (input.value !== value) return c.ok; // typed on meanwhile: the next check says
  said.textContent = c.said;
  said.className = "check " + (c.ok ? "ok" : "bad");
  if (c.ok) input.removeAttribute("aria-invalid");
  else input.setAttribute("aria-invalid", "true");
  if (c.ok && blurred && c.value && c.value !== value) input.value = c.value;
  return c.ok;
}

function showSetup(v) {
  $("setup-unavailable").hidden = !v.unavailable;
  $("setup-unavailable").textContent = v.unavailable || "";
  $("setup-status").className = "card " + (v.ready ? "tone-ok" : "tone-due");
  $("setup-ready").textContent = v.status;
  const list = $("setup-missing");
  list.replaceChildren(...v.missing.map((m) => {
    const li = document.createElement("li");
    li.textContent = m;
    return li;
  }));
  $("setup-fleet-now").hidden = !v.fleet_now;
  $("setup-fleet-now").textContent = v.fleet_now || "";
  for (const f of v.direct) fieldRow($("fields-direct"), f);
  for (const f of v.fleet) fieldRow($("fields-fleet"), f);
  if (setupMode === null) chooseMode(v.relay ? "fleet" : "direct", false);
}

function chooseMode(mode, focus) {
  setupMode = mode;
  for (const m of ["direct", "fleet"]) {
    $("tab-" + m).setAttribute("aria-selected", String(m === mode));
    $("form-" + m).hidden = m !== mode;
  }
  if (focus) $("form-" + mode).querySelector("input").focus();
}

async function loadSetup() {
  showSetup(await getJson("/api/setup"));
}

async function sendSetup(mode) {
  const form = $("form-" + mode);
  const said = $("said-" + mode);
  const button = $("save-" + mode);
  const inputs = [...form.querySelectorAll("input")];
  // Every typed field is checked first; a refused one is asked again, nothing is cleared.
  for (const i of inputs) {
    if (!(await checkField(i))) {
      i.focus();
      return;
    }
  }
  let body;
  if (mode === "direct") {
    body = { values: {}, secrets: {} };
    for (const i of inputs) {
      if (i.dataset.secret) {
        if (i.value.trim() !== "") body.secrets[i.name] = i.value;
      } else if (i.value.trim() !== "" && i.value !== i.dataset.loaded) {
        body.values[i.name] = i.value;
      }
    }
  } else {
    const by = (n) => inputs.find((i) => i.name === n).value;
    body = { relay_url: by("relay.url"), code: by("code"), aadhaar: by("operator.aadhaar") };
  }
  button.disabled = true;
  said.className = "said";
  said.textContent = document.body.dataset.working;
  try {
    const r = await post("/api/setup/" + mode, body);
    const done = await r.json();
    said.textContent = done.said;
    said.className = "said " + (done.ok ? "ok" : "bad");
    if (done.ok) {
      // Stored: the secrets typed are forgotten here, and shown as the service shows them.
      for (const i of inputs) {
        if (i.dataset.secret || i.name === "code") i.value = "";
        delete i.dataset.touched;
        $(i.id + "-said").textContent = "";
      }
    } else if (done.field) {
      const i = inputs.find((x) => x.name === done.field);
      if (i) {
        $(i.id + "-said").textContent = done.said;
        $(i.id + "-said").className = "check bad";
        i.setAttribute("aria-invalid", "true");
        i.focus();
      }
    }
    showSetup(done.setup);
  } finally {
    button.disabled = false;
  }
}

// ---- History ----

async function loadHistory() {
  const v = await getJson("/api/history");
  $("history-heading").textContent = v.heading;
  $("history-unavailable").hidden = !v.unavailable;
  $("history-unavailable").textContent = v.unavailable || "";
  $("history-notes").replaceChildren(...v.notes.map((n) => {
    const p = document.createElement("p");
    p.textContent = n;
    return p;
  }));
  $("history-notes").hidden = v.notes.length === 0;
  $("history-rows").replaceChildren(...v.rows.map((row) => {
    const tr = document.createElement("tr");
    tr.className = "tone-" + row.tone;
    for (const t of [row.when, row.result, row.cost]) {
      const td = document.createElement("td");
      td.textContent = t;
      tr.append(td);
    }
    return tr;
  }));
  $("history-table").hidden = v.rows.length === 0;
  $("history-empty").hidden = !v.empty;
  $("history-empty").textContent = v.empty || "";
}

// ---- Scanner and checks ----

async function loadChecks() {
  const v = await getJson("/api/checks");
  $("checks-list").replaceChildren(...v.checks.map((c) => {
    const li = document.createElement("li");
    li.className = c.ok ? "ok" : "bad";
    const title = document.createElement("strong");
    title.textContent = c.title + ": " + c.verdict;
    const said = document.createElement("span");
    said.textContent = c.said;
    li.append(title, said);
    return li;
  }));
  $("checks-devices").textContent = v.devices;
  $("support").value = v.support;
}

async function copySupport() {
  const said = $("copy-said");
  try {
    await navigator.clipboard.writeText($("support").value);
    said.textContent = document.body.dataset.copied;
  } catch (e) {
    $("support").select();
    said.textContent = document.body.dataset.copyFailed;
  }
}

function start() {
  $("action").addEventListener("click", () => {
    if (!view || !view.action) return;
    if (view.action.confirm) {
      confirming = view.action.choice;
      show(view);
      $("no").focus();
    } else {
      ask(false);
    }
  });
  $("yes").addEventListener("click", () => ask(true));
  $("no").addEventListener("click", () => {
    confirming = false;
    show(view);
    $("action").focus();
  });
  $("lang").addEventListener("click", async () => {
    const r = await post("/api/lang", { lang: $("lang").dataset.lang });
    if (r.ok) location.reload();
  });
  const events = new EventSource("/api/events");
  events.onmessage = (e) => {
    show(JSON.parse(e.data));
    if (screen() === "history") loadHistory();
  };
  window.addEventListener("hashchange", showScreen);
  $("tab-direct").addEventListener("click", () => chooseMode("direct", true));
  $("tab-fleet").addEventListener("click", () => chooseMode("fleet", true));
  for (const m of ["direct", "fleet"]) {
    $("form-" + m).addEventListener("submit", (e) => {
      e.preventDefault();
      sendSetup(m);
    });
  }
  $("copy").addEventListener("click", copySupport);
  showScreen();
  // A service not set up yet opens on its setup.
  if (!location.hash) {
    getJson("/api/setup").then((v) => {
      if (!v.ready && !v.unavailable && !location.hash) location.hash = "#setup";
    }).catch(() => {});
  }
  fetch("/api/today", { credentials: "same-origin" })
    .then((r) => r.json())
    .then((v) => { if (!view) show(v); })
    .catch(() => {});
}

document.addEventListener("DOMContentLoaded", start);
