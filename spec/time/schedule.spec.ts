import { CommunicationTokenCredential, createRefreshLimiter } from "../../lib/index.js";
import { latestInSpread } from "../support/credentials.js";
import { advance, track } from "../support/fakeTime.js";
import { HOUR, SECOND, START, jwtValidFor } from "../support/tokens.js";

/** The process-wide schedule of due times (schedule.ts) across changes of timers and clocks. */
describe("the schedule of due times", () => {
  afterEach(() => jest.useRealTimers());

  it("C10/C11: a waiting credential moves with the schedule when fake timers are installed again", async () => {
    jest.useFakeTimers({ now: START });
    const tokenRefresher = jest.fn(() => jwtValidFor(HOUR));
    const credential = new CommunicationTokenCredential({
      tokenRefresher,
      token: jwtValidFor(HOUR),
      refreshProactively: true,
      random: latestInSpread,
    });
    jest.useFakeTimers({ now: START });
    const other = new CommunicationTokenCredential({
      tokenRefresher: () => jwtValidFor(HOUR),
      token: jwtValidFor(HOUR),
    });
    track(other.refresh()); // the schedule is used under the new timers
    await advance(2 * HOUR);
    expect(tokenRefresher).toHaveBeenCalled();
    credential.dispose();
    other.dispose();
  });

  it("C23: a limiter whose wake-up was set under old fake timers sets it again", async () => {
    jest.useFakeTimers({ now: START });
    const limiter = createRefreshLimiter({ maxConcurrent: 10, perSecond: 1 });
    const make = () =>
      new CommunicationTokenCredential({ tokenRefresher: () => jwtValidFor(HOUR), refreshLimiter: limiter });
    const first = track(make().getToken());
    const second = track(make().getToken()); // waits a second for the budget
    await advance(0);
    jest.useFakeTimers({ now: START });
    const third = track(make().getToken());
    await advance(3 * SECOND);
    expect([first.error, second.error, third.error]).toEqual([undefined, undefined, undefined]);
    expect([first.settled, second.settled, third.settled]).toEqual([true, true, true]);
  });

  it("C13/C14: right after the clock jumps forward, a failed refresh is retried after its backoff, not a minute later", async () => {
    jest.useFakeTimers({ now: START });
    const calledAt: number[] = [];
    const tokenRefresher = () => {
      calledAt.push(Date.now());
      return calledAt.length === 2 ? Promise.reject(new Error("down")) : Promise.resolve(jwtValidFor(HOUR));
    };
    const credential = new CommunicationTokenCredential({
      tokenRefresher,
      refreshProactively: true,
      retry: { jitter: false },
      random: latestInSpread,
    });
    await advance(0); // the first token; the watcher's timer is set a minute ahead
    jest.setSystemTime(Date.now() + 3 * HOUR); // asleep: the token expired, the timer has not fired
    const caller = track(credential.getToken()); // refreshes at once, and fails
    await advance(0);
    expect(caller.error).toEqual(new Error("down"));
    const failedAt = calledAt[1] as number;
    await advance(SECOND);
    expect(calledAt[2]).toBe(failedAt + SECOND);
    credential.dispose();
  });
});
