import { VirtualTimeScheduler } from "rxjs";
import {
  CommunicationTokenCredential,
  TokenEndpointError,
  tokenEndpoint,
  type AccessToken,
  type CommunicationTokenRefreshOptions,
} from "../../lib/index.js";
import {
  exchanged,
  fakeEntraCredential,
  runUntilSettled,
  scriptedFetch,
  startExchangeServer,
} from "../support/exchangeServer.js";
import { advance, track, useFakeTime } from "../support/fakeTime.js";
import { startLoopbackServer, type Answer, type LoopbackServer } from "../support/loopbackServer.js";
import { claimsOf, jwtIssuedAt, jwtWithoutIat, skewedIssuer, type SkewedIssuer } from "../support/skewedTokens.js";
import { DAY, HOUR, MINUTE, SECOND, START } from "../support/tokens.js";
import { rejectionOf } from "./harness.js";
import { ioUntil } from "./realSockets.js";

const ENDPOINT = "https://app.example/api/acs-token";
const httpDate = (at: number): string => new Date(at).toUTCString();

/** A 200 answer with the token alone as text, and `headers`. */
function asText(token: string, headers: Record<string, string> = {}) {
  return { status: 200, rawBody: token, headers: { "content-type": "text/plain", ...headers } };
}

function expOf(token: AccessToken): number {
  const { expiresAt } = claimsOf(token.token);
  if (expiresAt === undefined) throw new Error("a test token without exp");
  return expiresAt;
}

function stateOf(credential: CommunicationTokenCredential): Record<string, unknown> {
  let shown: Record<string, unknown> = {};
  credential.state$.subscribe((state) => (shown = { ...state })).unsubscribe();
  return shown;
}

/** The state's clockOffsetMs, or "none" when the state has no such field. */
function offsetShownBy(credential: CommunicationTokenCredential): number | "none" {
  const state = stateOf(credential);
  return typeof state["clockOffsetMs"] === "number" ? state["clockOffsetMs"] : "none";
}

/** A count and the first of some offending entries: a failure prints an example, not thousands. */
function summary<T>(entries: readonly T[]): { count: number; first: T | undefined } {
  return { count: entries.length, first: entries[0] };
}

/** A token as it was handed out: what it says, and the issuer's time at that moment. */
interface HandedOut {
  readonly via: "getToken" | "token$";
  readonly token: AccessToken;
  readonly issuerNow: number;
}

/** A token the server issued: the issuer's time of the request, and the token's exp. */
interface Issued {
  readonly at: number;
  readonly exp: number;
}

/**
 * Walks fake time from timer to timer for `durationMs`, calling getToken at each step and watching
 * token$; whenever a refresh is in flight, real I/O runs with the clock standing still, so that the
 * refresh timeout never fires because of the test's own pace.
 */
async function walk(credential: CommunicationTokenCredential, issuer: SkewedIssuer, durationMs: number) {
  const handedOut: HandedOut[] = [];
  const failures: string[] = [];
  let status = "";
  const watching = [
    credential.state$.subscribe((state) => (status = state.status)),
    credential.token$.subscribe((token) => handedOut.push({ via: "token$", token, issuerNow: issuer.now() })),
  ];
  const end = Date.now() + durationMs;
  for (let step = 0; Date.now() < end; step++) {
    if (step === 50_000) throw new Error("the walk made no progress");
    await ioUntil(() => status !== "refreshing");
    const call = track(credential.getToken());
    await ioUntil(() => call.settled);
    if (call.value !== undefined) handedOut.push({ via: "getToken", token: call.value, issuerNow: issuer.now() });
    else failures.push((call.error as Error).name);
    if (failures.length === 10) break; // a credential failing in a loop: enough to tell, no need for days of it
    const before = Date.now();
    await jest.advanceTimersToNextTimerAsync();
    if (Date.now() === before) await advance(MINUTE);
  }
  watching.forEach((subscription) => subscription.unsubscribe());
  return { handedOut, failures };
}

