/**
 * `npm run soak`: 30 simulated days (or `--days N`), from a random seed (or `--seed N`), then the
 * summary. Exits 1 when an invariant was broken; the seed replays the run.
 *
 * `npm run soak -- --network`: the real-I/O soak of bench/network/ instead, `--seconds N` (default 60)
 * per library; `--seed N` replays its fault draw. Exits 1 when a target was missed.
 */
import { parseArgs } from "node:util";
import { runSoak } from "./soak.js";

const { values } = parseArgs({
  options: {
    days: { type: "string", default: "30" },
    seed: { type: "string" },
    network: { type: "boolean", default: false },
    seconds: { type: "string", default: "60" },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (values.network) {
  const { runNetworkSoak } = await import("./network/networkSoak.js");
  process.exitCode = await runNetworkSoak({ seconds: Number(values.seconds), seed });
} else {
  await virtualTimeSoak();
}

async function virtualTimeSoak(): Promise<void> {
  const days = Number(values.days);
  console.log(`soak: ${days} simulated days, seed ${seed} (replay with: npm run soak -- --seed ${seed})`);

  const started = Date.now();
  const summary = await runSoak({ days, seed });
  const { violations, credentialCollected, ...figures } = summary;
  const gc = (globalThis as { gc?: () => void }).gc;
  // No deref() between collections: a WeakRef keeps its target alive until the end of the job that read it.
  for (let i = 0; i < 5 && gc !== undefined; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (gc !== undefined && !credentialCollected()) violations.push("the disposed credential was not garbage-collected");
  console.table(
    Object.entries(figures).map(([figure, value]) => ({
      figure,
      value: typeof value === "object" ? JSON.stringify(value) : value,
    })),
  );
  console.log(
    `invariants: no expired token handed out (${summary.expiredHandedOut}), no unhandled error (${summary.unhandled}),`,
  );
  console.log(
    `every call settled within refreshTimeoutMs (longest ${summary.longestWaitMs} ms, unsettled ${summary.unsettledCalls}),`,
  );
  console.log(
    `refresher calls ${summary.refresherCalls} ≤ bound ${summary.refresherCallBound}, nothing after dispose (${summary.timersAfterDispose} timers)`,
  );
  console.log(
    `the disposed credential was garbage-collected: ${gc === undefined ? "not checked (needs --expose-gc)" : credentialCollected()}`,
  );
  console.log(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s of real time`);
  if (violations.length > 0) {
    console.error(`\nVIOLATIONS (seed ${seed}):\n- ${violations.slice(0, 20).join("\n- ")}`);
    process.exit(1);
  }
}
