import { CommunicationTokenCredential, type CommunicationTokenRefreshOptions } from "../../lib/index.js";
import { createRefreshLimiter } from "../../lib/index.js";
import { resolveRefreshOptions } from "../../lib/options/options.js";
import { HOUR, jwtValidFor } from "../support/tokens.js";

// C2 (issue 22, item 2): the options a credential checked are the ones it keeps. Each is read once,
// so that a getter, a Proxy or a change to the object after construction cannot swap in a value that
// was never checked.

/** `options` behind a Proxy that counts the reads of each name. */
function counted<T extends object>(options: T): { options: T; reads: Map<string, number> } {
  const reads = new Map<string, number>();
  const proxy = new Proxy(options, {
    get(target, name, receiver) {
      if (typeof name === "string") reads.set(name, (reads.get(name) ?? 0) + 1);
      return Reflect.get(target, name, receiver) as unknown;
    },
  });
  return { options: proxy, reads };
}

describe("C2: a refresher credential keeps the options it checked", () => {
  it("C2: each option is read once when the credential is made", () => {
    const { options, reads } = counted<CommunicationTokenRefreshOptions>({
      tokenRefresher: () => jwtValidFor(HOUR),
      refreshTimeoutMs: 10_000,
      hedgeAfterMs: 2_000,
      retry: { initialDelayMs: 500 },
      refreshProactively: false,
    });
    new CommunicationTokenCredential(options).dispose();
    const readTwice = [...reads].filter(([, count]) => count > 1).map(([name]) => name);
    expect(readTwice).toEqual([]);
  });

  it("C2: a tokenRefresher getter cannot swap the checked function for another value", async () => {
    const checked = jest.fn(() => jwtValidFor(HOUR));
    let reads = 0;
    const options = {
      get tokenRefresher() {
        reads += 1;
        return reads === 1 ? checked : "https://evil.example/steal";
      },
    } as unknown as CommunicationTokenRefreshOptions;
    const credential = new CommunicationTokenCredential(options);
    await expect(credential.getToken()).resolves.toEqual(expect.objectContaining({ token: expect.any(String) }));
    expect(checked).toHaveBeenCalledTimes(1);
    credential.dispose();
  });

  it("C2, C23: a refreshLimiter read after the hedge was decided cannot bring back the hedge a limiter turns off", () => {
    let reads = 0;
    const limiter = createRefreshLimiter({ maxConcurrent: 1, perSecond: 10 });
    const options = {
      tokenRefresher: () => jwtValidFor(HOUR),
      get refreshLimiter() {
        reads += 1;
        return reads === 1 ? undefined : limiter;
      },
    } as unknown as CommunicationTokenRefreshOptions;
    const resolved = resolveRefreshOptions(options);
    expect(resolved.refreshLimiter === undefined || resolved.hedgeAfterMs === undefined).toBe(true);
  });

  it("C2: the resolved options, and their retry policy, are frozen", () => {
    const retry = { initialDelayMs: 500, maxDelayMs: 5_000 };
    const resolved = resolveRefreshOptions({ tokenRefresher: () => jwtValidFor(HOUR), retry });
    retry.initialDelayMs = 1;
    expect(resolved.retry.initialDelayMs).toBe(500);
    expect(Object.isFrozen(resolved)).toBe(true);
    expect(Object.isFrozen(resolved.retry)).toBe(true);
  });
});
