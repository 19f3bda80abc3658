// The operator's first day after the MSI, on the page only: the address `rd-agent.exe open
// --print-url` printed (PAGE_URL), a service nobody has set up, the Setup screen's direct mode
// filled with the sandbox's demo outlet, Save, then "Log in now" on the Today screen until
// "Logged in for today". Nothing is typed twice and no terminal is needed. Run by
// installer/windows/smoke-msi.sh, which installs the MSI under Wine and starts the sandbox;
// CLIENT_SECRET, ENCRYPTION_KEY and AADHAAR are the secrets typed, the ones it then searches
// the disk for. SHOT: where to save the screenshot of the logged-in day (optional).
import { chromium } from "playwright-core";

const url = process.env.PAGE_URL;
if (!url) {
  console.error("msi.mjs: PAGE_URL is not set");
  process.exit(2);
}
const origin = new URL(url).origin;

// The sandbox's demo outlet (README, "sandbox"): what the operator types, once. The secrets
// come from smoke-msi.sh, which then searches the disk for them.
const secret = (name) => {
  const v = process.env[name];
  if (!v) {
    console.error(`msi.mjs: ${name} is not set`);
    process.exit(2);
  }
  return v;
};
const VALUES = {
  "instantpay.client_id": "SBXCLIENT0001",
  "instantpay.outlet_id": "100001",
  "instantpay.endpoint_ip": "127.0.0.1",
  "outlet.latitude": "28.6139",
  "outlet.longitude": "77.2090",
  "instantpay.client_secret": secret("CLIENT_SECRET"),
  "instantpay.encryption_key": secret("ENCRYPTION_KEY"),
  "operator.aadhaar": secret("AADHAAR"),
};
const SECRETS = ["instantpay.client_secret", "instantpay.encryption_key", "operator.aadhaar"];
const secretTexts = [...SECRETS.map((n) => VALUES[n]), VALUES["operator.aadhaar"].replace(/ /g, "")];
const field = (page, name) => page.locator(`#form-direct input[name="${name}"]`);

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures++;
}
function hasNoSecret(text, what) {
  const found = secretTexts.filter((s) => text.includes(s));
  check(found.length === 0, `${what} holds no secret${found.length ? ": " + found.join(", ") : ""}`);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox"],
});
try {
  const page = await (await browser.newContext({ viewport: { width: 1024, height: 600 } })).newPage();
  // The token is exchanged for a session; a service not set up opens on its setup.
  await page.goto(url);
  await page.locator("#screen-setup").waitFor({ timeout: 30000 });
  check(page.url() === `${origin}/#setup`, `a service not set up opens on its setup: ${page.url()}`);
  await page.locator("#setup-missing li").first().waitFor({ timeout: 30000 });
  check((await page.locator("#setup-missing li").count()) > 0, "it says what is missing");

  // Each value typed once; Save.
  for (const [name, value] of Object.entries(VALUES)) await field(page, name).fill(value);
  await page.click("#save-direct");
  await page.locator("#said-direct").filter({ hasText: "Saved" }).waitFor({ timeout: 30000 });
  const ready = await page.locator("#setup-ready").textContent();
  check(ready === "Everything a login needs is set.", `set up on the page: ${ready}`);
  const masked = `Now: XXXX XXXX ${VALUES["operator.aadhaar"].slice(-4)}`;
  check((await page.locator("#row-direct-operator-aadhaar .now").textContent()) === masked, "the Aadhaar is shown masked");
  check(await field(page, "instantpay.client_secret").inputValue() === "", "the secrets typed are forgotten by the page");
  hasNoSecret(await page.content(), "the setup screen");

  // The day: one click.
  await page.click("#nav-today");
  await page.locator("#headline").filter({ hasText: "Today's login is needed" }).waitFor({ timeout: 60000 });
  check(await page.locator("#action").textContent() === "Log in now", "the Today screen offers: Log in now");
  await page.click("#action");
  await page.locator("#headline").filter({ hasText: "Logged in for today" }).waitFor({ timeout: 60000 });
  check((await page.locator("#detail").textContent()).startsWith("Logged in until midnight"), "the day's sentence");
  check(await page.locator("#action").isHidden(), "no login offered once the day is logged in");
  hasNoSecret(await page.content(), "the Today screen");
  if (process.env.SHOT) await page.screenshot({ path: process.env.SHOT });
} catch (e) {
  console.log(`FAIL ${e.message.split("\n")[0]}`);
  failures++;
} finally {
  await browser.close();
}
if (failures) {
  console.log(`${failures} check(s) failed`);
  process.exit(1);
}
console.log("all checks passed");
