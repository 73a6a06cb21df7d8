import { catchError, concat, defer, EMPTY, filter, finalize, ignoreElements, Observable, of } from "rxjs";
import { race, Subject, switchMap, take, tap } from "rxjs";
import { waitUntil, type Clock } from "../credential/clock.js";
import type { ReceivedToken } from "../credential/issuerClock.js";
import { openChannel, webLocks, type ChannelLike } from "./tabGlobals.js";
import { replacesHeld } from "./replacesHeld.js";
import { ASK_MESSAGE, isAskMessage, isShareable, readTokenMessage, tokenMessage } from "./tabMessages.js";
import { exclusiveTurn, type LockManagerLike, type ReleaseLock } from "./webLock.js";

/**
 * How long after its ask a tab that just opened waits for a peer's token before its first refresh goes
 * ahead: peers answer within a few tasks, so a longer wait only delays a tab that is alone.
 */
export const ASK_WAIT_MS = 100;

/**
 * What a TabShare needs from the credential it serves.
 *
 * @example
 * ```ts
 * const hooks: TabShareHooks = { current: () => held, peerToken: (received) => adoptIfLater(received) };
 * ```
 */
export interface TabShareHooks {
  /** The token this tab holds now, to answer a peer's ask; only a valid, unexpired one is sent. */
  current(): ReceivedToken | undefined;
  /** A peer's token arrived: validated and unexpired. The credential decides whether to adopt it. */
  peerToken(received: ReceivedToken): void;
}

const noLock: ReleaseLock = () => {};

/** A grant later than this after the request means another tab held the lock. */
const WAITED_FOR_LOCK_MS = 10;

/** How long a tab granted the lock after waiting gives the previous holder's token to arrive. */
export const HAND_OVER_MS = 50;

/**
 * One credential's share in the tokens of the tabs of its origin that use the same name (C26). Each
 * refresh waits its turn for a Web Lock, so that one tab refreshes for all; the token travels to the
 * others on a BroadcastChannel. The lock is held for one refresh only, never as standing leadership: a
 * held lock keeps a page out of the back/forward cache and has no timeout of its own. Nothing is
 * written to storage; a message carries only the token, its expiry and the issuer's clock offset.
 *
 * @example
 * ```ts
 * const tabs = TabShare.create("acs-user-42", clockFor(undefined), { current: () => held, peerToken: adopt });
 * const refresh$ = tabs ? tabs.refreshOnce(ownCall$, held, 30_000) : ownCall$;
 * ```
 */
export class TabShare {
  readonly #locks: LockManagerLike;
  readonly #lockName: string;
  readonly #channel: ChannelLike;
  readonly #clock: Clock;
  readonly #hooks: TabShareHooks;
  readonly #askDeadline: number;
  // Every valid token a peer sends, as it arrives: the refreshes waiting in this tab look at each.
  readonly #peerTokens = new Subject<ReceivedToken>();
  #heardFromPeers = false;

  private constructor(locks: LockManagerLike, name: string, channel: ChannelLike, clock: Clock, hooks: TabShareHooks) {
    this.#locks = locks;
    this.#lockName = name;
    this.#channel = channel;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#askDeadline = clock.now() + ASK_WAIT_MS;
  }

