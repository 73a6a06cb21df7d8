/**
 * A refresher with proactive refresh against a token server on 127.0.0.1: the token is renewed in
 * the background, and getToken() answers from the cache.
 * Run: npm run build && npx tsx examples/proactiveRefresh.ts
 */
import { CommunicationTokenCredential } from "rx-communication-common";
import { startTokenServer } from "./support/tokenServer.js";

const server = await startTokenServer(8); // 8-second tokens: refreshed every ~4 s
const credential = new CommunicationTokenCredential({
  refreshProactively: true,
  tokenRefresher: async (abortSignal) => {
    const response = await fetch(server.url, { signal: abortSignal });
    return ((await response.json()) as { token: string }).token;
  },
});

const first = await credential.getToken();
await new Promise((resolve) => setTimeout(resolve, 5_000));
const later = await credential.getToken();
console.log(`refreshed in the background: ${first.token !== later.token}; token server calls: ${server.requests}`);
credential.dispose();
await server.close();
