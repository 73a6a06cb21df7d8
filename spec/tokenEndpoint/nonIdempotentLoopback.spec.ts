import { CommunicationTokenCredential, tokenEndpoint, type TokenEndpointOptions } from "../../lib/index.js";
import { advance, track, useFakeTime } from "../support/fakeTime.js";
import { startLoopbackServer } from "../support/loopbackServer.js";
import { HOUR, jwtValidFor, START } from "../support/tokens.js";
import { aMinuteWithIo, causeCode, ioUntil, listenOnLoopback, recordingFetch } from "./realSockets.js";

// C29 against real sockets: a POST the server has acted on is not sent again when its answer is lost,
// unless retry.idempotent says it may be; a POST whose connection was refused is.

/**
 * A token endpoint on 127.0.0.1 that acts on every POST it reads (as one rotating a refresh-token
 * cookie would), then loses the first answer: it closes the connection instead of answering.
 */
async function startForgetfulServer() {
  const processed: string[] = [];
  const server = await listenOnLoopback((incoming, outgoing) => {
    let body = "";
    incoming.on("data", (chunk: Buffer) => (body += chunk.toString()));
    incoming.on("end", () => {
      processed.push(`${incoming.method} ${body}`);
      if (processed.length === 1) return incoming.socket.destroy();
      const answer = { token: jwtValidFor(HOUR), expiresOnTimestamp: Date.now() + HOUR };
      // The Date from the test's clock: Node's own is real time, years off from fake time (C25).
      const date = new Date(Date.now()).toUTCString();
      outgoing.writeHead(200, { "content-type": "application/json", date }).end(JSON.stringify(answer));
    });
  });
  return { ...server, processed };
}

const POST = { method: "POST", body: '{"refreshToken":"rt-1"}' };

describe("C29: a POST and a real server on 127.0.0.1 (real sockets, fake time for the waits)", () => {
  const cleanUp: (() => unknown)[] = [];
  beforeEach(useFakeTime);
  afterEach(async () => {
    for (const step of cleanUp.splice(0)) await step();
    jest.useRealTimers();
  });

  async function credentialOnForgetfulServer(options: TokenEndpointOptions) {
    const server = await startForgetfulServer();
    const { fetch, rejections } = recordingFetch();
    const credential = new CommunicationTokenCredential({
      tokenRefresher: tokenEndpoint(server.url, { fetch, init: POST, random: () => 1, ...options }),
      hedgeAfterMs: false,
    });
    cleanUp.push(() => credential.dispose(), server.close);
    return { server, rejections, call: track(credential.getToken()) };
  }

  it("C29: the server acted on the POST and the answer was lost: the caller gets the network error, and it is not sent again", async () => {
    const { server, rejections, call } = await credentialOnForgetfulServer({});
    await ioUntil(() => call.settled);
    expect(call.error).toBe(rejections[0]);
    expect(call.error).toMatchObject({ name: "TypeError", message: "fetch failed" });
    await aMinuteWithIo();
    expect(server.processed).toEqual(['POST {"refreshToken":"rt-1"}']);
  });

  it("C29: the same with retry.idempotent: true: sent again after the backoff, and the token arrives", async () => {
    const { server, rejections, call } = await credentialOnForgetfulServer({ retry: { idempotent: true } });
    await ioUntil(() => rejections.length === 1);
    await advance(999);
    expect(server.processed).toHaveLength(1);
    await advance(1);
    await ioUntil(() => call.settled);
    expect(call.value?.token).toBe(jwtValidFor(HOUR, START + 1_000)); // issued by the second request
    expect(server.processed).toHaveLength(2);
  });

  it("C29: a POST with no answer within attemptTimeoutMs is aborted on the wire and not sent again", async () => {
    const server = await startLoopbackServer(() => "hang");
    cleanUp.push(server.close);
    const refresher = tokenEndpoint(`${server.origin}/api/acs-token`, { init: POST });
    const outcome = track(Promise.resolve(refresher(new AbortController().signal)));
    await ioUntil(() => server.received.length === 1);
    await advance(10_000);
    await ioUntil(() => outcome.settled && server.abandoned === 1);
    expect(outcome.error).toMatchObject({ name: "TimeoutError" });
    await aMinuteWithIo();
    expect(server.received).toHaveLength(1);
  });

  it("C29: a POST whose connection is refused (nothing listens) reached no server: it is sent again", async () => {
    const closed = await startLoopbackServer(() => ({ status: 500 }));
    await closed.close(); // its port now refuses connections
    const { fetch, rejections } = recordingFetch();
    const refresher = tokenEndpoint(`${closed.origin}/api/acs-token`, {
      fetch,
      init: POST,
      random: () => 1,
      retry: { maxRetries: 1 },
    });
    const outcome = track(Promise.resolve(refresher(new AbortController().signal)));
    await ioUntil(() => rejections.length === 1 && jest.getTimerCount() === 1);
    expect(causeCode(rejections[0])).toBe("ECONNREFUSED");
    await advance(1_000);
    await ioUntil(() => outcome.settled);
    expect(rejections).toHaveLength(2);
    expect(outcome.error).toBe(rejections[1]);
  });
});
