/**
 * Composing token$ into a pipeline: a (simulated) chat connection reconnects with each new token,
 * and the credential keeps the token fresh while the pipeline is subscribed.
 * Run: npm run build && npx tsx examples/composeToken.ts
 */
import { map, switchMap, take, timer } from "rxjs";
import { CommunicationTokenCredential } from "rx-communication-common";

let issued = 0;
const credential = new CommunicationTokenCredential({
  // 4-second tokens, so the example shows two of them quickly.
  tokenRefresher: () => ({ token: `token-${++issued}`, expiresOnTimestamp: Date.now() + 4_000 }),
});

const connection$ = credential.token$.pipe(
  switchMap(({ token }) => timer(0, 1_000).pipe(map((tick) => `connected with ${token} (heartbeat ${tick})`))),
);

connection$.pipe(take(5)).subscribe({
  next: (line) => console.log(line),
  complete: () => credential.dispose(),
});