  /**
   * The share of `name`, after posting an ask to the peers; undefined where Web Locks or
   * BroadcastChannel are missing or refuse to work, so that the credential refreshes alone. Never throws.
   *
   * @example
   * ```ts
   * const tabs = TabShare.create("acs-user-42", clockFor(undefined), hooks); // undefined in Node 20
   * ```
   */
  static create(name: string, clock: Clock, hooks: TabShareHooks): TabShare | undefined {
    const locks = webLocks();
    if (locks === undefined) return undefined;
    // Prefixed, for the channel as for the lock, so that an app's own channel of the same name never
    // sees a token, and a name starting with "-" (reserved by Web Locks) is no error.
    const sharedName = `rx-communication-common:${name}`;
    const channel = openChannel(sharedName);
    if (channel === undefined) return undefined;
    const share = new TabShare(locks, sharedName, channel, clock, hooks);
    try {
      channel.addEventListener("message", (event) => share.#onMessage(event.data));
    } catch {
      channel.close();
      return undefined;
    }
    share.#post(ASK_MESSAGE);
    return share;
  }

  /**
   * One refresh of this tab, in its turn among the tabs: the token a peer brings while this tab waits
   * for the lock (one that arrived after this refresh began, is unexpired, and is another token than
   * `held`, expiring no earlier), or else the result of `call`, made while holding the lock and
   * posted to the peers. The first refresh soon after opening waits for the peers' answers first. A
   * lock not granted within `refreshTimeoutMs` is stolen: its holder is wedged. Errors of `call` pass
   * through unchanged, and the lock is released in the same turn; a lock that cannot be had (the
   * request fails) means refreshing alone. Unsubscribing drops the lock request, or cancels `call` and
   * releases the lock.
   *
   * @example
   * ```ts
   * tabs.refreshOnce(callRefresher(config), held, 30_000).subscribe((received) => accept(received));
   * ```
   */
  refreshOnce(
    call: Observable<ReceivedToken>,
    held: ReceivedToken | undefined,
    refreshTimeoutMs: number,
  ): Observable<ReceivedToken> {
    return defer(() => {
      // Only tokens that arrive from now on: one that came before is the engine's to adopt or not. One
      // may come while this tab holds the lock, from a tab that stole it from this one (this tab's
      // refresher hung): it ends this refresh too, cancelling the call.
      const peerRefreshed$ = this.#peerTokens.pipe(filter((received) => replacesHeld(received, held)));
      let requestedAt = 0;
      const turn$ = defer(() => {
        requestedAt = this.#clock.now();
        return exclusiveTurn(this.#locks, this.#lockName, this.#clock, refreshTimeoutMs);
      });
      const ownTurn$ = turn$.pipe(
        // The Web Lock refused (an insecure or inactive document): refresh alone rather than not at all.
        catchError(() => of(noLock)),
        // finalize lets go in the same turn as the outcome, success, error or unsubscription alike.
        switchMap((release) =>
          concat(
            release === noLock ? EMPTY : this.#handOver(requestedAt, refreshTimeoutMs),
            call.pipe(tap((received) => this.#post(tokenMessage(received)))),
          ).pipe(finalize(release)),
        ),
      );
      return race(peerRefreshed$, concat(this.#askWait(), ownTurn$)).pipe(take(1));
    });
  }

  /**
   * Stops answering and listening, and closes the channel. Refreshes in flight carry on alone.
   *
   * @example
   * ```ts
   * tabs?.dispose();
   * ```
   */
  dispose(): void {
    try {
      this.#channel.close();
    } catch {
      // Closing twice, or a channel the browser already tore down: closed either way.
    }
  }

  // A lock that had to be waited for was most likely let go by a tab that has just posted its token:
  // browsers may grant the lock before they deliver that message (Chromium does, about half the
  // time), so the token gets a moment to arrive (it ends the refresh in peerRefreshed$) before this
  // tab asks its own refresher.
  // A lock taken by stealing had a wedged holder, which posts nothing.
  #handOver(requestedAt: number, stealAfterMs: number): Observable<never> {
    return defer(() => {
      const now = this.#clock.now();
      const waited = now - requestedAt;
      if (waited < WAITED_FOR_LOCK_MS || waited >= stealAfterMs) return EMPTY;
      return waitUntil(this.#clock, now + HAND_OVER_MS).pipe(ignoreElements());
    });
  }

  // Before the first refresh of a tab that just opened, its peers may still be answering the ask.
  #askWait(): Observable<never> {
    return defer(() => {
      if (this.#heardFromPeers || this.#clock.now() >= this.#askDeadline) return EMPTY;
      return race(waitUntil(this.#clock, this.#askDeadline), this.#peerTokens).pipe(take(1), ignoreElements());
    });
  }

  // Never throws: a message handler that throws would surface as an uncaught error in the page. A
  // closed channel delivers nothing, so a disposed share hears nothing here.
  #onMessage(data: unknown): void {
    if (isAskMessage(data)) return this.#answer();
    const received = readTokenMessage(data, this.#clock.now());
    if (received === undefined) return;
    try {
      this.#hooks.peerToken(received);
    } catch {
      // The credential's fault, not the peer's: the refreshes waiting here still take the token.
    }
    this.#heardFromPeers = true;
    this.#peerTokens.next(received);
  }

  #answer(): void {
    try {
      const current = this.#hooks.current();
      if (current !== undefined && isShareable(current, this.#clock.now())) this.#post(tokenMessage(current));
    } catch {
      // No token to give, as far as the peer can tell: it refreshes in its turn.
    }
  }

  #post(message: unknown): void {
    try {
      this.#channel.postMessage(message);
    } catch {
      // A channel closed under us (the page is going away): the peers will ask or refresh themselves.
    }
  }
}
