/**
 * `npm run bench`: this library and @azure/communication-common side by side, in one run, as ratios.
 * Run with node --expose-gc (the npm script does). `npm run bench -- --hot-path` measures the hot path
 * alone, in seconds rather than minutes.
 */
import { cpus } from "node:os";
import { bundleSizes } from "./bundleSize.js";
import { format, printTable, type Row } from "./compare.js";
import { concurrentDemand } from "./concurrentDemand.js";
import { hotPathRows } from "./hotPathRows.js";
import { CHURN_NOISE_BYTES, IDLE_MS, IDLE_TOTAL_MS, idleCost } from "./idle.js";
import { bytesPerCredential, leakCheck } from "./memory.js";
import { stampedeRows } from "./stampedeRows.js";

const hotPathOnly = process.argv.includes("--hot-path");
console.log(`Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} × ${cpus().length}`);
if (!hotPathOnly) {
  console.log(`(the idle rows take ${IDLE_TOTAL_MS / 1000} s of real time; set BENCH_IDLE_MS, in ms, to shorten them)`);
}
console.log();
const rows: Row[] = [];

rows.push(...(await hotPathRows()));
if (hotPathOnly) {
  printTable(rows);
  process.exit(0);
}

const demand = await concurrentDemand();
rows.push({
  measure: "10,000 concurrent getToken: refresher calls",
  ours: String(demand.ours.refresherCalls),
  azure: String(demand.azure.refresherCalls),
  ratio: "",
  note: "must be 1",
});
rows.push({
  measure: "… time until all resolved",
  ours: format.ms(demand.ours.settleMs),
  azure: format.ms(demand.azure.settleMs),
  ratio: format.ratio(demand.ours.settleMs, demand.azure.settleMs),
  note: "lower is better",
});

const memory = { ours: await bytesPerCredential("ours"), azure: await bytesPerCredential("azure") };
rows.push({
  measure: "heap per proactive credential (20,000)",
  ours: format.bytes(memory.ours),
  azure: format.bytes(memory.azure),
  ratio: format.ratio(memory.ours, memory.azure),
  note: "target ≤ 1 KB",
});

const leaks = { ours: await leakCheck("ours"), azure: await leakCheck("azure") };
rows.push({
  measure: "100,000 create→getToken→dispose: heap growth",
  ours: `${(leaks.ours.heapGrowth * 100).toFixed(1)}%`,
  azure: `${(leaks.azure.heapGrowth * 100).toFixed(1)}%`,
  ratio: "",
  note: "target within 5%",
});
rows.push({
  measure: "… timers left behind",
  ours: String(leaks.ours.timersLeft),
  azure: String(leaks.azure.timersLeft),
  ratio: "",
  note: "must be 0",
});

rows.push(...(await stampedeRows()));

const bundles = await bundleSizes();
const lazyNote = (key: "withRxjs" | "rxjsExternal") =>
  `lazy chunks not counted: ours ${format.bytes(bundles.ours[key].lazy)}, Azure ${format.bytes(bundles.azure[key].lazy)}`;
rows.push({
  measure: "browser bundle up front, min+gzip, rxjs bundled",
  ours: format.bytes(bundles.ours.withRxjs.upFront),
  azure: format.bytes(bundles.azure.withRxjs.upFront),
  ratio: format.ratio(bundles.ours.withRxjs.upFront, bundles.azure.withRxjs.upFront),
  note: `target ≤ 8 KB; ${lazyNote("withRxjs")}`,
});
rows.push({
  measure: "browser bundle up front, min+gzip, rxjs external",
  ours: format.bytes(bundles.ours.rxjsExternal.upFront),
  azure: format.bytes(bundles.azure.rxjsExternal.upFront),
  ratio: format.ratio(bundles.ours.rxjsExternal.upFront, bundles.azure.rxjsExternal.upFront),
  note: `target ≤ 3 KB (Azure uses no rxjs); ${lazyNote("rxjsExternal")}`,
});

// Last, so that the process is as quiet as it gets.
const idle = await idleCost();
const idleLabel = IDLE_MS === 60_000 ? "idle minute" : `idle ${IDLE_MS / 1000} s (BENCH_IDLE_MS)`;
rows.push({
  measure: `${idleLabel}, 50,000 proactive (24 h tokens): CPU`,
  ours: format.ms(idle.ours.cpuMs),
  azure: format.ms(idle.azure.cpuMs),
  ratio: format.ratio(idle.ours.cpuMs, idle.azure.cpuMs),
  note: `whole process, user+system; target ≤ Azure; the sampler alone: ${format.ms(idle.baseline.cpuMs)}`,
});
rows.push({
  measure: "… heap churn (bytes allocated)",
  ours: format.bytes(idle.ours.churnBytes),
  azure: format.bytes(idle.azure.churnBytes),
  // Below the noise (V8 alone may add some 380 KB to either side) a ratio means nothing.
  ratio:
    Math.min(idle.ours.churnBytes, idle.azure.churnBytes) > CHURN_NOISE_BYTES
      ? format.ratio(idle.ours.churnBytes, idle.azure.churnBytes)
      : "n/a",
  note: `target < 1 MB; the sampler's own ${format.bytes(idle.baseline.allocated)} subtracted; ratio only if both > ${format.bytes(CHURN_NOISE_BYTES)} (noise)`,
});

printTable(rows);
