/**
 * The stampede rows of `npm run bench` (scenarios in stampede.ts): the busiest second, i.e. the most
 * refresher calls started in any one second, ours against the Azure SDK on the same credentials.
 */
import type { Row } from "./compare.js";
import { LIMITS, stampede, type StampedeResult } from "./stampede.js";

const COUNT = 100_000;
/** The spread's own target is stated for 5,000 credentials: that N is run as it is, not scaled. */
const SPREAD_TARGET_COUNT = 5_000;
const limiter = `limiter { maxConcurrent: ${LIMITS.maxConcurrent}, perSecond: ${LIMITS.perSecond} }`;

// A stampede that did not refresh every credential would flatter its busiest second: say so.
function incomplete(result: StampedeResult, count: number): string {
  return result.calls < count || result.unresolved > 0
    ? `; INCOMPLETE: ${result.calls} of ${count} called, ${result.unresolved} getToken unresolved`
    : "";
}

function row(measure: string, ours: StampedeResult, azure: StampedeResult, count: number, note: string): Row {
  return {
    measure,
    ours: `${ours.busiestSecond}/s`,
    azure: `${azure.busiestSecond}/s`,
    // Two significant digits: the ratios here are far below the 0.01 that format.ratio can show.
    ratio: `${(ours.busiestSecond / azure.busiestSecond).toPrecision(2)}×`,
    note: note + incomplete(ours, count) + incomplete(azure, count),
  };
}

const lastCall = (result: StampedeResult) =>
  `last call ${(result.lastCallBeforeExpiryMs / 60_000).toFixed(1)} min before expiry`;

export async function stampedeRows(): Promise<Row[]> {
  const azure = await stampede("expiry", { contender: "azure", limited: false, count: COUNT });
  const spread = await stampede("expiry", { contender: "ours", limited: false, count: COUNT });
  const limited = await stampede("expiry", { contender: "ours", limited: true, count: COUNT });
  const small = { contender: "azure", limited: false, count: SPREAD_TARGET_COUNT } as const;
  const azureSmall = await stampede("expiry", small);
  const spreadSmall = await stampede("expiry", { ...small, contender: "ours" });
  const azureStartup = await stampede("startup", { contender: "azure", limited: false, count: COUNT });
  const limitedStartup = await stampede("startup", { contender: "ours", limited: true, count: COUNT });
  return [
    row(
      "100,000 tokens, one expiry: busiest second",
      spread,
      azure,
      COUNT,
      `ours: the spread alone; ${lastCall(spread)}`,
    ),
    row(
      "… ours with a shared limiter",
      limited,
      azure,
      COUNT,
      `${limiter}: target ≤ ${LIMITS.perSecond}/s; ${lastCall(limited)}`,
    ),
    row(
      "5,000 tokens, one expiry: busiest second",
      spreadSmall,
      azureSmall,
      SPREAD_TARGET_COUNT,
      `ours: the spread alone, N = 5,000 run as is: target ≤ 50/s; ${lastCall(spreadSmall)}`,
    ),
    row(
      "startup, 100,000 without a token: busiest second",
      limitedStartup,
      azureStartup,
      COUNT,
      `each asked getToken() once; ours with the ${limiter}: target ≤ ${LIMITS.perSecond}/s`,
    ),
  ];
}
