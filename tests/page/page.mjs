// Drives the operator's page in headless Chromium: two sessions (English and Hindi) on a
// service that is not set up; one sets it up on the page (a refused field asked again, nothing
// typed lost), both see the day, one logs in with the keyboard, both see the countdown and
// "logged in", then the history with the charge and the checks with the text for support
// (searched for the secrets typed); then the security rules from a second origin. PHASE
// cancelled: the bank cancelled the day. PHASE declines: the decline guard's question and its
// one login. PHASE scanner: a new scanner's. PHASE fleet: enrolment with a relay's code. Run
// by run.sh, which starts the sandbox and the page.
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

async function shot(page, name, fullPage = false) {
  if (shots) await page.screenshot({ path: `${shots}/page-${name}.png`, fullPage });
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  // A name of the attacker's that resolves to loopback: DNS rebinding.
  args: ["--host-resolver-rules=MAP rebind.test 127.0.0.1", "--no-sandbox"],
});
const viewport = { width: 1024, height: 600 };
const permissions = ["clipboard-read", "clipboard-write"];
const en = await (await browser.newContext({ viewport, permissions })).newPage();
const hi = await (await browser.newContext({ viewport, permissions })).newPage();

// The sandbox's demo outlet (README, "sandbox"): what the operator types.
const SECRETS = {
  "instantpay.client_secret": "sandbox-client-secret-not-real",
  "instantpay.encryption_key": "SandboxEncryptionKey0123456789AB",
  "operator.aadhaar": "9999 4105 7058",
};
const secretTexts = [...Object.values(SECRETS), "999941057058", "9999 4105 7058"];
const field = (page, name, form = "direct") => page.locator(`#form-${form} input[name="${name}"]`);

function hasNoSecret(text, what) {
  const found = secretTexts.filter((s) => text.includes(s));
  check(found.length === 0, `${what} holds no secret${found.length ? ": " + found.join(", ") : ""}`);
}

async function toHindi(page) {
  if ((await page.locator("html").getAttribute("lang")) !== "hi") {
    await page.click("#lang");
    await page.waitForLoadState("load");
    await page.locator("html[lang=hi]").waitFor();
  }
}

if (process.env.PHASE === "fleet") {
  await fleet();
  await browser.close();
  finish();
}

// A second PC joins the platform's relay: the code and the relay's address from the platform,
// the operator's Aadhaar typed; then a login through the relay.
async function fleet() {
  await en.goto(url);
  await en.locator("#screen-setup").waitFor();
  check(en.url().endsWith("#setup"), "a service not set up opens on its setup");
  await hi.goto(urlAgain);
  await toHindi(hi);
  await hi.goto(`${origin}/#setup`);
  await en.click("#tab-fleet");
  await hi.click("#tab-fleet");
  await field(en, "relay.url", "fleet").fill("ftp://relay.example");
  await field(en, "relay.url", "fleet").blur();
  await en.locator("#fleet-relay-url-said").filter({ hasText: "Not accepted" }).waitFor();
  await field(en, "relay.url", "fleet").fill(process.env.RELAY_URL);
  await field(en, "code", "fleet").fill(process.env.ENROL_CODE);
  await field(en, "operator.aadhaar", "fleet").fill(SECRETS["operator.aadhaar"]);
  await shot(en, "setup-fleet-en");
  await shot(hi, "setup-fleet-hi");
  await en.click("#save-fleet");
  await en.locator("#said-fleet").filter({ hasText: "Saved" }).waitFor({ timeout: 20000 });
  const fleetNow = await en.locator("#setup-fleet-now").textContent();
  check(fleetNow.includes(process.env.RELAY_URL), `enrolled: ${fleetNow}`);
  check((await en.locator("#setup-ready").textContent()) === "Everything a login needs is set.", "ready");
  check(await field(en, "operator.aadhaar", "fleet").inputValue() === "", "the Aadhaar typed is forgotten by the page");
  hasNoSecret(await en.content(), "the page after enrolment");
  await en.click("#nav-today");
  await en.locator("#headline").filter({ hasText: "Today's login is needed" }).waitFor({ timeout: 30000 });
  await en.click("#action");
  await en.locator("#progress-text").filter({ hasText: /Place your finger on the scanner now: \d+ s/ }).waitFor();
  await en.locator("#headline").filter({ hasText: "Logged in for today" }).waitFor({ timeout: 30000 });
  check(true, "fleet: logged in through the relay");
  await en.click("#nav-history");
  await en.locator("#history-rows tr").first().waitFor();
  const notes = await en.locator("#history-notes").innerText();
  check(notes.includes("The platform pays"), `fleet history: the wallet is the platform's: ${notes}`);
}

