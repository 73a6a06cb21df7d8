import { CommunicationTokenCredential } from "../../lib/index.js";
import { advance, track, useFakeTime } from "../support/fakeTime.js";
import { HOUR, SECOND, jwtValidFor } from "../support/tokens.js";

beforeEach(useFakeTime);
afterEach(() => jest.useRealTimers());

/** An Entra credential whose sign-in takes `signInMs` (interactive or device code: the user is typing). */
function slowSignIn(signInMs: number) {
  return {
    getToken: jest.fn(
      (_scopes: string | string[], _options?: unknown) =>
        new Promise<{ token: string; expiresOnTimestamp: number }>((resolve) =>
          setTimeout(() => resolve({ token: "entra", expiresOnTimestamp: Date.now() + HOUR }), signInMs),
        ),
    ),
  };
}

const exchangeAnswer = async () =>
  new Response(
    JSON.stringify({ accessToken: { token: jwtValidFor(HOUR), expiresOn: new Date(Date.now() + HOUR).toISOString() } }),
    { status: 200, headers: { "content-type": "application/json" } },
  );

describe("C29: the Entra exchange and the hedge", () => {
  it("C29: an Entra credential does not hedge by default: a sign-in that takes 5 s is asked for once", async () => {
    const tokenCredential = slowSignIn(5 * SECOND);
    const credential = new CommunicationTokenCredential({
      resourceEndpoint: "https://contoso.communication.azure.com",
      tokenCredential,
      fetch: exchangeAnswer,
    });
    const pending = track(credential.getToken());
    await advance(6 * SECOND);
    expect(pending.value).toBeDefined();
    expect(tokenCredential.getToken).toHaveBeenCalledTimes(1);
    credential.dispose();
  });

  it("C29: asked for, it hedges the whole refresher call, sign-in included", async () => {
    const tokenCredential = slowSignIn(5 * SECOND);
    const credential = new CommunicationTokenCredential({
      resourceEndpoint: "https://contoso.communication.azure.com",
      tokenCredential,
      fetch: exchangeAnswer,
      hedgeAfterMs: 3 * SECOND,
    });
    const pending = track(credential.getToken());
    await advance(6 * SECOND);
    expect(pending.value).toBeDefined();
    expect(tokenCredential.getToken).toHaveBeenCalledTimes(2);
    credential.dispose();
  });
});
