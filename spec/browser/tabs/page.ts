/**
 * One tab of the C26 browser test: a credential that shares its refreshes with the other tabs of
 * the same user (`shareAcrossTabs`), refreshing proactively from the token server that served this
 * page. Bundled by `scripts/build-browser.mjs` from the built package; `spec/browser/tabs.test.ts`
 * opens it five times in one browser context and reads `window.tabReport`.
 */
import { CommunicationTokenCredential, tokenEndpoint } from "rx-communication-common";
import type { TabReport } from "./tabReport.js";

const tab = new URLSearchParams(location.search).get("tab") ?? "unnamed";
// The tab's name travels to the token server, so that the test knows which tab's refresher asked.
const fetchToken = tokenEndpoint(`/token?tab=${encodeURIComponent(tab)}`);

const report: TabReport = { tab, refresherCalls: 0, tokens: [], distinctTokens: 0, status: "", failedStates: 0 };
(globalThis as { tabReport?: TabReport }).tabReport = report;

const credential = new CommunicationTokenCredential({
  tokenRefresher: (signal) => {
    report.refresherCalls += 1;
    return fetchToken(signal);
  },
  refreshProactively: true,
  shareAcrossTabs: "acs-user-1",
});

credential.state$.subscribe((state) => {
  report.status = state.status;
  if (state.status !== "failed") return;
  report.failedStates += 1;
  report.lastError = state.error.message; // the library's messages never hold a token
});
credential.token$.subscribe(({ token, expiresOnTimestamp }) => {
  if (token !== report.token) {
    report.distinctTokens += 1;
    report.tokens.push(token);
  }
  report.token = token;
  report.expiresOnTimestamp = expiresOnTimestamp;
});
