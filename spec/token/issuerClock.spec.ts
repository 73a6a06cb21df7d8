import { inspect } from "node:util";
import { createAccessToken } from "../../lib/token/accessToken.js";
import { createState, isSameState } from "../../lib/refresh/credentialState.js";
import {
  CLOCK_TOLERANCE_MS,
  clockExpiryHint,
  clockOffsetFromDate,
  estimateClockOffsetMs,
  MAX_REPORTED_CLOCK_OFFSET_MS,
  receivedToken,
  reportedClockOffsetMs,
} from "../../lib/token/issuerClock.js";
import { withClockOffset } from "../../lib/tokenEndpoint/tokenAnswer.js";
import { jwtIssuedAt, jwtWithoutIat } from "../support/skewedTokens.js";
import { DAY, HOUR, MINUTE, OPAQUE_TOKEN, SECOND, START } from "../support/tokens.js";

const httpDate = (at: number): string => new Date(at).toUTCString();

/** A token as it arrives: the string, with `exp` as the given expiry. */
function arrived(token: string, expiresOnTimestamp: number) {
  return createAccessToken(token, expiresOnTimestamp);
}

describe("C25: estimateClockOffsetMs, the issuer's clock minus this machine's", () => {
  it("C25: an iat in the local future proves the local clock at least that far behind", () => {
    const token = arrived(jwtIssuedAt(START + 3 * HOUR, HOUR), START + 4 * HOUR);
    expect(estimateClockOffsetMs(token, undefined, START)).toBe(3 * HOUR);
  });

  it("C25: an iat in the local past proves nothing (a cached token): 0, while one ahead counts", () => {
    const cached = arrived(jwtIssuedAt(START - 30 * MINUTE, HOUR), START + 30 * MINUTE);
    const old = arrived(jwtIssuedAt(START - 2 * DAY, 3 * DAY), START + DAY);
    expect(estimateClockOffsetMs(cached, undefined, START)).toBe(0);
    expect(estimateClockOffsetMs(old, undefined, START)).toBe(0);
    const ahead = arrived(jwtIssuedAt(START + 10 * MINUTE, HOUR), START + 70 * MINUTE);
    expect(estimateClockOffsetMs(ahead, undefined, START)).toBe(10 * MINUTE);
  });

  it("C25: a reported offset is evidence without any iat, for an opaque token too", () => {
    const opaque = arrived(OPAQUE_TOKEN, START + HOUR);
    const withoutIat = arrived(jwtWithoutIat(START + 4 * HOUR), START + 4 * HOUR);
    expect(estimateClockOffsetMs(opaque, 3 * HOUR, START)).toBe(3 * HOUR);
    expect(estimateClockOffsetMs(withoutIat, 3 * HOUR, START)).toBe(3 * HOUR);
  });

  // The client 2 days ahead of its server: only the Date header can tell; a token's iat lies in the local past.
  it("C25: a negative reported offset (the client ahead) is kept: an iat in the local past does not cancel it", () => {
    const withoutIat = arrived(jwtWithoutIat(START - DAY), START - DAY);
    const issuedBefore = arrived(jwtIssuedAt(START - 2 * DAY, DAY), START - DAY);
    expect(estimateClockOffsetMs(withoutIat, -2 * DAY, START)).toBe(-2 * DAY);
    expect(estimateClockOffsetMs(issuedBefore, -2 * DAY, START)).toBe(-2 * DAY);
  });

  it.each([
    ["an iat 3 h ahead outweighs a report of 1 h", HOUR, 3 * HOUR],
    ["a report of 5 h outweighs an iat 3 h ahead", 5 * HOUR, 5 * HOUR],
    ["an iat 3 h ahead outweighs a report of the client 1 h ahead", -HOUR, 3 * HOUR],
  ])("C25: the report and the iat lower bound combine as the larger: %s", (_, reported, expected) => {
    const token = arrived(jwtIssuedAt(START + 3 * HOUR, 6 * HOUR), START + 9 * HOUR);
    expect(estimateClockOffsetMs(token, reported, START)).toBe(expected);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "C25: a reported offset of %p is ignored: the iat alone decides",
    (reported) => {
      const token = arrived(jwtIssuedAt(START + 2 * HOUR, HOUR), START + 3 * HOUR);
      expect(estimateClockOffsetMs(token, reported, START)).toBe(2 * HOUR);
    },
  );

  it.each([
    ["a year behind", -365 * DAY, 0],
    ["31 days ahead", 31 * DAY, 0],
    ["30 days behind, the most believed", -30 * DAY, -30 * DAY],
    ["30 days ahead", 30 * DAY, 30 * DAY],
  ])("C32: a reported offset %s: beyond 30 days either way it is ignored", (_, reported, expected) => {
    expect(MAX_REPORTED_CLOCK_OFFSET_MS).toBe(30 * DAY);
    const withoutIat = arrived(jwtWithoutIat(START + HOUR), START + HOUR);
    expect(estimateClockOffsetMs(withoutIat, reported, START)).toBe(expected);
  });

  it("C32: an ignored report leaves the iat to decide", () => {
    const token = arrived(jwtIssuedAt(START + 2 * HOUR, HOUR), START + 3 * HOUR);
    expect(estimateClockOffsetMs(token, -365 * DAY, START)).toBe(2 * HOUR);
  });

  it(`C25: offsets under ${CLOCK_TOLERANCE_MS} ms are noise (0); 6 s counts`, () => {
    const token = (aheadMs: number) => arrived(jwtIssuedAt(START + aheadMs, HOUR), START + aheadMs + HOUR);
    expect(estimateClockOffsetMs(token(3 * SECOND), undefined, START)).toBe(0);
    expect(estimateClockOffsetMs(token(3 * SECOND), 2 * SECOND, START)).toBe(0);
    expect(estimateClockOffsetMs(token(0), -4 * SECOND, START)).toBe(0);
    expect(estimateClockOffsetMs(token(6 * SECOND), undefined, START)).toBe(6 * SECOND);
    expect(estimateClockOffsetMs(token(6 * SECOND), 2 * SECOND, START)).toBe(6 * SECOND);
  });

  it("C25: the estimate is whole milliseconds, as state$ shows it", () => {
    const token = arrived(jwtWithoutIat(START + HOUR), START + HOUR);
    expect(estimateClockOffsetMs(token, 3 * HOUR + 0.6, START)).toBe(3 * HOUR + 1);
  });
});

describe("C25: receivedToken, a token moved onto this machine's clock", () => {
  it("C25: the expiry moves by the offset; the token string stays; the offset is told", () => {
    const jwt = jwtIssuedAt(START + 3 * HOUR, HOUR);
    const received = receivedToken(arrived(jwt, START + 4 * HOUR), undefined, START);
    expect(received.clockOffsetMs).toBe(3 * HOUR);
    expect(received.token.token).toBe(jwt);
    expect(received.token.expiresOnTimestamp).toBe(START + HOUR);
  });

  it("C25: a moved token is as redacted and frozen as any other: no token string in util.inspect", () => {
    const jwt = jwtIssuedAt(START + 3 * HOUR, HOUR);
    const { token } = receivedToken(arrived(jwt, START + 4 * HOUR), undefined, START);
    expect(token.expiresOnTimestamp).toBe(START + HOUR);
    expect(inspect(token)).not.toContain(jwt);
    expect(Object.isFrozen(token)).toBe(true);
  });

  it("C25: with no offset the very token given is kept; with one, a reported offset moves it", () => {
    const given = arrived(jwtWithoutIat(START + 4 * HOUR), START + 4 * HOUR);
    expect(receivedToken(given, undefined, START)).toEqual({ token: given, clockOffsetMs: 0 });
    expect(receivedToken(given, undefined, START).token).toBe(given);
    expect(receivedToken(given, 3 * HOUR, START).token.expiresOnTimestamp).toBe(START + HOUR);
  });
});

describe("C25: reportedClockOffsetMs, what a refresher reported with its token", () => {
  it("C25: a finite number, negative (the client ahead) as well as positive, is the report", () => {
    expect(reportedClockOffsetMs({ token: "t", clockOffsetMs: 3 * HOUR })).toBe(3 * HOUR);
    expect(reportedClockOffsetMs({ token: "t", clockOffsetMs: -2 * DAY })).toBe(-2 * DAY);
  });

  it.each<[string, unknown]>([
    ["NaN", { token: "t", clockOffsetMs: Number.NaN }],
    ["Infinity", { token: "t", clockOffsetMs: Number.POSITIVE_INFINITY }],
    ["a numeric string", { token: "t", clockOffsetMs: "10800000" }],
    ["no field", { token: "t" }],
    ["a string token", "t"],
    ["null", null],
  ])("C25: %s is no report, where a finite number beside it would be", (_, value) => {
    expect(reportedClockOffsetMs(value)).toBeUndefined();
    expect(reportedClockOffsetMs({ ...(typeof value === "object" ? value : {}), clockOffsetMs: HOUR })).toBe(HOUR);
  });
});

describe("C25: clockOffsetFromDate, the server's clock from its answer's Date header", () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it("C25: measured against the middle of the request, the header's whole second taken at its middle", () => {
    // A 10-second request: the server wrote its Date 5 s after it was sent, by a clock 3 h ahead.
    const sentAt = START;
    const serverDate = httpDate(START + 5 * SECOND + 3 * HOUR);
    expect(clockOffsetFromDate(headers({ date: serverDate }), sentAt, sentAt + 10 * SECOND)).toBe(3 * HOUR + 500);
  });

  it("C25: a server behind the client gives a negative offset", () => {
    expect(clockOffsetFromDate(headers({ date: httpDate(START - 2 * DAY) }), START, START)).toBe(-2 * DAY + 500);
  });

  it("C25: an Age header (a cache's old Date) is no evidence; the same Date without it is", () => {
    const date = httpDate(START + 3 * HOUR);
    expect(clockOffsetFromDate(headers({ date, age: "0" }), START, START)).toBeUndefined();
    expect(clockOffsetFromDate(headers({ date, age: "1800" }), START, START)).toBeUndefined();
    expect(clockOffsetFromDate(headers({ date }), START, START)).toBe(3 * HOUR + 500);
  });

  it.each([
    ["no Date", {}],
    ["an empty Date", { date: "" }],
    ["an unparsable Date", { date: "soon" }],
  ])("C25: %s is no evidence, where a readable one is", (_, entries) => {
    expect(clockOffsetFromDate(headers(entries), START, START)).toBeUndefined();
    expect(clockOffsetFromDate(headers({ date: httpDate(START + HOUR) }), START, START)).toBe(HOUR + 500);
  });
});

