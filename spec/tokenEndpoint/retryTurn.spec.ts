import { Subject, VirtualTimeScheduler } from "rxjs";
import type { RefreshProgress } from "../../lib/index.js";
import { UNHEARD_PROGRESS } from "../../lib/options/tokenRefresher.js";
import { advance, settle, useFakeTime } from "../support/fakeTime.js";
import { MINUTE, OPAQUE_TOKEN } from "../support/tokens.js";
import { refresh, scriptedEndpoint, tokenAsText } from "./scriptedEndpoint.js";

// tokenEndpoint's retries run in the refresh they belong to: each retry asks the refresh for its turn
// (C30: a refresh limiter counts every HTTP attempt), and the waits run on the refresh's scheduler.

describe("C30, C29: tokenEndpoint's retries ask the refresh (scripted fetch, fake time)", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C30: the retry's request waits for progress.retryTurn() after the backoff, and goes when the turn comes", async () => {
    const turns = new Subject<void>();
    const progress: RefreshProgress = { ...UNHEARD_PROGRESS, retryTurn: () => turns };
    const { fetch, calledAt } = scriptedEndpoint({ status: 503 }, tokenAsText);
    const outcome = refresh({ fetch, random: () => 0.5 }, { progress });
    await advance(750 + MINUTE);
    expect(calledAt).toEqual([0]); // the backoff ended at 750 ms; the turn has not come
    turns.next();
    await settle();
    expect(calledAt).toEqual([0, 750 + MINUTE]);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
  });

  it("C30: the first request does not ask for a turn: the refresh already holds its slot", async () => {
    const retryTurn = jest.fn(() => new Subject<void>());
    const { fetch, calledAt } = scriptedEndpoint(tokenAsText);
    const outcome = refresh({ fetch }, { progress: { ...UNHEARD_PROGRESS, retryTurn } });
    await settle();
    expect(calledAt).toEqual([0]);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
    expect(retryTurn).not.toHaveBeenCalled();
  });

  it("C10, C29: the backoff runs on progress.scheduler, so virtual time drives it", async () => {
    const scheduler = new VirtualTimeScheduler();
    const { fetch, calledAt } = scriptedEndpoint({ status: 502 }, tokenAsText);
    const outcome = refresh({ fetch, random: () => 0.5 }, { progress: { ...UNHEARD_PROGRESS, scheduler } });
    await advance(MINUTE);
    expect(calledAt).toEqual([0]); // Jest's clock moved; the refresh's did not
    scheduler.flush();
    await settle();
    expect(scheduler.frame).toBe(750);
    expect(calledAt).toHaveLength(2);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
  });

  it("C29: a random source answering NaN waits the middle of the range, not NaN (no retry at once)", async () => {
    const { fetch, calledAt } = scriptedEndpoint({ status: 503 }, tokenAsText);
    const outcome = refresh({ fetch, random: () => Number.NaN });
    await advance(749);
    expect(calledAt).toEqual([0]);
    await advance(1);
    expect(calledAt).toEqual([0, 750]);
    expect(outcome.value).toBe(OPAQUE_TOKEN);
  });
});
