import { jwtDecode } from "jwt-decode";
import { InvalidTokenError } from "../errors.js";
import type { AccessToken } from "../types.js";
import { assertTokenShape, describeNonToken } from "./tokenShape.js";

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

function expiryFromJwt(token: string): number | undefined {
  try {
    const { exp } = jwtDecode<{ exp?: unknown }>(token);
    return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A token whose expiry is a `Date`: the `CommunicationAccessToken` that `@azure/communication-identity`
 * gives a backend, or the same after JSON, where the Date has become an ISO date string. Accepted
 * wherever an AccessToken is.
 *
 * @example
 * ```ts
 * // backend: res.json(await identityClient.getToken(user, ["voip"]));
 * const credential = new CommunicationTokenCredential({
 *   tokenRefresher: async (signal) => (await fetch("/api/acs-token", { signal })).json() as Promise<CommunicationAccessToken>,
 * });
 * ```
 */
export interface CommunicationAccessToken {
  /** The token string. */
  readonly token: string;
  /** When the token expires: a Date, or a date string such as `2026-12-01T10:00:00.000Z`. */
  readonly expiresOn: Date | string;
}

/** Every shape a token may be handed to the credential in. */
export type TokenInput = string | AccessToken | CommunicationAccessToken;

function hasStringToken(value: unknown): value is { token: string } {
  return typeof value === "object" && value !== null && typeof (value as { token?: unknown }).token === "string";
}

// A Date, a Date from another realm, or a date string (a Date that went through JSON).
function timestampOf(expiresOn: unknown): number {
  if (typeof expiresOn === "string") return Date.parse(expiresOn);
  const date = expiresOn as { getTime?: unknown } | null | undefined;
  return typeof date?.getTime === "function" ? Number((date as Date).getTime()) : Number.NaN;
}

function expiryOf(value: Partial<AccessToken & CommunicationAccessToken>, source: string): number {
  const { expiresOnTimestamp, expiresOn } = value;
  if (typeof expiresOnTimestamp === "number" && Number.isFinite(expiresOnTimestamp)) return expiresOnTimestamp;
  if (expiresOn !== undefined) {
    const timestamp = timestampOf(expiresOn);
    if (Number.isFinite(timestamp)) return timestamp;
    throw new InvalidTokenError(`The ${source} has an \`expiresOn\` that is neither a Date nor a date string.`);
  }
  throw new InvalidTokenError(
    `The ${source} has no finite \`expiresOnTimestamp\` (milliseconds since the epoch) nor an \`expiresOn\` date.`,
  );
}

/**
 * A hint for an expired token whose expiry would lie in the future if read as milliseconds: it was
 * most likely given in seconds (a JWT's `exp`). Empty when that is not the case.
 */
export function secondsExpiryHint(expiresOnTimestamp: number, now: number): string {
  // Below 1e11, milliseconds mean 1973 at the latest, while seconds reach the year 5138.
  return expiresOnTimestamp > 0 && expiresOnTimestamp < 1e11 && expiresOnTimestamp * 1000 > now
    ? " Its expiresOnTimestamp looks like seconds since the epoch; it must be milliseconds (multiply by 1000)."
    : "";
}

/**
 * Turns what a caller or a refresher handed us into an AccessToken (contract C1). A JWT string expires
 * at its `exp`; an opaque (for example encrypted) token of token68 characters is assumed to live
 * `opaqueLifetimeMs` from `now`; anything else that is a string is refused with a hint at the likely
 * mistake. An AccessToken keeps its own expiry; `{ token, expiresOn }` (a Date or a date string) is
 * accepted too. `source` names where the value came from, for the message. Throws InvalidTokenError,
 * never echoing the value.
 */
export function toAccessToken(value: unknown, source: string, opaqueLifetimeMs: number, now: number): AccessToken {
  if (typeof value === "string") {
    assertTokenShape(value, source);
    return createAccessToken(value, expiryFromJwt(value) ?? now + opaqueLifetimeMs);
  }
  if (hasStringToken(value)) {
    if (value.token.trim() === "") throw new InvalidTokenError(`The ${source} has an empty \`token\`.`);
    assertTokenShape(value.token, `\`token\` of the ${source}`);
    return createAccessToken(value.token, expiryOf(value, source));
  }
  throw new InvalidTokenError(`The ${source} must be a string or an AccessToken, not ${describeNonToken(value)}.`);
}
