import { Observable, Subject, type Subscription } from "rxjs";
import { waitUntil, type Clock } from "../../time/clock.js";
import type { ReceivedToken } from "../../token/issuerClock.js";
import { currentRealm, openChannel, tabRuntime, type ChannelLike } from "./tabGlobals.js";
import { replacesHeld } from "./replacesHeld.js";
import { isNewerToken, isPeerTokenForThisTab } from "./peerTrust.js";
import { ASK_MESSAGE, isAskMessage, isShareable, readTokenMessage, tokenMessage } from "./tabMessages.js";
import { exclusiveTurn, type LockManagerLike, type LockTurn } from "./webLock.js";

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
  /**
   * A peer's token arrived: validated, unexpired, of this tab's identity, with a clock offset close to
   * this tab's, and newer than the token this tab holds (see peerTrust.ts). The credential takes it.
   */
  peerToken(received: ReceivedToken): void;
  /** The random source, returning a number in [0, 1), that spreads the answers to an ask. Default `Math.random`. */
  random?: (() => number) | undefined;
}

// The turn of a tab that refreshes alone, its lock refused.
const noLock: LockTurn = Object.freeze({ release: () => {}, stolen: false });

/**
 * The longest a tab waits, at random, before it answers a peer's ask: the first answer reaches every
 * tab, so a tab that sees a peer answer with a token as fresh as its own need not answer too, and a
 * new tab among many gets one or a few answers rather than one from each.
 */
export const ANSWER_SPREAD_MS = 20;

