import {
  CommunicationTokenCredential,
  createRefreshLimiter,
  tokenEndpoint,
  type TokenEndpointFetch,
} from "../../lib/index.js";
import { track, useFakeTime } from "../support/fakeTime.js";
import { seededRandom } from "../support/seededRandom.js";
import { HOUR, MINUTE, SECOND, START, jwtValidFor } from "../support/tokens.js";
import { ioUntil, listenOnLoopback, type RawLoopback } from "../tokenEndpoint/realSockets.js";

// C30 measured where it matters, at the token server: a real node:http server on 127.0.0.1 sees
// every request the credentials send, tokenEndpoint's own retries included. Before the limiter gave
// retries turns, a fleet of credentials behind a limit of 20 a second sent 61 requests in one second
// to a server answering 500: each refresh counted once, its retries not at all.
//
// Time: Jest's fake timers drive the credentials, the limiter, tokenEndpoint's backoffs and attempt
// limits, and the server's clock (arrival times, the Date header, its slow answers). Fake time moves
// only from one timer to the next, and only once every request sent has reached the server and every
// answer sent has been read: a request is seen at the server at the very instant the limiter let it
// go, however slow the machine is.

const CREDENTIALS = 300;
const MAX_CONCURRENT = 50;
const PER_SECOND = 20;
/** The server answers 500 at once during its first 8 s. */
const FAILING_FOR_MS = 8 * SECOND;
/** Then a token, slowly: 20 requests a second answered after 4 s would keep 80 in flight. */
const ANSWER_AFTER_MS = 4 * SECOND;

// Captured before any test installs fake timers: a real turn of the event loop, not a timer.
const realSetImmediate = setImmediate;
const oneTurn = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

/** The token server: what arrived when (on the test's clock), and how many requests it held at once. */
async function startTokenServer() {
  const arrivals: number[] = [];
  const load = { inFlight: 0, maxInFlight: 0 };
  const server: RawLoopback = await listenOnLoopback((_incoming, outgoing) => {
    const arrivedAt = Date.now();
    arrivals.push(arrivedAt);
    load.maxInFlight = Math.max(load.maxInFlight, ++load.inFlight);
    let ended = false;
    const end = (): void => {
      if (ended) return;
      ended = true;
      load.inFlight -= 1;
    };
    outgoing.on("finish", end); // the whole answer is written
    outgoing.on("close", end); // or the client gave up
    const answer = (status: number, body: object): void => {
      if (outgoing.destroyed) return;
      // The Date from the test's clock, as the credential's own: Node's real one is years off (C25).
      const headers = { "content-type": "application/json", date: new Date(Date.now()).toUTCString() };
      outgoing.writeHead(status, headers).end(JSON.stringify(body));
    };
    if (arrivedAt - START < FAILING_FOR_MS) return answer(500, { error: "starting up" });
    setTimeout(() => answer(200, { token: jwtValidFor(HOUR), expiresOnTimestamp: Date.now() + HOUR }), ANSWER_AFTER_MS);
  });
  return { ...server, arrivals, load };
}

/**
 * The global fetch, counting requests sent and settled. It reads each answer's body before it
 * settles, so that a settled request has nothing left on the wire.
 */
function countingFetch() {
  const wire = { sent: 0, settled: 0 };
  const fetch: TokenEndpointFetch = async (url, init) => {
    wire.sent += 1;
    try {
      const response = await globalThis.fetch(url, init);
      const body = await response.arrayBuffer();
      return new Response(body, { status: response.status, headers: response.headers });
    } finally {
      wire.settled += 1;
    }
  };
  return { fetch, wire };
}

/** The most arrivals in any interval [t, t + 1000 ms). */
function busiestSecond(arrivals: readonly number[]): number {
  const times = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while ((times[last] as number) - (times[first] as number) >= SECOND) first++;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

/** An error as its name and, where it has one, its HTTP status. */
function outcomeOf(error: unknown): string {
  const { name, status } = error as { name?: unknown; status?: unknown };
  return status === undefined ? String(name) : `${String(name)} ${String(status)}`;
}

describe("C30: a refresh limiter measured at a real token server on 127.0.0.1 (real sockets, fake time)", () => {
  const cleanUp: (() => unknown)[] = [];
  beforeEach(useFakeTime);
  afterEach(async () => {
    for (const step of cleanUp.splice(0)) await step();
    jest.useRealTimers();
  });

  it("C30, C23: every HTTP attempt counts against the limiter: no second holds more than perSecond arrivals, never more than maxConcurrent in flight, and every getToken settles", async () => {
    const server = await startTokenServer();
    cleanUp.push(server.close);
    const { fetch, wire } = countingFetch();
    const limiter = createRefreshLimiter({ maxConcurrent: MAX_CONCURRENT, perSecond: PER_SECOND });
    const random = seededRandom(30);
    const credentials = Array.from(
      { length: CREDENTIALS },
      () =>
        new CommunicationTokenCredential({
          tokenRefresher: tokenEndpoint(server.url, { fetch, random }),
          refreshLimiter: limiter,
          random,
        }),
    );
    cleanUp.push(() => credentials.forEach((credential) => credential.dispose()));

    const calls = credentials.map((credential) => track(credential.getToken()));
    // Every request sent has reached the server (or failed), and every answer it sent has been read.
    const wireQuiet = () => wire.settled + server.load.inFlight === wire.sent;
    const settle = async () => {
      await oneTurn(); // what the last timer set off, down to its fetch calls
      await ioUntil(wireQuiet);
    };
    await settle();
    const giveUpAt = START + 10 * MINUTE; // far beyond refreshTimeoutMs: a call still pending then is wedged
    while (calls.some((call) => !call.settled) && jest.getTimerCount() > 0 && Date.now() < giveUpAt) {
      await jest.advanceTimersToNextTimerAsync();
      await settle();
    }

    const busiest = busiestSecond(server.arrivals);
    expect(busiest).toBeLessThanOrEqual(PER_SECOND);
    expect(server.load.maxInFlight).toBeLessThanOrEqual(MAX_CONCURRENT);
    expect({ pending: calls.filter((call) => !call.settled).length }).toEqual({ pending: 0 });
    // Each refresh ended with the server's answer: a token, or the 500 of its last retry within the
    // failing 8 s. None ran out of refreshTimeoutMs waiting for a turn.
    const outcomes = new Set(calls.map(({ error }) => (error === undefined ? "token" : outcomeOf(error))));
    expect([...outcomes].sort()).toEqual(["TokenEndpointError 500", "token"]);
    // The server was pushed to both limits and its failures were retried: the bounds above were tested.
    expect(server.arrivals.length).toBeGreaterThan(CREDENTIALS);
    expect({ busiest, maxInFlight: server.load.maxInFlight }).toEqual({
      busiest: PER_SECOND,
      maxInFlight: MAX_CONCURRENT,
    });
  });
});
