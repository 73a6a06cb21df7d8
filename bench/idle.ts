/**
 * Idle cost (C24): 50,000 proactive credentials per contender, holding 24-hour tokens, then one real
 * minute of doing nothing (BENCH_IDLE_MS shortens it for quick local runs). Over that minute: the CPU
 * time of the whole process (process.cpuUsage, user + system) and the heap churn. Contenders run one
 * after the other: a set is created, measured, disposed and collected before the next.
 *
 * Heap churn, the bytes allocated in the minute (those dropped again plus any net growth), has no
 * counter in Node 20. So, with node --expose-gc: a full gc() just before the minute, then heapUsed
 * sampled every 250 ms into a preallocated array. Between collections heapUsed only grows, so the sum
 * of the positive steps from sample to sample is what was allocated; the drops that collections made
 * are thereby counted once, and net growth is in the sum too. (Bytes allocated and collected within one
 * 250 ms step are missed, so this is a floor, close for an idle process.) The sampler allocates a
 * little itself (memoryUsage() returns an object, the timer runs): the same figure over an identical
 * minute without credentials is its baseline, subtracted from each contender's. That minute is run
 * before and after the contenders and the smaller figure kept, since stray work (a loader's cache
 * write, a collection's aftermath) only ever adds to it.
 */
import { createCredential, jwt, type Contender, type Credential } from "./compare.js";

const CREDENTIALS = 50_000;
const SAMPLE_EVERY_MS = 250;
export const IDLE_MS = Number(process.env["BENCH_IDLE_MS"] ?? 60_000);
if (!(IDLE_MS >= SAMPLE_EVERY_MS)) throw new Error(`BENCH_IDLE_MS must be at least ${SAMPLE_EVERY_MS}`);

export interface IdleCost {
  /** CPU time of the process in the idle period, user + system, ms. */
  cpuMs: number;
  /** Heap bytes allocated in the idle period, the sampler's own baseline subtracted. */
  churnBytes: number;
}

function fullGc(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("run the idle benchmark with node --expose-gc");
  for (let i = 0; i < 3; i++) gc();
}

/** One idle period, as it is measured: CPU time and the sum of heapUsed's increases. */
async function idlePeriod(periodMs = IDLE_MS): Promise<{ cpuMs: number; allocated: number }> {
  const samples = new Float64Array(Math.floor(periodMs / SAMPLE_EVERY_MS) + 1);
  let taken = 0;
  fullGc();
  const cpuBefore = process.cpuUsage();
  samples[taken++] = process.memoryUsage().heapUsed;
  await new Promise<void>((resolve) => {
    const sampler = setInterval(() => {
      samples[taken++] = process.memoryUsage().heapUsed;
      if (taken < samples.length) return;
      clearInterval(sampler);
      resolve();
    }, SAMPLE_EVERY_MS);
  });
  const cpu = process.cpuUsage(cpuBefore);
  let allocated = 0;
  for (let i = 1; i < samples.length; i++)
    allocated += Math.max(0, (samples[i] as number) - (samples[i - 1] as number));
  return { cpuMs: (cpu.user + cpu.system) / 1_000, allocated };
}

async function idleWith(contender: Contender): Promise<{ cpuMs: number; allocated: number }> {
  const token = jwt(24 * 3_600_000);
  const tokenRefresher = async () => jwt(24 * 3_600_000);
  let held: Credential[] = Array.from({ length: CREDENTIALS }, () =>
    createCredential(contender, { tokenRefresher, token, refreshProactively: true }),
  );
  const cost = await idlePeriod();
  held.forEach((credential) => credential.dispose());
  held = [];
  fullGc();
  return cost;
}

/** The idle cost of each contender, and the sampler's own (no credentials) for reference. */
export async function idleCost(): Promise<
  Record<Contender, IdleCost> & { baseline: { cpuMs: number; allocated: number } }
> {
  await idlePeriod(5_000); // warms the sampler up, and lets work left over from earlier benchmarks end
  const before = await idlePeriod();
  const ours = await idleWith("ours");
  const azure = await idleWith("azure");
  const after = await idlePeriod();
  const baseline = {
    cpuMs: Math.min(before.cpuMs, after.cpuMs),
    allocated: Math.min(before.allocated, after.allocated),
  };
  const net = (cost: { cpuMs: number; allocated: number }): IdleCost => ({
    cpuMs: cost.cpuMs,
    churnBytes: cost.allocated - baseline.allocated,
  });
  return { ours: net(ours), azure: net(azure), baseline };
}
