import { inspect } from "node:util";
import { InvalidTokenError } from "../../lib/index.js";
import { toAccessToken } from "../../lib/credential/accessToken.js";
import { jwtExpiringAt, OPAQUE_TOKEN, START } from "../support/tokens.js";

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
