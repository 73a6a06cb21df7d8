import fc from "fast-check";
import { concat, defer, NEVER, Observable, of, Subject, take, throwError, timeout, type Subscription } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import {
  createRefreshLimiter,
  type RefreshLimiter,
  type RefreshLimiterOptions,
  type RefreshPriority,
} from "../../lib/limiter/refreshLimiter.js";
import { useFakeTime } from "../support/fakeTime.js";
import { HOUR, MINUTE, SECOND, START } from "../support/tokens.js";

const background = (expiresAt = START + HOUR): RefreshPriority => ({ callerWaiting: false, expiresAt });
const caller = (expiresAt = -Infinity): RefreshPriority => ({ callerWaiting: true, expiresAt });

/** Work that says when it was called, finishes `durationMs` later with its name, and counts what is in flight. */
class Refreshes {
  readonly started: { name: string; at: number }[] = [];
  readonly results: string[] = [];
  inFlight = 0;
  maxInFlight = 0;

  work(name: string, durationMs = 1_000): Observable<string> {
    return new Observable<string>((subscriber) => {
      this.started.push({ name, at: Date.now() });
      this.maxInFlight = Math.max(this.maxInFlight, ++this.inFlight);
      const handle = setTimeout(() => {
        subscriber.next(name);
        subscriber.complete();
      }, durationMs);
      return () => {
        clearTimeout(handle);
        this.inFlight--;
      };
    });
  }

  run(limiter: RefreshLimiter, name: string, priority: RefreshPriority, durationMs?: number): Subscription {
    return limiter.schedule(this.work(name, durationMs), priority).subscribe((value) => this.results.push(value));
  }

  get order(): string[] {
    return this.started.map((start) => start.name);
  }
}

/** Every interval [t, t + 1000) holds at most `perSecond` of `times`. */
function expectSlidingWindowRespected(times: number[], perSecond: number): void {
  const sorted = [...times].sort((a, b) => a - b);
  for (let i = 0; i + perSecond < sorted.length; i++) {
    const [first, last] = [sorted[i] as number, sorted[i + perSecond] as number];
    if (last - first < SECOND) throw new Error(`${perSecond + 1} starts between ${first} and ${last}`);
  }
}

function expectNothingLeft(limiter: RefreshLimiter): void {
  expect({ running: limiter.running, waiting: limiter.waiting, timers: jest.getTimerCount() }).toEqual({
    running: 0,
    waiting: 0,
    timers: 0,
  });
}

beforeEach(useFakeTime);
afterEach(() => jest.useRealTimers());

describe("createRefreshLimiter: limits (C23)", () => {
  it("never exceeds maxConcurrent in flight nor perSecond started in any 1000 ms, whatever the arrivals", () => {
    const arrival = fc.record({
      at: fc.oneof(fc.integer({ min: 0, max: 3_000 }), fc.constantFrom(999, 1_000, 1_001, 1_999, 2_000)),
      durationMs: fc.integer({ min: 0, max: 2_500 }),
      callerWaiting: fc.boolean(),
      expiresAt: fc.integer({ min: 0, max: 5 }),
    });
    const limits = fc.record({
      maxConcurrent: fc.integer({ min: 1, max: 8 }),
      perSecond: fc.integer({ min: 1, max: 10 }),
    });
    fc.assert(
      fc.property(limits, fc.array(arrival, { maxLength: 60 }), (options, arrivals) => {
        const limiter = createRefreshLimiter(options);
        const refreshes = new Refreshes();
        arrivals.forEach(({ at, durationMs, callerWaiting, expiresAt }, index) =>
          setTimeout(() => refreshes.run(limiter, `r${index}`, { callerWaiting, expiresAt }, durationMs), at),
        );
        jest.runAllTimers();
        expect(refreshes.results).toHaveLength(arrivals.length);
        expect(refreshes.maxInFlight).toBeLessThanOrEqual(options.maxConcurrent);
        expectSlidingWindowRespected(
          refreshes.started.map(({ at }) => at),
          options.perSecond,
        );
        expectNothingLeft(limiter);
      }),
      { numRuns: 300 },
    );
  });

  it("starts the moment the oldest start leaves the window, a sliding window and not calendar seconds", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 100, perSecond: 3 });
    const refreshes = new Refreshes();
    for (let i = 0; i < 7; i++) refreshes.run(limiter, `a${i}`, background(), 0);
    jest.advanceTimersByTime(999);
    for (let i = 0; i < 3; i++) refreshes.run(limiter, `b${i}`, background(), 0);
    jest.runAllTimers();
    const offsets = refreshes.started.map(({ at }) => at - START);
    // The b burst arrives at 999 and queues behind a3–a6; each second lets the next 3 through.
    expect(offsets).toEqual([0, 0, 0, 1_000, 1_000, 1_000, 2_000, 2_000, 2_000, 3_000]);
    expect(refreshes.order.slice(6)).toEqual(["a6", "b0", "b1", "b2"]);
  });

  it("lets no second burst through at a calendar second's edge", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 100, perSecond: 5 });
    const refreshes = new Refreshes();
    jest.advanceTimersByTime(999);
    for (let i = 0; i < 5; i++) refreshes.run(limiter, `early${i}`, background(), 0);
    jest.advanceTimersByTime(1);
    for (let i = 0; i < 5; i++) refreshes.run(limiter, `late${i}`, background(), 0);
    expect(limiter.waiting).toBe(5);
    expect(jest.getTimerCount()).toBe(1);
    jest.runAllTimers();
    expect(refreshes.started.map(({ at }) => at - START)).toEqual([...Array(5).fill(999), ...Array(5).fill(1_999)]);
    expectNothingLeft(limiter);
  });

  it("still starts within a second when the wall clock is set back", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 10, perSecond: 1 });
    const refreshes = new Refreshes();
    refreshes.run(limiter, "before", background(), 0);
    jest.setSystemTime(START - HOUR);
    refreshes.run(limiter, "after", background(), 0);
    jest.runAllTimers();
    expect(refreshes.started).toEqual([
      { name: "before", at: START },
      { name: "after", at: START - HOUR + SECOND },
    ]);
    expectNothingLeft(limiter);
  });
});

