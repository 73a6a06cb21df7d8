/**
 * getToken on a cached valid token: awaited calls per second, ours and Azure's alternating over
 * rounds (the median is reported), and a bare `await Promise.resolve(token)` as the ceiling.
 */
import { createCredential, jwt, median, type Contender } from "./compare.js";

const CALLS_PER_ROUND = 200_000;
const ROUNDS = 7;

async function callsPerSecond(getToken: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  for (let i = 0; i < CALLS_PER_ROUND; i++) await getToken();
  return CALLS_PER_ROUND / (Number(process.hrtime.bigint() - started) / 1e9);
}

export async function hotPath(): Promise<Record<Contender | "bare", number>> {
  const token = jwt(3_600_000);
  const refresher = async () => jwt(3_600_000);
  const ours = createCredential("ours", { tokenRefresher: refresher, token });
  const azure = createCredential("azure", { tokenRefresher: refresher, token });
  const cached = { token, expiresOnTimestamp: Date.now() + 3_600_000 };
  const bare = () => Promise.resolve(cached);
  const samples: Record<Contender | "bare", number[]> = { ours: [], azure: [], bare: [] };
  for (let round = 0; round < ROUNDS + 1; round++) {
    const order: (Contender | "bare")[] = round % 2 === 0 ? ["ours", "azure", "bare"] : ["azure", "ours", "bare"];
    for (const contender of order) {
      const getToken = contender === "bare" ? bare : () => (contender === "ours" ? ours : azure).getToken();
      const rate = await callsPerSecond(getToken);
      if (round > 0) samples[contender].push(rate); // round 0 warms the JIT up
    }
  }
  ours.dispose();
  azure.dispose();
  return { ours: median(samples.ours), azure: median(samples.azure), bare: median(samples.bare) };
}
