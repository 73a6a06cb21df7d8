import { inspect } from "node:util";
import { createAccessToken } from "../../../lib/token/accessToken.js";
import { CLOCK_TOLERANCE_MS } from "../../../lib/token/issuerClock.js";
import {
  isAskMessage,
  isShareable,
  MAX_SHARED_CLOCK_OFFSET_MS,
  MAX_SHARED_OPAQUE_LIFETIME_MS,
  readTokenMessage,
  tokenMessage,
} from "../../../lib/sharing/tabs/tabMessages.js";
import { acsJwt, tokenMessageFor } from "../../support/fakeTabs.js";
import { DAY, HOUR, jwtValidFor, MINUTE, OPAQUE_TOKEN, START } from "../../support/tokens.js";

const NOW = START;
const jwt = jwtValidFor(HOUR, NOW);
const valid = { type: "rx-communication-common/token", token: jwt, expiresOnTimestamp: NOW + HOUR, clockOffsetMs: 0 };

describe("reading a peer's token message", () => {
  it("C26: a well-formed, unexpired token message gives the token, on this machine's clock, with its offset", () => {
    const received = readTokenMessage({ ...valid, clockOffsetMs: -7_000 }, NOW);
    expect(received?.token.token).toBe(jwt);
    expect(received?.token.expiresOnTimestamp).toBe(NOW + HOUR);
    expect(received?.clockOffsetMs).toBe(-7_000);
    expect(readTokenMessage({ ...valid, token: OPAQUE_TOKEN }, NOW)?.token.token).toBe(OPAQUE_TOKEN);
  });

  it("C26: the token read from a message redacts itself in util.inspect, as the library's tokens do", () => {
    const received = readTokenMessage(valid, NOW);
    expect(inspect(received)).not.toContain(jwt);
  });

  const malformed: [string, unknown][] = [
    ["another type", { ...valid, type: "rx-communication-common/tokens" }],
    ["the ask's type", { ...valid, type: "rx-communication-common/ask" }],
    ["an extra field", { ...valid, userId: "8:acs:1" }],
    ["a missing field", { type: valid.type, token: jwt, expiresOnTimestamp: NOW + HOUR }],
    ["a non-string token", { ...valid, token: 42 }],
    ["a token with Bearer in front", { ...valid, token: `Bearer ${jwt}` }],
    ["an empty token", { ...valid, token: "" }],
    ["JSON text as the token", { ...valid, token: JSON.stringify({ token: jwt }) }],
    ["an expired token", { ...valid, expiresOnTimestamp: NOW - 1 }],
    ["a token expiring now", { ...valid, expiresOnTimestamp: NOW }],
    ["a NaN expiry", { ...valid, expiresOnTimestamp: Number.NaN }],
    ["an infinite expiry", { ...valid, expiresOnTimestamp: Number.POSITIVE_INFINITY }],
    ["an expiry as a string", { ...valid, expiresOnTimestamp: String(NOW + HOUR) }],
    ["a NaN offset", { ...valid, clockOffsetMs: Number.NaN }],
    ["a missing offset as undefined", { ...valid, clockOffsetMs: undefined }],
    ["an array", [valid]],
    ["null", null],
    ["a string", JSON.stringify(valid)],
    ["a number", 1],
  ];
  it.each(malformed)("C26: a message with %s is ignored", (_, message) => {
    expect(readTokenMessage(message, NOW)).toBeUndefined();
  });

  it("C26: reading a message never throws, whatever the message", () => {
    const hostile = new Proxy(valid, {
      ownKeys: () => {
        throw new Error("hostile");
      },
    });
    expect(readTokenMessage(hostile, NOW)).toBeUndefined();
    expect(isAskMessage(hostile)).toBe(false);
    expect(readTokenMessage(Object.create(null) as unknown, NOW)).toBeUndefined();
  });
});