describe("C25: withClockOffset, a token endpoint's answer carrying its server's clock", () => {
  it("C25: a bare JWT becomes { token, expiresOnTimestamp (its exp), clockOffsetMs }", () => {
    const jwt = jwtWithoutIat(START + 4 * HOUR);
    expect(withClockOffset(jwt, 3 * HOUR)).toEqual({
      token: jwt,
      expiresOnTimestamp: START + 4 * HOUR,
      clockOffsetMs: 3 * HOUR,
    });
  });

  it("C25: an object answer keeps its fields and gains the offset", () => {
    const answer = { token: OPAQUE_TOKEN, expiresOn: new Date(START + HOUR).toISOString() };
    expect(withClockOffset(answer, -2 * DAY)).toEqual({ ...answer, clockOffsetMs: -2 * DAY });
  });

  it("C25: no offset, one within the tolerance, or an opaque bare token leave the answer as it is; a real offset does not", () => {
    const jwt = jwtWithoutIat(START + HOUR);
    expect(withClockOffset(jwt, undefined)).toBe(jwt);
    expect(withClockOffset(jwt, 2 * SECOND)).toBe(jwt);
    expect(withClockOffset(OPAQUE_TOKEN, 3 * HOUR)).toBe(OPAQUE_TOKEN);
    expect(withClockOffset(jwt, 3 * HOUR)).not.toBe(jwt);
  });
});

