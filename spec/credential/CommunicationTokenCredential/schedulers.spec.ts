import FakeTimers from "@sinonjs/fake-timers";
import { latestInSpread } from "../../support/credentials.js";
import { delay, map, of, VirtualTimeScheduler } from "rxjs";
import { TestScheduler } from "rxjs/testing";
import { CommunicationTokenCredential } from "../../../lib/index.js";
import { HOUR, MINUTE, START, jwtExpiringAt } from "../../support/tokens.js";

const statuses = { r: "refreshing", a: "ready", f: "failed", d: "disposed" };

describe("C10: time sources", () => {
  it("C10/C13: on an injected TestScheduler, background retries back off 1 s, 2 s, 4 s (marble test)", () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const failingFetch = cold<string>("500ms #", undefined, new Error("token server down"));
      const credential = new CommunicationTokenCredential({
        tokenRefresher: () => failingFetch,
        refreshProactively: true,
        retry: { jitter: false },
        scheduler,
      });
      scheduler.schedule(() => credential.dispose(), 10_000);
      expectObservable(credential.state$.pipe(map((state) => state.status))).toBe(
        "r 499ms f 999ms r 499ms f 1999ms r 499ms f 3999ms r 499ms f 999ms (d|)",
        statuses,
      );
      expectSubscriptions(failingFetch.subscriptions).toBe([
        "^ 499ms !",
        "1500ms ^ 499ms !",
        "4000ms ^ 499ms !",
        "8500ms ^ 499ms !",
      ]);
    });
  });

  it("C10/C11/C15: on an injected TestScheduler, a token$ subscriber keeps tokens fresh, 10 minutes before each expiry (marble test)", () => {
    const scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      // Tokens live 20 minutes from when they are issued (the fetch takes 1 s).
      const tokenServer = cold<string>("1s (t|)", { t: "" });
      const fetchToken = tokenServer.pipe(map(() => jwtExpiringAt(scheduler.now() + 20 * MINUTE)));
      const credential = new CommunicationTokenCredential({
        tokenRefresher: () => fetchToken,
        scheduler,
        random: latestInSpread,
      });
      scheduler.schedule(() => credential.dispose(), HOUR);
      // Due 10 minutes before expiry (the latest moment of the spread), so every 10 min 1 s: at 1 s, 10 min 2 s, 20 min 3 s, …
      expectObservable(credential.token$.pipe(map(() => "t"))).toBe(
        "1s t 600999ms t 600999ms t 600999ms t 600999ms t 600999ms t 593999ms |",
      );
      expectSubscriptions(tokenServer.subscriptions).toBe([
        "^ 999ms !",
        "601000ms ^ 999ms !",
        "1202000ms ^ 999ms !",
        "1803000ms ^ 999ms !",
        "2404000ms ^ 999ms !",
        "3005000ms ^ 999ms !",
      ]);
    });
  });

  it("C10: on a VirtualTimeScheduler, getToken resolves when virtual time has passed", async () => {
    const scheduler = new VirtualTimeScheduler(undefined, 2 * HOUR);
    const token = jwtExpiringAt(HOUR);
    const credential = new CommunicationTokenCredential({
      tokenRefresher: () => of(token).pipe(delay(250, scheduler)),
      scheduler,
    });
    const pending = credential.getToken();
    scheduler.flush();
    expect((await pending).token).toBe(token);
    expect(scheduler.now()).toBe(250);
    credential.dispose();
  });

  it("C10: with the default scheduler, sinon's fake timers drive everything", async () => {
    const clock = FakeTimers.install({ now: START });
    try {
      const calls: number[] = [];
      const credential = new CommunicationTokenCredential({
        tokenRefresher: async () => {
          calls.push(Date.now() - START);
          return jwtExpiringAt(Date.now() + HOUR);
        },
        token: jwtExpiringAt(START + HOUR),
        refreshProactively: true,
        random: latestInSpread,
      });
      await clock.tickAsync(2 * HOUR);
      expect(calls).toEqual([50 * MINUTE, 100 * MINUTE]);
      credential.dispose();
      expect(clock.countTimers()).toBe(0);
    } finally {
      clock.uninstall();
    }
  });
});
