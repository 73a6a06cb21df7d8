import { CommunicationTokenCredential, CredentialDisposedError } from "../../lib/index.js";
import { startLoopbackServer, type LoopbackServer } from "../support/loopbackServer.js";

// An interactive Entra credential (InteractiveBrowserCredential) shows the user a sign-in prompt when
// asked for a token: a credential that can no longer use the answer must not ask.
describe("an Entra ID credential that cannot use a token does not ask Entra for one (C8, C19)", () => {
  let server: LoopbackServer;
  beforeAll(async () => {
    const accessToken = { token: "acsToken", expiresOn: new Date(Date.now() + 3_600_000).toISOString() };
    server = await startLoopbackServer(() => ({ status: 200, body: { accessToken } }));
  });
  afterAll(() => server.close());

  // A credential that has exchanged once, so that each getToken would ask Entra whether the user changed.
  async function exchangedOnce() {
    const tokenCredential = {
      getToken: jest.fn(async () => ({ token: "entraToken", expiresOnTimestamp: Date.now() + 3_600_000 })),
    };
    const credential = new CommunicationTokenCredential({ resourceEndpoint: server.origin, tokenCredential });
    expect((await credential.getToken()).token).toBe("acsToken");
    tokenCredential.getToken.mockClear();
    return { credential, tokenCredential };
  }

  it("C19: after dispose, getToken rejects with CredentialDisposedError without calling Entra", async () => {
    const { credential, tokenCredential } = await exchangedOnce();
    credential.dispose();
    await expect(credential.getToken()).rejects.toBeInstanceOf(CredentialDisposedError);
    expect(tokenCredential.getToken).not.toHaveBeenCalled();
  });

  it("C8: with an already aborted signal, getToken rejects with its reason without calling Entra", async () => {
    const { credential, tokenCredential } = await exchangedOnce();
    const reason = new Error("caller gave up");
    await expect(credential.getToken({ abortSignal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(tokenCredential.getToken).not.toHaveBeenCalled();
    credential.dispose();
  });
});
