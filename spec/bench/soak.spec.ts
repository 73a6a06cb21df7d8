import { runSoak } from "../../bench/soak.js";

/** The shortened soak (`npm run soak` runs 30 days): three simulated days from a fixed seed. */
describe("soak: 3 simulated days with a misbehaving refresher (seed 20261128)", () => {
  it("keeps every invariant", async () => {
    const summary = await runSoak({ days: 3, seed: 20_261_128 });
    expect(summary.violations).toEqual([]);
    expect(Object.values(summary.faultsInjected).every((count) => count > 0)).toBe(true);
    expect(summary.expiredHandedOut).toBe(0);
    expect(summary.unhandled).toBe(0);
    expect(summary.unsettledCalls).toBe(0);
    expect(summary.longestWaitMs).toBeLessThanOrEqual(30_000);
    expect(summary.refresherCalls).toBeLessThanOrEqual(summary.refresherCallBound);
    expect(summary.timersAfterDispose).toBe(0);
    expect(summary.getTokenCalls).toBeGreaterThan(1_000);
  });
});