/**
 * How long a tab keeps the lock after posting its new token. Browsers may grant the lock to the next
 * tab before they deliver the message posted just before it was let go (Chromium does, about half the
 * time): the next tab would then refresh again. The message is queued when posted, the grant only
 * when the lock is let go, so this head start lets the token arrive first.
 */
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
  // The last token this tab is known to have held, expired or not: whose tokens it takes (C26).
  #known: ReceivedToken | undefined;
  // The issuer clock offset of this tab's own last refresher result (0 before the first): the clock a
  // peer's token is judged by. Never a peer's, which would let forged tokens walk it away (C26).
  #referenceOffsetMs = 0;
  // The pending answer to the peers' asks, and the latest expiry of the tokens seen since the last ask that
  // this tab took or holds.
  #cancelAnswer: (() => void) | undefined;
  #freshestSinceAsk = Number.NEGATIVE_INFINITY;

  private constructor(locks: LockManagerLike, name: string, channel: ChannelLike, clock: Clock, hooks: TabShareHooks) {
    this.#locks = locks;
    this.#lockName = name;
    this.#channel = channel;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#askDeadline = clock.now() + ASK_WAIT_MS;
  }

  /**
   * The share of `name`, after posting an ask to the peers; undefined in Node (whose Web Locks and
   * BroadcastChannel, from 24.5 on, span threads, not tabs) and where Web Locks or BroadcastChannel
   * are missing or refuse to work, so that the credential refreshes alone. Never throws.
   *
   * @example
   * ```ts
   * const tabs = TabShare.create("acs-user-42", clockFor(undefined), hooks); // undefined in Node
   * ```
   */
  static create(name: string, clock: Clock, hooks: TabShareHooks, realm = currentRealm()): TabShare | undefined {
    if (tabRuntime.isNode()) return undefined;
    const { locks, Channel } = realm;
    if (locks === undefined || Channel === undefined) return undefined;
    // Prefixed, for the channel as for the lock, so that an app's own channel of the same name never
    // sees a token, and a name starting with "-" (reserved by Web Locks) is no error.
    const sharedName = `rx-communication-common:${name}`;
    const channel = openChannel(Channel, sharedName);
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
    if (held !== undefined) this.#known = held;
    return new Observable<ReceivedToken>((subscriber) => {
      let ownTurn: Subscription | undefined;
      // The first token ends the refresh; the other side is left before the token is passed on.
      const done = (received: ReceivedToken, other: Subscription | undefined): void => {
        other?.unsubscribe();
        subscriber.next(received);
        subscriber.complete();
      };
      // Only tokens that arrive from now on: one that came before is the engine's to adopt or not. One
      // may come while this tab holds the lock, from a tab that stole it from this one (this tab's
      // refresher hung): it ends this refresh too, cancelling the call.
      const peerRefreshed = this.#peerTokens.subscribe((received) => {
        if (replacesHeld(received, held)) done(received, ownTurn);
      });
      ownTurn = this.#ownTurn(call, refreshTimeoutMs).subscribe({
        next: (received) => done(received, peerRefreshed),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        peerRefreshed.unsubscribe();
        ownTurn?.unsubscribe();
      };
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
    this.#cancelAnswer?.();
    try {
      this.#channel.close();
    } catch {
      // Closing twice, or a channel the browser already tore down: closed either way.
    }
  }

  // This tab's own refresh, once the peers have had their chance to answer the ask.
  #ownTurn(call: Observable<ReceivedToken>, refreshTimeoutMs: number): Observable<ReceivedToken> {
    return new Observable<ReceivedToken>((subscriber) =>
      this.#askWait().subscribe({
        complete: () => this.#callInTurn(call, refreshTimeoutMs).subscribe(subscriber),
      }),
    );
  }

  // Before the first refresh of a tab that just opened, its peers may still be answering the ask.
  #askWait(): Observable<never> {
    return new Observable<never>((subscriber) => {
      if (this.#heardFromPeers || this.#clock.now() >= this.#askDeadline) return subscriber.complete();
      const over = (): void => subscriber.complete();
      subscriber.add(waitUntil(this.#clock, this.#askDeadline).subscribe(over));
      subscriber.add(this.#peerTokens.subscribe(over));
    });
  }

  // `call`, made in this tab's turn with the lock, and its token posted to the peers; the first token
  // ends the refresh.
  #callInTurn(call: Observable<ReceivedToken>, refreshTimeoutMs: number): Observable<ReceivedToken> {
    return new Observable<ReceivedToken>((subscriber) => {
      const callHolding = (turn: LockTurn): void => {
        let handingOver = false;
        const calling = call.subscribe({
          next: (received) => {
            if (subscriber.closed) return; // a later token of a call that emits several at once
            this.#known = received; // this tab's own token always wins, whoever it is for
            this.#referenceOffsetMs = received.clockOffsetMs;
            this.#post(tokenMessage(received));
            handingOver = true;
            this.#clock.setTimer(turn.release, HAND_OVER_MS);
            subscriber.next(received);
            subscriber.complete();
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        });
        subscriber.add(calling);
        // An error or an unsubscription lets go in the same turn, once the call is cancelled.
        subscriber.add(() => {
          if (!handingOver) turn.release();
        });
      };
      const turn = exclusiveTurn(this.#locks, this.#lockName, this.#clock, refreshTimeoutMs).subscribe({
        next: callHolding,
        // The Web Lock refused (an insecure or inactive document): refresh alone rather than not at all.
        error: () => callHolding(noLock),
      });
      subscriber.add(turn);
    });
  }

  // Never throws: a message handler that throws would surface as an uncaught error in the page. A
  // closed channel delivers nothing, so a disposed share hears nothing here.
  #onMessage(data: unknown): void {
    if (isAskMessage(data)) return this.#answerSoon();
    const received = readTokenMessage(data, this.#clock.now(), this.#referenceOffsetMs);
    if (received === undefined) return;
    const held = this.#current();
    // Another user's token, or one judged on another clock, is as good as no message at all.
    if (!isPeerTokenForThisTab(received, this.#known, this.#referenceOffsetMs)) return;
    const takes = held === undefined || isNewerToken(received, held, false);
    // Only a token this tab takes, or holds, answers the ask for it: an older one a peer claims lives
    // long must not keep this tab from handing out its newer token.
    if (takes || received.token.token === held.token.token) {
      this.#freshestSinceAsk = Math.max(this.#freshestSinceAsk, received.token.expiresOnTimestamp);
    }
    if (takes) {
      this.#known = received;
      try {
        this.#hooks.peerToken(received);
      } catch {
        // The credential's fault, not the peer's: the refreshes waiting here still take the token.
      }
    }
    this.#heardFromPeers = true;
    this.#peerTokens.next(received);
  }

  // One answer, after a random moment, serves every ask that came before it. A token seen before an
  // ask may never have reached the tab that asks (its channel may be younger), so an ask forgets them.
  #answerSoon(): void {
    this.#freshestSinceAsk = Number.NEGATIVE_INFINITY;
    if (this.#cancelAnswer !== undefined) return;
    try {
      const random = this.#hooks.random ?? Math.random;
      const spread = Math.min(Math.max(Number(random()) || 0, 0), 1);
      let answered = false;
      const cancel = this.#clock.setTimer(
        () => {
          answered = true;
          this.#answer();
        },
        Math.floor(spread * ANSWER_SPREAD_MS),
      );
      // A clock may run a timer due at once before setTimer returns (a queue scheduler does).
      if (!answered) this.#cancelAnswer = cancel;
    } catch {
      this.#answer(); // a random source or a clock that throws: answer now rather than not at all
    }
  }

  #answer(): void {
    this.#cancelAnswer = undefined;
    try {
      const current = this.#current();
      if (current === undefined || !isShareable(current, this.#clock.now())) return;
      // A peer has answered since the ask with a token as fresh: the asking tab has it already.
      if (this.#freshestSinceAsk >= current.token.expiresOnTimestamp) return;
      this.#post(tokenMessage(current));
    } catch {
      // No token to give, as far as the peer can tell: it refreshes in its turn.
    }
  }

  // The token this tab holds now, remembered as the one whose identity and clock peers must match.
  #current(): ReceivedToken | undefined {
    try {
      const current = this.#hooks.current();
      if (current !== undefined) this.#known = current;
      return current;
    } catch {
      return undefined;
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
