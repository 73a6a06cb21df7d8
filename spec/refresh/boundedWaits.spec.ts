import { CommunicationTokenCredential } from "../../lib/index.js";
import { resolveRefreshOptions } from "../../lib/options/options.js";
import { TokenKeeper } from "../../lib/refresh/tokenKeeper.js";
import { tabSharing } from "../../lib/sharing/tabs/lazyTabShare.js";
import { tabRuntime } from "../../lib/sharing/tabs/tabGlobals.js";
import { exchanged, fakeEntraCredential, scriptedFetch } from "../support/exchangeServer.js";
import { FakeBrowser } from "../support/fakeTabs.js";
import { advance, settle, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, SECOND, jwtValidFor } from "../support/tokens.js";

// C32: no wait of the credential depends on a helper answering — the lazily loaded tab-sharing code,
// the Entra ID check before each getToken — longer than refreshTimeoutMs.

const REFRESH_TIMEOUT_MS = 5 * SECOND;

/** An Entra ID credential that got its ACS token ("acsToken", valid an hour), after which Entra ID hangs. */
async function entraCredentialWhoseEntraStopsAnswering() {
  const tokenCredential = fakeEntraCredential();
  const { fetch } = scriptedFetch(exchanged("acsToken", Date.now() + HOUR));
  const credential = new CommunicationTokenCredential({
    resourceEndpoint: "https://contoso.communication.azure.com",
    tokenCredential,
    fetch,
    refreshTimeoutMs: REFRESH_TIMEOUT_MS,
  });
  const first = track(credential.getToken());
  await settle();
  expect(first.value?.token).toBe("acsToken");
  tokenCredential.getToken.mockImplementation(() => new Promise(() => {}));
  return { credential, tokenCredential };
}

describe("C32: every wait is bounded", () => {
  beforeEach(useFakeTime);
  afterEach(() => {
    jest.restoreAllMocks();
    jest.useRealTimers();
  });

  it("C26, C32: a tab-sharing chunk that never arrives holds getToken for refreshTimeoutMs, then the tab refreshes alone", async () => {
    jest.spyOn(tabRuntime, "isNode").mockReturnValue(false); // Jest runs in Node, where sharing is off
    const tab = new FakeBrowser().openTab();
    const tokenRefresher = jest.fn(() => jwtValidFor(HOUR));
    const neverLoads = () => new Promise<never>(() => {});
    const keeper = tab.run(
      () =>
        new TokenKeeper(
          undefined,
          resolveRefreshOptions({ tokenRefresher, refreshTimeoutMs: REFRESH_TIMEOUT_MS }),
          tabSharing("acs-user-42", neverLoads),
        ),
    );
    const caller = track(keeper.getToken());
    await advance(REFRESH_TIMEOUT_MS - 1);
    expect(caller.settled).toBe(false);
    expect(tokenRefresher).not.toHaveBeenCalled();
    await advance(1);
    expect(tokenRefresher).toHaveBeenCalledTimes(1);
    expect(caller.value?.token).toBe(tokenRefresher.mock.results[0]?.value);
    keeper.dispose();
  });

  it("C32: an Entra ID credential whose user check gets no answer serves the ACS token it holds after refreshTimeoutMs", async () => {
    const { credential, tokenCredential } = await entraCredentialWhoseEntraStopsAnswering();
    const caller = track(credential.getToken());
    await advance(REFRESH_TIMEOUT_MS - 1);
    expect(caller.settled).toBe(false);
    await advance(1);
    expect(caller.value?.token).toBe("acsToken");
    expect(tokenCredential.getToken.mock.calls.at(-1)?.[1]?.abortSignal?.aborted).toBe(true); // the question is dropped
    credential.dispose();
  });

  it("C32: while Entra ID is being asked, other callers get the ACS token held at once, and Entra is asked once", async () => {
    const { credential, tokenCredential } = await entraCredentialWhoseEntraStopsAnswering();
    const asked = tokenCredential.getToken.mock.calls.length;
    const asking = track(credential.getToken());
    await settle();
    const meanwhile = [track(credential.getToken()), track(credential.getToken())];
    await settle();
    expect(meanwhile.map(({ value }) => value?.token)).toEqual(["acsToken", "acsToken"]);
    expect(asking.settled).toBe(false);
    expect(tokenCredential.getToken.mock.calls.length).toBe(asked + 1);
    await advance(REFRESH_TIMEOUT_MS);
    expect(asking.value?.token).toBe("acsToken");
    credential.dispose();
  });
});
