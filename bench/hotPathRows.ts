/**
 * The hot-path rows of `npm run bench` (measured in hotPath.ts): awaited getToken calls per second,
 * ours against the Azure SDK, and ours as a share of the least a correct getToken can do, with the
 * budget that share must meet.
 */
import { format, type Row } from "./compare.js";
import { hotPath } from "./hotPath.js";

/** Ours must reach this share of the least a correct getToken can do (one clock read, a resolved promise). */
export const HOT_PATH_BUDGET = 0.9;

export async function hotPathRows(): Promise<Row[]> {
  const rate = await hotPath();
  const withinBudget = rate.ours >= HOT_PATH_BUDGET * rate.leastCorrect;
  return [
    {
      measure: "getToken hot path (awaited calls/s)",
      ours: format.perSecond(rate.ours),
      azure: format.perSecond(rate.azure),
      ratio: format.ratio(rate.ours, rate.azure),
      note: `bare await Promise.resolve: ${format.perSecond(rate.bare)}; target ≥ 1.5×`,
    },
    {
      measure: "… share of the least a correct getToken does",
      ours: format.ratio(rate.ours, rate.leastCorrect),
      azure: format.ratio(rate.azure, rate.leastCorrect),
      ratio: "",
      note:
        `limit (one Date.now(), a resolved promise): ${format.perSecond(rate.leastCorrect)}; ` +
        `budget ours ≥ ${HOT_PATH_BUDGET.toFixed(2)}×: ${withinBudget ? "pass" : "FAIL"}`,
    },
  ];
}
