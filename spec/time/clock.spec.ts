import { TestScheduler } from "rxjs/testing";
import { clockFor, CLOCK_RECHECK_INTERVAL_MS, waitUntil, type Clock } from "../../lib/time/clock.js";

function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/**
 * A clock on the test scheduler whose wall-clock can jump by `offset`, as after sleep and resume. It
 * records the delay of every timer set and the (virtual) time at which each one fired.
 */
function jumpingClock(scheduler: TestScheduler) {
  const base = clockFor(scheduler);
  const delays: number[] = [];
  const firedAt: number[] = [];
  const clock: Clock & { offset: number } = {
    offset: 0,
    scheduler,
    now: () => base.now() + clock.offset,
    setTimer(work: () => void, delayMs: number) {
      delays.push(delayMs);
      return base.setTimer(() => {
        firedAt.push(scheduler.now());
        work();
      }, delayMs);
    },
  };
  return { clock, delays, firedAt };
}

describe("waitUntil (marble tests)", () => {
  it("C10/C14: waits on the injected scheduler, in pieces of at most a minute, and re-reads the clock", () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const { clock, delays } = jumpingClock(scheduler);
      expectObservable(waitUntil(clock, 150_000)).toBe("150000ms (a|)", { a: undefined });
      scheduler.flush();
      expect(delays).toEqual([60_000, 60_000, 30_000]);
    });
  });

  it("C12: a wait that is already due still yields first", () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const { clock, delays } = jumpingClock(scheduler);
      let emittedSynchronously = false;
      waitUntil(clock, -5)
        .subscribe(() => (emittedSynchronously = true))
        .unsubscribe();
      expect(emittedSynchronously).toBe(false);
      expectObservable(waitUntil(clock, -5)).toBe("(a|)", { a: undefined });
      scheduler.flush();
      expect(delays).toEqual([0, 0]);
    });
  });

  it("C14: a 30-day wait never sets a timer longer than the recheck interval (far below 2^31−1 ms)", () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const { clock, delays } = jumpingClock(scheduler);
      const thirtyDays = 30 * 24 * 3_600_000;
      expectObservable(waitUntil(clock, thirtyDays)).toBe(`${thirtyDays}ms (a|)`, { a: undefined });
      scheduler.flush();
      expect(Math.max(...delays)).toBe(CLOCK_RECHECK_INTERVAL_MS);
      expect(CLOCK_RECHECK_INTERVAL_MS).toBeLessThan(2 ** 31 - 1);
    });
  });

  it("C14: after a wall-clock jump past the due time, emits within a minute", () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const { clock } = jumpingClock(scheduler);
      scheduler.schedule(() => (clock.offset = 10 * 3_600_000), 1_000); // the laptop slept for 10 hours
      expectObservable(waitUntil(clock, 3_600_000)).toBe("60000ms (a|)", { a: undefined });
    });
  });

  // The flush runs every timer still scheduled, so a timer the unsubscribe left behind shows in firedAt.
  it("cancels its timer when unsubscribed: nothing fires after the unsubscribe", () => {
    const scheduler = testScheduler();
    scheduler.run(({ expectObservable }) => {
      const { clock, delays, firedAt } = jumpingClock(scheduler);
      expectObservable(waitUntil(clock, 90_000), "10s !").toBe("");
      scheduler.flush();
      expect(delays).toEqual([60_000]); // the wait did set its first timer…
      expect(firedAt).toEqual([]); // …and the unsubscribe at 10 s cancelled it
    });
  });
});

describe("the default clock", () => {
  afterEach(() => jest.restoreAllMocks());

  it("C14: does not keep a Node process alive (its timers are unref'd)", () => {
    const handles: NodeJS.Timeout[] = [];
    const realSetTimeout = globalThis.setTimeout;
    jest.spyOn(globalThis, "setTimeout").mockImplementation(((work: () => void, delay: number) => {
      const handle = realSetTimeout(work, delay);
      handles.push(handle);
      return handle;
    }) as typeof setTimeout);
    const cancel = clockFor(undefined).setTimer(() => {}, 50_000);
    const cancelDue = clockFor(undefined).setTimer(() => {}, 0);
    expect(handles).toHaveLength(2);
    expect(handles[0]?.hasRef()).toBe(false);
    expect(handles[1]?.hasRef()).toBe(true); // due at once: a script's first refresh starts before exit
    cancel();
    cancelDue();
  });

  it("cancels a timer: a cancelled timer never fires", () => {
    jest.useFakeTimers({ now: 1_000 });
    try {
      const fired = jest.fn();
      const cancel = clockFor(undefined).setTimer(fired, 500);
      cancel();
      jest.advanceTimersByTime(1_000);
      expect(fired).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });

  it("C10: reads Date.now and setTimeout at each call, so fake timers installed later drive it", () => {
    const clock = clockFor(undefined);
    jest.useFakeTimers({ now: 1_000 });
    try {
      const fired = jest.fn();
      clock.setTimer(fired, 500);
      expect(clock.now()).toBe(1_000);
      jest.advanceTimersByTime(500);
      expect(fired).toHaveBeenCalledTimes(1);
      expect(clock.now()).toBe(1_500);
    } finally {
      jest.useRealTimers();
    }
  });
});
