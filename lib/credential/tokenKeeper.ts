import { BehaviorSubject, firstValueFrom, Observable, type Subscription } from "rxjs";
import { CredentialDisposedError, TokenExpiredError } from "../errors.js";
import type { AbortSignalLike, AccessToken, CommunicationGetTokenOptions } from "../types.js";
import { abortReason, firstValueUnlessAborted } from "./abortable.js";
import { describeInstant, secondsExpiryHint } from "./accessToken.js";
import { callRefresher } from "./callRefresher.js";
import { asError, createState, isSameState, type CredentialState } from "./credentialState.js";
import { tuningOf, type RefreshTuning, type ResolvedRefreshOptions, type TokenRefresher } from "./options.js";
import type { RefreshPriority } from "./refreshLimiter.js";
import { isUnexpired, onDemandWindowMs, proactiveRefreshAt, retryAfterMsOf, retryDelayMs } from "./refreshPolicy.js";
import { dueQueueFor, type ScheduledTask } from "./schedule.js";
import { SharedRefresh } from "./sharedRefresh.js";
import { wantsRetry } from "./wantsRetry.js";

/** A refresh in flight, and who holds it. */
interface Flight {
  readonly refresh: SharedRefresh<AccessToken>;
  /** Its place in the refresh limiter's queue, when there is a limiter. */
  readonly priority: RefreshPriority | undefined;
  /** The one promise that every caller without an abort signal awaits. */
  joined: Promise<AccessToken> | undefined;
  /** The schedule's own subscription, so that callers leaving do not cancel a refresh it wants. */
  background: Subscription | undefined;
}

/**
 * The refresh engine behind CommunicationTokenCredential (C3–C19, C23, C24): holds the current token,
 * runs the one shared refresh, keeps the token fresh while there is proactive demand, and publishes
 * the state. Without refresh options it holds a static token.
 *
 * Why it is shaped this way: a Node service may hold a credential per user, tens of thousands of
 * them, nearly all waiting hours for their next refresh. A waiting credential is therefore plain
 * fields, its state subject, and one entry in the process-wide schedule of due times (schedule.ts),
 * which one timer drives; the objects of a refresh (the shared result, its abort controller, its
 * timeout) exist only while it runs.
 */
export class TokenKeeper implements ScheduledTask {
  /** When this credential next needs the schedule: a refresh, a retry, or its token's expiry. */
  dueAt = 0;
  heapIndex = -1;

  readonly #refresher: TokenRefresher | undefined;
  readonly #tuning: RefreshTuning;
  readonly #states = new BehaviorSubject<CredentialState>(createState({ status: "idle" }));
  #token: AccessToken | undefined;
  // getToken hands #token out as it is until this long before its expiry (C3); a small integer,
  // where a due time would cost a boxed number per credential.
  #windowMs = 0;
  #resolvedToken: Promise<AccessToken> | undefined;
  // Everything a refresh in flight needs, dropped when it settles.
  #flight: Flight | undefined;
  #failure: { cause: unknown; error: Error; retryAt?: number | undefined } | undefined;
  #nextRefreshAt: number | undefined;
  #demand = 0;
  #attempt = 0;
  #disposed = false;

