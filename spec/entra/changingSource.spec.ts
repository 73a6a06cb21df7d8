import { CommunicationTokenCredential, CredentialDisposedError } from "../../lib/index.js";
import { exchanged, fakeEntraCredential, scriptedFetch } from "../support/exchangeServer.js";
import { track } from "../support/fakeTime.js";
import { HOUR } from "../support/tokens.js";

const ENDPOINT = "https://contoso.communication.azure.com";

/** Lets the lazily loaded exchange, the fetch and the promise chains between them run. */
async function flush(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
}

// Each getToken of an Entra ID credential first asks Entra whether the user changed (as the Azure SDK
// does). That question must not hold a caller who gave up, nor outlive the credential.
describe("an Entra ID credential asking Entra before each getToken (C8, C19)", () => {
  function exchangedOnceThenEntraHangs() {
    const tokenCredential = fakeEntraCredential();
    const { fetch } = scriptedFetch(exchanged("acsToken", Date.now() + HOUR));
    const credential = new CommunicationTokenCredential({ resourceEndpoint: ENDPOINT, tokenCredential, fetch });
    const hangFromNowOn = () => tokenCredential.getToken.mockImplementation(() => new Promise(() => {}));
    return { credential, tokenCredential, hangFromNowOn };
  }

  it("C8: a caller whose signal aborts while Entra does not answer rejects with the signal's reason", async () => {
    const { credential, hangFromNowOn } = exchangedOnceThenEntraHangs();
    expect((await credential.getToken()).token).toBe("acsToken");
    hangFromNowOn();
    const controller = new AbortController();
    const caller = track(credential.getToken({ abortSignal: controller.signal }));
    await flush();
    expect(caller.settled).toBe(false);
    const reason = new Error("gave up");
    controller.abort(reason);
    await flush();
    expect(caller.error).toBe(reason);
    credential.dispose();
  });

  it("C19: callers waiting for Entra reject with CredentialDisposedError on dispose", async () => {
    const { credential, hangFromNowOn } = exchangedOnceThenEntraHangs();
    await credential.getToken();
    hangFromNowOn();
    const caller = track(credential.getToken());
    await flush();
    credential.dispose();
    await flush();
    expect(caller.error).toBeInstanceOf(CredentialDisposedError);
  });

  it("after another user signs in, a caller gets that user's token, not the one of an exchange already under way", async () => {
    const tokenCredential = fakeEntraCredential("alice");
    let release: () => void = () => {};
    const fetch = jest.fn(async (_url: string | URL | Request, init?: RequestInit) => {
      const user = new Headers(init?.headers).get("authorization")?.replace("Bearer ", "");
      if (user === "alice" && fetch.mock.calls.length > 1) await new Promise<void>((resolve) => (release = resolve));
      return new Response(
        JSON.stringify({ accessToken: { token: `acs-${user}`, expiresOn: new Date(Date.now() + HOUR) } }),
      );
    });
    const credential = new CommunicationTokenCredential({ resourceEndpoint: ENDPOINT, tokenCredential, fetch });
    expect((await credential.getToken()).token).toBe("acs-alice");
    const renewal = track(credential.refresh()); // a second exchange for alice, slow
    await flush();
    tokenCredential.token = "bob"; // bob signs in meanwhile
    const caller = track(credential.getToken());
    await flush();
    release();
    await flush();
    expect(renewal.value?.token).toBe("acs-alice");
    expect(caller.value?.token).toBe("acs-bob");
    credential.dispose();
  });
});
