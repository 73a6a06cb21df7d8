/**
 * 10,000 concurrent getToken calls on an empty credential: how many refresher calls, and how long
 * until every call has resolved once the refresher has.
 */
import { createCredential, median, jwt, type Contender } from "./compare.js";

const CALLERS = 10_000;

async function once(contender: Contender): Promise<{ refresherCalls: number; settleMs: number }> {
  let refresherCalls = 0;
  let release: (token: string) => void = () => {};
  let called: () => void = () => {};
  const refresherCalled = new Promise<void>((resolve) => (called = resolve));
  const credential = createCredential(contender, {
    tokenRefresher: () => {
      refresherCalls += 1;
      called();
      return new Promise<string>((resolve) => (release = resolve));
    },
  });
  const calls = Array.from({ length: CALLERS }, () => credential.getToken());
  // Ours calls the refresher once its refresh pipeline (a lazy chunk) has loaded, in a fresh process.
  await refresherCalled;
  await new Promise((resolve) => setImmediate(resolve));
  const started = process.hrtime.bigint();
  release(jwt(3_600_000));
  await Promise.all(calls);
  const settleMs = Number(process.hrtime.bigint() - started) / 1e6;
  credential.dispose();
  return { refresherCalls, settleMs };
}

export async function concurrentDemand(): Promise<Record<Contender, { refresherCalls: number; settleMs: number }>> {
  const runs: Record<Contender, { refresherCalls: number; settleMs: number }[]> = { ours: [], azure: [] };
  for (let round = 0; round < 6; round++) {
    for (const contender of round % 2 === 0 ? (["ours", "azure"] as const) : (["azure", "ours"] as const)) {
      runs[contender].push(await once(contender));
    }
  }
  const summary = (contender: Contender) => ({
    refresherCalls: Math.max(...runs[contender].map((run) => run.refresherCalls)),
    settleMs: median(runs[contender].slice(1).map((run) => run.settleMs)),
  });
  return { ours: summary("ours"), azure: summary("azure") };
}
