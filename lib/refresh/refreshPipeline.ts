// The refresh pipeline: everything a refresh runs, with the rxjs operators it is written in. It is
// loaded with a dynamic import() when a refreshing credential is made (pipelineLoader.ts), so that
// what a browser loads up front holds the waiting credential and its hot path only (C24).

import { from, of, switchMap, timeout, type Observable } from "rxjs";
import type { ReceivedToken } from "../token/issuerClock.js";
import type { RefreshTuning } from "../options/options.js";
import { UNHEARD_PROGRESS, type TokenRefresher } from "../options/tokenRefresher.js";
import { callRefresher } from "./callRefresher.js";
import { hedged } from "./hedge.js";
import { RefreshRun, type RefreshRunEvents } from "./refreshRun.js";
import type { TokenSharing } from "./tokenSharing.js";

export { tokenFromChangingSource } from "./changingSource.js";

/** What one refresh is made of. */
export interface RefreshRunSettings {
  readonly tuning: RefreshTuning;
  readonly tokenRefresher: TokenRefresher;
  /** The group the credential shares tokens with, if any (C26). */
  readonly sharing: TokenSharing | undefined;
  /** The token held, while valid, for the group. */
  readonly held: ReceivedToken | undefined;
  /** When the token being replaced expires, for the limiter's order (C23). */
  readonly expiresAt: number;
}

// The group's turn, or this credential's own call: the group's code is waited for no longer than the
// refresh's timeout (C32), after which the credential refreshes alone.
function throughGroup(
  call$: Observable<ReceivedToken>,
  { sharing, held, tuning }: RefreshRunSettings,
): Observable<ReceivedToken> {
  if (sharing === undefined) return call$;
  const { refreshTimeoutMs, clock } = tuning;
  return from(sharing.group).pipe(
    timeout({ first: refreshTimeoutMs, with: () => of(undefined), scheduler: clock.scheduler }),
    switchMap((group) => group?.refreshOnce(call$, held, refreshTimeoutMs) ?? call$),
  );
}

/**
 * One refresh, assembled (C5, C9, C23, C26, C29, C30): the limiter's turn, the group's turn, then the
 * refresher call, hedged once, with the refresh's timeout, shared by every caller.
 *
 * @example
 * ```ts
 * const run = createRefreshRun({ tuning, tokenRefresher, sharing, held, expiresAt }, events);
 * const { token } = await run.join(undefined, tuning.refreshLimiter);
 * ```
 */
export function createRefreshRun(settings: RefreshRunSettings, events: RefreshRunEvents): RefreshRun {
  const { tuning, tokenRefresher } = settings;
  const limiter = tuning.refreshLimiter;
  const config = { ...tuning, tokenRefresher };
  const call$ = hedged((progress, deadline) => callRefresher(config, progress, deadline), {
    ...tuning,
    retryTurn: limiter === undefined ? UNHEARD_PROGRESS.retryTurn : () => limiter.retryTurn(),
  });
  return new RefreshRun(throughGroup(call$, settings), limiter, settings.expiresAt, events);
}
