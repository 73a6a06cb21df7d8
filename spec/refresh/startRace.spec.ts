import { defer, EMPTY, NEVER } from "rxjs";
import {
  CommunicationTokenCredential,
  CredentialDisposedError,
  InvalidTokenError,
  createRefreshLimiter,
} from "../../lib/index.js";
import { resolveRefreshOptions } from "../../lib/options/options.js";
import type { TokenGroup } from "../../lib/refresh/tokenSharing.js";
import { TokenKeeper } from "../../lib/refresh/tokenKeeper.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, SECOND, jwtValidFor } from "../support/tokens.js";

// Edges of a refresh's start and end that a review found: a state$ subscriber reacting to the new
// state before the caller has joined, a group that ends a refresh without a token, and a limiter
// asked for a retry turn by work it is starting.

describe("a refresh as it starts and ends", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C19: a state$ subscriber that disposes on hearing `refreshing` leaves the refresher uncalled and the caller rejected", async () => {
    const tokenRefresher = jest.fn(() => jwtValidFor(HOUR));
    const credential = new CommunicationTokenCredential({ tokenRefresher, hedgeAfterMs: false });
    credential.state$.subscribe((state) => state.status === "refreshing" && credential.dispose());
    await expect(credential.getToken()).rejects.toBeInstanceOf(CredentialDisposedError);
    expect(tokenRefresher).not.toHaveBeenCalled();
  });

  it("C5, C8: a state$ subscriber that joins the new refresh and leaves at once: the caller's refresh is the one tracked", async () => {
    const signals: AbortSignal[] = [];
    const tokenRefresher = jest.fn((signal: AbortSignal) => {
      signals.push(signal);
      return new Promise<string>((resolve) => setTimeout(() => resolve(jwtValidFor(HOUR)), 5 * SECOND));
    });
    const credential = new CommunicationTokenCredential({ tokenRefresher, hedgeAfterMs: false });
    let reacted = false;
    credential.state$.subscribe((state) => {
      if (state.status !== "refreshing" || reacted) return;
      reacted = true;
      const controller = new AbortController();
      credential.refresh({ abortSignal: controller.signal }).catch(() => {});
      controller.abort(); // the refresh it joined has nobody left: cancelled (C8)
    });
    const caller = track(credential.getToken());
    await advance(SECOND);
    expect(signals.map((signal) => signal.aborted)).toEqual([true, false]); // the caller's own refresh runs
    expect(credential.toJSON().status).toBe("refreshing");
    const joining = track(credential.refresh()); // joins it, rather than calling a third time
    await advance(5 * SECOND);
    expect(tokenRefresher).toHaveBeenCalledTimes(2);
    expect(caller.value).toBeDefined();
    expect(joining.value).toBe(caller.value);
    credential.dispose();
  });

  it("C26: a group that ends a refresh without a token fails that refresh, and the next one calls the refresher", async () => {
    const tokenRefresher = jest.fn(() => jwtValidFor(HOUR));
    let turns = 0;
    const group: TokenGroup = { refreshOnce: (call$) => (++turns === 1 ? EMPTY : call$) };
    const keeper = new TokenKeeper(undefined, resolveRefreshOptions({ tokenRefresher }), () => ({
      group: Promise.resolve(group),
      dispose: () => {},
    }));
    const first = track(keeper.getToken());
    await settle();
    expect(first.error).toBeInstanceOf(InvalidTokenError);
    expect(keeper.status).toBe("failed"); // not refreshing for ever
    const second = track(keeper.getToken());
    await settle();
    expect(second.value?.token).toBe(tokenRefresher.mock.results[0]?.value);
    keeper.dispose();
  });

  it("C30: work the limiter starts that asks for a retry turn at once gets it", async () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 5, perSecond: 10 });
    let turned = false;
    const work = defer(() => {
      limiter.retryTurn().subscribe(() => (turned = true));
      return NEVER;
    });
    const running = limiter.schedule(work, { callerWaiting: false, expiresAt: 0 }).subscribe();
    await settle();
    expect(turned).toBe(true);
    running.unsubscribe();
  });
});
