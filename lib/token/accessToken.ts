import { jwtDecode } from "jwt-decode";
import { InvalidTokenError } from "../errors.js";
import type { AccessToken } from "../types.js";
import { assertTokenShape, describeNonToken } from "./tokenShape.js";

const inspectCustom = Symbol.for("nodejs.util.inspect.custom");

// The largest distance from the epoch, in milliseconds, that a Date can hold (ECMAScript's time range).
const MAX_DATE_MS = 8.64e15;

/**
 * An instant for a message or a log line: the ISO form of a timestamp in milliseconds since the epoch,
 * e.g. `2026-12-01T10:00:00.000Z`. Never throws: a value no Date can hold (NaN, ±Infinity, beyond
 * ±8.64e15 ms, where `toISOString()` throws a RangeError) is written as the number it is.
 *
 * @example
 * ```ts
 * describeInstant(Date.UTC(2026, 11, 1, 10)); // "2026-12-01T10:00:00.000Z"
 * describeInstant(1e16); // "10000000000000000"
 * ```
 */
export function describeInstant(timestamp: number): string {
  return Number.isFinite(timestamp) && Math.abs(timestamp) <= MAX_DATE_MS
    ? new Date(timestamp).toISOString()
    : String(timestamp);
}

// Tokens this library hands out print as "[redacted]" in Node's util.inspect and console.log, so a
// logged state or token never leaks the secret; JSON and property access stay untouched (JSON.stringify
// does include the token).
const redactedAccessToken = {
  [inspectCustom](): string {
    const self = this as unknown as AccessToken;
    return `AccessToken { token: [redacted], expiresOnTimestamp: ${describeInstant(self.expiresOnTimestamp)} }`;
  },
};

export function createAccessToken(token: string, expiresOnTimestamp: number): AccessToken {
  const accessToken = Object.create(redactedAccessToken) as { token: string; expiresOnTimestamp: number };
  accessToken.token = token;
  accessToken.expiresOnTimestamp = expiresOnTimestamp;
  return Object.freeze(accessToken);
}

/** A JWT's `exp` in milliseconds, or undefined for a string that is no JWT with a numeric `exp`. */
export function jwtExpiryOf(token: string): number | undefined {
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
  /**
   * When the token expires: a Date, or an ISO 8601 date-time with a time zone (`Z` or an offset), such
   * as `2026-12-01T10:00:00.000Z`: what a Date becomes in JSON.
   */
  readonly expiresOn: Date | string;
}

/**
 * What a refresher may add to the token it returns (C25): how far the clock of the server that
 * answered is ahead of this machine's, in milliseconds (negative: behind), read from its answer's
 * `Date` header. `tokenEndpoint` and the Entra exchange add it; the credential then judges the token's
 * expiry on the server's clock. Offsets within 5 seconds are treated as none.
 *
 * @example
 * ```ts
 * const tokenRefresher = async (signal: AbortSignal) => {
 *   const response = await fetch("/api/acs-token", { signal });
 *   const serverTime = Date.parse(response.headers.get("date") ?? "");
 *   const { token, expiresOn } = await response.json();
 *   return { token, expiresOn, clockOffsetMs: serverTime - Date.now() };
 * };
 * ```
 */
export interface ServerClockReport {
  /** The answering server's clock minus this machine's, in milliseconds. */
  readonly clockOffsetMs?: number | undefined;
}

/** Every shape a token may be handed to the credential in. */
export type TokenInput = string | ((AccessToken | CommunicationAccessToken) & ServerClockReport);

function hasStringToken(value: unknown): value is { token: string } {
  return typeof value === "object" && value !== null && typeof (value as { token?: unknown }).token === "string";
}

// An ISO 8601 date-time that names its time zone, as Date#toJSON and .NET's DateTimeOffset write it:
// `2026-12-01T10:00:00.000Z`, `2026-12-01T11:00:00+01:00`. Date.parse also takes "3600" (the year 3600)
// and zone-less strings (read in the local zone, which differs between machines), so it is not enough.
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

