// Drives the operator's page in headless Chromium: two sessions (English and Hindi) watch the
// same day, one logs in with the keyboard, both see the countdown and "logged in"; then the
// security rules from a second origin. Run by run.sh, which starts the sandbox and the page.
import http from "node:http";
import { chromium } from "playwright-core";

const url = process.env.PAGE_URL;
const urlAgain = process.env.PAGE_URL_AGAIN;
const shots = process.env.SHOTS;
const base = new URL(url);
const origin = base.origin;
const port = base.port;
let failures = 0;

function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}

async function shot(page, name) {
  if (shots) await page.screenshot({ path: `${shots}/page-${name}.png` });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // A name of the attacker's that resolves to loopback: DNS rebinding.
  args: ["--host-resolver-rules=MAP rebind.test 127.0.0.1", "--no-sandbox"],
});
const viewport = { width: 1024, height: 600 };
const en = await (await browser.newContext({ viewport })).newPage();
const hi = await (await browser.newContext({ viewport })).newPage();

if (process.env.PHASE === "cancelled") {
  await cancelledDay();
  await browser.close();
  finish();
}

// The bank cancelled the day's login: the page names the charge, asks, then logs in.
async function cancelledDay() {
  await en.goto(url);
  await hi.goto(urlAgain);
  await hi.click("#lang");
  await hi.waitForLoadState("load");
  await en.locator("#headline").filter({ hasText: "The bank cancelled today's login" }).waitFor({ timeout: 60000 });
  await hi.locator("#headline").filter({ hasText: "बैंक ने आज का लॉगिन रद्द कर दिया" }).waitFor({ timeout: 60000 });
  const label = await en.locator("#action").textContent();
  check(/^Log in again \((about )?₹[\d.]+ will be charged\)$/.test(label), `names the charge: ${label}`);
  check(!(await en.locator("#day").innerText()).includes("Logged in"), "nothing says logged in");
  await shot(en, "cancelled-en");
  await shot(hi, "cancelled-hi");
  await en.click("#action");
  await hi.click("#action");
  check(await en.locator("#confirm").isVisible(), "a confirmation is asked first");
  check(/₹/.test(await en.locator("#question").textContent()), "the question names the charge");
  check(await en.evaluate(() => document.activeElement.id) === "no", "the focus is on Cancel");
  await en.waitForTimeout(1500);
  check(await en.locator("#headline").textContent() === "The bank cancelled today's login", "nothing sent before the confirmation");
  await shot(en, "confirm-en");
  await shot(hi, "confirm-hi");
  await en.click("#yes");
  await en.locator("#progress-text").filter({ hasText: /Place your finger on the scanner now: \d+ s/ }).waitFor();
  await en.locator("#headline").filter({ hasText: "Logged in for today" }).waitFor({ timeout: 30000 });
  check(true, "confirmed: the charged login went through");
}

function finish() {
  if (failures) {
    console.log(`${failures} check(s) failed`);
    process.exit(1);
  }
  console.log("all checks passed");
  process.exit(0);
}

// The token is exchanged for a session and leaves the address bar.
await en.goto(url);
check(en.url() === `${origin}/`, `the address has no token: ${en.url()}`);
await en.locator("#headline").filter({ hasText: "Today's login is needed" }).waitFor();
check(await en.locator("#action").textContent() === "Log in now", "English: Log in now");
await shot(en, "today-en");

// The second session switches to Hindi on the page.
await hi.goto(urlAgain);
await hi.locator("#headline").filter({ hasText: /./ }).waitFor();
if ((await hi.locator("html").getAttribute("lang")) !== "hi") {
  await hi.click("#lang");
  await hi.waitForLoadState("load");
  await hi.locator("html[lang=hi]").waitFor();
}
await hi.locator("#headline").filter({ hasText: "आज का लॉगिन करना है" }).waitFor();
check(await hi.locator("#action").textContent() === "अभी लॉगिन करें", "Hindi: अभी लॉगिन करें");
await shot(hi, "today-hi");

