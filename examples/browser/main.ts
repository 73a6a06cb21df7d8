/**
 * The browser example: the built ESM package, bundled with esbuild. A credential whose refresher
 * calls the token server that served this page shows its state live; one request is signed with an
 * access key. `npm run test:browser` drives this page in headless Chromium.
 */
import {
  AccessKeyCredential,
  CommunicationTokenCredential,
  signRequest,
  type CredentialState,
} from "rx-communication-common";

/** What the page reports to the browser test. */
interface PageResults {
  tokens: { fingerprint: string; expiresOnTimestamp: number }[];
  states: string[];
  signature?: { headers: Record<string, string>; url: string; date: string };
}
const results: PageResults = { tokens: [], states: [] };
(globalThis as { pageResults?: PageResults }).pageResults = results;

const element = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;
const fingerprint = (token: string): string => `${token.slice(-6)}`;

function describe(state: CredentialState): string {
  const time = new Date().toISOString().slice(11, 19);
  if (state.status === "ready")
    return `${time} ready, expires ${new Date(state.token.expiresOnTimestamp).toISOString().slice(11, 19)}`;
  if (state.status === "failed") return `${time} failed: ${state.error.message}`;
  return `${time} ${state.status}`;
}

const credential = new CommunicationTokenCredential({
  refreshProactively: true,
  tokenRefresher: async (abortSignal) => {
    const response = await fetch("/token", { signal: abortSignal });
    if (!response.ok) throw new Error(`token server answered ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  },
});

credential.state$.subscribe((state) => {
  results.states.push(state.status);
  element("status").textContent = state.status;
  element("timeline").textContent += `${describe(state)}\n`;
});
credential.token$.subscribe(({ token, expiresOnTimestamp }) => {
  results.tokens.push({ fingerprint: fingerprint(token), expiresOnTimestamp });
});

// Sign one request; the key and date come from the page's query so the test can check the signature.
const query = new URLSearchParams(location.search);
const key = query.get("key");
if (key !== null) {
  const url = `${location.origin}/identities?api-version=2023-10-01&q=a%20b`;
  const date = new Date(query.get("date") ?? Date.now());
  const headers = await signRequest({ method: "POST", url, body: "{}" }, new AccessKeyCredential(key), { date });
  results.signature = { headers: { ...headers }, url, date: date.toISOString() };
  element("signature").textContent = `POST ${url}\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\n")}`;
}
