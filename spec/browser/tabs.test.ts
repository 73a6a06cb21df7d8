/**
 * `npm run test:browser`, C26: five tabs of one app in one Chromium context share one refresh per
 * token period instead of refreshing five times. It runs in real time, unlike the other browser test:
 * the tabs coordinate through the browser's own Web Locks and BroadcastChannel across five pages, and
 * no page's fake clock drives those. So the bounds are generous and nothing counts on machine speed.
 * Everything is served from 127.0.0.1 (`tabs/tokenServer.ts`); the tab page is `tabs/page.ts`.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { setTimeout as delay } from "node:timers/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../support/chromium.js";
import { reportOf, waitUntil } from "./tabs/pagePolling.js";
import type { TabReport } from "./tabs/tabReport.js";
import { startTabsTokenServer, type TabsTokenServer, type TokenRequest } from "./tabs/tokenServer.js";

const TOKEN_LIFETIME_MS = 20_000;
// A token with less than 10 minutes left is refreshed half-way through what is left (refreshPolicy.ts).
const PERIOD_MS = TOKEN_LIFETIME_MS / 2;
const TABS = ["1", "2", "3", "4", "5"];
// Watched until half-way into the sixth period: the check falls between two refreshes.
const WATCHED_MS = 5.5 * PERIOD_MS;

let server: TabsTokenServer;
let browser: Browser;
let context: BrowserContext;
const openTabs = new Map<string, Page>();
const consoleErrors: string[] = [];
let startupRequests = 0;

before(async () => {
  server = await startTabsTokenServer({
    tokenLifetimeMs: TOKEN_LIFETIME_MS,
    bundlePath: "spec/browser/tabs/dist/page.js",
  });
  browser = await launchChromium();
  // One context: tabs share Web Locks and BroadcastChannel only within it, as tabs of one profile do.
  context = await browser.newContext();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openTab(tab: string): Promise<void> {
  const page = await context.newPage();
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(`tab ${tab}: ${message.text()}`));
  page.on("pageerror", (error) => consoleErrors.push(`tab ${tab}: ${error.message}`));
  await page.goto(`${server.origin}/?tab=${tab}`);
  openTabs.set(tab, page);
}

async function reports(): Promise<TabReport[]> {
  return Promise.all([...openTabs.keys()].sort().map((tab) => reportOf(openTabs.get(tab) as Page)));
}

const latestSerial = (): number | undefined => server.requests.at(-1)?.serial;
// Serials, not token strings, go into messages: no token in a test's output.
const serialsHeld = async (): Promise<(number | undefined)[]> =>
  (await reports()).map(({ token }) => server.serialOf(token));
const allHoldAToken = async (): Promise<boolean> => (await serialsHeld()).every((serial) => serial !== undefined);
const allHoldLatest = async (): Promise<boolean> =>
  (await serialsHeld()).every((serial) => serial !== undefined && serial === latestSerial());

async function holdings(): Promise<string> {
  const held = (await reports()).map(
    ({ tab, token, status, lastError }) =>
      `tab ${tab}: token ${server.serialOf(token) ?? "none"}, ${status}${lastError ? ` (${lastError})` : ""}`,
  );
  return `${server.requests.length} tokens minted; ${held.join("; ")}`;
}

// Two tabs refreshing for the same period would ask within moments of each other.
function assertOneRequestPerPeriod(requests: readonly TokenRequest[]): void {
  for (let index = 1; index < requests.length; index += 1) {
    const [previous, request] = [requests[index - 1] as TokenRequest, requests[index] as TokenRequest];
    const gap = request.at - previous.at;
    const who = `tabs ${previous.tab} and ${request.tab}`;
    assert.ok(gap >= PERIOD_MS / 4, `token requests ${previous.serial} and ${request.serial} (${who}) ${gap} ms apart`);
  }
}

test("C26: tabs opened after the first take its token from their peers, not from the token server", async (t) => {
  await openTab(TABS[0] as string);
  await waitUntil("the first tab holds a token", 10_000, allHoldAToken, holdings);
  await Promise.all(TABS.slice(1).map(openTab));
  await waitUntil("every tab holds a token", 10_000, allHoldAToken, holdings);
  startupRequests = server.requests.length;
  t.diagnostic(`token requests while five tabs started: ${startupRequests}`);
  assert.ok(startupRequests <= 2, `${startupRequests} token requests while five tabs started`);
  await waitUntil("every tab holds the newest token", 5_000, allHoldLatest, holdings);
});

test(
  "C26: over five refresh periods the token server sees one request per period, not one per tab",
  { timeout: WATCHED_MS + 30_000 },
  async (t) => {
    const start = server.requests[0]?.at ?? assert.fail("no token was ever requested");
    await delay(Math.max(0, start + WATCHED_MS - Date.now()));
    // Half-way between two refreshes: no refresh is in flight, so the server and the tabs agree.
    const periods = Math.floor((Date.now() - start) / PERIOD_MS);
    const requests = [...server.requests];
    const tabReports = await reports();
    const calls = tabReports.map(({ tab, refresherCalls }) => `tab ${tab}: ${refresherCalls}`).join(", ");
    t.diagnostic(
      `${requests.length} token requests in ${periods} periods of ${PERIOD_MS} ms; refresher calls ${calls}`,
    );

    // The first token, one refresh per period, one spare; five tabs on their own would ask about 5 × (periods + 1) times.
    assert.ok(requests.length <= periods + 2, `${requests.length} token requests in ${periods} periods`);
    assert.ok(requests.length * 2 < TABS.length * periods, `${requests.length} requests: not far fewer than per tab`);
    assert.ok(requests.length >= periods, `only ${requests.length} token requests in ${periods} periods`);
    assertOneRequestPerPeriod(requests.slice(startupRequests - 1));
    // Every request came from one tab's refresher, and the server heard of every refresher call.
    const refresherCalls = tabReports.reduce((sum, { refresherCalls }) => sum + refresherCalls, 0);
    assert.equal(refresherCalls, requests.length, "refresher calls in the tabs against requests at the server");

    await waitUntil("every tab holds the newest token", 5_000, allHoldLatest, holdings);
    const now = Date.now();
    for (const report of await reports()) {
      assert.ok((report.expiresOnTimestamp ?? 0) > now, `tab ${report.tab} holds an expired token`);
      assert.ok(report.distinctTokens >= periods / 2, `tab ${report.tab} saw only ${report.distinctTokens} tokens`);
      assert.equal(report.failedStates, 0, `tab ${report.tab} failed to refresh: ${report.lastError}`);
    }
  },
);

test("C26: no tab keeps a token, or anything else, in storage", async () => {
  for (const [tab, page] of openTabs) {
    const stored = await page.evaluate(async () => ({
      localStorage: localStorage.length,
      sessionStorage: sessionStorage.length,
      cookie: document.cookie,
      indexedDB: (await indexedDB.databases()).map(({ name }) => name ?? ""),
      caches: await caches.keys(),
    }));
    assert.deepEqual(
      stored,
      { localStorage: 0, sessionStorage: 0, cookie: "", indexedDB: [], caches: [] },
      `tab ${tab} stored something`,
    );
  }
  // The context as a whole: cookies, and per origin localStorage, IndexedDB and the origin private file system.
  const state = await context.storageState({ indexedDB: true, opfs: true });
  assert.deepEqual(state.cookies, []);
  for (const { origin, ...stores } of state.origins) {
    const used = Object.entries(stores).filter(([, entries]) => !Array.isArray(entries) || entries.length > 0);
    assert.deepEqual(
      used.map(([store]) => store),
      [],
      `${origin} stored something`,
    );
  }
});

test(
  "C26: closing the tab that refreshed last leaves the refreshing to the others",
  { timeout: PERIOD_MS + 30_000 },
  async (t) => {
    await waitUntil("every tab holds the newest token", 5_000, allHoldLatest, holdings);
    const last = server.requests.at(-1) ?? assert.fail("no token was ever requested");
    const page = openTabs.get(last.tab) ?? assert.fail(`the last refresh came from tab "${last.tab}", not open`);
    const closedReport = (await reports()).find(({ tab }) => tab === last.tab);
    assert.ok((closedReport?.refresherCalls ?? 0) >= 1, `tab ${last.tab}'s own refresher never ran`);
    await page.close();
    openTabs.delete(last.tab);

    // The next refresh is due within a period of the last one; the others take it over.
    const newer = async (): Promise<boolean> => (latestSerial() ?? 0) > last.serial && (await allHoldLatest());
    await waitUntil(
      "the remaining tabs hold a token newer than the closed tab's last",
      PERIOD_MS + 10_000,
      newer,
      holdings,
    );
    const afterClose = server.requests.slice(last.serial);
    const askers = afterClose.map(({ tab, at }) => `tab ${tab} ${at - last.at} ms after the last refresh`);
    t.diagnostic(`closed tab ${last.tab}; then ${afterClose.length} token request(s): ${askers.join(", ")}`);
    assert.ok(afterClose.length <= 2, `${afterClose.length} token requests for one period after the close`);
    assertOneRequestPerPeriod(server.requests.slice(last.serial - 1));
    for (const request of afterClose) assert.notEqual(request.tab, last.tab);
    const now = Date.now();
    for (const report of await reports()) {
      assert.ok((report.expiresOnTimestamp ?? 0) > now, `tab ${report.tab} holds an expired token`);
      assert.equal(report.failedStates, 0, `tab ${report.tab} failed to refresh: ${report.lastError}`);
    }
  },
);

test("C26: no console errors in any tab", () => {
  assert.deepEqual(consoleErrors, []);
});