if (process.env.PHASE === "declines") {
  await declines();
  await browser.close();
  finish();
}

if (process.env.PHASE === "scanner") {
  await newScanner();
  await browser.close();
  finish();
}

// The logins the page asks for, as the browser sends them.
function loginPosts(page) {
  const sent = [];
  page.on("request", (r) => {
    if (r.method() === "POST" && new URL(r.url()).pathname === "/api/login") sent.push(r.postDataJSON());
  });
  return sent;
}

// A risky login's question, asked in both sessions: the risk stated before anything is sent,
// Cancel sends nothing, and the confirmed login is sent once however the button is clicked.
async function riskyLogin(name, headline, hindiHeadline, risk, hindiRisk) {
  const sentEn = loginPosts(en);
  const sentHi = loginPosts(hi);
  await en.locator("#headline").filter({ hasText: headline }).waitFor({ timeout: 60000 });
  await hi.locator("#headline").filter({ hasText: hindiHeadline }).waitFor({ timeout: 60000 });
  await en.click("#action");
  await hi.click("#action");
  const question = await en.locator("#question").textContent();
  check(await en.locator("#confirm").isVisible() && risk.test(question), `${name}: the risk is stated first: ${question}`);
  check(hindiRisk.test(await hi.locator("#question").textContent()), `${name}: and in Hindi`);
  check(await en.evaluate(() => document.activeElement.id) === "no", `${name}: the focus is on Cancel`);
  await en.waitForTimeout(1500);
  check(sentEn.length === 0 && sentHi.length === 0, `${name}: nothing sent while the question is asked`);
  check(await en.locator("#headline").textContent() === headline, `${name}: the day is as it was`);
  // The whole page: the day's sentence above and the question below.
  await shot(en, `${name}-en`, true);
  await shot(hi, `${name}-hi`, true);
  await hi.click("#no");
  await hi.waitForTimeout(500);
  check(sentHi.length === 0 && (await hi.locator("#action").isVisible()), `${name}: Cancel sends nothing`);
  // Twice, quickly: one login.
  await en.dblclick("#yes");
  await en.locator("#headline").filter({ hasText: "Logging in" }).waitFor({ timeout: 5000 });
  await en.waitForTimeout(1000);
  return { sentEn, sentHi };
}

async function history(page) {
  await page.goto(`${origin}/#history`);
  await page.locator("#history-rows tr").first().waitFor();
  const rows = await page.locator("#history-rows tr").allInnerTexts();
  await page.goto(`${origin}/#today`);
  return rows;
}

// Every finger declined (charged): two logins, then the guard holds the next; its question
// states the risk, and only the confirmed login goes, once.
async function declines() {
  await en.goto(url);
  await hi.goto(urlAgain);
  await toHindi(hi);
  for (const n of [1, 2]) {
    await en.locator("#headline").filter({ hasText: "Today's login is needed" }).waitFor({ timeout: 60000 });
    await en.click("#action");
    // This login's outcome, not the one before it.
    await en.locator("#headline").filter({ hasText: "Logging in" }).waitFor({ timeout: 5000 });
    await en.waitForFunction(
      () => !document.getElementById("headline").textContent.startsWith("Logging in"),
      null,
      { timeout: 30000 },
    );
    check(/did not match/.test(await en.locator("#outcome.failed").innerText()), `decline ${n} is shown`);
  }
  const rows = await history(en);
  check(rows.length === 2, `two declined logins in the history: ${rows.join(" | ")}`);
  const { sentEn, sentHi } = await riskyLogin(
    "declines",
    "Logins are paused after declined fingers",
    "उंगली मेल न खाने से लॉगिन रोके गए हैं",
    /The last 2 logins were declined\. A third declined finger in a row can block your AePS/,
    /बैंक आपका AePS बंद कर सकता है/,
  );
  check(
    sentEn.length === 1 && sentEn[0].choice === "despite_declines" && sentEn[0].confirmed === true && sentHi.length === 0,
    `the confirmed login is sent once: ${JSON.stringify(sentEn)}`,
  );
  // The sandbox declines this one too: held again, and one attempt more, not two. The day
  // already read "paused" before this login, so the headline cannot tell that it ended: the
  // history is read until the attempt is in it (bounded), and once more after the state has
  // settled, so that a second attempt would show.
  let after = [];
  for (let i = 0; i < 60 && after.length < 3; i++) {
    after = await history(en);
    if (after.length < 3) await en.waitForTimeout(500);
  }
  await en.locator("#headline").filter({ hasText: "Logins are paused after declined fingers" }).waitFor({ timeout: 30000 });
  after = await history(en);
  check(after.length === 3, `one attempt more in the history: ${after.join(" | ")}`);
}

