// The dashboard in real Chromium against the real server while simulated calls run.
//   PATTER_BIN=build/x/bin/patter PATTER_WEB_ROOT=build/x/web/dashboard \
//   PATTER_ARTIFACTS=build/x/artifacts node tests/browser/dashboard.test.mjs
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { get } from "node:http";
import { dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { DASHBOARD_TOKEN, PatterServer } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
const PATTER_BIN = process.env.PATTER_BIN;
const WEB_ROOT = process.env.PATTER_WEB_ROOT;
const ARTIFACTS = process.env.PATTER_ARTIFACTS ?? join(here, "artifacts");
const AGENT_FILE = process.env.PATTER_AGENT ?? resolve(here, "../../examples/agent.yaml");
const SKIP = 77; // CTest's SKIP_RETURN_CODE

if (!existsSync(CHROMIUM)) {
  console.log(`SKIP: no Chromium at ${CHROMIUM} (tools/setup.sh installs Debian's chromium)`);
  process.exit(SKIP);
}
if (!PATTER_BIN || !existsSync(PATTER_BIN) || !WEB_ROOT || !existsSync(join(WEB_ROOT, "index.html"))) {
  console.error("PATTER_BIN must name the patter binary and PATTER_WEB_ROOT the built dashboard");
  process.exit(1);
}

const LONG_CALL = [
  { wait_for_agent: { timeout_ms: 15000, quiet_ms: 800 } },
  { say: "what are your opening hours", rate: 150 },
  { wait_for_agent: { timeout_ms: 10000, quiet_ms: 800 } },
  { say: "where are you", rate: 150 },
  { wait_for_agent: { timeout_ms: 10000, quiet_ms: 800 } },
  { say: "book a table", rate: 150 },
  { wait_for_agent: { timeout_ms: 12000, quiet_ms: 800 } },
  "hang_up",
];
const SHORT_CALL = [{ wait_for_agent: { timeout_ms: 15000, quiet_ms: 600 } }, "hang_up"];

const server = new PatterServer({ patterBin: PATTER_BIN, webRoot: WEB_ROOT, agentFile: AGENT_FILE });
let browser;
let page;
let longCallId;

async function sleep(ms) {
  await new Promise((done) => setTimeout(done, ms));
}

// A GET with the path sent exactly as written (fetch would normalise "..").
function rawStatus(path) {
  return new Promise((done, fail) => {
    get(`${server.url}${path}`, { path }, (response) => {
      response.resume();
      done(response.statusCode);
    }).on("error", fail);
  });
}

async function rowIds(selector = "tbody tr[data-call-id]") {
  return page.$$eval(selector, (rows) => rows.map((row) => row.dataset.callId));
}

before(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  await server.start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu"],
  });
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
  page = await context.newPage();
  page.on("pageerror", (error) => console.error("page error:", error));
  await page.goto(`${server.url}/?token=${DASHBOARD_TOKEN}`);
  await page.getByTestId("link-state").filter({ hasText: "Live" }).waitFor({ timeout: 15_000 });
});

after(async () => {
  await browser?.close();
  await server.stop();
});

test("the SPA is served with the right headers and the API needs the token", async () => {
  const index = await fetch(`${server.url}/`);
  assert.equal(index.status, 200);
  assert.equal(index.headers.get("cache-control"), "no-cache");
  assert.match(index.headers.get("content-type"), /text\/html/);
  const fallback = await fetch(`${server.url}/calls/some-call`);
  assert.equal(fallback.status, 200);
  assert.match(await fallback.text(), /<div id="root">/);
  const script = await page.$eval("script[type=module]", (node) => node.getAttribute("src"));
  const asset = await fetch(`${server.url}${script}`);
  assert.equal(asset.status, 200);
  assert.match(asset.headers.get("content-type"), /javascript/);
  assert.match(asset.headers.get("cache-control"), /immutable/);
  assert.equal(await rawStatus("/../../etc/passwd"), 404);
  assert.equal(await rawStatus("/assets/%2e%2e/%2e%2e/index.html"), 404);
  assert.equal(await rawStatus("/.env"), 404);
  assert.equal((await fetch(`${server.url}/api/dashboard/calls`)).status, 401);
});