describe("the expiry a peer claims", () => {
  it("C26: a JWT claimed to live longer than its exp allows is ignored, by more than the clock tolerance", () => {
    expect(readTokenMessage({ ...valid, expiresOnTimestamp: NOW + 365 * DAY }, NOW)).toBeUndefined();
    expect(
      readTokenMessage({ ...valid, expiresOnTimestamp: NOW + HOUR + CLOCK_TOLERANCE_MS + 1 }, NOW),
    ).toBeUndefined();
    const atTolerance = { ...valid, expiresOnTimestamp: NOW + HOUR + CLOCK_TOLERANCE_MS };
    expect(readTokenMessage(atTolerance, NOW)?.token.expiresOnTimestamp).toBe(NOW + HOUR + CLOCK_TOLERANCE_MS);
  });

  it("C26: the JWT's exp is read on this machine's clock: an issuer 2 h behind lets it live 2 h longer here, no more", () => {
    const behind = { ...valid, expiresOnTimestamp: NOW + 3 * HOUR, clockOffsetMs: -2 * HOUR };
    expect(readTokenMessage(behind, NOW)?.token.expiresOnTimestamp).toBe(NOW + 3 * HOUR);
    const overclaimed = { ...behind, expiresOnTimestamp: NOW + 3 * HOUR + CLOCK_TOLERANCE_MS + 1 };
    expect(readTokenMessage(overclaimed, NOW)).toBeUndefined();
    const ahead = { ...valid, expiresOnTimestamp: NOW + HOUR, clockOffsetMs: 10 * 60_000 };
    expect(readTokenMessage(ahead, NOW)).toBeUndefined(); // an issuer 10 min ahead: it expires 10 min sooner here
  });

  it("C26: a clock offset beyond a month either way is ignored, however well the expiry matches it", () => {
    const offset = MAX_SHARED_CLOCK_OFFSET_MS + 1;
    const longJwt = jwtValidFor(40 * DAY, NOW);
    expect(readTokenMessage({ ...valid, clockOffsetMs: offset }, NOW)).toBeUndefined();
    expect(
      readTokenMessage(
        { ...valid, token: longJwt, expiresOnTimestamp: NOW + 40 * DAY + offset, clockOffsetMs: -offset },
        NOW,
      ),
    ).toBeUndefined();
    // At a month the message itself is read (a tab then holds the offset to its own: see peerTrust).
    const monthOld = jwtValidFor(HOUR, NOW - MAX_SHARED_CLOCK_OFFSET_MS);
    const month = { ...valid, token: monthOld, expiresOnTimestamp: NOW + HOUR };
    expect(readTokenMessage({ ...month, clockOffsetMs: -MAX_SHARED_CLOCK_OFFSET_MS }, NOW)).toBeDefined();
  });

  it("C26: an opaque token is taken to live no longer than a day from its arrival", () => {
    const opaque = { ...valid, token: OPAQUE_TOKEN };
    const claimed = readTokenMessage({ ...opaque, expiresOnTimestamp: NOW + 365 * DAY }, NOW);
    expect(claimed?.token.token).toBe(OPAQUE_TOKEN);
    expect(claimed?.token.expiresOnTimestamp).toBe(NOW + MAX_SHARED_OPAQUE_LIFETIME_MS);
    expect(readTokenMessage({ ...opaque, expiresOnTimestamp: NOW + 10 * 60_000 }, NOW)?.token.expiresOnTimestamp).toBe(
      NOW + 10 * 60_000,
    );
  });

  it("C26: a tab answering an ask holds its own tokens to the same checks", () => {
    const overclaimed = { token: createAccessToken(jwt, NOW + 365 * DAY), clockOffsetMs: 0 };
    expect(isShareable(overclaimed, NOW)).toBe(false);
    expect(isShareable({ token: createAccessToken(jwt, NOW + HOUR), clockOffsetMs: 0 }, NOW)).toBe(true);
  });
});