describe("C25: clockOffsetMs in the credential's state", () => {
  const token = arrived(jwtWithoutIat(START + HOUR), START + HOUR);

  it("C25: a non-zero offset shows in every status but disposed; zero shows no field at all", () => {
    expect(createState({ status: "ready", token, clockOffsetMs: 3 * HOUR })).toMatchObject({ clockOffsetMs: 3 * HOUR });
    expect(createState({ status: "refreshing", clockOffsetMs: -2 * DAY })).toMatchObject({ clockOffsetMs: -2 * DAY });
    expect(createState({ status: "idle", clockOffsetMs: 3 * HOUR })).toEqual({
      status: "idle",
      clockOffsetMs: 3 * HOUR,
    });
    expect(createState({ status: "disposed", clockOffsetMs: 3 * HOUR })).toEqual({ status: "disposed" });
    expect("clockOffsetMs" in createState({ status: "ready", token, clockOffsetMs: 0 })).toBe(false);
  });

  it("C25: a changed offset is a changed state (emitted), the same offset is not", () => {
    const ahead = createState({ status: "ready", token, clockOffsetMs: 3 * HOUR });
    expect(isSameState(ahead, createState({ status: "ready", token, clockOffsetMs: 3 * HOUR }))).toBe(true);
    expect(isSameState(ahead, createState({ status: "ready", token }))).toBe(false);
  });
});

describe("the message of a token that arrived expired", () => {
  it("C25/C6: names the token server's clock when an offset moved the expiry, and this machine's when it expired long ago", () => {
    const now = Date.UTC(2026, 10, 28, 12);
    expect(clockExpiryHint(now + 3_600_000, 3 * 3_600_000, now)).toContain("3 h ahead of this machine's");
    expect(clockExpiryHint(now - 1000, -10 * 60_000, now)).toContain("10 min behind this machine's");
    expect(clockExpiryHint(now - 47 * 3_600_000, 0, now)).toContain("expired 47 h before it arrived");
    expect(clockExpiryHint(now - 60_000, 0, now)).toBe("");
  });
});
