/**
 * What the Chromium tab tests read from their pages, and how they wait for it: real time passes
 * there, as the tabs refresh on the browser's clock, so a condition is polled until it holds or its
 * time is up.
 */
import assert from "node:assert/strict";
import { setTimeout as delay } from "node:timers/promises";
import type { Page } from "playwright-core";
import type { TabReport } from "./tabReport.js";

/** What the tab page shows the test on `window` (tabReport.ts). */
export async function reportOf(page: Page): Promise<TabReport> {
  const report = await page.evaluate(() => (globalThis as { tabReport?: TabReport }).tabReport);
  assert.ok(report, "the tab page did not start");
  return report;
}

/** Polls until `condition` holds; fails after `timeoutMs`, saying `what` and what `context` tells. */
export async function waitUntil(
  what: string,
  timeoutMs: number,
  condition: () => Promise<boolean>,
  context: () => Promise<string> = async () => "",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) {
      const told = await context();
      assert.fail(`waited ${timeoutMs} ms in vain until ${what}${told === "" ? "" : `; ${told}`}`);
    }
    await delay(100);
  }
}
