/**
 * `npm run test:browser`: the browser example in Debian's headless Chromium, driven by playwright-core.
 * The page's clock is Playwright's fake clock, so the proactive refresh comes by advancing virtual
 * time, not by waiting. Everything is served from 127.0.0.1.
 */
import assert from "node:assert/strict";
import { createHmac, createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchChromium } from "../support/chromium.js";

const TOKEN_LIFETIME_SECONDS = 20;
const KEY = Buffer.from("browser test access key, not real").toString("base64");
const SIGNING_DATE = "2026-01-01T12:00:00.000Z";

function mintJwt(nowMs: number): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${part({ alg: "none" })}.${part({ exp: Math.floor(nowMs / 1000) + TOKEN_LIFETIME_SECONDS, n: Math.random() })}.`;
}

let server: Server;
let origin: string;
let browser: Browser;
let page: Page;
const consoleErrors: string[] = [];
let pageNow = 0; // the page's virtual time, for minting tokens that live 20 s from the page's point of view

before(async () => {
  const files: Record<string, [string, string]> = {
    "/": ["examples/browser/index.html", "text/html"],
    "/dist/main.js": ["examples/browser/dist/main.js", "text/javascript"],
  };
  server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    if (path === "/token") {
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ token: mintJwt(pageNow) }));
      return;
    }
    const file = files[path];
    if (file === undefined) return void response.writeHead(404).end();
    response.writeHead(200, { "content-type": file[1] }).end(readFileSync(file[0]));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage();
  page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
  page.on("pageerror", (error) => consoleErrors.push(error.message));
  pageNow = Date.parse("2026-06-01T08:00:00Z");
  await page.clock.install({ time: pageNow });
  await page.goto(`${origin}/?key=${encodeURIComponent(KEY)}&date=${SIGNING_DATE}`);
});

after(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

type PageResults = {
  tokens: { fingerprint: string }[];
  states: string[];
  signature?: { headers: Record<string, string>; url: string };
};
const results = () => page.evaluate(() => (globalThis as unknown as { pageResults: PageResults }).pageResults);

async function advancePageClock(ms: number): Promise<void> {
  for (let step = 0; step < ms; step += 1_000) {
    pageNow += 1_000;
    await page.clock.runFor(1_000);
    await page.waitForTimeout(0); // let fetches to the token server complete between virtual seconds
  }
}

test("a token arrives", async () => {
  await page.waitForFunction(
    () => (globalThis as unknown as { pageResults?: PageResults }).pageResults?.tokens.length === 1,
  );
  assert.equal((await page.textContent("#status"))?.trim(), "ready");
});

test("a proactive refresh happens at half the token's lifetime, on the page's virtual clock", async () => {
  await advancePageClock((TOKEN_LIFETIME_SECONDS / 2 + 1) * 1_000);
  await page.waitForFunction(
    () => (globalThis as unknown as { pageResults: PageResults }).pageResults.tokens.length >= 2,
  );
  const { tokens, states } = await results();
  assert.notEqual(tokens[0]?.fingerprint, tokens[1]?.fingerprint);
  assert.deepEqual(states.slice(0, 3), ["idle", "refreshing", "ready"]);
});

test("the HMAC signature computed in the browser matches the one computed in Node", async () => {
  const { signature } = await results();
  assert.ok(signature);
  const url = new URL(signature.url);
  const date = new Date(SIGNING_DATE).toUTCString();
  const contentHash = createHash("sha256").update("{}").digest("base64");
  const stringToSign = `POST\n${url.pathname}${url.search}\n${date};${url.host};${contentHash}`;
  const expected = createHmac("sha256", Buffer.from(KEY, "base64")).update(stringToSign).digest("base64");
  assert.equal(signature.headers["x-ms-date"], date);
  assert.equal(signature.headers["x-ms-content-sha256"], contentHash);
  assert.equal(
    signature.headers["Authorization"],
    `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${expected}`,
  );
});

test("no console errors", () => {
  assert.deepEqual(consoleErrors, []);
});
