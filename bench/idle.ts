/**
 * Idle cost (C24): 50,000 proactive credentials per contender, holding 24-hour tokens, then one real
 * minute of doing nothing (BENCH_IDLE_MS shortens it for quick local runs). Over that minute: the CPU
 * time of the whole process (process.cpuUsage delta, user + system) and the heap churn. Contenders run
 * one after the other: a set is created, settles, is measured, then disposed and collected.
 *
 * Heap churn, the bytes allocated in the minute (dropped again or kept), has no counter in Node 20.
 * So, with node --expose-gc: a full gc() just before the minute, then heapUsed sampled every 250 ms
 * into a preallocated array, and the positive steps from sample to sample summed. heapUsed only grows
 * between collections, so the sum is what collections dropped plus the net growth; it is a floor
 * (what is allocated and collected within one step is missed), close for an idle process. The
 * sampler allocates a little itself (memoryUsage() returns an object, the timer runs), and V8
 * allocates for its own needs now and then (compiled code among them: single steps of 50 to 380 KB,
 * seen with ours, with Azure's and with no credentials at all, at random moments of random minutes):
 * the same figure over a minute without credentials, run before and after the contenders with the
 * smaller kept, is subtracted from each contender's. Expect up to CHURN_NOISE_BYTES of noise.
 *
 * Settling: V8's memory reducer collects 8 s or more after a full GC that finds the heap over 10 MB
 * bigger than at its last run, once allocation has calmed down, which a new set (about 25 MB) and the
 * gc() make happen. Left alone, that collection lands in the minute of whichever contender comes
 * first (some 100 ms of CPU). It belongs to having allocated the set, not to idling, so every set
 * first idles unmeasured for three times 10 s, each after a gc(), like the minute itself.
 */
import { createCredential, jwt, type Contender, type Credential } from "./compare.js";

const CREDENTIALS = 50_000;
/** Churn below this is within the noise of the method (seen: single steps up to about 380 KB). */
export const CHURN_NOISE_BYTES = 512 * 1024;
const SAMPLE_EVERY_MS = 250;
const WARM_UP_MS = 5_000;
export const IDLE_MS = Number(process.env["BENCH_IDLE_MS"] ?? 60_000);
if (!(IDLE_MS >= SAMPLE_EVERY_MS)) throw new Error(`BENCH_IDLE_MS must be at least ${SAMPLE_EVERY_MS}`);
const SETTLE_MS = Math.min(30_000, IDLE_MS / 2); // shorter only for a shortened idle period
/** The real time idleCost() takes. */
export const IDLE_TOTAL_MS = WARM_UP_MS + 4 * IDLE_MS + 2 * SETTLE_MS;

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

function createSet(contender: Contender): Credential[] {
  const token = jwt(24 * 3_600_000);
  const tokenRefresher = async () => jwt(24 * 3_600_000);
  return Array.from({ length: CREDENTIALS }, () =>
    createCredential(contender, { tokenRefresher, token, refreshProactively: true }),
  );
}

async function idleWith(contender: Contender): Promise<{ cpuMs: number; allocated: number }> {
  let held = createSet(contender);
  for (let i = 0; i < 3; i++) await idlePeriod(SETTLE_MS / 3); // see "Settling" above
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
  await idlePeriod(WARM_UP_MS); // warms the sampler up
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
