/**
 * `npm run soak`: 30 simulated days (or `--days N`), from a random seed (or `--seed N`), then the
 * summary. Exits 1 when an invariant was broken; the seed replays the run.
 *
 * `npm run soak -- --network`: the real-I/O soak of bench/network/ instead, `--seconds N` (default 60)
 * per library; `--seed N` replays its fault draw. Exits 1 when a target was missed.
 *
 * `npm run soak -- --network --scenario slow`: the same against a token server slow for everyone,
 * `--seconds N` (default 40) per library; exits 1 when ours made more than 1.1 requests per refresh.
 */
import { parseArgs } from "node:util";
import { runSoak } from "./soak.js";

const { values } = parseArgs({
  options: {
    days: { type: "string", default: "30" },
    seed: { type: "string" },
    network: { type: "boolean", default: false },
    seconds: { type: "string" },
    scenario: { type: "string" },
  },
});
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (values.network) {
  const { DEFAULT_SECONDS, NETWORK_SCENARIOS, runNetworkSoak, runSlowNetworkSoak } =
    await import("./network/networkSoak.js");
  const scenario = NETWORK_SCENARIOS.find((name) => name === (values.scenario ?? "faults"));
  if (scenario === undefined) {
    console.error(`--scenario: ${values.scenario} is none of ${NETWORK_SCENARIOS.join(", ")}`);
    process.exit(2);
  }
  const seconds = values.seconds === undefined ? DEFAULT_SECONDS[scenario] : Number(values.seconds);
  const run = scenario === "slow" ? runSlowNetworkSoak : runNetworkSoak;
  process.exitCode = await run({ seconds, seed });
} else if (values.scenario !== undefined) {
  console.error(`--scenario applies to the network soak: npm run soak -- --network --scenario ${values.scenario}`);
  process.exit(2);
} else {
  await virtualTimeSoak();
}

async function virtualTimeSoak(): Promise<void> {
  const days = Number(values.days);
  console.log(`soak: ${days} simulated days, seed ${seed} (replay with: npm run soak -- --seed ${seed})`);

  const started = Date.now();
  const summary = await runSoak({ days, seed });
  const { violations, credentialCollected, engineHeldSurvivors, ...figures } = summary;
  const gc = (globalThis as { gc?: () => void }).gc;
  // No deref() between collections: a WeakRef keeps its target alive until the end of the job that read it.
  for (let i = 0; i < 5 && gc !== undefined; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (gc !== undefined && !credentialCollected()) violations.push("the disposed credential was not garbage-collected");
  const engineHeldLeft = gc === undefined ? [] : engineHeldSurvivors();
  if (engineHeldLeft.length > 0)
    violations.push(
      `what the disposed credential's engine held was not garbage-collected: ${engineHeldLeft.join(", ")}`,
    );
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
  console.log(
    `what its engine held (its refresher, the last token it handed out) was garbage-collected: ${gc === undefined ? "not checked (needs --expose-gc)" : engineHeldLeft.length === 0 ? true : `false (left: ${engineHeldLeft.join(", ")})`}`,
  );
  console.log(`finished in ${((Date.now() - started) / 1000).toFixed(1)} s of real time`);
  if (violations.length > 0) {
    console.error(`\nVIOLATIONS (seed ${seed}):\n- ${violations.slice(0, 20).join("\n- ")}`);
    process.exit(1);
  }
}
