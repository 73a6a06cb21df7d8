import { jwtDecode } from "jwt-decode";
import { InvalidTokenError } from "../errors.js";

/**
 * A token and when it expires: the `AccessToken` of `@azure/core-auth`, so the credential plugs into
 * every Azure SDK client.
 *
 * @example
 * ```ts
 * const token: AccessToken = { token: jwt, expiresOnTimestamp: Date.parse("2026-12-01T10:00:00Z") };
 * const credential = new CommunicationTokenCredential(token);
 * ```
 */
export interface AccessToken {
  /** The token string, sent as `Authorization: Bearer <token>`. */
  readonly token: string;
  /** When the token expires, in milliseconds since the epoch. */
  readonly expiresOnTimestamp: number;
}

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

// Tokens this library hands out print as "[redacted]" in Node's util.inspect and console.log, so a
// logged state or token never leaks the secret; JSON and property access stay untouched.
const redactedAccessToken = {
  [inspectCustom](): string {
    const self = this as unknown as AccessToken;
    return `AccessToken { token: [redacted], expiresOn: ${describeInstant(self.expiresOnTimestamp)} }`;
  },
};

function describeInstant(timestamp: number): string {
  return Number.isFinite(timestamp) ? new Date(timestamp).toISOString() : String(timestamp);
}

function createAccessToken(token: string, expiresOnTimestamp: number): AccessToken {
  const accessToken = Object.create(redactedAccessToken) as { token: string; expiresOnTimestamp: number };
  accessToken.token = token;
  accessToken.expiresOnTimestamp = expiresOnTimestamp;
  return Object.freeze(accessToken);
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object without a string `token`" : `a ${typeof value}`;
}

function expiryFromJwt(token: string): number | undefined {
  try {
    const { exp } = jwtDecode<{ exp?: unknown }>(token);
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns what a caller or a refresher handed us into an AccessToken (contract C1). A JWT string expires
 * at its `exp`; any other non-blank string is an opaque (for example encrypted) token that is assumed
 * to live `opaqueLifetimeMs` from `now`; an AccessToken keeps its own expiry. `source` names where the
 * value came from, for the error message. Throws InvalidTokenError, never echoing the value.
 */
export function toAccessToken(value: unknown, source: string, opaqueLifetimeMs: number, now: number): AccessToken {
  if (typeof value === "string") {
    if (value.trim() === "") throw new InvalidTokenError(`The ${source} is an empty string.`);
    return createAccessToken(value, expiryFromJwt(value) ?? now + opaqueLifetimeMs);
  }
  if (typeof value === "object" && value !== null && typeof (value as AccessToken).token === "string") {
    const { token, expiresOnTimestamp } = value as AccessToken;
    if (token.trim() === "") throw new InvalidTokenError(`The ${source} has an empty \`token\`.`);
    if (typeof expiresOnTimestamp !== "number" || !Number.isFinite(expiresOnTimestamp)) {
      throw new InvalidTokenError(`The ${source} has no finite \`expiresOnTimestamp\` (milliseconds since the epoch).`);
    }
    return createAccessToken(token, expiresOnTimestamp);
  }
  throw new InvalidTokenError(`The ${source} must be a string or an AccessToken, not ${describeValue(value)}.`);
}
