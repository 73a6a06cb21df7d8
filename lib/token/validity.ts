import type { AccessToken } from "../types.js";

/**
 * True while the token has not expired: getToken may hand it out (C7).
 *
 * @example
 * ```ts
 * if (!isUnexpired(token, clock.now())) throw new TokenExpiredError("…", token.expiresOnTimestamp);
 * ```
 */
export function isUnexpired(token: AccessToken, now: number): boolean {
  return now < token.expiresOnTimestamp;
}
