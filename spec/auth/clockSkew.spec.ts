import { AccessKeyCredential } from "../../lib/auth/AccessKeyCredential.js";
import { createAuthenticatedFetch } from "../../lib/auth/authenticatedFetch.js";
import type { FetchFunction } from "../../lib/types.js";
import { startHmacServer, type HmacServer } from "../support/hmacServer.js";
import { useFakeTime } from "../support/fakeTime.js";
import { START } from "../support/tokens.js";

const KEY = Buffer.from("the resource's access key, 32 by").toString("base64");
const OTHER_KEY = Buffer.from("a key the resource does not have").toString("base64");
const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * Fakes `Date` alone, so the client's clock is wrong while timers, sockets and the server run for real
 * (undici's fetch works on this: it times nothing with `Date`).
 */
function shiftClientClock(shiftMs: number): void {
  jest.useFakeTimers({
    doNotFake: [
      "setTimeout",
      "clearTimeout",
      "setInterval",
      "clearInterval",
      "setImmediate",
      "clearImmediate",
      "queueMicrotask",
      "nextTick",
      "performance",
      "hrtime",
    ],
    now: jest.getRealSystemTime() + shiftMs,
  });
}

let server: HmacServer;
let open: HmacServer[] = [];
const consoleCalls = (["log", "info", "warn", "error", "debug"] as const).map((method) =>
  jest.spyOn(console, method).mockImplementation(() => undefined),
);

async function start(...args: Parameters<typeof startHmacServer>): Promise<void> {
  server = await startHmacServer(...args);
  open.push(server);
}

/** The `x-ms-date` of each request the server received, in ms since the epoch. */
const signedTimes = () => server.received.map((request) => Date.parse(String(request.headers["x-ms-date"])));

beforeEach(() => consoleCalls.forEach((spy) => spy.mockClear()));

afterEach(async () => {
  jest.useRealTimers();
  for (const each of open) {
    // Whatever a test did, the key went nowhere but into the signature.
    const wire = JSON.stringify(each.received.map(({ headers, body }) => [headers, body.toString()]));
    expect(wire).not.toContain(KEY);
    expect(wire).not.toContain(OTHER_KEY);
    await each.close();
  }
  open = [];
  for (const spy of consoleCalls) expect(spy).not.toHaveBeenCalled();
});

afterAll(() => consoleCalls.forEach((spy) => spy.mockRestore()));

describe.each([
  ["the client's clock an hour behind (the server's an hour ahead)", { serverShiftMs: HOUR, clientShiftMs: 0 }],
  ["the client's clock an hour ahead (the server's an hour behind)", { serverShiftMs: -HOUR, clientShiftMs: 0 }],
  ["the client's Date faked an hour behind", { serverShiftMs: 0, clientShiftMs: -HOUR }],
  ["the client's Date faked an hour ahead", { serverShiftMs: 0, clientShiftMs: HOUR }],
])("%s", (_, { serverShiftMs, clientShiftMs }) => {
  beforeEach(async () => {
    await start(KEY, { shiftMs: serverShiftMs });
    if (clientShiftMs !== 0) shiftClientClock(clientShiftMs);
  });

  it("C25: the 401 is signed again with the server's time and the retry passes: exactly 2 requests", async () => {
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY));
    const response = await acsFetch(`${server.origin}/identities?api-version=2023-10-01`, { method: "POST" });
    expect(response.status).toBe(200);
    expect(server.verdicts).toEqual(["date outside the window", "ok"]);
    const [first = 0, retry = 0] = signedTimes();
    expect(Math.abs(first - server.now())).toBeGreaterThan(50 * MINUTE);
    expect(Math.abs(retry - server.now())).toBeLessThan(MINUTE);
  });

  it("C25: later requests of that fetch are signed on the server's time from the start: 1 request each", async () => {
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY));
    await acsFetch(`${server.origin}/identities`, { method: "POST" });
    expect((await acsFetch(`${server.origin}/chat/threads?api-version=2024-03-07`)).status).toBe(200);
    expect((await acsFetch(`${server.origin}/chat/threads`, { method: "POST", body: "{}" })).status).toBe(200);
    expect(server.verdicts).toEqual(["date outside the window", "ok", "ok", "ok"]);
  });

  it("C25: the offset belongs to one fetch: another fetch with the same key learns it for itself", async () => {
    await createAuthenticatedFetch(new AccessKeyCredential(KEY))(`${server.origin}/a`);
    expect((await createAuthenticatedFetch(new AccessKeyCredential(KEY))(`${server.origin}/b`)).status).toBe(200);
    expect(server.verdicts).toEqual(["date outside the window", "ok", "date outside the window", "ok"]);
  });
});

