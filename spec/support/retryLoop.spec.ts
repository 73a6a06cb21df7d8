import { EMPTY, Subject, VirtualTimeScheduler } from "rxjs";
import { UNHEARD_PROGRESS, type RefreshProgress } from "../../lib/options/tokenRefresher.js";
import { withRetries } from "../../lib/support/retryLoop.js";
import type { AttemptResult, RetryPlan } from "../../lib/support/retryPlan.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { MINUTE, START } from "../support/tokens.js";

// The one retry loop inside a refresh, which tokenEndpoint (C29) and the Entra exchange (A5) share.

const PLAN: RetryPlan = {
  maxRetries: 3,
  initialDelayMs: 1_000,
  maxDelayMs: 10_000,
  random: () => 0.5,
  retryAfter: "atLeast",
};
const busy = (retryAfterMs?: number): AttemptResult<string> => ({ failure: new Error("busy"), retryAfterMs });

/** An attempt that plays `results` in turn (the last repeats), recording when it was made (ms since START). */
function scripted(...results: AttemptResult<string>[]) {
  const madeAt: number[] = [];
  const attempt = async (): Promise<AttemptResult<string>> => {
    madeAt.push(Date.now() - START);
    return (results.length > 1 ? results.shift() : results[0]) as AttemptResult<string>;
  };
  return { attempt, madeAt };
}

function run(attempt: () => Promise<AttemptResult<string>>, progress: Partial<RefreshProgress>, plan = PLAN) {
  const controller = new AbortController();
  const outcome = track(withRetries(attempt, plan, controller.signal, { ...UNHEARD_PROGRESS, ...progress }));
  return { outcome, controller };
}

describe("withRetries: the retry loop inside a refresh", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C10, C29: waits on progress.scheduler: virtual time drives the backoff, and no global timer is set", async () => {
    const scheduler = new VirtualTimeScheduler();
    const { attempt, madeAt } = scripted(busy(), { value: "token" });
    const { outcome } = run(attempt, { scheduler });
    await settle();
    expect(jest.getTimerCount()).toBe(0);
    await advance(MINUTE);
    expect(madeAt).toEqual([0]);
    scheduler.flush();
    await settle();
    expect(scheduler.frame).toBe(750);
    expect(madeAt).toHaveLength(2);
    expect(outcome.value).toBe("token");
  });

  it("C30: each retry waits for progress.retryTurn() after its backoff; the first attempt does not", async () => {
    const turns = new Subject<void>();
    const retryTurn = jest.fn(() => turns);
    const { attempt, madeAt } = scripted(busy(), busy(), { value: "token" });
    const { outcome } = run(attempt, { retryTurn });
    await settle();
    expect(retryTurn).not.toHaveBeenCalled();
    await advance(750);
    expect(retryTurn).toHaveBeenCalledTimes(1);
    await advance(MINUTE);
    expect(madeAt).toEqual([0]); // the backoff is over, the turn not yet given
    turns.next();
    await settle();
    expect(madeAt).toEqual([0, 750 + MINUTE]);
    await advance(1_500);
    expect(retryTurn).toHaveBeenCalledTimes(2);
    turns.next();
    await settle();
    expect(madeAt).toHaveLength(3);
    expect(outcome.value).toBe("token");
  });

  it("C30: an abort while waiting for the turn rejects at once with the signal's reason and stops waiting", async () => {
    const turns = new Subject<void>();
    const { attempt, madeAt } = scripted(busy(), { value: "token" });
    const { outcome, controller } = run(attempt, { retryTurn: () => turns });
    await advance(750);
    expect(turns.observed).toBe(true);
    const reason = new Error("disposed");
    controller.abort(reason);
    await settle();
    expect(outcome.error).toBe(reason);
    expect(turns.observed).toBe(false);
    turns.next();
    await settle();
    expect(madeAt).toEqual([0]);
  });

  it("C30: a turn that ends without being given sends nothing: the last failure", async () => {
    const failure = new Error("busy");
    const { attempt, madeAt } = scripted({ failure }, { value: "token" });
    const { outcome } = run(attempt, { retryTurn: () => EMPTY });
    await advance(750);
    expect(outcome.error).toBe(failure);
    expect(madeAt).toEqual([0]);
  });

  it("C29: a progress written before retryTurn existed waits for no turn", async () => {
    const { attempt, madeAt } = scripted(busy(), { value: "token" });
    const older = { backingOff: () => {} } as unknown as RefreshProgress;
    const outcome = track(withRetries(attempt, PLAN, new AbortController().signal, older));
    await advance(750);
    expect(madeAt).toEqual([0, 750]);
    expect(outcome.value).toBe("token");
  });

  it.each<[RetryPlan["retryAfter"], number | undefined, number]>([
    ["atLeast", 0, 750],
    ["atLeast", 2_000, 2_000],
    ["atLeast", undefined, 750],
    ["asAsked", 0, 0],
    ["asAsked", 300, 300],
    ["asAsked", undefined, 750],
  ])("C29, A5: retryAfter %s with a failure asking for %s ms: the retry %d ms later", async (mode, asked, at) => {
    const { attempt, madeAt } = scripted(busy(asked), { value: "token" });
    run(attempt, {}, { ...PLAN, retryAfter: mode });
    await advance(at);
    expect(madeAt).toEqual([0, at]);
  });
});
