import { BehaviorSubject, Observable } from "rxjs";
import { CredentialDisposedError } from "../errors.js";
import type { AccessToken, CommunicationGetTokenOptions } from "../types.js";
import { abortReason } from "../support/abortable.js";
import { callRefresher } from "./callRefresher.js";
import { tokenFromChangingSource, type SourceCheckedCredential } from "./changingSource.js";
import { asError, createState, isSameState, type CredentialState } from "./credentialState.js";
import { Flight } from "./flight.js";
import { hedged } from "./hedge.js";
import type { ReceivedToken } from "../token/issuerClock.js";
import { tuningOf, type RefreshTuning, type ResolvedRefreshOptions } from "../options/options.js";
import { type TokenRefresher } from "../options/tokenRefresher.js";
import { isUnexpired, onDemandWindowMs, proactiveRefreshAt, retryAfterMsOf, retryDelayMs } from "./refreshPolicy.js";
import { dueQueueFor, type ScheduledTask } from "../time/schedule.js";
import { staticToken } from "../token/staticToken.js";
import { shareAcrossTabs, type TabSharing } from "../sharing/tabs/lazyTabShare.js";
import { wantsRetry } from "./wantsRetry.js";

// While a state is being emitted, a subscriber may cause the next one: it is emitted after, in order.
const IDLE = 0;
const EMITTING = 1;
const EMITTING_AND_STALE = 2;

/**
 * The refresh engine behind CommunicationTokenCredential (C3–C19, C23, C24): holds the current token,
 * runs the one shared refresh, keeps the token fresh while there is proactive demand, and publishes
 * the state. Without refresh options it holds a static token.
 *
 * Why it is shaped this way: a Node service may hold a credential per user, tens of thousands of
 * them, nearly all waiting hours for their next refresh. A waiting credential is therefore plain
 * fields, its state subject, and one entry in the process-wide schedule of due times (schedule.ts),
 * which one timer drives; the objects of a refresh (flight.ts) exist only while it runs.
 */
export class TokenKeeper implements ScheduledTask, SourceCheckedCredential {
  /** When this credential next needs the schedule: a refresh, a retry, or its token's expiry. */
  dueAt = 0;
  heapIndex = -1;

  readonly #refresher: TokenRefresher | undefined;
  readonly #tuning: RefreshTuning;
  readonly #states = new BehaviorSubject<CredentialState>(createState({ status: "idle" }));
  #token: AccessToken | undefined;
  // The issuer's clock minus this machine's, as the last token showed it (C25); #token is already moved by it.
  #clockOffsetMs = 0;
  // getToken hands #token out as it is until this long before its expiry (C3); a small integer,
  // where a due time would cost a boxed number per credential.
  #windowMs = 0;
  #resolvedToken: Promise<AccessToken> | undefined;
  #flight: Flight | undefined;
  #failure: { cause: unknown; error: Error; retryAt?: number | undefined } | undefined;
  #nextRefreshAt: number | undefined;
  #proactive = false;
  #watchers = 0; // token$ subscribers
  #attempt = 0;
  #emission = IDLE;
  #disposed = false;
  // The other tabs sharing this credential's tokens (C26), where the browser lets them.
  readonly #tabs: TabSharing | undefined;