  /** A static credential without `options`; a refreshing one with them. */
  constructor(initialToken: AccessToken | undefined, options?: ResolvedRefreshOptions) {
    this.#refresher = options?.tokenRefresher;
    this.#tuning = tuningOf(options);
    this.#token = initialToken;
    if (initialToken !== undefined) this.#windowMs = onDemandWindowMs(initialToken, undefined);
    if (options?.refreshProactively === true) this.#addDemand();
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
      this.#addDemand(); // C15: subscribers keep the token fresh, and get one if there is none (C16)
      return () => {
        subscription.unsubscribe();
        this.#removeDemand();
      };
    });
  }

  /** The current status, for inspection without subscribing. */
  get status(): CredentialState["status"] {
    this.#publish(true);
    return this.#states.value.status;
  }

  getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const sourceChanged = this.#tuning.sourceChanged;
    if (sourceChanged !== undefined) return this.#getTokenFromChangingSource(sourceChanged, options);
    return this.#getToken(options);
  }

  // An Entra ID credential asks first whether the user behind it changed, as the Azure SDK does; a
  // disposed credential or an aborted call must not ask: an interactive Entra credential would prompt.
  async #getTokenFromChangingSource(
    sourceChanged: NonNullable<RefreshTuning["sourceChanged"]>,
    options: CommunicationGetTokenOptions | undefined,
  ): Promise<AccessToken> {
    const early = this.earlyRejection(options);
    if (early !== undefined) return early;
    let changed = false;
    try {
      changed = await sourceChanged(options?.abortSignal);
    } catch {
      // The token held stays usable; a refresh will report the failure of its source.
    }
    return changed ? this.refresh(options) : this.#getToken(options);
  }

  #getToken(options: CommunicationGetTokenOptions | undefined): Promise<AccessToken> {
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
    const early = this.earlyRejection(options);
    if (early !== undefined) return early;
    if (this.#refresher === undefined) return this.#staticToken(token, now);
    if (token !== undefined && this.#flight !== undefined && isUnexpired(token, now)) return Promise.resolve(token);
    return this.#join(options?.abortSignal);
  }

  refresh(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const early = this.earlyRejection(options);
    if (early !== undefined) return early;
    if (this.#refresher === undefined) return this.#staticToken(this.#token, this.#tuning.clock.now());
    return this.#join(options?.abortSignal);
  }

  /** The rejection a call gets before any work when the credential is disposed or its signal aborted. */
  earlyRejection(options: CommunicationGetTokenOptions | undefined): Promise<never> | undefined {
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
    const flight = this.#flight;
    if (flight !== undefined) {
      this.#flight = undefined;
      flight.background?.unsubscribe();
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

  #staticToken(token: AccessToken | undefined, now: number): Promise<AccessToken> {
    if (token !== undefined && isUnexpired(token, now)) return Promise.resolve(token);
    if (token === undefined) {
      return Promise.reject(
        new TokenExpiredError("The credential holds no token and has no tokenRefresher.", Number.NaN),
      );
    }
    const expiredAt = token.expiresOnTimestamp;
    const message =
      `The static token expired at ${describeInstant(expiredAt)}.${secondsExpiryHint(expiredAt, now)} ` +
      "A static token cannot be renewed: pass a tokenRefresher to renew tokens.";
    return Promise.reject(new TokenExpiredError(message, expiredAt));
  }

  // Callers without an abort signal cannot leave early, so they all wait on one subscription: ten
  // thousand concurrent callers cost one promise, not ten thousand subscriptions.
  #join(signal: AbortSignalLike | undefined): Promise<AccessToken> {
    const flight = this.#startRefresh();
    const priority = flight.priority;
    if (priority !== undefined && !priority.callerWaiting) {
      priority.callerWaiting = true; // C23: a waiting caller goes before background refreshes
      this.#tuning.refreshLimiter?.reprioritize(priority);
    }
    if (signal !== undefined) return firstValueUnlessAborted(flight.refresh.result, signal);
    if (flight.joined !== undefined) return flight.joined;
    const joined = firstValueFrom(flight.refresh.result);
    if (this.#flight === flight) flight.joined = joined; // a refresher that answered synchronously is done
    return joined;
  }

  /** The refresh in flight, or a new one (C5). */
  #startRefresh(): Flight {
    if (this.#flight !== undefined) return this.#flight;
    const tuning = this.#tuning;
    const call = callRefresher({ ...tuning, tokenRefresher: this.#refresher as TokenRefresher });
    const limiter = tuning.refreshLimiter;
    const expiresAt = this.#token?.expiresOnTimestamp ?? Number.NEGATIVE_INFINITY;
    const priority = limiter === undefined ? undefined : { callerWaiting: false, expiresAt };
    const work = limiter === undefined || priority === undefined ? call : limiter.schedule(call, priority);
    const flight: Flight = {
      refresh: new SharedRefresh<AccessToken>(
        new Observable<AccessToken>((subscriber) =>
          work.subscribe({
            next: (token) => {
              this.#land(flight);
              this.#accept(token);
              subscriber.next(token);
            },
            error: (error: unknown) => {
              this.#land(flight);
              this.#fail(error);
              subscriber.error(error);
            },
            complete: () => subscriber.complete(),
          }),
        ),
        () => {
          this.#land(flight);
          this.#publish();
        },
      ),
      priority,
      joined: undefined,
      background: undefined,
    };
    this.#flight = flight;
    this.#failure = undefined;
    this.#publish();
    return flight;
  }

  #land(flight: Flight): void {
    if (this.#flight === flight) this.#flight = undefined;
  }

  #accept(token: AccessToken): void {
    if (this.#disposed) return;
    const now = this.#tuning.clock.now();
    this.#token = token;
    this.#resolvedToken = undefined;
    this.#windowMs = onDemandWindowMs(token, now);
    this.#attempt = 0; // C13: a success restarts the backoff
    this.#nextRefreshAt = this.#demand > 0 ? proactiveRefreshAt(token, now, this.#tuning.random) : undefined;
    this.#publish();
    this.#reschedule();
  }

  #fail(cause: unknown): void {
    const { retry, random, clock } = this.#tuning;
    let retryAt: number | undefined;
    if (this.#demand > 0 && !this.#disposed) {
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
    if (this.#demand === 0 || this.#disposed || this.#flight?.background !== undefined) return;
    const flight = this.#startRefresh();
    // Errors are handled in #fail; this subscription only keeps the refresh wanted while callers come and go.
    const background = flight.refresh.result.subscribe({ error: () => {} });
    if (!background.closed) flight.background = background;
  }

  #addDemand(): void {
    this.#demand += 1;
    if (this.#demand > 1 || this.#disposed) return;
    if (this.#flight !== undefined) this.#refreshInBackground();
    else this.#nextRefreshAt = proactiveRefreshAt(this.#token, this.#tuning.clock.now(), this.#tuning.random);
    this.#publish();
    this.#reschedule();
  }

  #removeDemand(): void {
    this.#demand -= 1;
    if (this.#demand > 0) return;
    this.#nextRefreshAt = undefined;
    const background = this.#flight?.background;
    if (this.#flight !== undefined) this.#flight.background = undefined;
    background?.unsubscribe(); // callers still waiting keep the refresh; otherwise it is cancelled (C8)
    if (this.#failure !== undefined) this.#failure = { ...this.#failure, retryAt: undefined };
    this.#publish();
    this.#reschedule();
  }

  // One entry in the schedule covers every reason to wake: the next refresh or retry, and, while
  // somebody watches the state, the moment its token expires and must leave it (C17).
  #reschedule(): void {
    const queue = dueQueueFor(this.#tuning.clock);
    if (this.#disposed) return queue.cancel(this);
    let dueAt = this.#nextRefreshAt ?? Number.POSITIVE_INFINITY;
    const shown = this.#states.value as { token?: AccessToken };
    if (shown.token !== undefined && this.#states.observed) dueAt = Math.min(dueAt, shown.token.expiresOnTimestamp);
    if (dueAt === Number.POSITIVE_INFINITY) queue.cancel(this);
    else if (dueAt !== this.dueAt || this.heapIndex === -1) queue.schedule(this, dueAt);
  }

  #currentState(): CredentialState {
    if (this.#disposed) return createState({ status: "disposed" });
    const token =
      this.#token !== undefined && isUnexpired(this.#token, this.#tuning.clock.now()) ? this.#token : undefined;
    if (this.#flight !== undefined) return createState({ status: "refreshing", token });
    const failure = this.#failure;
    if (failure !== undefined)
      return createState({ status: "failed", token, error: failure.error, retryAt: failure.retryAt });
    if (token !== undefined) return createState({ status: "ready", token, refreshAt: this.#nextRefreshAt });
    return createState({ status: "idle" });
  }

  /** Emits the current state if it changed; while nobody watches, only when `evenUnwatched`. */
  #publish(evenUnwatched = false): void {
    if (!evenUnwatched && !this.#states.observed) return;
    const state = this.#currentState();
    if (!isSameState(state, this.#states.value)) this.#states.next(state);
  }
}
