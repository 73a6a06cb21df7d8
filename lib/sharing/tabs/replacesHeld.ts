import type { ReceivedToken } from "../../token/issuerClock.js";

/**
 * Whether a peer's token, arriving while this tab waits to refresh, makes the refresh unnecessary: it
 * is another token than `held`, expiring no earlier. The token being replaced (a 401 may have condemned
 * it) or an older one that a slow peer still holds replaces nothing. Any token replaces none.
 *
 * @example
 * ```ts
 * replacesHeld(peerToken, undefined); // true
 * replacesHeld(held, held); // false: the same token, which the refresh is meant to replace
 * ```
 */
export function replacesHeld(candidate: ReceivedToken, held: ReceivedToken | undefined): boolean {
  if (held === undefined) return true;
  const { token, expiresOnTimestamp } = candidate.token;
  return token !== held.token.token && expiresOnTimestamp >= held.token.expiresOnTimestamp;
}