describe("C25: what is not a wrong clock gets no second request", () => {
  it("C25: a 401 whose Date agrees with the signing clock is returned as it is: 1 request", async () => {
    await start(KEY);
    const response = await createAuthenticatedFetch(new AccessKeyCredential(OTHER_KEY))(`${server.origin}/x`);
    expect(response.status).toBe(401);
    expect(server.verdicts).toEqual(["signature differs"]);
  });

  it("C25: once the offset is learned, a 401 for another cause (a rotated key) is not sent again", async () => {
    await start(KEY, { shiftMs: HOUR });
    const credential = new AccessKeyCredential(KEY);
    const acsFetch = createAuthenticatedFetch(credential);
    expect((await acsFetch(`${server.origin}/x`)).status).toBe(200);
    credential.update(OTHER_KEY);
    expect((await acsFetch(`${server.origin}/x`)).status).toBe(401);
    expect(server.verdicts).toEqual(["date outside the window", "ok", "signature differs"]);
  });

  it("C25: a skew whose re-signed retry is refused too is returned: 2 requests, no loop", async () => {
    await start(KEY, { shiftMs: HOUR });
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(OTHER_KEY));
    const response = await acsFetch(`${server.origin}/x`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: { code: "Unauthorized", message: "signature differs" } });
    expect(server.received).toHaveLength(2);
    expect((await acsFetch(`${server.origin}/y`)).status).toBe(401); // on the learned offset: no retry
    expect(server.received).toHaveLength(3);
  });

  it("C25: one retry per request at most, even when every 401 shows a new skew", async () => {
    const jumpingDate = (index: number) => new Date(jest.getRealSystemTime() + (index % 2 === 0 ? HOUR : -HOUR));
    await start(KEY, {
      answerInstead: (index) => ({ status: 401, headers: { date: jumpingDate(index).toUTCString() } }),
    });
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY));
    expect((await acsFetch(`${server.origin}/x`)).status).toBe(401);
    expect(server.received).toHaveLength(2);
  });

  it("C25: a small skew (2 minutes) changes nothing: signed on the local clock, a 401 not sent again", async () => {
    await start(KEY, { shiftMs: 2 * MINUTE });
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY));
    expect((await acsFetch(`${server.origin}/a`)).status).toBe(200);
    expect((await acsFetch(`${server.origin}/b`)).status).toBe(200);
    expect(Math.abs((signedTimes()[1] ?? 0) - Date.now())).toBeLessThan(MINUTE); // not the server's time
    expect((await createAuthenticatedFetch(new AccessKeyCredential(OTHER_KEY))(`${server.origin}/c`)).status).toBe(401);
    expect(server.verdicts).toEqual(["ok", "ok", "signature differs"]);
  });

  it("C25: an answer with an Age header (a cached one) is no evidence: returned, and nothing learned", async () => {
    await start(KEY, { shiftMs: HOUR, headers: { age: "0" } });
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY));
    expect((await acsFetch(`${server.origin}/a`)).status).toBe(401);
    expect((await acsFetch(`${server.origin}/b`)).status).toBe(401);
    expect(server.verdicts).toEqual(["date outside the window", "date outside the window"]);
  });

  it.each(["not a date", "1", "Sun, 06 Nov 1994 08:49:37", ""])(
    "C25: a Date that is no IMF-fixdate (%j) is no evidence: 1 request",
    async (date) => {
      await start(KEY, { shiftMs: HOUR, headers: { date } });
      expect((await createAuthenticatedFetch(new AccessKeyCredential(KEY))(`${server.origin}/x`)).status).toBe(401);
      expect(server.received).toHaveLength(1);
    },
  );

  it("C25: a token credential's 401 is not re-signed, whatever its Date shows (the bearer branch is unchanged)", async () => {
    await start(KEY, { shiftMs: HOUR });
    const credential = { getToken: jest.fn(async () => ({ token: "user-token", expiresOnTimestamp: 0 })) };
    expect((await createAuthenticatedFetch(credential)(`${server.origin}/chat`)).status).toBe(401);
    expect(server.received.map((request) => request.headers.authorization)).toEqual(["Bearer user-token"]);
  });
});

