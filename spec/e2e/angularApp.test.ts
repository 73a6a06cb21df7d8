/**
 * `npm run test:e2e`: the example Angular 21 app (examples/angular-app), built by `ng build` against
 * the packed library (scripts/e2e-angular-app.mjs does that first), in Debian's headless Chromium
 * driven by playwright-core. The server checks what the browser sent: a token it minted on the ACS
 * endpoint, one renewal after a 401, and no Authorization header on a look-alike host.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync } from "node:fs";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/chromium.js";
import { bearerToken } from "./acsEmulator.js";
import { startTestServer, type TestServer } from "./testServer.js";

const APP_ROOT = "examples/angular-app/dist/browser";
const SCREENSHOT = "docs/angular-app.png";

let server: TestServer;
let browser: Browser;
let page: Page;
const consoleErrors: { text: string; url: string }[] = [];

before(async () => {
  assert.ok(existsSync(`${APP_ROOT}/index.html`), `${APP_ROOT}: run scripts/e2e-angular-app.mjs first`);
  server = await startTestServer(APP_ROOT);
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 800, height: 640 }, deviceScaleFactor: 1 });
  page.on("console", (message) => {
    if (message.type() === "error") consoleErrors.push({ text: message.text(), url: message.location().url });
  });
  page.on("pageerror", (error) => consoleErrors.push({ text: error.message, url: "" }));
  await page.goto(server.appOrigin);
});

after(async () => {
  await browser?.close();
  await server?.close();
});

const text = async (selector: string) => (await page.textContent(selector))?.replace(/\s+/g, " ").trim();

/** Clicks `button` and waits for `result` to show the answer of call number `call`. */
async function callAndWait(button: string, result: string, call: number): Promise<string | undefined> {
  await page.click(button);
  await page.waitForSelector(`${result}[data-call="${call}"]`);
  return text(result);
}

test("the page shows the credential's state, ready, with the one token /api/acs-token minted", async () => {
  await page.waitForFunction(() => document.querySelector("#credential-state")?.textContent?.trim() === "ready");
  assert.equal(server.acs.minted.length, 1);
  assert.equal(await text("#tokens-received"), "1");
  assert.equal(await text("#token-expiry"), "in about 30 min");
});

test("an HttpClient call to the ACS endpoint carries the minted token and succeeds", async () => {
  assert.equal(await callAndWait("#call-acs", "#acs-result", 1), "Call 1: 200 OK · 2 chat threads");
  assert.deepEqual(
    server.acs.acsRequests.map(({ method, path, authorization, status }) => ({
      method,
      path,
      token: bearerToken(authorization),
      status,
    })),
    [{ method: "GET", path: "/chat/threads", token: server.acs.minted[0], status: 200 }],
  );
});

test("when ACS starts rejecting the token with 401, one renewal follows and the retried call succeeds", async () => {
  server.acs.rejectTokensMintedSoFar();
  const sentBefore = server.acs.acsRequests.length;
  assert.equal(await callAndWait("#call-acs", "#acs-result", 2), "Call 2: 200 OK · 2 chat threads");
  assert.equal(server.acs.minted.length, 2, "exactly one token renewal");
  const [rejected, renewed] = server.acs.minted;
  assert.notEqual(rejected, renewed);
  assert.deepEqual(
    server.acs.acsRequests
      .slice(sentBefore)
      .map(({ authorization, status }) => ({ token: bearerToken(authorization), status })),
    [
      { token: rejected, status: 401 },
      { token: renewed, status: 200 },
    ],
  );
  assert.equal(await text("#tokens-received"), "2");
  assert.equal(await text("#credential-state"), "ready");
});

test("a call to the look-alike host, 127.0.0.2 on the same port, carries no Authorization header", async () => {
  assert.equal(
    await callAndWait("#call-look-alike", "#look-alike-result", 1),
    "Call 1: 200 OK · no Authorization header",
  );
  assert.deepEqual(server.acs.lookAlikeRequests, [
    { method: "GET", path: "/chat/threads", authorization: undefined, status: 200 },
  ]);
  assert.equal(server.acs.minted.length, 2, "no token was fetched for it either");
});

test("a screenshot of the running app is saved to docs/angular-app.png", async () => {
  mkdirSync("docs", { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.ok(existsSync(SCREENSHOT));
});

test("no console errors but the browser's report of the one 401", () => {
  assert.deepEqual(consoleErrors, [
    {
      text: "Failed to load resource: the server responded with a status of 401 (Unauthorized)",
      url: `${server.acsEndpoint}/chat/threads?api-version=2024-03-07`,
    },
  ]);
});
