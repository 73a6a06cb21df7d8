import { createAccessToken } from "../credential/accessToken.js";
import type { ReceivedToken } from "../credential/issuerClock.js";
import { isUnexpired } from "../credential/refreshPolicy.js";
import { assertTokenShape } from "../credential/tokenShape.js";

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

/**
 * Whether `token` may be handed to or taken from a peer at `now`: a token-shaped string, a finite expiry
 * still ahead and a finite offset. Never throws.
 */
export function isShareable(received: ReceivedToken, now: number): boolean {
  return neverThrowing(() => {
    const { token, clockOffsetMs } = received;
    if (typeof token.token !== "string" || !Number.isFinite(token.expiresOnTimestamp)) return false;
    if (typeof clockOffsetMs !== "number" || !Number.isFinite(clockOffsetMs)) return false;
    assertTokenShape(token.token, "token shared between tabs"); // throws for what is no token
    return isUnexpired(token, now);
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
 * shareable, unexpired token at `now`. Never throws: a message of any other shape is not ours to judge.
 *
 * @example
 * ```ts
 * channel.addEventListener("message", ({ data }) => {
 *   const received = readTokenMessage(data, Date.now());
 *   if (received !== undefined) adopt(received);
 * });
 * ```
 */
export function readTokenMessage(data: unknown, now: number): ReceivedToken | undefined {
  return neverThrowing(() => tokenOf(data, now), undefined);
}

function tokenOf(data: unknown, now: number): ReceivedToken | undefined {
  if (!isRecord(data) || !hasExactlyKeys(data, TOKEN_MESSAGE_KEYS)) return undefined;
  const { type, token, expiresOnTimestamp, clockOffsetMs } = data;
  if (type !== "rx-communication-common/token" || typeof token !== "string") return undefined;
  if (typeof expiresOnTimestamp !== "number" || typeof clockOffsetMs !== "number") return undefined;
  const received: ReceivedToken = { token: createAccessToken(token, expiresOnTimestamp), clockOffsetMs };
  return isShareable(received, now) ? received : undefined;
}