// The ledger's usual scanner is another one: the login stops before anything is sent and asks;
// confirmed, the login goes with this scanner, once.
async function newScanner() {
  await en.goto(url);
  await hi.goto(urlAgain);
  await toHindi(hi);
  await en.locator("#headline").filter({ hasText: "Today's login is needed" }).waitFor({ timeout: 60000 });
  await en.click("#action");
  // The plain login's request is answered before the question's are counted.
  await en.locator("#headline").filter({ hasText: "A different scanner is connected" }).waitFor({ timeout: 30000 });
  const { sentEn, sentHi } = await riskyLogin(
    "new-scanner",
    "A different scanner is connected",
    "कोई दूसरा स्कैनर लगा है",
    /This scanner \(.+\) is not the shop's usual one \(STARTEK\.ACPL .*SBX-USUAL-0001\)/,
    /हमेशा वाला स्कैनर/,
  );
  check(
    sentEn.length === 1 && sentEn[0].choice === "new_scanner" && sentEn[0].confirmed === true && sentHi.length === 0,
    `the confirmed login is sent once: ${JSON.stringify(sentEn)}`,
  );
  await en.locator("#headline").filter({ hasText: "Logged in for today" }).waitFor({ timeout: 30000 });
  const rows = await history(en);
  check(rows.length === 1, `one login in the history, the refused one sent nothing: ${rows.join(" | ")}`);
}

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
check(en.url().startsWith(`${origin}/`) && !en.url().includes("token"), `the address has no token: ${en.url()}`);

// ---- Setup, on a service nobody has set up ----
await en.locator("#screen-setup").waitFor();
check(en.url() === `${origin}/#setup`, "a service not set up opens on its setup");
await en.locator("#setup-missing li").first().waitFor();
check((await en.locator("#setup-missing li").count()) > 0, "it says what is missing");
{
  const missing = await en.locator("#setup-missing").textContent();
  check(missing.includes("Not set yet: the InstantPay client secret. Type it in the form below."), `a missing secret is asked for in the form: ${missing}`);
  check(!missing.includes("rd-agent config"), `the page names no command: ${missing}`);
}
await field(en, "instantpay.client_id").fill("SBXCLIENT0001");
await field(en, "instantpay.outlet_id").fill("12ab");
await field(en, "instantpay.endpoint_ip").focus();
await en.locator("#direct-instantpay-outlet-id-said").filter({ hasText: "Not accepted: the outlet id must be digits only" }).waitFor();
check(await field(en, "instantpay.outlet_id").getAttribute("aria-invalid") === "true", "the refused field is marked");
await field(en, "instantpay.endpoint_ip").fill("127.0.0.1");
await field(en, "outlet.latitude").fill("28.6139");
await field(en, "outlet.longitude").fill("77.209");
await field(en, "instantpay.client_secret").fill(SECRETS["instantpay.client_secret"]);
await field(en, "instantpay.encryption_key").fill("too-short");
await field(en, "operator.aadhaar").fill("9999 4105 7059");
await field(en, "operator.aadhaar").blur();
await en.locator("#direct-operator-aadhaar-said").filter({ hasText: "check digit" }).waitFor();
check(await field(en, "outlet.longitude").inputValue() === "77.2090", "3 decimals are padded to 4");
await shot(en, "setup-refused-en");
// Saving with refused fields sends nothing, keeps everything typed and asks the first again.
await en.click("#save-direct");
await en.waitForTimeout(500);
check(await en.evaluate(() => document.activeElement.name) === "instantpay.outlet_id", "the first refused field is asked again");
check(await field(en, "instantpay.client_id").inputValue() === "SBXCLIENT0001", "nothing typed is lost");
check(await field(en, "instantpay.client_secret").inputValue() === SECRETS["instantpay.client_secret"], "a secret typed is kept too");
await field(en, "instantpay.outlet_id").fill("100001");
await field(en, "instantpay.encryption_key").fill(SECRETS["instantpay.encryption_key"]);
await field(en, "operator.aadhaar").fill(SECRETS["operator.aadhaar"]);
// Enter in a field sends the form (the keyboard is enough).
await field(en, "operator.aadhaar").press("Enter");
await en.locator("#said-direct").filter({ hasText: "Saved" }).waitFor({ timeout: 20000 });
check((await en.locator("#setup-ready").textContent()) === "Everything a login needs is set.", "set up: nothing missing");
check((await en.locator("#row-direct-operator-aadhaar .now").textContent()) === "Now: XXXX XXXX 7058", "the Aadhaar is shown masked");
check((await en.locator("#row-direct-instantpay-client-secret .now").textContent()) === "Now: set", "a secret is shown as set");
check(await field(en, "instantpay.client_secret").inputValue() === "", "the secrets typed are forgotten by the page");
hasNoSecret(await en.content(), "the setup screen");
hasNoSecret(await en.evaluate(async () => (await fetch("/api/setup")).text()), "the setup data");
await shot(en, "setup-en");