// A page of another origin, in the browser that holds the session.
const evil = http.createServer((req, res) => {
  res.setHeader("content-type", "text/html");
  res.end(`<!doctype html><iframe id="f" src="${origin}/"></iframe>`);
});
await new Promise((ok) => evil.listen(0, "127.0.0.1", ok));
const attackerOrigin = `http://localhost:${evil.address().port}`;
const attacker = await en.context().newPage();
await attacker.goto(`${attackerOrigin}/`);
const read = await attacker.evaluate(async (o) => {
  try {
    const r = await fetch(`${o}/api/today`, { credentials: "include" });
    return `read ${r.status}: ${await r.text()}`;
  } catch (e) {
    return "blocked";
  }
}, origin);
check(read === "blocked", `another origin cannot read the day: ${read}`);
const posted = await attacker.evaluate(async (o) => {
  await fetch(`${o}/api/login`, {
    method: "POST", mode: "no-cors", credentials: "include",
    headers: { "content-type": "text/plain" }, body: '{"choice":"login"}',
  }).catch(() => {});
  return "sent";
}, origin);
await en.waitForTimeout(1500);
check(
  posted === "sent" && (await en.locator("#headline").textContent()) === "Today's login is needed",
  "a login posted from another origin while one is due did nothing",
);
// Framing is refused: the frame holds no page of ours.
await attacker.waitForTimeout(500);
const framed = attacker.frames().find((f) => f !== attacker.mainFrame());
const framedText = framed ? await framed.evaluate(() => document.body?.innerText || "").catch(() => "") : "";
check(!framedText.includes("login"), "the page does not show in another site's frame");
await attacker.close();
evil.close();
// Log in with the keyboard: Tab to the button, Enter.
await en.keyboard.press("Tab");
await en.keyboard.press("Tab");
check(await en.evaluate(() => document.activeElement.id) === "action", "Tab reaches the login button");
await en.keyboard.press("Enter");
// At once: what is happening, then the service's countdown.
await en.locator("#headline").filter({ hasText: "Logging in" }).waitFor({ timeout: 2000 });
await en.locator("#progress-text").filter({ hasText: /Place your finger on the scanner now: \d+ s/ }).waitFor();
await hi.locator("#progress-text").filter({ hasText: /अभी स्कैनर पर उंगली रखें: \d+ सेकंड/ }).waitFor();
check(true, "both sessions count down");
await en.waitForTimeout(1200);
await shot(en, "countdown-en");
await shot(hi, "countdown-hi");
check(await en.locator("#action").isHidden(), "nothing to click while logging in");
await en.locator("#headline").filter({ hasText: "Logged in for today" }).waitFor({ timeout: 30000 });
await hi.locator("#headline").filter({ hasText: "आज के लिए लॉगिन हो गया है" }).waitFor({ timeout: 30000 });
check((await en.locator("#detail").textContent()).startsWith("Logged in until midnight"), "the day's sentence");
check(await en.locator("#action").isHidden(), "no login offered once the day is logged in");
await shot(en, "logged-in-en");
await shot(hi, "logged-in-hi");

// ---- The security rules, as a browser meets them ----

// The token again: refused, and the refusal says nothing about the day.
const stranger = await (await browser.newContext({ viewport })).newPage();
let r = await stranger.goto(url);
check(r.status() === 403, `a used token: ${r.status()}`);
const refusal = await stranger.textContent("body");
check(!/logged|login/i.test(refusal), "the refusal says nothing of the day");
await shot(stranger, "forbidden");
r = await stranger.goto(`${origin}/api/today`);
check(r.status() === 403, `no session: ${r.status()}`);

// DNS rebinding: a name of another site that resolves to 127.0.0.1.
r = await en.goto(`http://rebind.test:${port}/api/today`);
check(r.status() === 403, `Host rebind.test: ${r.status()}`);
await en.goto(`${origin}/`);

// And the server itself refuses a change whose Origin is not the page's (no browser rules).
const evilOrigin = "http://localhost:9";
const direct = await fetch(`${origin}/api/lang`, {
  method: "POST",
  headers: { origin: evilOrigin, "content-type": "application/json" },
  body: '{"lang":"en"}',
});
check(direct.status === 403, `a change from another origin: ${direct.status}`);
check(![...direct.headers.keys()].some((h) => h.startsWith("access-control-")), "no CORS headers");

await browser.close();
finish();