  /** A static credential without `options`; a refreshing one with them. */
  constructor(initial: ReceivedToken | undefined, options?: ResolvedRefreshOptions) {
    this.#refresher = options?.tokenRefresher;
    this.#tuning = tuningOf(options);
    if (initial !== undefined) {
      this.#token = initial.token;
      this.#clockOffsetMs = initial.clockOffsetMs;
      this.#windowMs = onDemandWindowMs(initial.token, undefined);
    }
    const tabName = options?.shareAcrossTabs;
    this.#tabs =
      tabName === undefined
        ? undefined
        : shareAcrossTabs(tabName, this.#tuning.clock, {
            current: () => this.#validToken(),
            peerToken: (received) => this.#adopt(received),
            random: this.#tuning.random,
          });
    if (options?.refreshProactively === true) {
      this.#proactive = true;
      this.#demandStarted();
    }
  }

  // Nobody may be watching: the state is then worked out when somebody looks (C24), not at every step.
  get state$(): Observable<CredentialState> {
    return new Observable<CredentialState>((subscriber) => {
      this.#publish(true); // the state may be stale: unpublished, or its token since expired
      const subscription = this.#states.subscribe((state) => {
        subscriber.next(state);
        if (state.status === "disposed") subscriber.complete();
      });
      this.#reschedule(); // someone watches now: the expiry of the token in the state must show (C17)
      return subscription;
    });
  }

  get token$(): Observable<AccessToken> {
    return new Observable<AccessToken>((subscriber) => {
      let last: AccessToken | undefined;
      const subscription = this.state$.subscribe({
        next: (state) => {
          const token = "token" in state ? state.token : undefined;
          if (token !== undefined && token !== last) subscriber.next((last = token));
        },
        complete: () => subscriber.complete(),
      });
      if (subscriber.closed) return subscription;
      // C15: subscribers keep the token fresh, and get one if there is none (C16).
      this.#watchers += 1;
      if (this.#watchers === 1 && !this.#proactive) this.#demandStarted();
      else this.#reschedule(); // a watcher waiting for a token keeps a Node process alive
      return () => {
        subscription.unsubscribe();
        this.#watchers -= 1;
        if (this.#watchers === 0 && !this.#proactive) this.#demandEnded();
        else this.#reschedule();
      };
    });
  }

  /** The current status, for inspection without subscribing. */
  get status(): CredentialState["status"] {
    this.#publish(true);
    return this.#states.value.status;
  }

  /** For `tokenFromChangingSource`: errors when the credential is disposed. */
  get disposal(): Observable<never> {
    return new Observable<never>((subscriber) =>
      this.state$.subscribe((state) => state.status === "disposed" && subscriber.error(new CredentialDisposedError())),
    );
  }

  /** For `tokenFromChangingSource`: the refresh in flight. */
  get refreshInFlight(): Observable<AccessToken> | undefined {
    return this.#flight?.refresh.result;
  }

  getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const sourceChanged = this.#tuning.sourceChanged;
    if (sourceChanged !== undefined) return tokenFromChangingSource(this, sourceChanged, options);
    return this.tokenAsUsual(options);
  }

  /** getToken without asking whether the source of the tokens changed. */
  tokenAsUsual(options: CommunicationGetTokenOptions | undefined): Promise<AccessToken> {
    // The hot path (C3): a token that is fresh for callers, as one already resolved promise. The
    // clock is read at every call: a cached "fresh" flag would hand out expired tokens after a sleep.
    const token = this.#token;
    const now = this.#tuning.clock.now();
    if (
      token !== undefined &&
      now < token.expiresOnTimestamp - this.#windowMs &&
      options?.abortSignal?.aborted !== true
    ) {
      return (this.#resolvedToken ??= Promise.resolve(token));
    }
    const early = this.rejectionBeforeWork(options);
    if (early !== undefined) return early;
    if (this.#refresher === undefined) return staticToken(token, now);
    if (token !== undefined && this.#flight !== undefined && isUnexpired(token, now)) return Promise.resolve(token);
    return this.#startRefresh().join(options?.abortSignal, this.#tuning.refreshLimiter);
  }

  refresh(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const early = this.rejectionBeforeWork(options);
    if (early !== undefined) return early;
    if (this.#refresher === undefined) return staticToken(this.#token, this.#tuning.clock.now());
    return this.#startRefresh().join(options?.abortSignal, this.#tuning.refreshLimiter);
  }

  /** The rejection a call gets before any work: the credential is disposed, or its signal aborted. */
  rejectionBeforeWork(options: CommunicationGetTokenOptions | undefined): Promise<never> | undefined {
    if (this.#disposed) return Promise.reject(new CredentialDisposedError());
    const signal = options?.abortSignal;
    return signal?.aborted === true ? Promise.reject(abortReason(signal)) : undefined;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#token = undefined; // the hot path now fails, and the slow one rejects
    this.#resolvedToken = undefined;
    dueQueueFor(this.#tuning.clock).cancel(this);
    this.#tabs?.dispose();
    const flight = this.#flight;
    if (flight !== undefined) {
      this.#flight = undefined;
      flight.releaseBackground();
      flight.refresh.fail(new CredentialDisposedError()); // C19: pending callers reject, the refresher's signal aborts
    }
    this.#publish();
  }

  /** Called by the schedule when `dueAt` has come: a refresh or retry is due, or a token expired. */
  runDue(): void {
    const due = this.#nextRefreshAt;
    if (due !== undefined && this.#tuning.clock.now() >= due) {
      this.#nextRefreshAt = undefined;
      this.#refreshInBackground();
    }
    this.#publish();
    this.#reschedule();
  }

  /** The refresh in flight, or a new one (C5). */
  #startRefresh(): Flight {
    if (this.#flight !== undefined) return this.#flight;
    const tuning = this.#tuning;
    const config = { ...tuning, tokenRefresher: this.#refresher as TokenRefresher };
    const ownCall = hedged(
      (progress) => callRefresher(config, progress),
      tuning.hedgeAfterMs,
      tuning.clock,
      tuning.refreshTimeoutMs,
    );
    const call = this.#tabs?.refreshOnce(ownCall, this.#validToken(), tuning.refreshTimeoutMs) ?? ownCall;
    const expiresAt = this.#token?.expiresOnTimestamp ?? Number.NEGATIVE_INFINITY;
    const flight: Flight = new Flight(call, tuning.refreshLimiter, expiresAt, {
      token: (received) => {
        this.#clearFlight(flight);
        this.#accept(received);
      },
      error: (error) => {
        this.#clearFlight(flight);
        this.#fail(error);
      },
      cancelled: () => {
        this.#clearFlight(flight);
        this.#publish();
        this.#reschedule();
      },
    });
    this.#flight = flight;
    this.#failure = undefined;
    this.#publish();
    return flight;
  }

  #clearFlight(flight: Flight): void {
    if (this.#flight === flight) this.#flight = undefined;
  }

  get #wanted(): boolean {
    return this.#proactive || this.#watchers > 0;
  }

  #accept({ token, clockOffsetMs }: ReceivedToken): void {
    if (this.#disposed) return;
    const now = this.#tuning.clock.now();
    this.#token = token;
    this.#clockOffsetMs = clockOffsetMs;
    this.#resolvedToken = undefined;
    this.#windowMs = onDemandWindowMs(token, now);
    this.#attempt = 0; // C13: a success restarts the backoff
    this.#nextRefreshAt = this.#wanted ? proactiveRefreshAt(token, now, this.#tuning.random) : undefined;
    this.#publish();
    this.#reschedule();
  }

  /** The token held, while it is valid, with the clock offset it came with. */
  #validToken(): ReceivedToken | undefined {
    const token = this.#token;
    if (token === undefined || !isUnexpired(token, this.#tuning.clock.now())) return undefined;
    return { token, clockOffsetMs: this.#clockOffsetMs };
  }

  /** Another tab's token (C26): taken as if fetched here, unless the one held lasts as long. */
  #adopt(received: ReceivedToken): void {
    const held = this.#token;
    if (this.#disposed || (held !== undefined && held.expiresOnTimestamp >= received.token.expiresOnTimestamp)) return;
    if (this.#flight === undefined) this.#failure = undefined;
    this.#accept(received);
  }

  #fail(cause: unknown): void {
    const { retry, random, clock } = this.#tuning;
    let retryAt: number | undefined;
    if (this.#wanted && !this.#disposed) {
      this.#attempt += 1;
      if (wantsRetry(retry, cause, this.#attempt)) {
        // C13: a 429 or 503 that says how long to wait is waited for at least that long.
        retryAt = clock.now() + Math.max(retryDelayMs(this.#attempt, retry, random), retryAfterMsOf(cause));
      }
    }
    // One Error per failure, so that publishing the same failure again is recognised as the same state.
    const previous = this.#failure;
    const error = previous !== undefined && previous.cause === cause ? previous.error : asError(cause);
    this.#failure = { cause, error, retryAt };
    this.#nextRefreshAt = retryAt;
    this.#publish();
    this.#reschedule();
  }

  #refreshInBackground(): void {
    if (this.#wanted && !this.#disposed) this.#startRefresh().holdInBackground();
  }

  #demandStarted(): void {
    if (this.#disposed) return;
    if (this.#flight !== undefined) this.#refreshInBackground();
    else this.#nextRefreshAt = proactiveRefreshAt(this.#token, this.#tuning.clock.now(), this.#tuning.random);
    this.#publish();
    this.#reschedule();
  }

  #demandEnded(): void {
    this.#nextRefreshAt = undefined;
    this.#flight?.releaseBackground();
    if (this.#failure !== undefined) this.#failure = { ...this.#failure, retryAt: undefined };
    this.#publish();
    this.#reschedule();
  }

  // One entry in the schedule covers every reason to wake: the next refresh or retry, and, while
  // somebody watches the state, the moment its token expires and must leave it (C17). A token$
  // subscriber still waiting for a valid token keeps a Node process alive until it gets one.
  #reschedule(): void {
    const queue = dueQueueFor(this.#tuning.clock);
    if (this.#disposed) return queue.cancel(this);
    let dueAt = this.#nextRefreshAt ?? Number.POSITIVE_INFINITY;
    const shown = this.#states.value as { token?: AccessToken };
    if (shown.token !== undefined && this.#states.observed) dueAt = Math.min(dueAt, shown.token.expiresOnTimestamp);
    if (dueAt === Number.POSITIVE_INFINITY) return queue.cancel(this);
    const token = this.#token;
    const waiting = this.#watchers > 0 && (token === undefined || !isUnexpired(token, this.#tuning.clock.now()));
    queue.schedule(this, dueAt, waiting);
  }

  #currentState(): CredentialState {
    if (this.#disposed) return createState({ status: "disposed" });
    const token =
      this.#token !== undefined && isUnexpired(this.#token, this.#tuning.clock.now()) ? this.#token : undefined;
    const clockOffsetMs = this.#clockOffsetMs;
    if (this.#flight !== undefined) return createState({ status: "refreshing", token, clockOffsetMs });
    const failure = this.#failure;
    if (failure !== undefined) {
      return createState({ status: "failed", token, error: failure.error, retryAt: failure.retryAt, clockOffsetMs });
    }
    if (token !== undefined) {
      return createState({ status: "ready", token, refreshAt: this.#nextRefreshAt, clockOffsetMs });
    }
    return createState({ status: "idle", clockOffsetMs });
  }

  /** Emits the current state if it changed; while nobody watches, only when `evenUnwatched`. */
  #publish(evenUnwatched = false): void {
    if (!evenUnwatched && !this.#states.observed) return;
    if (this.#emission !== IDLE) {
      this.#emission = EMITTING_AND_STALE; // a subscriber reacted: emit again once this emission is done
      return;
    }
    this.#emission = EMITTING;
    try {
      do {
        this.#emission = EMITTING;
        const state = this.#currentState();
        if (!isSameState(state, this.#states.value)) this.#states.next(state);
      } while (this.#emission === EMITTING_AND_STALE);
    } finally {
      this.#emission = IDLE;
    }
  }
}