describe("C25: a token endpoint's Date header tells the credential the server's clock (127.0.0.1, fake time)", () => {
  let server: LoopbackServer | undefined;
  const credentials: CommunicationTokenCredential[] = [];
  const create = (options: CommunicationTokenRefreshOptions): CommunicationTokenCredential => {
    const credential = new CommunicationTokenCredential({ random: () => 0.5, ...options });
    credentials.push(credential);
    return credential;
  };
  beforeEach(useFakeTime);
  afterEach(async () => {
    credentials.splice(0).forEach((credential) => credential.dispose());
    await server?.close();
    server = undefined;
    jest.useRealTimers();
  });

  /** A loopback token endpoint on the issuer's clock, recording what it issues. */
  async function skewedEndpoint(issuer: SkewedIssuer, answer: (issued: Issued[]) => Answer) {
    const issued: Issued[] = [];
    server = await startLoopbackServer(() => answer(issued));
    server.now = () => issuer.now();
    return { url: `${server.origin}/api/acs-token`, issued };
  }

  /** Answers a bare JWT living `lifetimeMs` by the issuer's clock, with or without `iat`. */
  function bareJwt(issuer: SkewedIssuer, lifetimeMs: number, withIat: boolean) {
    return (issued: Issued[]): Answer => {
      const at = issuer.now();
      const exp = Math.floor(at / SECOND) * SECOND + lifetimeMs;
      issued.push({ at, exp });
      const token = withIat ? issuer.jwt(lifetimeMs, { wholeSeconds: true }) : jwtWithoutIat(exp);
      return asText(token);
    };
  }

  /** How long before the previous token's real expiry each renewal came, by the issuer's clock. */
  function renewalLeads(issued: readonly Issued[]): number[] {
    return issued.slice(1).map((renewal, index) => (issued[index]?.exp ?? Number.NaN) - renewal.at);
  }

  describe.each([
    ["with iat = the server's time", true],
    ["without iat: the Date header is the only evidence", false],
  ])("C25: a client clock 3 hours behind the server's, 1-hour tokens %s", (_, withIat) => {
    it("C25: over 5½ hours, no token handed out is past its exp by the server's clock; each is renewed 10–20 minutes before it", async () => {
      const issuer = skewedIssuer(3 * HOUR);
      const { url, issued } = await skewedEndpoint(issuer, bareJwt(issuer, HOUR, withIat));
      const credential = create({ tokenRefresher: tokenEndpoint(url), refreshProactively: true });
      const { handedOut, failures } = await walk(credential, issuer, 5.5 * HOUR);
      expect(summary(failures)).toEqual({ count: 0, first: undefined });
      const late = handedOut.filter(({ token, issuerNow }) => expOf(token) <= issuerNow);
      expect(summary(late)).toEqual({ count: 0, first: undefined });
      for (const { token } of handedOut) {
        expect(Math.abs(token.expiresOnTimestamp - (expOf(token) - 3 * HOUR))).toBeLessThanOrEqual(2 * SECOND);
      }
      expect(issued).toHaveLength(8); // at about 0, 45, 90, … 315 minutes: 15 minutes before each real expiry
      for (const lead of renewalLeads(issued)) {
        expect(lead).toBeGreaterThanOrEqual(10 * MINUTE - 2 * SECOND);
        expect(lead).toBeLessThanOrEqual(20 * MINUTE + 2 * SECOND);
      }
      expect(Math.abs(Number(offsetShownBy(credential)) - 3 * HOUR)).toBeLessThanOrEqual(2 * SECOND);
    });
  });

  it("C25: a client clock 2 days ahead: fresh 24-hour tokens are accepted, moved by +2 days, and renewed 3–4 times in 3 days", async () => {
    const issuer = skewedIssuer(-2 * DAY);
    const { url, issued } = await skewedEndpoint(issuer, (issuedSoFar) => {
      const at = issuer.now();
      const token = issuer.jwt(DAY, { wholeSeconds: true });
      const exp = Number(claimsOf(token).expiresAt);
      issuedSoFar.push({ at, exp });
      return { status: 200, body: { token, expiresOn: new Date(exp).toISOString() } };
    });
    const credential = create({ tokenRefresher: tokenEndpoint(url), refreshProactively: true });
    const { handedOut, failures } = await walk(credential, issuer, 3 * DAY);
    expect(summary(failures)).toEqual({ count: 0, first: undefined });
    expect(issued.length).toBeGreaterThanOrEqual(3);
    expect(issued.length).toBeLessThanOrEqual(4);
    const late = handedOut.filter(({ token, issuerNow }) => expOf(token) <= issuerNow);
    expect(summary(late)).toEqual({ count: 0, first: undefined });
    for (const { token } of handedOut) {
      expect(Math.abs(token.expiresOnTimestamp - (expOf(token) + 2 * DAY))).toBeLessThanOrEqual(2 * SECOND);
    }
    for (const lead of renewalLeads(issued)) {
      expect(lead).toBeGreaterThanOrEqual(10 * MINUTE - 2 * SECOND);
      expect(lead).toBeLessThanOrEqual(20 * MINUTE + 2 * SECOND);
    }
    expect(Math.abs(Number(offsetShownBy(credential)) + 2 * DAY)).toBeLessThanOrEqual(2 * SECOND);
  });

  describe("C25: ambiguous evidence never makes a token live longer than its exp", () => {
    it("C25: a cached token issued 30 minutes ago, with a Date agreeing with the client: offset 0, expiry exactly exp", async () => {
      const issuer = skewedIssuer(0);
      const { url } = await skewedEndpoint(issuer, () => asText(issuer.jwt(HOUR, { issuedAgoMs: 30 * MINUTE })));
      const credential = create({ tokenRefresher: tokenEndpoint(url) });
      const cached = await credential.getToken();
      expect(cached.expiresOnTimestamp).toBe(expOf(cached));
      expect(cached.expiresOnTimestamp).toBe(START + 30 * MINUTE);
      expect(offsetShownBy(credential)).toBe("none");
      issuer.shiftMs = 3 * HOUR; // the same server, its clock now 3 h ahead: its Date says so
      const ahead = await credential.refresh();
      expect(Math.abs(ahead.expiresOnTimestamp - (expOf(ahead) - 3 * HOUR))).toBeLessThanOrEqual(SECOND);
    });

    it("C25: a cached token issued 30 minutes ago without a Date header: offset 0, expiry exactly exp", async () => {
      const cachedToken = jwtIssuedAt(START - 30 * MINUTE, 4 * HOUR);
      const { fetch } = scriptedFetch(asText(cachedToken), asText(cachedToken, { date: httpDate(START + 3 * HOUR) }));
      const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch }) });
      await expect(credential.getToken()).resolves.toMatchObject({ expiresOnTimestamp: START + 3.5 * HOUR });
      expect(offsetShownBy(credential)).toBe("none");
      const dated = await credential.refresh(); // control: the same token with a Date 3 h ahead is moved
      expect(Math.abs(dated.expiresOnTimestamp - (START + 30 * MINUTE))).toBeLessThanOrEqual(SECOND);
    });
  });

  it("C25: a Date 2 s off and an iat 3 s ahead are noise: offset 0, expiry exactly exp, no clockOffsetMs; 8 s off is not", async () => {
    const issuer = skewedIssuer(2 * SECOND);
    const answers = [jwtIssuedAt(START + 3 * SECOND, HOUR), jwtIssuedAt(START + 3 * SECOND, HOUR)];
    const { url } = await skewedEndpoint(issuer, () => asText(answers.shift() ?? ""));
    const credential = create({ tokenRefresher: tokenEndpoint(url) });
    const states: object[] = [];
    credential.state$.subscribe((state) => states.push(state));
    const near = await credential.getToken();
    expect(near.expiresOnTimestamp).toBe(expOf(near));
    expect(states.filter((state) => "clockOffsetMs" in state)).toEqual([]);
    issuer.shiftMs = 8 * SECOND;
    const far = await credential.refresh();
    expect(expOf(far) - far.expiresOnTimestamp).toBeGreaterThanOrEqual(7 * SECOND);
    expect(expOf(far) - far.expiresOnTimestamp).toBeLessThanOrEqual(9 * SECOND);
  });

  describe("C25: which Date headers are evidence", () => {
    const token = jwtWithoutIat(START + 4 * HOUR);
    const threeHoursAhead = { date: httpDate(START + 3 * HOUR) };
    const movedExpiry = START + HOUR;

    it("C25: a Date with an Age header (a cache answered) is ignored; the same Date without Age is used", async () => {
      const issuer = skewedIssuer(3 * HOUR);
      const answers: Answer[] = [asText(token, { age: "120" }), asText(token)];
      const { url } = await skewedEndpoint(issuer, () => answers.shift() ?? { status: 500 });
      const credential = create({ tokenRefresher: tokenEndpoint(url) });
      await expect(credential.getToken()).resolves.toMatchObject({ expiresOnTimestamp: START + 4 * HOUR });
      expect(offsetShownBy(credential)).toBe("none");
      const dated = await credential.refresh();
      expect(Math.abs(dated.expiresOnTimestamp - movedExpiry)).toBeLessThanOrEqual(SECOND);
    });

    it.each([
      ["no Date header", {}],
      ["an unparsable Date", { date: "yesterday, around noon" }],
      ["an empty Date", { date: "" }],
    ])("C25: %s is no evidence; a Date 3 h ahead on the next answer is", async (_, headers) => {
      const { fetch } = scriptedFetch(asText(token, headers), asText(token, threeHoursAhead));
      const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch }) });
      await expect(credential.getToken()).resolves.toMatchObject({ expiresOnTimestamp: START + 4 * HOUR });
      expect(offsetShownBy(credential)).toBe("none");
      const dated = await credential.refresh();
      expect(Math.abs(dated.expiresOnTimestamp - movedExpiry)).toBeLessThanOrEqual(SECOND);
    });

    it("C25: a non-2xx answer's Date is not used: after a 503 dated 3 h ahead, an undated token keeps its exp", async () => {
      const { fetch } = scriptedFetch(
        { status: 503, headers: threeHoursAhead },
        asText(token),
        asText(token, threeHoursAhead),
      );
      const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch, retry: false }) });
      expect(await rejectionOf(credential.getToken())).toBeInstanceOf(TokenEndpointError);
      expect(offsetShownBy(credential)).toBe("none");
      await expect(credential.getToken()).resolves.toMatchObject({ expiresOnTimestamp: START + 4 * HOUR });
      expect(offsetShownBy(credential)).toBe("none");
      const dated = await credential.refresh();
      expect(Math.abs(dated.expiresOnTimestamp - movedExpiry)).toBeLessThanOrEqual(SECOND);
    });
  });

  describe("C25: the Date offset and the iat lower bound combine as the larger", () => {
    it.each([
      ["an iat 3 h ahead outweighs a Date 1 h ahead", START + HOUR, 3 * HOUR],
      ["a Date 5 h ahead outweighs an iat 3 h ahead", START + 5 * HOUR, 5 * HOUR],
    ])("C25: %s", async (_, serverDate, expectedOffset) => {
      const issuedAhead = jwtIssuedAt(START + 3 * HOUR, 3 * HOUR);
      const { fetch } = scriptedFetch(asText(issuedAhead, { date: httpDate(serverDate) }));
      const credential = create({ tokenRefresher: tokenEndpoint(ENDPOINT, { fetch }) });
      const token = await credential.getToken();
      expect(Math.abs(token.expiresOnTimestamp - (START + 6 * HOUR - expectedOffset))).toBeLessThanOrEqual(SECOND);
      expect(Math.abs(Number(offsetShownBy(credential)) - expectedOffset)).toBeLessThanOrEqual(SECOND);
    });
  });
});