// A Date, a Date from another realm, or a date string (a Date that went through JSON).
function timestampOf(expiresOn: unknown, source: string): number {
  if (typeof expiresOn === "string") {
    const timestamp = ISO_DATE_TIME.test(expiresOn.trim()) ? Date.parse(expiresOn.trim()) : Number.NaN;
    if (Number.isFinite(timestamp)) return timestamp;
    throw new InvalidTokenError(
      `The ${source} has an \`expiresOn\` string that is not an ISO 8601 date-time with a time zone, such as ` +
        "2026-12-01T10:00:00.000Z or 2026-12-01T11:00:00+01:00 (what a Date becomes in JSON). For a number of " +
        "milliseconds since the epoch, use `expiresOnTimestamp`.",
    );
  }
  const date = expiresOn as { getTime?: unknown } | null | undefined;
  return typeof date?.getTime === "function" ? Number((date as Date).getTime()) : Number.NaN;
}

// What an object with a token but no expiry was most likely meant to be.
function missingExpiryHint(source: string): string {
  // "token" is the constructor's static token: options with a tokenRefresher are the other way in.
  return source === "token"
    ? " To renew tokens, pass options with a tokenRefresher; for a token that is never renewed, pass the token " +
        "string alone."
    : " A token string alone would do: a JWT's `exp` gives its expiry.";
}

// Below 1e11, milliseconds mean 1973 at the latest, while seconds reach the year 5138: a timestamp
// there that lies ahead once multiplied by 1000 was most likely given in seconds (a JWT's `exp`).
function looksLikeSeconds(timestamp: number, now: number): boolean {
  return timestamp > 0 && timestamp < 1e11 && timestamp * 1000 > now;
}

// What an `expiresOn` that is a number was meant to be. A backend passing on a JWT's `exp` sends
// seconds; one sending `Date.now() + …` sends milliseconds. The number is not read: guessing wrong
// would hand out an expired token, or keep one a thousand times too long.
function numericExpiresOnHint(expiresOn: number, now: number): string {
  return looksLikeSeconds(expiresOn, now)
    ? " It is a number that looks like seconds since the epoch: expiresOnTimestamp must be milliseconds and " +
        "expiresOn a Date (pass `expiresOnTimestamp: seconds * 1000`)."
    : " It is a number: expiresOn must be a Date; milliseconds since the epoch go in `expiresOnTimestamp`.";
}

function expiryOf(value: Partial<AccessToken & CommunicationAccessToken>, source: string, now: number): number {
  const { expiresOnTimestamp, expiresOn } = value;
  if (typeof expiresOnTimestamp === "number" && Number.isFinite(expiresOnTimestamp)) return expiresOnTimestamp;
  if (expiresOn !== undefined) {
    const timestamp = timestampOf(expiresOn, source);
    if (Number.isFinite(timestamp)) return timestamp;
    const hint = typeof expiresOn === "number" ? numericExpiresOnHint(expiresOn, now) : "";
    throw new InvalidTokenError(`The ${source} has an \`expiresOn\` that is neither a Date nor a date string.${hint}`);
  }
  throw new InvalidTokenError(
    `The ${source} has no finite \`expiresOnTimestamp\` (milliseconds since the epoch) nor an \`expiresOn\` date.` +
      missingExpiryHint(source),
  );
}

/**
 * A hint for an expired token whose expiry would lie in the future if read as milliseconds: it was
 * most likely given in seconds (a JWT's `exp`). Empty when that is not the case.
 */
export function secondsExpiryHint(expiresOnTimestamp: number, now: number): string {
  return looksLikeSeconds(expiresOnTimestamp, now)
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
    return createAccessToken(value, jwtExpiryOf(value) ?? now + opaqueLifetimeMs);
  }
  if (hasStringToken(value)) {
    if (value.token.trim() === "") throw new InvalidTokenError(`The ${source} has an empty \`token\`.`);
    assertTokenShape(value.token, `\`token\` of the ${source}`);
    return createAccessToken(value.token, expiryOf(value, source, now));
  }
  throw new InvalidTokenError(`The ${source} must be a string or an AccessToken, not ${describeNonToken(value)}.`);
}
