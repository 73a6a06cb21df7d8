import { createAccessToken, jwtExpiryOf } from "../../token/accessToken.js";
import { CLOCK_TOLERANCE_MS, type ReceivedToken } from "../../token/issuerClock.js";
import { isUnexpired } from "../../token/validity.js";
import { assertTokenShape } from "../../token/tokenShape.js";
import { issuedAtOf } from "./peerTrust.js";

/**
 * What a tab that just opened posts: "whoever holds a valid token, send it". Carries nothing else.
 *
 * @example
 * ```ts
 * channel.postMessage({ type: "rx-communication-common/ask" } satisfies AskMessage);
 * ```
 */
export interface AskMessage {
  readonly type: "rx-communication-common/ask";
}

/**
 * A token for the peers: only what a peer needs to use it as if it had fetched it itself, the expiry on
 * this machine's clock (every tab of an origin runs on the same machine) and the issuer's offset (C25).
 *
 * @example
 * ```ts
 * const message: TokenMessage = { type: "rx-communication-common/token", token, expiresOnTimestamp, clockOffsetMs: 0 };
 * ```
 */
export interface TokenMessage {
  readonly type: "rx-communication-common/token";
  readonly token: string;
  readonly expiresOnTimestamp: number;
  readonly clockOffsetMs: number;
}

/**
 * The largest issuer clock offset a shared token may carry, either way: a month. A clock further off
 * than that is no clock, and a negative offset lengthens a token's life on this machine's clock.
 */
export const MAX_SHARED_CLOCK_OFFSET_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The longest a peer's token is taken to live from the moment it arrives: a day, as long as an ACS
 * token lives. A JWT claimed to live longer is ignored (a peer may post an unsigned JWT with `exp` in
 * 2100); an opaque token's claim of more is cut down (see MAX_SHARED_OPAQUE_LIFETIME_MS).
 */
export const MAX_SHARED_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * The longest a peer's opaque token (one that is no JWT with an `exp`) is taken to live from the
 * moment it arrives: a day, as long as an ACS token lives. Its expiry came from the sender's
 * assumption or its backend, and nothing in the token can confirm it, so a claim of more is cut down.
 */
export const MAX_SHARED_OPAQUE_LIFETIME_MS = MAX_SHARED_LIFETIME_MS;

/** The one ask message there is. */
export const ASK_MESSAGE: AskMessage = Object.freeze({ type: "rx-communication-common/ask" });

const TOKEN_MESSAGE_KEYS = ["clockOffsetMs", "expiresOnTimestamp", "token", "type"];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// The message has exactly these own keys: a message with more may be another library's, or carry
// something that should not travel, and a message with fewer is not ours.
function hasExactlyKeys(value: Record<string, unknown>, sortedKeys: readonly string[]): boolean {
  const keys = Object.keys(value).sort();
  return keys.length === sortedKeys.length && keys.every((key, index) => key === sortedKeys[index]);
}

// A structured clone holds no getters or Proxies, but a same-tab caller might hand one in.
function neverThrowing<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

// A peer's claim about a JWT is checked against the JWT: on this machine's clock it expires at
// `exp − clockOffsetMs`, give or take the tolerance offsets are rounded to. A claim of more would be
// adopted by every tab and keep their real tokens out (a credential adopts only later expiries).
function expiryMatchesToken({ token, clockOffsetMs }: ReceivedToken): boolean {
  const exp = jwtExpiryOf(token.token);
  return exp === undefined || token.expiresOnTimestamp <= exp - clockOffsetMs + CLOCK_TOLERANCE_MS;
}

/**
 * Whether `token` may be handed to or taken from a peer at `now`: a token-shaped string, a finite expiry
 * still ahead, a finite offset of at most MAX_SHARED_CLOCK_OFFSET_MS either way, and, for a JWT with
 * an `exp`, an expiry no later than that `exp` on this machine's clock allows. Never throws.
 */
export function isShareable(received: ReceivedToken, now: number): boolean {
  return neverThrowing(() => {
    const { token, clockOffsetMs } = received;
    if (typeof token.token !== "string" || !Number.isFinite(token.expiresOnTimestamp)) return false;
    if (typeof clockOffsetMs !== "number" || !Number.isFinite(clockOffsetMs)) return false;
    if (Math.abs(clockOffsetMs) > MAX_SHARED_CLOCK_OFFSET_MS) return false;
    assertTokenShape(token.token, "token shared between tabs"); // throws for what is no token
    return expiryMatchesToken(received) && isUnexpired(token, now);
  }, false);
}