describe("createRefreshLimiter: at scale (C23)", () => {
  it("puts 20,000 refreshes through 50 in flight and 100 a second, in priority order, leaving nothing behind", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 50, perSecond: 100 });
    const refreshes = new Refreshes();
    const requests = Array.from({ length: 20_000 }, (_, index) => ({
      name: String(index),
      index,
      priority: {
        callerWaiting: index % 7 === 3,
        expiresAt: index % 11 === 0 ? -Infinity : START + (index % 97) * MINUTE,
      },
    }));
    for (const { name, priority } of requests) refreshes.run(limiter, name, priority, (Number(name) * 7919) % 2_000);
    expect({ running: limiter.running, waiting: limiter.waiting }).toEqual({ running: 50, waiting: 19_950 });
    jest.runAllTimers();

    expect(refreshes.results).toHaveLength(20_000);
    expect(refreshes.maxInFlight).toBe(50);
    expectSlidingWindowRespected(
      refreshes.started.map(({ at }) => at),
      100,
    );
    const queued = requests
      .slice(50)
      .sort(
        (a, b) =>
          Number(b.priority.callerWaiting) - Number(a.priority.callerWaiting) ||
          a.priority.expiresAt - b.priority.expiresAt ||
          a.index - b.index,
      );
    expect(refreshes.order).toEqual([...requests.slice(0, 50), ...queued].map(({ name }) => name));
    expectNothingLeft(limiter);
  });

  it("drains a queue of 20,000 synchronous refreshes in one go without growing the stack", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 1_000_000 });
    const refreshes = new Refreshes();
    refreshes.run(limiter, "blocker", background(), 1_000);
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) limiter.schedule(of(i), background()).subscribe((value) => values.push(value));
    expect(limiter.waiting).toBe(20_000);
    jest.advanceTimersByTime(1_000);
    expect(values).toHaveLength(20_000);
    expect(values.every((value, index) => value === index)).toBe(true);
    expectNothingLeft(limiter);
  });
});

