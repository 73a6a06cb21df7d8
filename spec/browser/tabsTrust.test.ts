/**
 * `npm run test:browser`, C26: whose tokens a tab takes. Two pages of one origin in one Chromium
 * context: alice's tab (the C26 tab page, `tabs/page.ts`) and a page without the library, whose script
 * posts tokens on the channel the tabs share, as any script of the origin can. A token for another
 * user (another `skypeid`) is never adopted; a newer token of alice's is. Real time, but only for the
 * few hops of a page load and a broadcast: every wait is for a condition.
 */
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { launchChromium } from "../support/chromium.js";
import { reportOf, waitUntil } from "./tabs/pagePolling.js";
import { startTabsTokenServer, type TabsTokenServer } from "./tabs/tokenServer.js";

// Long enough that no tab refreshes on its own while the test runs.
const TOKEN_LIFETIME_MS = 60 * 60 * 1000;

let server: TabsTokenServer;
let browser: Browser;
let context: BrowserContext;
const consoleErrors: string[] = [];

before(async () => {
  server = await startTabsTokenServer({
    tokenLifetimeMs: TOKEN_LIFETIME_MS,
    bundlePath: "spec/browser/tabs/dist/page.js",
  });
  browser = await launchChromium();
  context = await browser.newContext(); // one context: one origin's locks and channels
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openPage(path: string): Promise<Page> {
  const page = await context.newPage();
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(`${path}: ${message.text()}`));
  page.on("pageerror", (error) => consoleErrors.push(`${path}: ${error.message}`));
  await page.goto(`${server.origin}${path}`);
  return page;
}

test("C26: a page of the origin posting another user's token (later expiry) is not adopted by alice's tab; a newer token of alice's is", async () => {
  const alice = await openPage("/?tab=alice");
  await waitUntil("alice's tab holds a token", 10_000, async () => (await reportOf(alice)).token !== undefined);
  const own = server.serialOf((await reportOf(alice)).token);
  assert.equal(own, 1);

  // Mallory's token, then a newer one of alice's, both minted after alice's (so expiring later), and
  // posted in that order from one channel: alice's tab hears them in that order.
  const hostile = await openPage("/blank");
  // No named functions inside: tsx would wrap them in a helper the page does not have.
  await hostile.evaluate(
    async (queries) => {
      const messages = [];
      for (const query of queries) {
        const answer = (await (await fetch(`/token?${query}`)).json()) as { token: string; expiresOn: string };
        const expiresOnTimestamp = Date.parse(answer.expiresOn);
        messages.push({
          type: "rx-communication-common/token",
          token: answer.token,
          expiresOnTimestamp,
          clockOffsetMs: 0,
        });
      }
      const channel = new BroadcastChannel("rx-communication-common:acs-user-1");
      for (const message of messages) channel.postMessage(message);
      channel.close();
    },
    ["tab=mallory&user=acs%3Amallory", "tab=alice-elsewhere"],
  );
  const [mallory, aliceElsewhere] = [2, 3];
  assert.deepEqual(
    server.requests.map(({ tab, serial }) => `${tab} ${serial}`),
    ["alice 1", `mallory ${mallory}`, `alice-elsewhere ${aliceElsewhere}`],
  );

  await waitUntil("alice's tab holds alice's newer token", 10_000, async () => {
    return server.serialOf((await reportOf(alice)).token) === aliceElsewhere;
  });
  const report = await reportOf(alice);
  assert.deepEqual(
    report.tokens.map((token) => server.serialOf(token)),
    [own, aliceElsewhere],
    "the tokens alice's tab held, by serial: never mallory's",
  );
  assert.equal(report.refresherCalls, 1);
  assert.deepEqual(consoleErrors, []);
});
