/**
 * Test tokens from a token issuer whose clock is not this machine's (C25): JWTs with an `iat` as well
 * as an `exp`, and an issuer whose clock is the (possibly fake) local clock shifted by `shiftMs`.
 */

function base64Url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

function fromBase64Url(segment: string): string {
  return Buffer.from(segment, "base64url").toString();
}

/** A JWT with `iat` = `issuedAtMs` and `exp` = `issuedAtMs + lifetimeMs` (seconds may be fractional). */
export function jwtIssuedAt(issuedAtMs: number, lifetimeMs: number): string {
  const claims = { iat: issuedAtMs / 1000, exp: (issuedAtMs + lifetimeMs) / 1000 };
  return `${base64Url('{"alg":"HS256","typ":"JWT"}')}.${base64Url(JSON.stringify(claims))}.c2lnbmF0dXJl`;
}

/** A JWT without `iat`, expiring at `expiresAtMs`: evidence of nothing but its expiry. */
export function jwtWithoutIat(expiresAtMs: number): string {
  return `${base64Url('{"alg":"HS256","typ":"JWT"}')}.${base64Url(JSON.stringify({ exp: expiresAtMs / 1000 }))}.c2lnbmF0dXJl`;
}

/** A test JWT's `iat` and `exp`, in milliseconds (undefined when the claim is missing). */
export function claimsOf(token: string): { issuedAt: number | undefined; expiresAt: number | undefined } {
  const payload = JSON.parse(fromBase64Url(token.split(".")[1] ?? "")) as { iat?: number; exp?: number };
  return {
    issuedAt: payload.iat === undefined ? undefined : payload.iat * 1000,
    expiresAt: payload.exp === undefined ? undefined : payload.exp * 1000,
  };
}

/** A token issuer whose clock runs `shiftMs` ahead of this machine's (negative: behind). */
export interface SkewedIssuer {
  /** The issuer's clock minus this machine's; a test may change it, as an NTP correction would. */
  shiftMs: number;
  /** The issuer's time now. */
  now(): number;
  /** A JWT issued now by the issuer's clock, living `lifetimeMs`; with `wholeSeconds`, as real issuers write it. */
  jwt(lifetimeMs: number, options?: { wholeSeconds?: boolean; issuedAgoMs?: number }): string;
}

/** An issuer `shiftMs` ahead of the local clock, read from `Date.now()` at each call (fake time moves it). */
export function skewedIssuer(shiftMs: number): SkewedIssuer {
  const issuer: SkewedIssuer = {
    shiftMs,
    now: () => Date.now() + issuer.shiftMs,
    jwt(lifetimeMs, options) {
      const issuedAt = issuer.now() - (options?.issuedAgoMs ?? 0);
      return jwtIssuedAt(options?.wholeSeconds === true ? Math.floor(issuedAt / 1000) * 1000 : issuedAt, lifetimeMs);
    },
  };
  return issuer;
}
