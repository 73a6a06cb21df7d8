import { inspect } from "node:util";
import { InvalidTokenError } from "../../lib/index.js";
import { describeInstant, secondsExpiryHint, toAccessToken } from "../../lib/token/accessToken.js";
import { jwtExpiringAt, OPAQUE_TOKEN, START } from "../support/tokens.js";
import { errorOf } from "../support/errorOf.js";

const TEN_MINUTES = 600_000;

describe("toAccessToken (C1)", () => {
  it("C1: reads a JWT's exp, in seconds, as the expiry in milliseconds, fractions included", () => {
    const jwt = jwtExpiringAt(START + 1_234_567.5);
    expect(toAccessToken(jwt, "token", TEN_MINUTES, START)).toEqual({
      token: jwt,
      expiresOnTimestamp: START + 1_234_567.5,
    });
  });

  it("C1: reads the .NET SampleToken (exp 32503680000, 3000-01-01)", () => {
    const sample =
      "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJleHAiOjMyNTAzNjgwMDAwfQ.9i7FNNHHJT8cOzo-yrAUJyBSfJ-tPPk2emcHavOEpWc";
    expect(toAccessToken(sample, "token", TEN_MINUTES, START).expiresOnTimestamp).toBe(32_503_680_000_000);
  });

  // The JS SDK ("throws if non-JWT token", "still throws for a malformed token string") and .NET
  // ("ThrowsIfInvalidToken") reject strings jwt-decode cannot read. Encrypted ACS tokens for Entra users
  // are such strings, and the JS SDK's own 2.4.3 work accepts them with a fallback lifetime; we accept
  // every non-blank string that way, so a new token format never breaks construction.
  it.each(["IAmNotAToken", "foo", "foo.bar", "foo.bar.foobar", "not.a.real.token", OPAQUE_TOKEN])(
    "C1: accepts %p as an opaque token living the fallback lifetime",
    (opaque) => {
      expect(toAccessToken(opaque, "token", TEN_MINUTES, START)).toEqual({
        token: opaque,
        expiresOnTimestamp: START + TEN_MINUTES,
      });
    },
  );

  it("C1: reads a JWT whose segments keep their base64 `=` padding", () => {
    const base64 = (json: object) => Buffer.from(JSON.stringify(json)).toString("base64");
    const padded = `${base64({ alg: "HS256", typ: "JWT" })}.${base64({ exp: 1_800_000_000.5 })}.c2lnbmF0dXJlcw==`;
    expect(padded.split(".").map((segment) => segment.endsWith("="))).toEqual([false, true, true]);
    expect(toAccessToken(padded, "token", TEN_MINUTES, START).expiresOnTimestamp).toBe(1_800_000_000_500);
  });

  it("C1: treats a JWT without a numeric exp as opaque", () => {
    const noExp = `${Buffer.from("{}").toString("base64url")}.${Buffer.from('{"exp":"soon"}').toString("base64url")}.sig`;
    expect(toAccessToken(noExp, "token", 30 * 60_000, START).expiresOnTimestamp).toBe(START + 30 * 60_000);
  });

  it("C1: uses an AccessToken as given, without decoding it", () => {
    const given = { token: OPAQUE_TOKEN, expiresOnTimestamp: START + 8 * 3_600_000 };
    expect(toAccessToken(given, "token", TEN_MINUTES, START)).toEqual(given);
  });

  it.each<[string, unknown]>([
    ["an empty string", ""],
    ["a blank string", "   "],
    ["a number", 42],
    ["null", null],
    ["undefined", undefined],
    ["an object without a token", {}],
    ["an AccessToken with an empty token", { token: "", expiresOnTimestamp: START }],
    ["an AccessToken with a NaN expiry", { token: "secret-token", expiresOnTimestamp: Number.NaN }],
    ["an AccessToken with an infinite expiry", { token: "secret-token", expiresOnTimestamp: Infinity }],
    ["an AccessToken with a string expiry", { token: "secret-token", expiresOnTimestamp: "tomorrow" }],
  ])("C1: throws InvalidTokenError for %s, without echoing it", (_, value) => {
    let thrown: unknown;
    try {
      toAccessToken(value, "token", TEN_MINUTES, START);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InvalidTokenError);
    expect((thrown as Error).message).not.toContain("secret-token");
    expect((thrown as Error).message).toMatch(/^The token /);
  });

  describe("C1: a string that cannot be a token is refused, with a hint and without the string", () => {
    const jwt = jwtExpiringAt(START + 3_600_000);
    it.each<[string, string, RegExp]>([
      [
        "JSON text from .text()",
        JSON.stringify({ token: jwt, expiresOn: "2026-01-01T10:00:00Z" }),
        /\.json\(\)\)\.token/,
      ],
      ["a JSON string literal", JSON.stringify(jwt), /in quotes/],
      ["a Bearer prefix", `Bearer ${jwt}`, /starts with `Bearer `/],
      ["a lower-case bearer prefix", `bearer ${jwt}`, /starts with `Bearer `/],
      ["a URL", `https://contoso.example/api/token?jwt=${jwt}`, /looks like a URL/],
      ["an HTML page", `<!doctype html><p>${jwt}</p>`, /HTML page/],
      ["a Response turned into a string", "[object Response]", /fetch Response/],
      ["a Promise turned into a string", "[object Promise]", /a Promise turned into a string: a missing `await`\?/],
      ["an object turned into a string", "[object Object]", /an object turned into a string/],
      ["a missing token turned into a string", "undefined", /a missing value turned into a string/],
      ["null turned into a string", "null", /a missing value turned into a string/],
      ["NaN", "NaN", /a missing value turned into a string/],
      ["a status text", "Unauthorized", /error answer: check `response\.ok`/],
      ["a status text in capitals", "FORBIDDEN", /error answer: check `response\.ok`/],
      ["a status text with a space", "Not Found", /error answer: check `response\.ok`/],
      ["a status line", "503 Service Unavailable", /error answer: check `response\.ok`/],
      ["a one-word status text", "Unavailable", /error answer: check `response\.ok`/],
      ["an error code", "BadRequest", /error answer: check `response\.ok`/],
      ["another error code", "InternalServerError", /error answer: check `response\.ok`/],
      ["the word Error", "error", /error answer: check `response\.ok`/],
      ["a JWT's header alone", jwt.split(".")[0]!, /a JWT cut short: it has 1 dot-separated part, not 3/],
      ["a JWT without its signature", jwt.split(".").slice(0, 2).join("."), /a JWT cut short: it has 2 /],
      ["a JWT with a part too many", `${jwt}.x`, /a JWT cut short: it has 4 /],
      ["a trailing newline", `${jwt}\n`, /white space around it/],
      ["inner white space", `${jwt} ${jwt}`, /contains white space/],
      ["a character outside token68", `${jwt}!`, /characters a token cannot have/],
    ])("%s", (_, value, hint) => {
      const thrown = errorOf(() => toAccessToken(value, "token returned from the tokenRefresher", TEN_MINUTES, START));
      expect(thrown).toBeInstanceOf(InvalidTokenError);
      expect(thrown.message).toMatch(/^The token returned from the tokenRefresher is not a token: /);
      expect(thrown.message).toMatch(hint);
      expect(thrown.message).not.toContain(jwt.split(".")[1]);
    });

    it("the same rule holds for the `token` of an AccessToken", () => {
      const thrown = errorOf(() =>
        toAccessToken({ token: `Bearer ${jwt}`, expiresOnTimestamp: START + 1 }, "token", 1, START),
      );
      expect(thrown).toBeInstanceOf(InvalidTokenError);
      expect(thrown.message).toMatch(/^The `token` of the token is not a token: it starts with `Bearer `/);
    });

    it("a fetch Response handed over whole is named as such", () => {
      const response = new Response(JSON.stringify({ token: jwt }), { status: 200 });
      const thrown = errorOf(() => toAccessToken(response, "token returned from the tokenRefresher", 1, START));
      expect(thrown).toBeInstanceOf(InvalidTokenError);
      expect(thrown.message).toMatch(/a fetch Response: read its body first/);
    });

    it("an object without a token names its keys, never its values", () => {
      const thrown = errorOf(() => toAccessToken({ accessToken: jwt }, "token", 1, START));
      expect(thrown.message).toMatch(/its keys: accessToken/);
      expect(thrown.message).not.toContain(jwt.split(".")[1]);
    });
  });

  describe("C1: { token, expiresOn }, as @azure/communication-identity gives a backend", () => {
    const expiresOn = new Date(START + 3_600_000);
    it.each<[string, unknown]>([
      ["a Date", expiresOn],
      ["an ISO date string (a Date after JSON)", expiresOn.toISOString()],
      ["a Date-like from another realm", { getTime: () => expiresOn.getTime() }],
    ])("accepts expiresOn as %s", (_, value) => {
      expect(toAccessToken({ token: OPAQUE_TOKEN, expiresOn: value }, "token", TEN_MINUTES, START)).toEqual({
        token: OPAQUE_TOKEN,
        expiresOnTimestamp: START + 3_600_000,
      });
    });

    it("prefers expiresOnTimestamp when both are there", () => {
      const token = { token: OPAQUE_TOKEN, expiresOnTimestamp: START + 5, expiresOn: expiresOn.toISOString() };
      expect(toAccessToken(token, "token", TEN_MINUTES, START).expiresOnTimestamp).toBe(START + 5);
    });

    it.each([
      ["with Z", "2026-01-01T10:00:00.000Z"],
      ["with an offset", "2026-01-01T11:00:00+01:00"],
      ["as .NET writes a DateTimeOffset", "2026-01-01T11:00:00.0000000+01:00"],
      ["without seconds", "2026-01-01T10:00Z"],
    ])("accepts an ISO 8601 expiresOn string %s: %s", (_, expiresOn) => {
      expect(toAccessToken({ token: OPAQUE_TOKEN, expiresOn }, "token", 1, START).expiresOnTimestamp).toBe(
        START + 3_600_000,
      );
    });

    // Date.parse reads "3600" as the year 3600, and a zone-less string in the machine's own zone.
    it.each([
      ["a number of seconds", "3600"],
      ["a date-time without a zone", "2026-01-01T10:00:00"],
      ["a date alone", "2026-01-01"],
      ["a non-date string", "tomorrow"],
      ["an HTTP date", "Thu, 01 Jan 2026 10:00:00 GMT"],
    ])("refuses an expiresOn string that is %s, saying what form is expected", (_, expiresOn) => {
      const thrown = errorOf(() => toAccessToken({ token: OPAQUE_TOKEN, expiresOn }, "token", 1, START));
      expect(thrown).toBeInstanceOf(InvalidTokenError);
      expect(thrown.message).toMatch(
        /^The token has an `expiresOn` string that is not an ISO 8601 date-time with a time zone, such as 2026-12-01T10:00:00\.000Z/,
      );
      expect(thrown.message).not.toContain(expiresOn);
    });

    it.each<[string, unknown]>([
      ["a number", START + 3_600_000],
      ["an invalid Date", new Date(Number.NaN)],
    ])("refuses expiresOn as %s, naming expiresOn", (_, value) => {
      const thrown = errorOf(() => toAccessToken({ token: OPAQUE_TOKEN, expiresOn: value }, "token", 1, START));
      expect(thrown).toBeInstanceOf(InvalidTokenError);
      expect(thrown.message).toMatch(/`expiresOn` that is neither a Date nor a date string/);
    });

    // What a backend passing on a JWT's `exp` sends: 1764000000 is 2025-11-24 in seconds, 1970 in milliseconds.
    it.each(["token", "token returned from the tokenRefresher"])(
      "C1: an expiresOn number in seconds (the %s) is refused, saying it looks like seconds and what the fields take",
      (source) => {
        const inSeconds = Math.floor(START / 1000) + 3_600;
        const thrown = errorOf(() => toAccessToken({ token: OPAQUE_TOKEN, expiresOn: inSeconds }, source, 1, START));
        expect(thrown).toBeInstanceOf(InvalidTokenError);
        expect(thrown.message).toBe(
          `The ${source} has an \`expiresOn\` that is neither a Date nor a date string. It is a number that looks ` +
            "like seconds since the epoch: expiresOnTimestamp must be milliseconds and expiresOn a Date " +
            "(pass `expiresOnTimestamp: seconds * 1000`).",
        );
      },
    );

    it("C1: an expiresOn number in milliseconds is refused too, pointing to expiresOnTimestamp, not to seconds", () => {
      const thrown = errorOf(() =>
        toAccessToken({ token: OPAQUE_TOKEN, expiresOn: START + 3_600_000 }, "token", 1, START),
      );
      expect(thrown.message).toMatch(
        /It is a number: expiresOn must be a Date; milliseconds since the epoch go in `expiresOnTimestamp`\.$/,
      );
      expect(thrown.message).not.toMatch(/looks like seconds/);
    });

    it("C1: an invalid Date gets no hint about numbers", () => {
      const thrown = errorOf(() =>
        toAccessToken({ token: OPAQUE_TOKEN, expiresOn: new Date(Number.NaN) }, "token", 1, START),
      );
      expect(thrown.message).toBe("The token has an `expiresOn` that is neither a Date nor a date string.");
    });
  });

  it("C1: an expiry in seconds gets a hint saying so; one in milliseconds does not", () => {
    expect(secondsExpiryHint(Math.floor(START / 1000) + 3_600, START)).toMatch(/looks like seconds/);
    expect(secondsExpiryHint(START - 1, START)).toBe("");
    expect(secondsExpiryHint(START + 1, START)).toBe("");
  });

  it("C1: a token object without an expiry says how to get one renewed, or how to pass a static token", () => {
    const thrown = errorOf(() => toAccessToken({ token: OPAQUE_TOKEN }, "token", 1, START));
    expect(thrown).toBeInstanceOf(InvalidTokenError);
    expect(thrown.message).toBe(
      "The token has no finite `expiresOnTimestamp` (milliseconds since the epoch) nor an `expiresOn` date. " +
        "To renew tokens, pass options with a tokenRefresher; for a token that is never renewed, pass the token " +
        "string alone.",
    );
    const fromRefresher = errorOf(() =>
      toAccessToken({ token: OPAQUE_TOKEN }, "token returned from the tokenRefresher", 1, START),
    );
    expect(fromRefresher.message).not.toContain("pass options with a tokenRefresher");
  });

  describe("describeInstant", () => {
    it("gives the ISO form of a timestamp", () => {
      expect(describeInstant(Date.UTC(2026, 11, 1, 10))).toBe("2026-12-01T10:00:00.000Z");
      expect(describeInstant(8.64e15)).toBe("+275760-09-13T00:00:00.000Z");
    });

    it.each([8.64e15 + 1, -8.64e15 - 1, 1e300, Number.NaN, Infinity])(
      "never throws, writing %p, which no Date can hold, as a number",
      (timestamp) => {
        expect(describeInstant(timestamp)).toBe(String(timestamp));
      },
    );
  });

  it("C20: util.inspect names the field it shows, and does not throw for an expiry no Date can hold", () => {
    const token = toAccessToken(
      { token: "secret-token", expiresOnTimestamp: Date.UTC(2026, 11, 1, 10) },
      "token",
      1,
      START,
    );
    expect(inspect(token)).toBe("AccessToken { token: [redacted], expiresOnTimestamp: 2026-12-01T10:00:00.000Z }");
    const farOff = toAccessToken({ token: "secret-token", expiresOnTimestamp: 1e16 }, "token", 1, START);
    expect(inspect(farOff)).toBe("AccessToken { token: [redacted], expiresOnTimestamp: 10000000000000000 }");
  });

  it("C20: prints as [redacted] in util.inspect, while JSON and property access keep the token", () => {
    const token = toAccessToken("secret-token", "token", TEN_MINUTES, START);
    expect(inspect(token)).not.toContain("secret-token");
    expect(inspect(token)).toContain("[redacted]");
    expect(token.token).toBe("secret-token");
    expect(JSON.parse(JSON.stringify(token))).toEqual({
      token: "secret-token",
      expiresOnTimestamp: START + TEN_MINUTES,
    });
  });
});
