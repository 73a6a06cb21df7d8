import { RefreshTimeoutError } from "../../lib/index.js";
import { settledWithin } from "../../lib/refresh/pipelineLoader.js";
import { clockFor } from "../../lib/time/clock.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, SECOND, jwtValidFor } from "../support/tokens.js";

// The refresh pipeline is a lazy chunk (C24): a refresh that needs it before it has loaded waits for
// it, no longer than refreshTimeoutMs (C32); a chunk that fails to load fails that refresh, and the
// next one loads it again.

const clock = clockFor(undefined);

describe("C32: waiting for the refresh pipeline", () => {
  beforeEach(useFakeTime);
  afterEach(() => jest.useRealTimers());

  it("C32: a load that never ends rejects with RefreshTimeoutError at the timeout, leaving no timer", async () => {
    const outcome = track(settledWithin(new Promise<never>(() => {}), clock, 30 * SECOND, undefined));
    await advance(30 * SECOND - 1);
    expect(outcome.settled).toBe(false);
    await advance(1);
    expect(outcome.error).toBeInstanceOf(RefreshTimeoutError);
    expect(jest.getTimerCount()).toBe(0);
  });

  it("C8, C32: the caller's signal ends the wait with its reason; an aborted one at once", async () => {
    const controller = new AbortController();
    const outcome = track(settledWithin(new Promise<never>(() => {}), clock, 30 * SECOND, controller.signal));
    const reason = new Error("gave up");
    controller.abort(reason);
    await settle();
    expect(outcome.error).toBe(reason);
    expect(jest.getTimerCount()).toBe(0);
    await expect(settledWithin(Promise.resolve(1), clock, SECOND, controller.signal)).rejects.toBe(reason);
  });

  it("C32: a load that ends in time gives its value or its error", async () => {
    await expect(settledWithin(Promise.resolve("pipeline"), clock, SECOND, undefined)).resolves.toBe("pipeline");
    const failure = new Error("Failed to fetch dynamically imported module");
    await expect(settledWithin(Promise.reject(failure), clock, SECOND, undefined)).rejects.toBe(failure);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe("C24, C32: a refresh pipeline chunk that fails to load", () => {
  const chunkFailure = new Error("Failed to fetch dynamically imported module: refreshPipeline.js");

  /** The library, fresh, whose refresh pipeline fails to load while `chunk.missing` is true. */
  function libraryWhosePipelineFails(chunk: { missing: boolean }): typeof import("../../lib/index.js") {
    let library: typeof import("../../lib/index.js") | undefined;
    jest.isolateModules(() => {
      jest.doMock("../../lib/refresh/refreshPipeline.js", () => {
        if (chunk.missing) throw chunkFailure;
        return jest.requireActual("../../lib/refresh/refreshPipeline.js");
      });
      library = jest.requireActual("../../lib/index.js");
    });
    return library as typeof import("../../lib/index.js");
  }

  beforeEach(useFakeTime);
  afterEach(() => {
    jest.dontMock("../../lib/refresh/refreshPipeline.js");
    jest.resetModules(); // the dynamic import's require lands in the main registry, which caches the mock
    jest.useRealTimers();
  });

  it("C32: getToken rejects with the load's error, and the next getToken loads it again and gets a token", async () => {
    const chunk = { missing: true };
    const { CommunicationTokenCredential } = libraryWhosePipelineFails(chunk);
    await settle();
    const credential = new CommunicationTokenCredential({ tokenRefresher: () => jwtValidFor(HOUR) });
    await expect(credential.getToken()).rejects.toBe(chunkFailure);
    chunk.missing = false; // a deploy finished, the network is back
    await expect(credential.getToken()).resolves.toMatchObject({ token: expect.any(String) });
    credential.dispose();
  });

  it("C13, C32: a background refresh whose pipeline fails to load shows failed and is retried", async () => {
    const chunk = { missing: true };
    const { CommunicationTokenCredential } = libraryWhosePipelineFails(chunk);
    await settle();
    const credential = new CommunicationTokenCredential({
      tokenRefresher: () => jwtValidFor(HOUR),
      refreshProactively: true,
    });
    const statuses: string[] = [];
    credential.state$.subscribe((state) => statuses.push(state.status));
    await advance(0);
    expect(statuses).toEqual(["idle", "failed"]);
    chunk.missing = false;
    await advance(2 * SECOND); // the first retry comes within 1 s (C13)
    expect(statuses.at(-1)).toBe("ready");
    credential.dispose();
  });
});

describe("C21, C32: the refresh pipeline starts loading on import", () => {
  it("C21: importing the library loads the pipeline chunk with no credential made and no timer set", async () => {
    let loader: typeof import("../../lib/refresh/pipelineLoader.js") | undefined;
    const setTimer = jest.spyOn(globalThis, "setTimeout");
    jest.isolateModules(() => {
      jest.requireActual("../../lib/index.js");
      loader = jest.requireActual("../../lib/refresh/pipelineLoader.js");
    });
    expect(setTimer).not.toHaveBeenCalled();
    setTimer.mockRestore();
    await new Promise((resolve) => setImmediate(resolve));
    expect(loader?.loadedRefreshPipeline()).toBeDefined();
  });
});
