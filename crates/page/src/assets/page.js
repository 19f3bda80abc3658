// The Today screen's script: it shows the screen the server sends (every text already in the
// page's language) and asks for the login the screen offers. No text of its own.
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
  events.onmessage = (e) => show(JSON.parse(e.data));
  fetch("/api/today", { credentials: "same-origin" })
    .then((r) => r.json())
    .then((v) => { if (!view) show(v); })
    .catch(() => {});
}

document.addEventListener("DOMContentLoaded", start);