test("the calls table updates live and the transcript grows turn by turn", async () => {
  const longCall = server.call(LONG_CALL);
  await sleep(1500);
  const shortCall = server.call(SHORT_CALL, { from: "+15550003333" });

  const liveRow = page.locator('tbody tr[data-live="true"]').first();
  await liveRow.waitFor({ timeout: 20_000 });
  await page.locator('tbody tr[data-live="true"]').nth(1).waitFor({ timeout: 20_000 });
  const liveIds = await rowIds('tbody tr[data-live="true"]');
  assert.equal(liveIds.length, 2, "both calls show as live rows");
  // The long call started first, so it is the older (lower) of the two live rows.
  longCallId = liveIds[1];
  const longRow = page.locator(`tbody tr[data-call-id="${longCallId}"]`);

  const before = await longRow.getByTestId("duration").textContent();
  await sleep(2200);
  const later = await longRow.getByTestId("duration").textContent();
  assert.notEqual(later, before, "a live call's duration ticks");
  assert.match(await page.getByTestId("active-calls").textContent(), /Active calls/);

  await longRow.click();
  const lines = page.getByTestId("call-detail").getByTestId("transcript-line");
  const counts = [];
  let liveShot = false;
  while ((await longRow.getAttribute("data-live")) === "true") {
    const count = await lines.count();
    if (counts.at(-1) !== count) counts.push(count);
    if (!liveShot && count >= 3) {
      liveShot = true;
      await page.screenshot({ path: join(ARTIFACTS, "dashboard-light-live.png"), animations: "disabled" });
    }
    await sleep(200);
  }
  await Promise.all([longCall, shortCall]);
  assert.ok(counts.length >= 4, `the live transcript grew step by step: ${counts.join(" → ")}`);
  for (let i = 1; i < counts.length; i += 1) assert.ok(counts[i] > counts[i - 1], `never shrank: ${counts.join(" → ")}`);

  await page.locator(`tbody tr[data-call-id="${longCallId}"] [data-testid=status]`).filter({ hasText: "Completed" }).waitFor();
  await sleep(1500);
  const finalCount = await lines.count();
  assert.ok(finalCount >= counts.at(-1), "the transcript stays after the call ends");
  const text = await page.getByTestId("transcript").textContent();
  assert.match(text, /Trattoria Patter/);
  assert.ok((await page.getByTestId("waterfall-row").count()) >= 2, "one latency row per turn");
  assert.match(await page.getByTestId("cost-stt").textContent(), /Pocketsphinx STT/);
  assert.match(await page.getByTestId("cost-tts").textContent(), /Espeak TTS/);
  assert.equal(await longRow.getByTestId("turns").textContent(), "4");
  await page.keyboard.press("Escape");
  await page.getByTestId("call-detail").waitFor({ state: "detached" });
});

test("metric cards count the calls and explain each sparkline bar", async () => {
  await page.getByTestId("metric-calls").locator(".metric-value").filter({ hasText: "2" }).waitFor({ timeout: 10_000 });
  const bar = page.getByTestId("metric-cost").locator(".spark-bar:not(.empty)").last();
  await bar.hover();
  assert.match(await page.getByTestId("spark-tip-spend").textContent(), /TOTAL COST \$\d+\.\d{3}/);
  await page.getByTestId("metric-latency").locator(".spark-bar:not(.empty)").last().hover();
  assert.match(await page.getByTestId("spark-tip-latency").textContent(), /AVG LATENCY \d+ ms/);
  await page.mouse.move(0, 0);
});

async function screenshots(theme) {
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${theme}.png`), animations: "disabled" });
  await page.locator(`tbody tr[data-call-id="${longCallId}"]`).click();
  await page.getByTestId("cost-panel").waitFor();
  await page.setViewportSize({ width: 1440, height: 1300 });
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${theme}-detail.png`), animations: "disabled" });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.keyboard.press("Escape");
  await page.getByTestId("call-detail").waitFor({ state: "detached" });
}

test("light screenshots", async () => {
  await screenshots("light");
});

test("selected calls are deleted after a confirmation", async () => {
  const ids = await rowIds();
  const victim = ids.find((id) => id !== longCallId);
  assert.ok(victim);
  await page.getByLabel(`Select call ${victim}`).check();
  await page.getByTestId("delete-selected").click();
  const bar = page.getByTestId("bulk-bar");
  assert.match(await bar.textContent(), /Removes from view \+ metrics\. Logs kept on disk\./);
  assert.equal((await rowIds()).includes(victim), true, "nothing is deleted before the confirmation");
  await page.getByTestId("confirm-delete").click();
  await page.locator(`tbody tr[data-call-id="${victim}"]`).waitFor({ state: "detached" });
  assert.equal((await server.api(`/api/dashboard/calls/${victim}`)).status, 404);
  await page.getByTestId("metric-calls").locator(".metric-value").filter({ hasText: "1" }).waitFor();
  await page.reload();
  await page.locator(`tbody tr[data-call-id="${longCallId}"]`).waitFor();
  assert.equal((await rowIds()).includes(victim), false, "the deleted call stays gone after a reload");
});

test("PII reveal and theme toggles persist across a reload", async () => {
  const parties = page.locator(`tbody tr[data-call-id="${longCallId}"]`).getByTestId("parties");
  assert.match(await parties.textContent(), /\u2022\u2022\u20221111/, "numbers are masked by default");
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "light");

  await page.getByTestId("toggle-pii").click();
  await page.getByTestId("toggle-theme").click();
  assert.match(await parties.textContent(), /\+15550001111/);
  await page.reload();
  await page.locator(`tbody tr[data-call-id="${longCallId}"]`).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
  assert.match(await parties.textContent(), /\+15550001111/);
  assert.equal(await page.getByTestId("toggle-pii").getAttribute("aria-pressed"), "true");

  await page.getByTestId("toggle-pii").click();
  await page.reload();
  await page.locator(`tbody tr[data-call-id="${longCallId}"]`).waitFor();
  assert.match(await parties.textContent(), /\u2022\u2022\u20221111/);
  assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), "dark");
});

test("dark screenshots", async () => {
  await page.getByTestId("link-state").filter({ hasText: "Live" }).waitFor();
  await screenshots("dark");
});