describe("C25: the Entra exchange: ACS's Date header moves the ACS token's expiry (emulated ACS on 127.0.0.1)", () => {
  let server: LoopbackServer | undefined;
  const credentials: CommunicationTokenCredential[] = [];
  afterEach(async () => {
    credentials.splice(0).forEach((credential) => credential.dispose());
    await server?.close();
    server = undefined;
  });

  async function exchangeWithServerAhead(shiftMs: number) {
    const scheduler = new VirtualTimeScheduler();
    server = await startExchangeServer(exchanged("acsToken", scheduler.now() + shiftMs + HOUR));
    server.now = () => scheduler.now() + shiftMs;
    const credential = new CommunicationTokenCredential({
      resourceEndpoint: server.origin,
      tokenCredential: fakeEntraCredential(),
      scheduler,
      hedgeAfterMs: false, // virtual time runs ahead of the real server: a hedge would start at once
    });
    credentials.push(credential);
    const token = await runUntilSettled(credential.getToken(), scheduler);
    return { token, credential, now: scheduler.now(), scheduler };
  }

  it("C25: ACS's clock 3 h ahead: the token expiring in 1 h by ACS's clock expires in 1 h by the client's, and state$ shows +3 h", async () => {
    const { token, credential, now } = await exchangeWithServerAhead(3 * HOUR);
    expect(token.token).toBe("acsToken");
    expect(Math.abs(token.expiresOnTimestamp - (now + HOUR))).toBeLessThanOrEqual(SECOND);
    expect(Math.abs(Number(offsetShownBy(credential)) - 3 * HOUR)).toBeLessThanOrEqual(SECOND);
  });

  it("C25: the offset follows the latest exchange: ACS's clock 3 h ahead, then agreeing with the client's (expiry exactly ACS's own)", async () => {
    const { token, credential, now, scheduler } = await exchangeWithServerAhead(3 * HOUR);
    expect(Math.abs(token.expiresOnTimestamp - (now + HOUR))).toBeLessThanOrEqual(SECOND);
    if (server !== undefined) server.now = () => scheduler.now(); // ACS's clock put right
    const agreeing = await runUntilSettled(credential.refresh(), scheduler);
    expect(agreeing.expiresOnTimestamp).toBe(now + 4 * HOUR);
    expect(offsetShownBy(credential)).toBe("none");
  });
});