await en.click("#nav-today");
await en.locator("#headline").filter({ hasText: "Today's login is needed" }).waitFor({ timeout: 30000 });
check(await en.locator("#action").textContent() === "Log in now", "English: Log in now");
await shot(en, "today-en");

// The second session switches to Hindi on the page.
await hi.goto(urlAgain);
await hi.locator("#headline").filter({ hasText: /./ }).waitFor();
await toHindi(hi);
await hi.goto(`${origin}/#setup`);
await hi.locator("#setup-ready").filter({ hasText: /./ }).waitFor();
await shot(hi, "setup-hi");
// A refused field, in Hindi: marked, and the sentence says why in Hindi.
await field(hi, "instantpay.outlet_id").fill("12ab");
await field(hi, "instantpay.outlet_id").blur();
await hi.locator("#direct-instantpay-outlet-id-said").filter({ hasText: /[\u0900-\u097F]/ }).waitFor();
check(await field(hi, "instantpay.outlet_id").getAttribute("aria-invalid") === "true", "Hindi: the refused field is marked");
console.log(`     ${await hi.locator("#direct-instantpay-outlet-id-said").textContent()}`);
await shot(hi, "setup-refused-hi");
await hi.goto(`${origin}/#today`);
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
// Log in with the keyboard: Tab to the button (past the menu and the language), Enter.
await en.goto(`${origin}/#today`);
await en.locator("#action").waitFor();
for (let i = 0; i < 8 && (await en.evaluate(() => document.activeElement.id)) !== "action"; i++) {
  await en.keyboard.press("Tab");
}
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

// ---- History: the login and what it cost ----
for (const page of [en, hi]) {
  await page.goto(`${origin}/#history`);
  await page.locator("#history-rows tr").first().waitFor();
}
const row = await en.locator("#history-rows tr").first().innerText();
check(/Logged in/.test(row) && /₹[\d.]+ charged/.test(row), `the history shows the charge: ${row}`);
const notes = await en.locator("#history-notes").innerText();
check(/This month: 1 charged login, ₹[\d.]+ in all\./.test(notes), `the month's total: ${notes}`);
check(/Wallet after the last charge: ₹/.test(notes), `the wallet: ${notes}`);
check(/कटे/.test(await hi.locator("#history-rows tr").first().innerText()), "Hindi: the charge");
await shot(en, "history-en");
await shot(hi, "history-hi");

// ---- Scanner and checks, and the text for support ----
for (const page of [en, hi]) {
  await page.goto(`${origin}/#checks`);
  await page.locator("#checks-list li").first().waitFor({ timeout: 20000 });
}
const checks = await en.locator("#checks-list").innerText();
check(/Scanner: OK/.test(checks) && /Settings: OK/.test(checks), `the checks: ${checks}`);
await en.click("#copy");
await en.locator("#copy-said").filter({ hasText: "Copied" }).waitFor();
const copied = await en.evaluate(() => navigator.clipboard.readText());
check(copied.includes("XXXX XXXX 7058") && copied.includes("instantpay.client_id: SBXCLIENT0001"), "the copied text has what support needs");
hasNoSecret(copied, "the text copied for support");
hasNoSecret(await hi.locator("#support").inputValue(), "the Hindi text for support");
await shot(en, "checks-en");
await shot(hi, "checks-hi");
await en.goto(`${origin}/#today`);

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
