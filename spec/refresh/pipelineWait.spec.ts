import { firstValueFrom } from "rxjs";
import { CredentialDisposedError, RefreshTimeoutError } from "../../lib/index.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, SECOND, jwtValidFor } from "../support/tokens.js";

// C19, C32: while the refresh pipeline chunk has not arrived (a slow network), the credential waits
// for it once per refresh, and dispose ends every wait at once.

type Library = typeof import("../../lib/index.js");
type Loader = typeof import("../../lib/refresh/pipelineLoader.js");

/** The library, fresh, whose refresh pipeline arrives only when `arrive()` is called. */
function libraryWithSlowPipeline() {
  const waits: number[] = [];
  let arrive: () => void = () => {};
  let library: Library | undefined;
  jest.isolateModules(() => {
    const actual = jest.requireActual<Loader>("../../lib/refresh/pipelineLoader.js");
    let loaded: ReturnType<Loader["loadedRefreshPipeline"]>;
    const arrived = new Promise<NonNullable<typeof loaded>>((resolve) => {
      arrive = () => resolve((loaded = jest.requireActual("../../lib/refresh/refreshPipeline.js")));
    });
    jest.doMock("../../lib/refresh/pipelineLoader.js", (): Loader => ({
      ...actual,
      loadedRefreshPipeline: () => loaded,
      prefetchRefreshPipeline: () => {},
      refreshPipelineWithin: (clock, timeoutMs, signal) => {
        waits.push(Date.now());
        return actual.settledWithin(arrived, clock, timeoutMs, signal);
      },
    }));
    library = jest.requireActual<Library>("../../lib/index.js");
  });
  return { library: library as Library, waits, arrive: () => arrive() };
}

describe("C19, C32: waiting for the refresh pipeline", () => {
  beforeEach(useFakeTime);
  afterEach(() => {
    jest.dontMock("../../lib/refresh/pipelineLoader.js");
    jest.resetModules();
    jest.useRealTimers();
  });

  it("C19: dispose rejects a caller waiting for the pipeline at once with CredentialDisposedError", async () => {
    const { library } = libraryWithSlowPipeline();
    const credential = new library.CommunicationTokenCredential({ tokenRefresher: () => jwtValidFor(HOUR) });
    const caller = track(credential.getToken());
    await advance(SECOND);
    expect(caller.settled).toBe(false);
    credential.dispose();
    await settle();
    expect(caller.error).toBeInstanceOf(CredentialDisposedError);
  });

  it("C13, C32: a due background refresh waits for the pipeline once, however often its state is looked at", async () => {
    const { library, waits, arrive } = libraryWithSlowPipeline();
    const refreshTimeoutMs = 10 * SECOND;
    const credential = new library.CommunicationTokenCredential({
      tokenRefresher: () => jwtValidFor(HOUR),
      refreshProactively: true,
      refreshTimeoutMs,
    });
    const failures: unknown[] = [];
    await advance(0); // the first refresh falls due: it waits for the pipeline
    for (let look = 0; look < 3; look++) {
      await firstValueFrom(credential.state$);
      await advance(SECOND);
    }
    expect(waits).toHaveLength(1);
    credential.state$.subscribe((state) => state.status === "failed" && failures.push(state.error));
    await advance(refreshTimeoutMs);
    expect(failures).toEqual([expect.any(RefreshTimeoutError)]); // one failure, retried as C13 says
    arrive();
    await advance(2 * SECOND);
    expect(credential.toJSON().status).toBe("ready");
    credential.dispose();
  });
});