describe("createRefreshLimiter: priority (C23)", () => {
  function blockedLimiter() {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 1_000 });
    const refreshes = new Refreshes();
    refreshes.run(limiter, "blocker", background(), 1_000);
    return { limiter, refreshes };
  }

  it("serves waiting callers first, then the earliest expiry, first come first served on ties", () => {
    const { limiter, refreshes } = blockedLimiter();
    refreshes.run(limiter, "background, expires in 3 min", background(START + 3 * MINUTE));
    refreshes.run(limiter, "background, expires in 1 min", background(START + MINUTE));
    refreshes.run(limiter, "caller, token expires in 5 min", caller(START + 5 * MINUTE));
    refreshes.run(limiter, "caller, no token", caller(-Infinity));
    refreshes.run(limiter, "background, expires in 1 min, later", background(START + MINUTE));
    refreshes.run(limiter, "background, no token", background(-Infinity));
    refreshes.run(limiter, "caller, no token, later", caller(-Infinity));
    expect(limiter.waiting).toBe(7);
    jest.runAllTimers();
    expect(refreshes.order).toEqual([
      "blocker",
      "caller, no token",
      "caller, no token, later",
      "caller, token expires in 5 min",
      "background, no token",
      "background, expires in 1 min",
      "background, expires in 1 min, later",
      "background, expires in 3 min",
    ]);
  });

  it("reprioritize moves a queued request ahead when a caller starts waiting or its expiry changes", () => {
    const { limiter, refreshes } = blockedLimiter();
    const c = background(START + 3 * MINUTE);
    const d = background(START + 4 * MINUTE);
    refreshes.run(limiter, "a", background(START + MINUTE));
    refreshes.run(limiter, "b", background(START + 2 * MINUTE));
    refreshes.run(limiter, "c", c);
    refreshes.run(limiter, "d", d);
    d.callerWaiting = true;
    limiter.reprioritize(d);
    c.expiresAt = START;
    limiter.reprioritize(c);
    jest.runAllTimers();
    expect(refreshes.order).toEqual(["blocker", "d", "c", "a", "b"]);
  });

  it("reprioritize ignores a request that is running, finished or unknown", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 10 });
    const refreshes = new Refreshes();
    const running = background();
    refreshes.run(limiter, "running", running);
    running.callerWaiting = true;
    expect(() => limiter.reprioritize(running)).not.toThrow();
    expect(() => limiter.reprioritize(caller())).not.toThrow();
    jest.runAllTimers();
    expect(() => limiter.reprioritize(running)).not.toThrow();
    expect(refreshes.results).toEqual(["running"]);
  });

  it("reaches every queued request that shares one priority object, also after one of them left", () => {
    const { limiter, refreshes } = blockedLimiter();
    const shared = background(START + 9 * MINUTE);
    refreshes.run(limiter, "other", background(START + MINUTE));
    refreshes.run(limiter, "shared 1", shared);
    const leaving = refreshes.run(limiter, "shared 2", shared);
    refreshes.run(limiter, "shared 3", shared);
    leaving.unsubscribe();
    shared.callerWaiting = true;
    limiter.reprioritize(shared);
    jest.runAllTimers();
    expect(refreshes.order).toEqual(["blocker", "shared 1", "shared 3", "other"]);
  });
});

describe("createRefreshLimiter: leaving, errors and synchronous work (C23)", () => {
  it("forgets a request unsubscribed while queued: its work is never called, and no timer is left", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 5, perSecond: 1 });
    const refreshes = new Refreshes();
    refreshes.run(limiter, "first", background(), 0);
    jest.advanceTimersByTime(0);
    const aborted = refreshes.run(limiter, "aborted", caller());
    expect({ waiting: limiter.waiting, timers: jest.getTimerCount() }).toEqual({ waiting: 1, timers: 1 });
    aborted.unsubscribe();
    expect({ waiting: limiter.waiting, timers: jest.getTimerCount() }).toEqual({ waiting: 0, timers: 0 });
    jest.runAllTimers();
    expect(refreshes.order).toEqual(["first"]);
    expectNothingLeft(limiter);
  });

  it("cancels its timer once the queue is empty, also when the clock jumped ahead before the timer fired", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 2, perSecond: 1 });
    const first = new Subject<string>();
    const results: string[] = [];
    limiter.schedule(first, background()).subscribe((value) => results.push(value));
    limiter.schedule(of("second"), background()).subscribe((value) => results.push(value));
    expect({ waiting: limiter.waiting, timers: jest.getTimerCount() }).toEqual({ waiting: 1, timers: 1 });
    jest.setSystemTime(START + 5 * SECOND);
    first.next("first");
    first.complete();
    expect(results).toEqual(["first", "second"]);
    expectNothingLeft(limiter);
  });

  it("tears down a running request that is unsubscribed, then gives its slot to the next", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
    const events: string[] = [];
    const work = (name: string) =>
      new Observable<never>(() => {
        events.push(`${name} called`);
        return () => events.push(`${name} torn down`);
      });
    const first = limiter.schedule(work("first"), background()).subscribe();
    limiter.schedule(work("second"), background()).subscribe();
    expect({ running: limiter.running, waiting: limiter.waiting }).toEqual({ running: 1, waiting: 1 });
    first.unsubscribe();
    expect(events).toEqual(["first called", "first torn down", "second called"]);
    expect({ running: limiter.running, waiting: limiter.waiting }).toEqual({ running: 1, waiting: 0 });
  });

  it("passes errors through unchanged and frees the slot, synchronous or not", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
    const refreshes = new Refreshes();
    const failure = new Error("token server says no");
    const errors: unknown[] = [];
    const failing = (delayMs: number) =>
      new Observable<never>((subscriber) => {
        const handle = setTimeout(() => subscriber.error(failure), delayMs);
        return () => clearTimeout(handle);
      });
    limiter.schedule(failing(500), background()).subscribe({ error: (error) => errors.push(error) });
    limiter
      .schedule(
        throwError(() => failure),
        background(),
      )
      .subscribe({ error: (error) => errors.push(error) });
    refreshes.run(limiter, "after the failures", background());
    jest.runAllTimers();
    expect(errors).toHaveLength(2);
    expect(errors.every((error) => error === failure)).toBe(true);
    expect(refreshes.results).toEqual(["after the failures"]);
    expectNothingLeft(limiter);
  });

  it("runs synchronous work at once when a slot is free and passes all its values through", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
    const seen: unknown[] = [];
    limiter
      .schedule(of("a", "b"), caller())
      .subscribe({ next: (v) => seen.push(v), complete: () => seen.push("done") });
    limiter
      .schedule(of("c", "d"), caller())
      .pipe(take(1))
      .subscribe({ next: (v) => seen.push(v), complete: () => seen.push("done") });
    expect(seen).toEqual(["a", "b", "done", "c", "done"]);
    expectNothingLeft(limiter);
  });

  it("tears down work whose subscriber left while it was being called", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
    const events: string[] = [];
    const work = concat(of("first value"), new Observable<string>(() => () => events.push("rest torn down")));
    limiter
      .schedule(work, caller())
      .pipe(take(1))
      .subscribe((value) => events.push(value));
    expect(events).toEqual(["first value", "rest torn down"]);
    expectNothingLeft(limiter);
  });

  it("calls work only when its turn comes, so a timeout inside it counts from the call", () => {
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 100 });
    const refreshes = new Refreshes();
    refreshes.run(limiter, "slow", background(), 5 * SECOND);
    let calledAt: number | undefined;
    let failedAt: number | undefined;
    const hung = defer(() => {
      calledAt = Date.now();
      return NEVER;
    }).pipe(timeout(SECOND));
    limiter.schedule(hung, caller()).subscribe({ error: () => (failedAt = Date.now()) });
    jest.runAllTimers();
    expect([calledAt, failedAt].map((at) => at! - START)).toEqual([5 * SECOND, 6 * SECOND]);
    expectNothingLeft(limiter);
  });

  it("runs on an injected TestScheduler", () => {
    const testScheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    testScheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 2, scheduler: testScheduler });
      const [a, b, c] = [cold("--a|"), cold("--b|"), cold("c|")];
      expectObservable(limiter.schedule(a, background())).toBe("--a|");
      expectObservable(limiter.schedule(b, background())).toBe("-----b|");
      // Two started in [0, 1000): the third waits for the window although the slot is free at 6.
      expectObservable(limiter.schedule(c, background())).toBe("1000ms c|");
      expectSubscriptions(c.subscriptions).toBe("1000ms ^!");
    });
  });
});

