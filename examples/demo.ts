/**
 * `npm run demo`: a credential keeps a token fresh against a real token server on 127.0.0.1.
 *
 * The server mints JWTs that live 20 seconds, so every token arrives inside the 10-minute proactive
 * window and is refreshed at half its remaining lifetime. One request is made to fail, to show the
 * background retry with backoff and the recovery. Tokens are shown only as fingerprints.
 */
import { createHash } from "node:crypto";
import { CommunicationTokenCredential, type CredentialState } from "rx-communication-common";
import { startTokenServer } from "./support/tokenServer.js";

const TOKEN_LIFETIME_SECONDS = 20;
const RUN_FOR_MS = 40_000;

const startedAt = Date.now();
const elapsed = (at = Date.now()): string => `${((at - startedAt) / 1000).toFixed(1).padStart(5)}s`;
const clockTime = (timestamp: number): string => new Date(timestamp).toISOString().slice(11, 19);
const fingerprint = (token: string): string => createHash("sha256").update(token).digest("hex").slice(0, 8);

function describe(state: CredentialState): string {
  switch (state.status) {
    case "ready":
      return (
        `ready       token ${fingerprint(state.token.token)} expires ${clockTime(state.token.expiresOnTimestamp)}` +
        (state.refreshAt === undefined ? "" : `, refresh at +${elapsed(state.refreshAt).trim()}`)
      );
    case "queued":
      return "queued      waiting for the refresh limiter";
    case "refreshing":
      return "refreshing  calling the token server";
    case "failed":
      return (
        `failed      ${state.error.message}` +
        (state.retryAt === undefined ? "" : `, retry at +${elapsed(state.retryAt).trim()}`)
      );
    default:
      return state.status;
  }
}

const server = await startTokenServer(TOKEN_LIFETIME_SECONDS);
console.log(`token server on ${server.url}, tokens live ${TOKEN_LIFETIME_SECONDS} s\n`);

const credential = new CommunicationTokenCredential({
  refreshProactively: true,
  tokenRefresher: async (abortSignal) => {
    const response = await fetch(server.url, { signal: abortSignal });
    if (!response.ok) throw new Error(`token server answered ${response.status} ${response.statusText}`);
    return ((await response.json()) as { token: string }).token;
  },
});

credential.state$.subscribe((state) => console.log(`${elapsed()}  ${describe(state)}`));

// The third token request fails once: watch the retry with backoff, then the recovery.
const injectFailure = setInterval(() => {
  if (server.requests === 2) {
    server.failNext(1);
    clearInterval(injectFailure);
  }
}, 100);

// Meanwhile the app follows the token, as a chat connection would, and is never handed an expired one.
let handedOut = 0;
let expiredHandedOut = 0;
const consumer = credential.token$.subscribe((token) => {
  handedOut += 1;
  if (token.expiresOnTimestamp <= Date.now()) expiredHandedOut += 1;
});

await new Promise((resolve) => setTimeout(resolve, RUN_FOR_MS));
consumer.unsubscribe();
clearInterval(injectFailure);
credential.dispose();
await server.close();
console.log(
  `\n${server.requests} token requests, ${handedOut} tokens handed out, ${expiredHandedOut} of them expired.`,
);
if (expiredHandedOut > 0) process.exitCode = 1;
