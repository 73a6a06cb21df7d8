import type { Observable } from "rxjs";
import type { Clock } from "../time/clock.js";
import type { ReceivedToken } from "../token/issuerClock.js";

/**
 * What a credential lends to the group it shares tokens with (C26): its token, and a way to hear
 * the group's.
 *
 * @example
 * ```ts
 * const hooks: TokenSharingHooks = { current: () => held, peerToken: (received) => adopt(received), random: Math.random };
 * ```
 */
export interface TokenSharingHooks {
  /** The token this member holds now, while it is valid, to answer a peer's ask. */
  current(): ReceivedToken | undefined;
  /**
   * A peer's token the group judged worth taking (C26: the same identity, a clock offset near this
   * member's, issued later, unexpired): the credential takes it unless it is the token already held.
   */
  peerToken(received: ReceivedToken): void;
  /** The random source, returning a number in [0, 1). */
  random: () => number;
}

/**
 * The refresh as a group runs it: one member calls, the others take its token.
 *
 * @example
 * ```ts
 * const refresh$ = group.refreshOnce(call$, held, refreshTimeoutMs); // call$ runs only on this member's turn
 * ```
 */
export interface TokenGroup {
  /**
   * The refresh, shared: `call$` is subscribed when this member's turn comes (its timeout counts from
   * then), or a peer's token ends the refresh without it.
   */
  refreshOnce(
    call$: Observable<ReceivedToken>,
    held: ReceivedToken | undefined,
    timeoutMs: number,
  ): Observable<ReceivedToken>;
}

/**
 * A credential's share in a group's tokens — the tabs of one origin today, replicas of a service
 * tomorrow. It plugs into the refresh from above: the refresh pipeline hands the group its own call
 * (refresh/refreshPipeline.ts). The group's code may load lazily; the pipeline waits for it no longer
 * than the refresh's timeout (C32), then refreshes alone.
 *
 * @example
 * ```ts
 * const group = await sharing.group; // undefined: refresh alone
 * ```
 */
export interface TokenSharing {
  /** The group once its code has loaded, or undefined where sharing turned out not to work. Never rejects. */
  readonly group: Promise<TokenGroup | undefined>;
  /** Leaves the group. */
  dispose(): void;
}

/**
 * Joins a credential to its group: undefined where sharing cannot work here (each credential then
 * refreshes alone). Given to the engine by the public class, which chooses the kind of sharing.
 *
 * @example
 * ```ts
 * const joinGroup: JoinTokenSharing = (hooks, clock) => shareAcrossTabs("acs-user-42", clock, hooks);
 * ```
 */
export type JoinTokenSharing = (hooks: TokenSharingHooks, clock: Clock) => TokenSharing | undefined;