describe("createRefreshLimiter: options (C23)", () => {
  const valid = { maxConcurrent: 50, perSecond: 100 };

  it.each([
    [
      { ...valid, maxConcurrent: "50" },
      'refreshLimiter.maxConcurrent must be a positive integer; got the string "50".',
    ],
    [{ ...valid, maxConcurrent: 0 }, "refreshLimiter.maxConcurrent must be a positive integer; got 0."],
    [{ ...valid, maxConcurrent: 2.5 }, "refreshLimiter.maxConcurrent must be a positive integer; got 2.5."],
    [{ ...valid, maxConcurrent: Infinity }, "refreshLimiter.maxConcurrent must be a positive integer; got Infinity."],
    [{ perSecond: 100 }, "refreshLimiter.maxConcurrent must be a positive integer; got undefined."],
    [{ ...valid, perSecond: -1 }, "refreshLimiter.perSecond must be a positive integer; got -1."],
    [{ ...valid, perSecond: NaN }, "refreshLimiter.perSecond must be a positive integer; got NaN."],
    [{ ...valid, perSecond: null }, "refreshLimiter.perSecond must be a positive integer; got null."],
    [{ ...valid, perSecond: [100] }, "refreshLimiter.perSecond must be a positive integer; got an object."],
    [{ ...valid, maxConcurent: 5 }, "Unknown option refreshLimiter.maxConcurent: did you mean maxConcurrent?"],
    [{ ...valid, burst: 5 }, "Unknown option refreshLimiter.burst."],
    [
      { ...valid, scheduler: Date },
      "refreshLimiter.scheduler must be an rxjs SchedulerLike (with now() and schedule()).",
    ],
    [null, "createRefreshLimiter expects { maxConcurrent, perSecond }; got null."],
  ])("rejects %p", (options, message) => {
    const create = () => createRefreshLimiter(options as unknown as RefreshLimiterOptions);
    expect(create).toThrow(TypeError);
    expect(create).toThrow(new TypeError(message));
  });

  it("accepts valid options and creates no timer until needed", () => {
    const limiter = createRefreshLimiter({ ...valid, scheduler: undefined });
    expect({ running: limiter.running, waiting: limiter.waiting }).toEqual({ running: 0, waiting: 0 });
    expect(jest.getTimerCount()).toBe(0);
  });
});
