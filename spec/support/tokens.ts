/** Test tokens: unsigned JWTs whose only claim is `exp`, in the shape the Azure SDK tests use. */

export const SECOND = 1_000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Where the fake clocks start: a fixed instant, so failures replay exactly. */
export const START = Date.UTC(2026, 0, 1, 9, 0, 0);

function base64Url(text: string): string {
  return Buffer.from(text).toString("base64url");
}

/** A JWT whose `exp` is `expiresAtMs` (seconds may be fractional, as in the Azure tests). */
export function jwtExpiringAt(expiresAtMs: number): string {
  return `${base64Url('{"alg":"HS256","typ":"JWT"}')}.${base64Url(JSON.stringify({ exp: expiresAtMs / 1000 }))}.c2lnbmF0dXJl`;
}

/** A JWT that expires `lifetimeMs` after `now` (default: the current, possibly fake, time). */
export function jwtValidFor(lifetimeMs: number, now = Date.now()): string {
  return jwtExpiringAt(now + lifetimeMs);
}

/** A token string jwt-decode cannot read: five base64 segments, like an encrypted (JWE) token. */
export const OPAQUE_TOKEN = "b3BhcXVl.b3BhcXVl.b3BhcXVl.b3BhcXVl.b3BhcXVl";