/**
 * Whether `data` is exactly an ask.
 *
 * @example
 * ```ts
 * isAskMessage({ type: "rx-communication-common/ask" }); // true
 * isAskMessage({ type: "rx-communication-common/ask", from: "tab 2" }); // false
 * ```
 */
export function isAskMessage(data: unknown): data is AskMessage {
  return neverThrowing(
    () => isRecord(data) && hasExactlyKeys(data, ["type"]) && data["type"] === ASK_MESSAGE.type,
    false,
  );
}

/**
 * The message that shares `received` with the peers; only the fields of TokenMessage, copied, so that
 * nothing else the token object may carry ever leaves the tab.
 *
 * @example
 * ```ts
 * channel.postMessage(tokenMessage({ token: createAccessToken(jwt, expiresAt), clockOffsetMs: 0 }));
 * ```
 */
export function tokenMessage(received: ReceivedToken): TokenMessage {
  return {
    type: "rx-communication-common/token",
    token: received.token.token,
    expiresOnTimestamp: received.token.expiresOnTimestamp,
    clockOffsetMs: received.clockOffsetMs,
  };
}

/**
 * The token a peer's message carries, or undefined when `data` is not exactly a TokenMessage with a
 * shareable, unexpired token at `now` (see isShareable), when a JWT is claimed to live beyond
 * MAX_SHARED_LIFETIME_MS from `now`, or its `exp` moved by `referenceOffsetMs` lies beyond that
 * (whatever expiry the message claims), or when its `iat` moved by `referenceOffsetMs` lies in this
 * machine's future by more than the clock tolerance (a token from the future would count as newer
 * than every real one). Both are judged by `referenceOffsetMs`, the offset of this tab's own
 * refresher results (0 before the first), never by the offset the message claims: a sender picks
 * that. An opaque token is taken to live no longer than MAX_SHARED_OPAQUE_LIFETIME_MS from `now`.
 * Never throws: a message of any other shape is not ours to judge.
 *
 * @example
 * ```ts
 * channel.addEventListener("message", ({ data }) => {
 *   const received = readTokenMessage(data, Date.now(), ownClockOffsetMs);
 *   if (received !== undefined) adopt(received);
 * });
 * ```
 */
export function readTokenMessage(data: unknown, now: number, referenceOffsetMs = 0): ReceivedToken | undefined {
  return neverThrowing(() => tokenOf(data, now, referenceOffsetMs), undefined);
}

function tokenOf(data: unknown, now: number, referenceOffsetMs: number): ReceivedToken | undefined {
  if (!isRecord(data) || !hasExactlyKeys(data, TOKEN_MESSAGE_KEYS)) return undefined;
  const { type, token, expiresOnTimestamp, clockOffsetMs } = data;
  if (type !== "rx-communication-common/token" || typeof token !== "string") return undefined;
  if (typeof expiresOnTimestamp !== "number" || typeof clockOffsetMs !== "number") return undefined;
  const received: ReceivedToken = { token: createAccessToken(token, expiresOnTimestamp), clockOffsetMs };
  if (!isShareable(received, now)) return undefined;
  const issuedAt = issuedAtOf(token);
  if (issuedAt !== undefined && issuedAt - referenceOffsetMs > now + CLOCK_TOLERANCE_MS) return undefined;
  const latest = now + MAX_SHARED_LIFETIME_MS;
  const exp = jwtExpiryOf(token);
  // The JWT's own exp too, not only the claim: a claim of an hour on a JWT whose exp is in 2100 is a
  // token no issuer gave.
  if (exp !== undefined && exp - referenceOffsetMs > latest + CLOCK_TOLERANCE_MS) return undefined;
  if (expiresOnTimestamp <= latest) return received;
  if (exp !== undefined) return expiresOnTimestamp <= latest + CLOCK_TOLERANCE_MS ? received : undefined;
  return { token: createAccessToken(token, latest), clockOffsetMs };
}
