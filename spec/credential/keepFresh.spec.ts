import { BehaviorSubject, NEVER, type Observable } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import type { AccessToken } from "../../lib/index.js";
import { clockFor } from "../../lib/credential/clock.js";
import { keepFresh, type KeepFreshConfig } from "../../lib/credential/keepFresh.js";
import type { RetryPolicy } from "../../lib/credential/refreshPolicy.js";

const MINUTE = 60_000;
const noJitter: RetryPolicy = { initialDelayMs: 1_000, maxDelayMs: 60_000, jitter: false, shouldRetry: () => true };

function scheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

function config(
  testScheduler: TestScheduler,
  overrides: Partial<KeepFreshConfig> & { fetch: Observable<AccessToken> },
) {
  const schedule: (number | undefined)[] = [];
  const retries: number[] = [];
  const full: KeepFreshConfig = {
    tokens: new BehaviorSubject<AccessToken | undefined>(undefined),
    clock: clockFor(testScheduler),
    retry: noJitter,
    wakeUps: NEVER,
    onSchedule: (refreshAt) => schedule.push(refreshAt),
    onRetry: (_error, retryAt) => retries.push(retryAt),
    ...overrides,
  };
  return { full, schedule, retries };
}

describe("keepFresh (marble tests of the proactive pipeline)", () => {
  it("C11: waits until 10 minutes before expiry, then fetches", () => {
    const testScheduler = scheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const fetch = cold<AccessToken>("5s #");
      const tokens = new BehaviorSubject<AccessToken | undefined>({ token: "t", expiresOnTimestamp: 30 * MINUTE });
      const { full, schedule } = config(testScheduler, {
        fetch,
        tokens,
        retry: { ...noJitter, shouldRetry: () => false },
      });
      expectObservable(keepFresh(full), `${21 * MINUTE}ms !`).toBe("");
      expectSubscriptions(fetch.subscriptions).toBe(`${20 * MINUTE}ms ^ 4999ms !`);
      testScheduler.flush();
      expect(schedule).toEqual([20 * MINUTE, undefined, undefined]);
    });
  });

  it("C13: retries a failing fetch after 1 s, 2 s, 4 s, reporting each retry time", () => {
    const testScheduler = scheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const fetch = cold<AccessToken>("100ms #");
      const { full, retries } = config(testScheduler, { fetch });
      expectObservable(keepFresh(full), "8s !").toBe("");
      expectSubscriptions(fetch.subscriptions).toBe([
        "^ 99ms !",
        "1100ms ^ 99ms !",
        "3200ms ^ 99ms !",
        "7300ms ^ 99ms !",
      ]);
      testScheduler.flush();
      expect(retries).toEqual([1_100, 3_200, 7_300, 15_400]);
    });
  });

  it("C13: stops when shouldRetry says so, and reports that nothing is scheduled", () => {
    const testScheduler = scheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const fetch = cold<AccessToken>("100ms #");
      const retry = { ...noJitter, shouldRetry: (_error: unknown, attempt: number) => attempt < 2 };
      const { full, schedule } = config(testScheduler, { fetch, retry });
      expectObservable(keepFresh(full), "60m !").toBe("");
      expectSubscriptions(fetch.subscriptions).toBe(["^ 99ms !", "1100ms ^ 99ms !"]);
      testScheduler.flush();
      expect(schedule).toEqual([0, undefined, undefined]);
    });
  });

  it("C11: a new token from elsewhere restarts the wait from that token's expiry", () => {
    const testScheduler = scheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const fetch = cold<AccessToken>("1s #");
      const tokens = new BehaviorSubject<AccessToken | undefined>({ token: "a", expiresOnTimestamp: 20 * MINUTE });
      testScheduler.schedule(() => tokens.next({ token: "b", expiresOnTimestamp: 60 * MINUTE }), 5 * MINUTE);
      const { full } = config(testScheduler, { fetch, tokens, retry: { ...noJitter, shouldRetry: () => false } });
      expectObservable(keepFresh(full), "60m !").toBe("");
      expectSubscriptions(fetch.subscriptions).toBe(`${50 * MINUTE}ms ^ 999ms !`);
    });
  });

  it("C15: is shared: one schedule for many subscribers, torn down when the last leaves", () => {
    const testScheduler = scheduler();
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const fetch = cold<AccessToken>("1s #");
      const tokens = new BehaviorSubject<AccessToken | undefined>({ token: "a", expiresOnTimestamp: 20 * MINUTE });
      const { full, schedule } = config(testScheduler, {
        fetch,
        tokens,
        retry: { ...noJitter, shouldRetry: () => false },
      });
      const loop = keepFresh(full);
      expectObservable(loop, "^ 5m !").toBe("");
      expectObservable(loop, "^ 9m !").toBe("");
      expectSubscriptions(fetch.subscriptions).toBe([]);
      testScheduler.flush();
      expect(schedule).toEqual([10 * MINUTE, undefined]);
    });
  });
});
