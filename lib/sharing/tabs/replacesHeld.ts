import type { ReceivedToken } from "../../token/issuerClock.js";
import { isNewerToken } from "./peerTrust.js";

/**
 * Whether a peer's token, arriving while this tab waits to refresh, makes the refresh unnecessary: a
 * token of this tab's identity (checked before, see isPeerTokenForThisTab) that is newer than `held`
 * (see isNewerToken: issued later, or for tokens without `iat` expiring no earlier). The token being
 * replaced (a 401 may have condemned it) or an older one that a slow peer still holds replaces
 * nothing. Any token replaces none.
 *
 * @example
 * ```ts
 * replacesHeld(peerToken, undefined); // true
 * replacesHeld(held, held); // false: the same token, which the refresh is meant to replace
 * ```
 */
export function replacesHeld(candidate: ReceivedToken, held: ReceivedToken | undefined): boolean {
  return held === undefined || isNewerToken(candidate, held, true);
}
