/**
 * What each tab of the C26 browser test (`spec/browser/tabs.test.ts`) shows the test on `window`:
 * the page writes it, the test reads it with `page.evaluate`. A type only, so the page's bundle
 * carries nothing of it.
 *
 * @example
 * ```ts
 * const report = await page.evaluate(() => (globalThis as { tabReport?: TabReport }).tabReport);
 * ```
 */
export interface TabReport {
  /** The tab's name, from the page's `?tab=` query; its refresher sends it on to the token server. */
  readonly tab: string;
  /** How many times this tab's own refresher ran. */
  refresherCalls: number;
  /** The latest token `token$` gave this tab (a test token the token server minted). */
  token?: string;
  expiresOnTimestamp?: number;
  /** Every different token `token$` gave this tab, in order. */
  tokens: string[];
  /** How many different tokens `token$` gave this tab. */
  distinctTokens: number;
  /** The latest `state$` status; how many times the state was `failed`, and the last failure's message. */
  status: string;
  failedStates: number;
  lastError?: string;
}
