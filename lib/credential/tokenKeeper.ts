import { BehaviorSubject, firstValueFrom, Observable, type Subscription } from "rxjs";
import { CredentialDisposedError, TokenExpiredError } from "../errors.js";
import type { AbortSignalLike, AccessToken, CommunicationGetTokenOptions } from "../types.js";
import { abortReason, firstValueUnlessAborted } from "./abortable.js";
import { secondsExpiryHint } from "./accessToken.js";
import { callRefresher } from "./callRefresher.js";
import type { Clock } from "./clock.js";
import { asError, createState, isSameState, type CredentialState } from "./credentialState.js";
import type { ResolvedRefreshOptions } from "./options.js";
import type { RefreshPriority } from "./refreshLimiter.js";
import {
  freshForCallersUntil,
  isUnexpired,
  proactiveRefreshAt,
  retryAfterMsOf,
  retryDelayMs,
} from "./refreshPolicy.js";
import { dueQueueFor, type ScheduledTask } from "./schedule.js";
import { SharedRefresh } from "./sharedRefresh.js";
import { wantsRetry } from "./wantsRetry.js";

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

  readonly #clock: Clock;
  readonly #options: ResolvedRefreshOptions | undefined;
  readonly #states: BehaviorSubject<CredentialState>;
  #token: AccessToken | undefined;
  // Until when getToken hands #token out as it is (C3); -Infinity once disposed, so the hot path
  // needs no other check.
  #freshUntil: number;
  #resolvedToken: Promise<AccessToken> | undefined;
  #refresh: SharedRefresh<AccessToken> | undefined;
  #priority: RefreshPriority | undefined;
  #joined: Promise<AccessToken> | undefined;
  // The background's own subscription to the refresh in flight, so that callers leaving do not
  // cancel a refresh the schedule wants.
  #background: Subscription | undefined;
  #failure: { cause: unknown; error: Error; retryAt?: number | undefined } | undefined;
  #nextRefreshAt: number | undefined;
  #demand = 0;
  #attempt = 0;
  #disposed = false;
  #state$: Observable<CredentialState> | undefined;
  #token$: Observable<AccessToken> | undefined;

  constructor(initialToken: AccessToken | undefined, clock: Clock, options?: ResolvedRefreshOptions) {
    this.#clock = clock;
    this.#options = options;
    this.#token = initialToken;
    this.#freshUntil =
      initialToken === undefined ? Number.NEGATIVE_INFINITY : freshForCallersUntil(initialToken, undefined);
    this.#states = new BehaviorSubject(this.#currentState());
    if (options?.refreshProactively === true) this.#addDemand();
  }

  get state$(): Observable<CredentialState> {
    return (this.#state$ ??= new Observable<CredentialState>((subscriber) => {
      this.#publish(); // the clock may have moved past the token's expiry since the last state
      const subscription = this.#states.subscribe((state) => {
        subscriber.next(state);
        if (state.status === "disposed") subscriber.complete();
      });
      this.#reschedule(); // someone watches now: the expiry of the token in the state must show (C17)
      return subscription;
    }));
  }

  get token$(): Observable<AccessToken> {
    return (this.#token$ ??= new Observable<AccessToken>((subscriber) => {
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
    }));
  }

  /** The current status, for inspection without subscribing. */
  get status(): CredentialState["status"] {
    this.#publish();
    return this.#states.value.status;
  }

  getToken(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    // The hot path (C3): a token that is fresh for callers, as one already resolved promise.
    if (this.#clock.now() < this.#freshUntil && options?.abortSignal?.aborted !== true) {
      return (this.#resolvedToken ??= Promise.resolve(this.#token as AccessToken));
    }
    const early = this.earlyRejection(options);
    if (early !== undefined) return early;
    const token = this.#token;
    const now = this.#clock.now();
    if (this.#options === undefined) return this.#staticToken(token, now);
    if (token !== undefined && this.#refresh !== undefined && isUnexpired(token, now)) return Promise.resolve(token);
    return this.#join(options?.abortSignal);
  }

  refresh(options?: CommunicationGetTokenOptions): Promise<AccessToken> {
    const early = this.earlyRejection(options);
    if (early !== undefined) return early;
    if (this.#options === undefined) return this.#staticToken(this.#token, this.#clock.now());
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
    this.#freshUntil = Number.NEGATIVE_INFINITY;
    this.#resolvedToken = undefined;
    dueQueueFor(this.#clock).cancel(this);
    const refresh = this.#refresh;
    this.#background?.unsubscribe();
    if (refresh !== undefined) {
      this.#settle(refresh);
      refresh.fail(new CredentialDisposedError()); // C19: pending callers reject, the refresher's signal aborts
    }
    this.#publish();
  }

  /** Called by the schedule when `dueAt` has come: a refresh or retry is due, or a token expired. */
  runDue(): void {
    const due = this.#nextRefreshAt;
    if (due !== undefined && this.#clock.now() >= due) {
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
      `The static token expired at ${new Date(expiredAt).toISOString()}.${secondsExpiryHint(expiredAt, now)} ` +
      "A static token cannot be renewed: pass a tokenRefresher to renew tokens.";
    return Promise.reject(new TokenExpiredError(message, expiredAt));
  }

  // Callers without an abort signal cannot leave early, so they all wait on one subscription: ten
  // thousand concurrent callers cost one promise, not ten thousand subscriptions.
  #join(signal: AbortSignalLike | undefined): Promise<AccessToken> {
    const refresh = this.#startRefresh();
    if (this.#priority !== undefined && !this.#priority.callerWaiting) {
      this.#priority.callerWaiting = true; // C23: a waiting caller goes before background refreshes
      this.#options?.refreshLimiter?.reprioritize(this.#priority);
    }
    if (signal !== undefined) return firstValueUnlessAborted(refresh.result, signal);
    if (this.#joined !== undefined) return this.#joined;
    const joined = firstValueFrom(refresh.result);
    if (this.#refresh === refresh) this.#joined = joined; // a refresher that answered synchronously is done
    return joined;
  }

  /** The refresh in flight, or a new one (C5). */
  #startRefresh(): SharedRefresh<AccessToken> {
    if (this.#refresh !== undefined) return this.#refresh;
    const options = this.#options as ResolvedRefreshOptions;
    const call = callRefresher({ ...options, clock: this.#clock });
    const limiter = options.refreshLimiter;
    let work = call;
    if (limiter !== undefined) {
      this.#priority = { callerWaiting: false, expiresAt: this.#token?.expiresOnTimestamp ?? Number.NEGATIVE_INFINITY };
      work = limiter.schedule(call, this.#priority);
    }
    const refresh = new SharedRefresh<AccessToken>(
      new Observable<AccessToken>((subscriber) =>
        work.subscribe({
          next: (token) => {
            this.#settle(refresh);
            this.#accept(token);
            subscriber.next(token);
          },
          error: (error: unknown) => {
            this.#settle(refresh);
            this.#fail(error);
            subscriber.error(error);
          },
          complete: () => subscriber.complete(),
        }),
      ),
      () => {
        this.#settle(refresh);
        this.#publish();
      },
    );
    this.#refresh = refresh;
    this.#failure = undefined;
    this.#publish();
    return refresh;
  }

  #settle(refresh: SharedRefresh<AccessToken>): void {
    if (this.#refresh !== refresh) return;
    this.#refresh = undefined;
    this.#priority = undefined;
    this.#joined = undefined;
    this.#background = undefined;
  }

  #accept(token: AccessToken): void {
    const now = this.#clock.now();
    this.#token = token;
    this.#resolvedToken = undefined;
    this.#freshUntil = this.#disposed ? Number.NEGATIVE_INFINITY : freshForCallersUntil(token, now);
    this.#attempt = 0; // C13: a success restarts the backoff
    const options = this.#options as ResolvedRefreshOptions;
    this.#nextRefreshAt = this.#demand > 0 ? proactiveRefreshAt(token, now, options.random) : undefined;
    this.#publish();
    this.#reschedule();
  }

  #fail(cause: unknown): void {
    const options = this.#options as ResolvedRefreshOptions;
    let retryAt: number | undefined;
    if (this.#demand > 0 && !this.#disposed) {
      this.#attempt += 1;
      if (wantsRetry(options.retry, cause, this.#attempt)) {
        const delay = Math.max(retryDelayMs(this.#attempt, options.retry, options.random), retryAfterMsOf(cause));
        retryAt = this.#clock.now() + delay;
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
    if (this.#demand === 0 || this.#disposed || this.#background !== undefined) return;
    // Errors are handled in #fail; this subscription only keeps the refresh wanted.
    const background = this.#startRefresh().result.subscribe({ error: () => {} });
    if (!background.closed) this.#background = background;
  }

  #addDemand(): void {
    this.#demand += 1;
    if (this.#demand > 1 || this.#disposed) return;
    if (this.#refresh !== undefined) this.#refreshInBackground();
    else
      this.#nextRefreshAt = proactiveRefreshAt(
        this.#token,
        this.#clock.now(),
        (this.#options as ResolvedRefreshOptions).random,
      );
    this.#publish();
    this.#reschedule();
  }

  #removeDemand(): void {
    this.#demand -= 1;
    if (this.#demand > 0) return;
    this.#nextRefreshAt = undefined;
    const background = this.#background;
    this.#background = undefined;
    background?.unsubscribe(); // callers still waiting keep the refresh; otherwise it is cancelled (C8)
    if (this.#failure !== undefined) this.#failure = { ...this.#failure, retryAt: undefined };
    this.#publish();
    this.#reschedule();
  }

  // One entry in the schedule covers every reason to wake: the next refresh or retry, and, while
  // somebody watches the state, the moment its token expires and must leave it (C17).
  #reschedule(): void {
    const queue = dueQueueFor(this.#clock);
    if (this.#disposed) return queue.cancel(this);
    let dueAt = this.#nextRefreshAt ?? Number.POSITIVE_INFINITY;
    const shown = this.#states.value as { token?: AccessToken };
    if (shown.token !== undefined && this.#states.observed) dueAt = Math.min(dueAt, shown.token.expiresOnTimestamp);
    if (dueAt === Number.POSITIVE_INFINITY) queue.cancel(this);
    else if (dueAt !== this.dueAt || this.heapIndex === -1) queue.schedule(this, dueAt);
  }

  #currentState(): CredentialState {
    if (this.#disposed) return createState({ status: "disposed" });
    const token = this.#token !== undefined && isUnexpired(this.#token, this.#clock.now()) ? this.#token : undefined;
    if (this.#refresh !== undefined) return createState({ status: "refreshing", token });
    const failure = this.#failure;
    if (failure !== undefined)
      return createState({ status: "failed", token, error: failure.error, retryAt: failure.retryAt });
    if (token !== undefined) return createState({ status: "ready", token, refreshAt: this.#nextRefreshAt });
    return createState({ status: "idle" });
  }

  #publish(): void {
    const state = this.#currentState();
    if (!isSameState(state, this.#states.value)) this.#states.next(state);
  }
}