describe("C25: the re-signed request", () => {
  it("C25: carries the body intact, a stream's included, and the caller's headers", async () => {
    await start(KEY, { shiftMs: -HOUR });
    const body = new Blob(["streamed ", "héllo 😀"]).stream();
    const init = { method: "PUT", body, duplex: "half", headers: { "x-custom": "kept" } } as RequestInit;
    const response = await createAuthenticatedFetch(new AccessKeyCredential(KEY))(`${server.origin}/upload`, init);
    expect(response.status).toBe(200);
    expect(server.verdicts).toEqual(["date outside the window", "ok"]); // "ok" includes the content hash
    expect(server.received.map((request) => [request.body.toString(), request.headers["x-custom"]])).toEqual([
      ["streamed héllo 😀", "kept"],
      ["streamed héllo 😀", "kept"],
    ]);
  });

  it("C25: keeps the caller's abort signal: an abort during the retry rejects with the abort reason", async () => {
    await start(KEY, { shiftMs: HOUR, answerInstead: (index) => (index === 1 ? "hang" : undefined) });
    const controller = new AbortController();
    const call = createAuthenticatedFetch(new AccessKeyCredential(KEY))(`${server.origin}/x`, {
      signal: controller.signal,
    });
    await server.arrived(2);
    const reason = new Error("the user left the page");
    controller.abort(reason);
    const error = await call.then(
      () => new Error("expected a rejection"),
      (rejection: unknown) => rejection,
    );
    expect(error).toBe(reason);
    expect(`${String(error)} ${(error as Error).stack ?? ""}`).not.toContain(KEY);
    expect(server.received).toHaveLength(2);
  });
});

describe("C25: every usable Date sets the offset (a fetch that answers on fake time)", () => {
  /** A fetch that answers each request with the next of `answers` (status 200 unless given), recording `x-ms-date`. */
  function answering(answers: { status?: number; headers?: Record<string, string> }[]) {
    const signed: string[] = [];
    const send: FetchFunction = async (input, init) => {
      signed.push(new Request(input, init).headers.get("x-ms-date") ?? "");
      const { status = 200, headers = {} } = answers.shift() ?? {};
      return new Response("{}", { status, headers });
    };
    return { signed, send };
  }
  const at = (ms: number) => new Date(ms).toUTCString();
  const url = "https://contoso.communication.azure.com/x";

  beforeEach(() => useFakeTime());

  it("C25: a 200's Date moves it, a skew gone sets it back to 0; no Date or an Age changes nothing", async () => {
    const { signed, send } = answering([
      { headers: { date: at(START + HOUR) } }, // skewed: the offset becomes an hour
      {}, // no Date: kept
      { headers: { date: at(START - HOUR), age: "10" } }, // cached: kept
      { headers: { date: at(START + 2 * MINUTE) } }, // within 5 minutes of the local clock: back to 0
      { headers: { date: at(START - 2 * HOUR) } }, // skewed the other way
      {},
    ]);
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY), { fetch: send });
    for (let i = 0; i < 6; i += 1) expect((await acsFetch(url)).status).toBe(200);
    expect(signed).toEqual([
      at(START),
      at(START + HOUR),
      at(START + HOUR),
      at(START + HOUR),
      at(START),
      at(START - 2 * HOUR),
    ]);
  });

  it("C25: the retry's answer counts too: its Date sets the offset for the next request", async () => {
    const { signed, send } = answering([
      { status: 401, headers: { date: at(START + HOUR) } },
      { headers: { date: at(START + 3 * HOUR) } }, // the server's clock jumped meanwhile
      {},
    ]);
    const acsFetch = createAuthenticatedFetch(new AccessKeyCredential(KEY), { fetch: send });
    expect((await acsFetch(url)).status).toBe(200);
    expect((await acsFetch(url)).status).toBe(200);
    expect(signed).toEqual([at(START), at(START + HOUR), at(START + 3 * HOUR)]);
  });
});
