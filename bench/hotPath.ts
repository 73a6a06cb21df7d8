/**
 * getToken on a cached valid token: awaited calls per second, ours and Azure's alternating over
 * rounds (the median is reported), beside two references that no credential is: a bare
 * `await Promise.resolve(token)`, and the least a correct getToken can do (`leastCorrectGetToken`).
 */
import { createCredential, jwt, median, type Contender } from "./compare.js";

const CALLS_PER_ROUND = 200_000;
const ROUNDS = 7;

/** What the hot path is measured for: the two credentials and the two references. */
export type HotPathEntry = Contender | "bare" | "leastCorrect";

/**
 * The least a correct getToken can do for a fresh token: read the clock once (a token must never be
 * handed out past its expiry, and only the clock says when that is) and return a promise resolved
 * beforehand. Not an `async` function: one that returns a promise wraps it in a new one and adopts it,
 * two more microtask turns that would make the limit half as fast and the budget against it meaningless.
 */
export function leastCorrectGetToken<T extends { expiresOnTimestamp: number }>(token: T): () => Promise<T> {
  const resolved = Promise.resolve(token);
  return () => (Date.now() < token.expiresOnTimestamp ? resolved : Promise.reject(new Error("expired")));
}

async function callsPerSecond(getToken: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS_PER_ROUND; i++) await getToken();
  return CALLS_PER_ROUND / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function hotPath(): Promise<Record<HotPathEntry, number>> {
  const token = jwt(3_600_000);
  const refresher = async () => jwt(3_600_000);
  const ours = createCredential("ours", { tokenRefresher: refresher, token });
  const azure = createCredential("azure", { tokenRefresher: refresher, token });
  const cached = { token, expiresOnTimestamp: Date.now() + 3_600_000 };
  const entries: Record<HotPathEntry, () => Promise<unknown>> = {
    ours: () => ours.getToken(),
    azure: () => azure.getToken(),
    bare: () => Promise.resolve(cached),
    leastCorrect: leastCorrectGetToken(cached),
  };
  const samples: Record<HotPathEntry, number[]> = { ours: [], azure: [], bare: [], leastCorrect: [] };
  for (let round = 0; round < ROUNDS + 1; round++) {
    // The two credentials swap places each round; the references run after them.
    const credentials: Contender[] = round % 2 === 0 ? ["ours", "azure"] : ["azure", "ours"];
    for (const entry of [...credentials, "bare", "leastCorrect"] as const) {
      const rate = await callsPerSecond(entries[entry]);
      if (round > 0) samples[entry].push(rate); // round 0 warms the JIT up
    }
  }
  ours.dispose();
  azure.dispose();
  return {
    ours: median(samples.ours),
    azure: median(samples.azure),
    bare: median(samples.bare),
    leastCorrect: median(samples.leastCorrect),
  };
}