describe("the caps on a peer's token", () => {
  it("C26: a JWT valid beyond 24 hours from now is ignored, even when its exp says so (exp in 2100)", () => {
    const farJwt = acsJwt({ issuedAt: NOW, expiresAt: Date.UTC(2100, 0, 1) });
    expect(readTokenMessage(tokenMessageFor(farJwt), NOW)).toBeUndefined();
    const dayAndMore = acsJwt({ issuedAt: NOW, expiresAt: NOW + DAY + CLOCK_TOLERANCE_MS + 1 });
    expect(readTokenMessage(tokenMessageFor(dayAndMore), NOW)).toBeUndefined();
    const day = acsJwt({ issuedAt: NOW, expiresAt: NOW + DAY });
    expect(readTokenMessage(tokenMessageFor(day), NOW)?.token.expiresOnTimestamp).toBe(NOW + DAY);
  });

  it("C26: a JWT whose exp lies beyond 24 hours from now is ignored, whatever expiry the message claims", () => {
    const farJwt = acsJwt({ issuedAt: NOW, expiresAt: Date.UTC(2100, 0, 1) });
    expect(readTokenMessage(tokenMessageFor(farJwt, { expiresOnTimestamp: NOW + HOUR }), NOW)).toBeUndefined();
    const dayAndMore = acsJwt({ issuedAt: NOW, expiresAt: NOW + DAY + CLOCK_TOLERANCE_MS + 1 });
    expect(readTokenMessage(tokenMessageFor(dayAndMore, { expiresOnTimestamp: NOW + HOUR }), NOW)).toBeUndefined();
    // Moved by the tab's own offset: an issuer a minute ahead issues a day-long token whose exp is a day and a minute away.
    const ahead = acsJwt({ issuedAt: NOW + MINUTE, expiresAt: NOW + DAY + MINUTE });
    const claim = { clockOffsetMs: MINUTE, expiresOnTimestamp: NOW + DAY };
    expect(readTokenMessage(tokenMessageFor(ahead, claim), NOW, MINUTE)).toBeDefined();
    expect(readTokenMessage(tokenMessageFor(ahead, claim), NOW, 0)).toBeUndefined();
  });

  it("C26: a JWT issued in this machine's future (iat beyond the clock tolerance, after the tab's own offset) is ignored", () => {
    const future = acsJwt({ issuedAt: NOW + CLOCK_TOLERANCE_MS + 1_000, expiresAt: NOW + HOUR });
    expect(readTokenMessage(tokenMessageFor(future), NOW)).toBeUndefined();
    // The same token, its sender claiming an issuer a minute ahead: the claim is the sender's, not this tab's clock.
    const ahead = tokenMessageFor(future, { clockOffsetMs: MINUTE, expiresOnTimestamp: NOW + HOUR - MINUTE });
    expect(readTokenMessage(ahead, NOW)).toBeUndefined();
    // This tab's own refresher found the issuer a minute ahead: issued just now.
    expect(readTokenMessage(ahead, NOW, MINUTE)).toBeDefined();
  });
});

describe("the ask message", () => {
  it("C26: only exactly { type: ask } is an ask", () => {
    expect(isAskMessage({ type: "rx-communication-common/ask" })).toBe(true);
    expect(isAskMessage({ type: "rx-communication-common/ask", from: "tab 2" })).toBe(false);
    expect(isAskMessage({ type: "rx-communication-common/token" })).toBe(false);
    expect(isAskMessage(["rx-communication-common/ask"])).toBe(false);
    expect(isAskMessage("rx-communication-common/ask")).toBe(false);
  });
});

describe("writing a token message", () => {
  it("C26: carries the token, its expiry and the offset, and nothing else the token object may hold", () => {
    const accessToken = Object.assign(Object.create(createAccessToken(jwt, NOW + HOUR)) as object, {
      refreshToken: "secret",
      userId: "8:acs:1",
    }) as unknown as ReturnType<typeof createAccessToken>;
    const message = tokenMessage({ token: accessToken, clockOffsetMs: 3_000 });
    expect(message).toStrictEqual({
      type: "rx-communication-common/token",
      token: jwt,
      expiresOnTimestamp: NOW + HOUR,
      clockOffsetMs: 3_000,
    });
    expect(readTokenMessage(structuredClone(message), NOW)?.token.token).toBe(jwt);
  });
});
